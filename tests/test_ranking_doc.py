"""docs/ranking.md against the code: every weight with its default, and both worked examples.

The worked examples are recomputed twice: here, from the formulas the page states and the
weights object, and by the engine's SQL and scoring on rows built to match the page's story.
When a weight or a formula changes, these tests fail and print the lines the page should now
carry.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from docfinder.search.candidates import Target
from docfinder.search.engine import Filters
from docfinder.search.features import candidate_features, locate, target_lists
from docfinder.search.scoring import score_features
from docfinder.search.weights import DistanceDecay, RankingWeights
from docfinder.store.duckdb_store import schema_sql
from docfinder.store.merge import SEARCH_TABLES

DOC = Path(__file__).resolve().parents[1] / "docs" / "ranking.md"
W = RankingWeights()  # the defaults, which the page documents
NEWEST_YEAR = 2021
PLACE = "Ukiah, CA"

# A weights-table row: | `name` | value | ...
_ROW = re.compile(r"^\|\s*`([a-z_.]+)`\s*\|\s*([0-9][0-9.,]*)\s*\|", re.MULTILINE)


def _flat(text: str) -> str:
    """Whitespace collapsed, so wrapped prose and aligned code lines compare as written."""
    return " ".join(text.split())


def _section(heading: str) -> str:
    """The page from the heading containing `heading` to the next heading of its level or above."""
    lines = DOC.read_text(encoding="utf-8").splitlines()

    def level(line: str) -> int:
        return len(line) - len(line.lstrip("#")) if line.startswith("#") else 0

    start = next((i for i, line in enumerate(lines) if level(line) and heading in line), None)
    assert start is not None, f"docs/ranking.md has no heading containing {heading!r}"
    end = next(
        (j for j in range(start + 1, len(lines)) if 0 < level(lines[j]) <= level(lines[start])),
        len(lines),
    )
    return "\n".join(lines[start:end])


def _missing(section: str, expected: list[str]) -> list[str]:
    text = _flat(_section(section))
    return [line for line in expected if _flat(line) not in text]


# --- every weight, with its default ----------------------------------------------------------


def _defaults() -> dict[str, float]:
    out: dict[str, float] = {}
    for f in fields(RankingWeights):
        value = getattr(W, f.name)
        if isinstance(value, DistanceDecay):
            for g in fields(DistanceDecay):
                out[f"{f.name}.{g.name}"] = float(getattr(value, g.name))
        else:
            out[f.name] = float(value)
    return out


def test_every_weight_is_documented_with_its_default() -> None:
    rows = _ROW.findall(_section("Every weight and threshold"))
    documented = {name: float(value.replace(",", "")) for name, value in rows}
    expected = _defaults()
    missing = sorted(set(expected) - set(documented))
    unknown = sorted(set(documented) - set(expected))
    wrong = {
        name: f"page says {documented[name]:g}, code says {value:g}"
        for name, value in expected.items()
        if name in documented and not math.isclose(documented[name], value)
    }
    assert not missing, f"weights not in docs/ranking.md section 2: {missing}"
    assert not unknown, f"docs/ranking.md section 2 names weights the code lacks: {unknown}"
    assert not wrong, f"docs/ranking.md section 2 has stale defaults: {wrong}"


def test_every_distance_setting_field_is_named() -> None:
    text = _section("Every weight and threshold")
    for decay in ("travel", "routine"):
        for f in fields(DistanceDecay):
            assert f"`{decay}.{f.name}`" in text


# --- the worked examples, from the formulas the page states -------------------------------


@dataclass(frozen=True)
class Doctor:
    """One doctor of a worked example, scored by the page's formulas."""

    volume: float
    years: int
    miles: float
    median: float
    top: float
    floor: float
    decay: DistanceDecay
    quality: float = W.recent_update_points  # only the recent NPPES update
    fit: float = 1.0  # primary taxonomy of catalog weight 1.0

    @property
    def shrunk(self) -> float:
        prior = W.prior_years
        return (self.volume * self.years + self.median * prior) / (self.years + prior)

    @property
    def ceiling(self) -> float:
        return max(self.top, self.floor)

    @property
    def experience(self) -> float:
        if not self.years:
            return 0.0
        return min(1.0, math.log1p(self.shrunk) / math.log1p(self.ceiling))  # freshness 1

    @property
    def base(self) -> float:
        return (
            W.experience * self.experience
            + W.specialty_fit * self.fit
            + W.data_quality * self.quality
        )

    def distance_factor(self, decay: DistanceDecay | None = None) -> float:
        return float(0.5 ** (self.miles / (decay or self.decay).half_miles))

    def score(self, decay: DistanceDecay | None = None) -> float:
        return self.base * self.distance_factor(decay)


def _pct_index(n: int) -> int:
    return int(W.saturation_percentile * (n - 1))


def _g(values: list[float]) -> str:
    return ", ".join(f"{v:g}" for v in values)


def _blend(d: Doctor) -> str:
    return (
        f"base = {W.experience:.2f} × {d.experience:.4f} + {W.specialty_fit:.2f} × {d.fit:.4f}"
        f" + {W.data_quality:.2f} × {d.quality:.4f} = {d.base:.4f}"
    )


def _quality_line() -> str:
    return (
        f"data_quality = {W.recent_update_points:g} (NPPES record updated within "
        f"{W.recent_update_years:g} years) = {W.recent_update_points:.4f}"
    )


def _shrink_lines(d: Doctor) -> list[str]:
    half = d.decay.half_miles
    return [
        f"shrunk_volume = ({d.volume:.1f} × {d.years} + {d.median:g} × {W.prior_years:g})"
        f" / ({d.years} + {W.prior_years:g}) = {d.shrunk:.2f}",
        f"experience = min(1, ln(1 + {d.shrunk:.2f}) / ln(1 + {d.ceiling:g})) × 1.0000"
        f" = {d.experience:.4f}",
        _blend(d),
        f"distance_factor = 0.5^({d.miles:g} / {half:g}) = {d.distance_factor():.4f}",
        f"score = {d.base:.4f} × {d.distance_factor():.4f} = {d.score():.3f}",
    ]


# Example 1: Mohs surgery. Dr A bills 48 services for 32 patients a year in 2019-2021.
A_SERVICES, A_PATIENTS, A_YEARS = 48, 32, (2019, 2020, 2021)
OTHERS_1 = [12.0, 15.0, 20.0, 30.0, 120.0, 400.0]
# Example 2: psoriasis, Part D claims for calcipotriene.
C_CLAIMS, C_YEARS = 60, (2020, 2021)
D_CLAIMS, D_YEARS = 300, (2019, 2020, 2021)
OTHERS_2 = [20.0, 35.0, 80.0, 150.0, 500.0]


def _example_1() -> tuple[Doctor, Doctor, list[str]]:
    share, half_life = W.beneficiary_share, W.recency_half_life_years
    amount = (1 - share) * A_SERVICES + share * A_PATIENTS
    recency = [0.5 ** ((A_YEARS[-1] - y) / half_life) for y in A_YEARS]
    volume = sum(r * amount for r in recency) / sum(recency)
    volumes = sorted([*OTHERS_1, volume])
    median, index = statistics.median(volumes), _pct_index(len(volumes))
    top = volumes[index]
    a = Doctor(volume, len(A_YEARS), 50, median, top, W.procedure_saturation, W.travel)
    b = Doctor(0.0, 0, 5, median, top, W.procedure_saturation, W.travel)
    fresh = 0.5 ** ((NEWEST_YEAR - A_YEARS[-1]) / W.stale_half_life_years)
    pct, n = W.saturation_percentile, len(volumes)
    breakeven = W.travel.half_miles * math.log2(a.base / b.score())
    r = W.routine
    lines = [
        f"amount a year = (1 - {share:g}) × {A_SERVICES} + {share:g} × {A_PATIENTS} = {amount:.1f}",
        f"recency weights = 0.5^(2/{half_life:g}), 0.5^(1/{half_life:g}), 0.5^(0/{half_life:g})"
        f" = {recency[0]:.4f}, {recency[1]:.4f}, {recency[2]:.4f}",
        "yearly_volume = ("
        + " + ".join(f"{w:.4f} × {amount:.1f}" for w in recency)
        + f") / {sum(recency):.4f} = {volume:.1f}",
        f"median = median({_g(volumes)}) = {median:g}",
        f"{pct * 100:g}th percentile = sorted[int({pct:g} × ({n} - 1))] = sorted[{index}]"
        f" = {top:g}",
        f"saturation_volume = max({top:g}, {W.procedure_saturation:g}) = {a.ceiling:g}",
        f"freshness = 0.5^(({NEWEST_YEAR} - {A_YEARS[-1]}) / {W.stale_half_life_years:g})"
        f" = {fresh:.4f}",
        *_shrink_lines(a),
        _quality_line(),
        f"experience = 0 (no rows: fewer than 11 a year, or none) = {b.experience:.4f}",
        _blend(b),
        f"distance_factor = 0.5^({b.miles:g} / {W.travel.half_miles:g})"
        f" = {b.distance_factor():.4f}",
        f"score = {b.base:.4f} × {b.distance_factor():.4f} = {b.score():.3f}",
        f"Dr A ({a.score():.3f}) ranks above Dr B ({b.score():.3f})",
        f"{W.travel.half_miles:g} × log2({a.base:.4f} / {b.score():.4f}) = {breakeven:.1f} miles",
        f"0.5^({a.miles:g} / {r.half_miles:g}) = {a.distance_factor(r):.4f}, giving"
        f" {a.base:.4f} × {a.distance_factor(r):.4f} = {a.score(r):.3f}",
        f"0.5^({b.miles:g} / {r.half_miles:g}) = {b.distance_factor(r):.4f}, giving"
        f" {b.base:.4f} × {b.distance_factor(r):.4f} = {b.score(r):.3f}",
    ]
    return a, b, lines


def _example_2() -> tuple[Doctor, Doctor, list[str]]:
    volumes = sorted([*OTHERS_2, float(C_CLAIMS), float(D_CLAIMS)])
    median, index = statistics.median(volumes), _pct_index(len(volumes))
    top, floor, pct, n = volumes[index], W.drug_saturation, W.saturation_percentile, len(volumes)
    c = Doctor(C_CLAIMS, len(C_YEARS), 3, median, top, floor, W.routine)
    d = Doctor(D_CLAIMS, len(D_YEARS), 20, median, top, floor, W.routine)
    breakeven = W.routine.half_miles * math.log2(d.base / c.score())
    lines = [
        f"median = median({_g(volumes)}) = {median:g}",
        f"{pct * 100:g}th percentile = sorted[int({pct:g} × ({n} - 1))] = sorted[{index}]"
        f" = {top:g}",
        f"saturation_volume = max({top:g}, {floor:g}) = {c.ceiling:g}",
        *_shrink_lines(c),
        *_shrink_lines(d),
        f"Dr C ({c.score():.3f}) ranks above Dr D ({d.score():.3f})",
        f"{W.routine.half_miles:g} × log2({d.base:.4f} / {c.score():.4f}) = {breakeven:.1f} miles",
    ]
    return c, d, lines


def test_worked_example_1_numbers_match_the_formulas() -> None:
    a, b, lines = _example_1()
    assert a.score() > b.score(), "the page says the surgeon 50 miles away ranks first"
    assert b.score(W.routine) > a.score(W.routine), "the page says routine care swaps them"
    missing = _missing("Worked example 1", lines)
    assert not missing, "docs/ranking.md 1.10 should read:\n" + "\n".join(missing)


def test_worked_example_2_numbers_match_the_formulas() -> None:
    c, d, lines = _example_2()
    assert c.score() > d.score(), "the page says the nearer prescriber ranks first"
    missing = _missing("Worked example 2", lines)
    assert not missing, "docs/ranking.md 1.11 should read:\n" + "\n".join(missing)


# --- the same examples through the scoring code ---------------------------------------------


ORIGIN = (39.15, -123.21)  # the searched point
MOHS = {"207ND0101X": 1.0}  # the taxonomy every example doctor lists as primary


@dataclass(frozen=True)
class Row:
    """One doctor of an example as the store holds it: rows by year, and a distance."""

    npi: int
    miles: float
    procedures: tuple[tuple[int, float, int | None], ...] = ()  # (year, services, patients)
    drugs: tuple[tuple[int, float], ...] = ()  # (year, Part D claims)


def _scored(rows: list[Row], target: Target) -> dict[int, dict[str, Any]]:
    """Score rows put into an empty store of docfinder's schema, by the engine's own SQL and
    scoring: a primary taxonomy of weight 1.0, an NPPES record updated a month ago, a practice
    location due north of the searched point at the row's distance."""
    con = duckdb.connect()
    con.execute(schema_sql())
    updated = date.today() - timedelta(days=30)
    for r in rows:
        con.execute(
            "INSERT INTO providers (npi, entity_type, last_update_date, status)"
            " VALUES (?, 'I', ?, 'active')",
            [r.npi, updated],
        )
        con.execute(
            "INSERT INTO locations (npi, kind, zip5, lat, lon, is_current)"
            " VALUES (?, 'practice', '95482', ?, ?, true)",
            [r.npi, ORIGIN[0] + math.degrees(r.miles / 3958.8), ORIGIN[1]],
        )
        con.execute(
            "INSERT INTO provider_taxonomies (npi, slot, taxonomy_code, is_primary)"
            " VALUES (?, 1, '207ND0101X', true)",
            [r.npi],
        )
        for year, services, patients in r.procedures:
            con.execute(
                "INSERT INTO procedure_volumes (npi, hcpcs_code, data_year, services,"
                " beneficiaries) VALUES (?, '17311', ?, ?, ?)",
                [r.npi, year, services, patients],
            )
        for year, claims in r.drugs:
            con.execute(
                "INSERT INTO drug_volumes (npi, generic_name, data_year, claims)"
                " VALUES (?, ?, ?, ?)",
                [r.npi, "calcipotriene", year, claims],
            )
    con.execute("INSERT INTO drug_names SELECT DISTINCT generic_name FROM drug_volumes")
    for sql in SEARCH_TABLES:
        con.execute(sql)
    lists = target_lists(con, target)
    locate(con, lists, *ORIGIN, 100.0, Filters(), W)
    found = candidate_features(con, lists, 100.0, W)
    assert sorted(found.npi.tolist()) == sorted(r.npi for r in rows)
    table = score_features(found, target.travel, W)
    return {int(npi): {"score": float(table.score[i]), **table.breakdown(i)}
            for i, npi in enumerate(table.features.npi)}  # fmt: skip


def _agrees(s: dict[str, Any], doctor: Doctor) -> None:
    assert s["score"] == pytest.approx(doctor.score(), abs=1e-6)
    assert s["experience"] == pytest.approx(doctor.experience, abs=1e-4)
    assert s["base"] == pytest.approx(doctor.base, abs=1e-4)
    assert s["specialty_fit"] == pytest.approx(doctor.fit)
    assert s["data_quality"] == pytest.approx(doctor.quality)
    if doctor.years:
        assert s["shrunk_volume"] == pytest.approx(doctor.shrunk, abs=0.01)
        assert s["saturation_volume"] == pytest.approx(doctor.ceiling, abs=0.1)


def test_worked_example_1_is_what_the_code_computes() -> None:
    a, b, _ = _example_1()
    target = Target("mohs-surgery", "Mohs surgery", "procedure", MOHS, {"17311": 1.0}, {}, True)
    rows = tuple((y, float(A_SERVICES), A_PATIENTS) for y in A_YEARS)
    others = [Row(10 + i, 30, ((NEWEST_YEAR, v, None),)) for i, v in enumerate(OTHERS_1)]
    scored = _scored([Row(1, a.miles, rows), Row(2, b.miles), *others], target)
    _agrees(scored[1], a)
    _agrees(scored[2], b)


def test_worked_example_2_is_what_the_code_computes() -> None:
    c, d, _ = _example_2()
    target = Target("psoriasis", "Psoriasis", "condition", MOHS, {}, {"calcipotriene": 1.0}, False)
    others = [Row(20 + i, 10, drugs=((NEWEST_YEAR, v),)) for i, v in enumerate(OTHERS_2)]
    doctors = [
        Row(3, c.miles, drugs=tuple((y, float(C_CLAIMS)) for y in C_YEARS)),
        Row(4, d.miles, drugs=tuple((y, float(D_CLAIMS)) for y in D_YEARS)),
    ]
    scored = _scored([*doctors, *others], target)
    _agrees(scored[3], c)
    _agrees(scored[4], d)


def test_every_breakdown_field_is_explained() -> None:
    target = Target("mohs-surgery", "Mohs surgery", "procedure", MOHS, {"17311": 1.0}, {}, True)
    scored = _scored([Row(1, 5, ((NEWEST_YEAR, 20.0, 15),))], target)
    text = _section("breakdown")
    missing = [key for key in scored[1] if key != "score" and f"`{key}`" not in text]
    assert not missing, f"docs/ranking.md 1.14 does not explain: {missing}"
