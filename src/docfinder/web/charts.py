"""Small inline SVG bar charts (no JavaScript), each with a text equivalent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT, BAR_GAP, LABEL_HEIGHT, TOP = 320, 120, 8, 18, 16


def bars(title: str, values: Mapping[int, float], unit: str) -> dict[str, Any]:
    """A bar per year: {"title", "svg" (safe markup), "rows" [(year, value)]}."""
    years = sorted(values)
    rows = [(y, values[y]) for y in years]
    return {"title": title, "svg": _svg(title, rows, unit), "rows": rows, "unit": unit}


def _svg(title: str, rows: list[tuple[int, float]], unit: str) -> Markup:
    highest = max((v for _, v in rows), default=0.0) or 1.0
    slot = WIDTH / max(len(rows), 1)
    bar = max(4.0, min(48.0, slot - BAR_GAP))
    plot = HEIGHT - LABEL_HEIGHT - TOP
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">'
    ]
    for i, (year, value) in enumerate(rows):
        h = plot * value / highest
        x = i * slot + (slot - bar) / 2
        y = TOP + plot - h
        label = f"{year}: {value:,.0f} {unit}"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}">'
            f"<title>{escape(label)}</title></rect>"
            f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{value:,.0f}</text>'
            f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - 4}" text-anchor="middle">{year}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
