"""Typed settings of the web app. Precedence: defaults < DOCFINDER_* environment < CLI flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from docfinder.config import resolve_db

# docs/ beside src/ in a source checkout; an installed wheel has none (see `docs_dir`).
_REPO_DOCS = Path(__file__).resolve().parents[3] / "docs"

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"


@dataclass(frozen=True)
class WebSettings:
    """Everything the app factory needs; each field documents itself in docs/web.md."""

    db: str
    # Absolute origin used in canonical links, JSON-LD and sitemaps ("https://example.org").
    # Empty: the origin of each request.
    base_url: str = ""
    site_name: str = "docfinder"
    # Leaflet tile template; empty draws the markers on a blank map (no network needed).
    tile_url: str = OSM_TILES
    tile_attribution: str = OSM_ATTRIBUTION
    # Where "report an error" links send mail.
    report_email: str = "corrections@docfinder.example"
    # Origins allowed to call /api/v1 from a browser; empty allows none, "*" allows any.
    cors_origins: tuple[str, ...] = ()
    page_size: int = 20
    # Cache-Control max-age of pages and API answers that depend only on the store.
    cache_seconds: int = 300
    # Folder holding ranking.md for the "how we rank" page.
    docs_dir: Path | None = field(
        default_factory=lambda: _REPO_DOCS if _REPO_DOCS.is_dir() else None
    )
    # Build the query understanding at start-up rather than on the first search.
    warm_up: bool = True
    # Rendering for `docfinder export`: no forms that need a server, no paging.
    static_export: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> WebSettings:
        """Settings from DOCFINDER_* variables, then keyword overrides (CLI flags)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {"db": resolve_db(env.get("DOCFINDER_DB"))}
        for name, kind in _ENV_FIELDS.items():
            raw = env.get(f"DOCFINDER_{name.upper()}")
            if raw is not None:
                values[name] = _parse(raw, kind)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def with_db(self, db: str) -> WebSettings:
        return replace(self, db=db)


_ENV_FIELDS = {
    "base_url": str,
    "site_name": str,
    "tile_url": str,
    "tile_attribution": str,
    "report_email": str,
    "cors_origins": tuple,
    "page_size": int,
    "cache_seconds": int,
    "docs_dir": Path,
    "warm_up": bool,
}


def _parse(raw: str, kind: type) -> object:
    if kind is tuple:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if kind is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if kind is Path:
        return Path(raw).expanduser()
    return kind(raw)
