"""Generate fictional providers in the official public file layouts, on real US geography.

`generate(outdir, region, scale, seed, years)` writes NPPES, Medicare by provider and service,
Part D by provider and drug, Doctors & Clinicians and Hospital General Information files, and
a manifest. Every person and organisation is invented and marked as such ("FICTIONAL DEMO
PROVIDER" in the second address line, "DEMO" in organisation names, 555-01XX phones); the
ZIP codes, cities and states are real. The same arguments always give byte-identical files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from docfinder.generate import layouts
from docfinder.generate.claims import ServiceWriter
from docfinder.generate.dac import DacWriter
from docfinder.generate.drugs import DRUGS
from docfinder.generate.geography import resolve_region
from docfinder.generate.hospitals import Hospitals
from docfinder.generate.identity import Identity
from docfinder.generate.kinds import KINDS
from docfinder.generate.nppes import NppesWriter
from docfinder.generate.partd import PartDWriter
from docfinder.generate.providers import (
    CLAIMS_ONLY,
    DEACTIVATED,
    REACTIVATED,
    Population,
    build_population,
)

__all__ = ["DEFAULT_YEARS", "Manifest", "ProgressCallback", "generate", "planned_npis"]

DEFAULT_YEARS = (2023,)
MAX_LISTED = 50  # planted NPIs listed per edge case in the manifest

# Called as progress(task, advance, total): `advance` more units of `total` are done.
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Manifest:
    """What a run wrote: arguments, rows per file, and the planted edge cases."""

    region: str
    scale: float
    seed: int
    years: list[int]
    files: dict[str, int]
    counts: dict[str, int]
    planted: dict[str, object] = field(default_factory=dict)
    note: str = (
        "Fictional providers on real US geography, in official CMS/NPPES layouts. "
        "Not real people or organisations; do not use for care decisions."
    )

    def to_json(self) -> str:
        """The manifest as stable, human-readable JSON."""
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def _quiet(task: str, advance: int, total: int) -> None:
    """A progress callback that reports nothing."""


def planned_npis(region: str, scale: float | None = None) -> int:
    """About how many NPIs a run of `region` at `scale` makes (raises InputError if unknown)."""
    place = resolve_region(region)
    return round(place.npis_at_scale_1 * (place.default_scale if scale is None else scale))


def generate(
    outdir: Path | str,
    region: str = "ukiah",
    scale: float | None = None,
    seed: int = 0,
    years: Sequence[int] = DEFAULT_YEARS,
    progress: ProgressCallback = _quiet,
) -> Manifest:
    """Write all files for a region into `outdir` and return the manifest."""
    place = resolve_region(region)
    chosen_scale = place.default_scale if scale is None else scale
    if chosen_scale <= 0:
        raise ValueError("scale must be positive")
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    progress("Drawing providers", 0, 1)
    pop = build_population(place, chosen_scale, seed)
    progress("Drawing providers", 1, 1)
    files = _write_files(pop, out, sorted(set(years)), progress)
    manifest = Manifest(
        region=place.name,
        scale=chosen_scale,
        seed=seed,
        years=sorted(set(years)),
        files=files,
        counts=_counts(pop),
        planted=_planted(pop),
    )
    (out / layouts.MANIFEST_FILE).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _write_files(
    pop: Population, out: Path, years: list[int], progress: ProgressCallback
) -> dict[str, int]:
    ident = Identity(pop)
    files: dict[str, int] = {}
    nppes = NppesWriter(pop, ident)
    listed = int((pop.status != CLAIMS_ONLY).sum())
    report = _reporter(progress, "NPPES", listed)
    files[layouts.NPPES_FILE] = nppes.write(out / layouts.NPPES_FILE, report)
    files[layouts.PL_FILE] = nppes.write_secondary(out / layouts.PL_FILE)
    services, partd = ServiceWriter(pop, ident), PartDWriter(pop, ident)
    for year in years:
        name = layouts.mup_service_file(year)
        report = _reporter(progress, f"By service {year}", services.billers(year).size)
        files[name] = services.write(out / name, year, report)
        name = layouts.partd_file(year)
        report = _reporter(progress, f"Part D {year}", partd.prescribers(year).size)
        files[name] = partd.write(out / name, year, report)
    hospitals = Hospitals(pop, ident)
    files[layouts.HOSPITAL_FILE] = hospitals.write(out / layouts.HOSPITAL_FILE, pop.seed)
    dac = DacWriter(pop, ident, hospitals)
    rows = dac.plan_rows()
    report = _reporter(progress, "Doctors & Clinicians", rows.member.size)
    files[layouts.DAC_FILE] = dac.write(out / layouts.DAC_FILE, report, rows)
    return files


def _reporter(progress: ProgressCallback, task: str, total: int) -> Callable[[int], None]:
    def report(advance: int) -> None:
        progress(task, advance, total)

    return report


def _counts(pop: Population) -> dict[str, int]:
    is_org = np.array([k.entity == 2 for k in KINDS])[pop.kind]
    listed = pop.status != CLAIMS_ONLY
    return {
        "npis_in_nppes": int(listed.sum()),
        "individuals": int((listed & ~is_org).sum()),
        "organisations": int((listed & is_org).sum()),
        "deactivated": int((pop.status == DEACTIVATED).sum()),
        "reactivated": int((pop.status == REACTIVATED).sum()),
        "claims_only": int((pop.status == CLAIMS_ONLY).sum()),
        "secondary_locations": int(pop.secondary.owner.size),
        "providers_with_secondary_locations": int(np.unique(pop.secondary.owner).size),
        "hospitals": int(pop.hospital_index.size),
    }


def _npi_list(pop: Population, mask: NDArray[np.bool_]) -> list[int]:
    return [int(n) for n in np.sort(pop.npi[mask])[:MAX_LISTED]]


def _planted(pop: Population) -> dict[str, object]:
    multi = np.unique(pop.secondary.owner)
    anchors = [
        {
            "npi": int(pop.npi[i]),
            "role": a.role,
            "city": a.city,
            "codes": list(a.codes),
            "drugs": [DRUGS[d].brand for d in a.drugs],
            "also_in": list(a.also_in),
        }
        for a, i in pop.anchors
    ]
    return {
        "claims_only_npis": _npi_list(pop, pop.status == CLAIMS_ONLY),
        "deactivated_with_claims_npis": _npi_list(
            pop, (pop.status == DEACTIVATED) & pop.force_bill
        ),
        "reactivated_npis": _npi_list(pop, pop.status == REACTIVATED),
        "multi_location_npis": sorted(int(n) for n in pop.npi[multi[:MAX_LISTED]]),
        "anchors": anchors,
    }
