"""Providers and hospitals planted on purpose, so that demos and tests have known answers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Anchor:
    """A provider placed in a named city who always bills the given codes and drugs."""

    role: str
    kind: str
    city: str
    codes: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()
    also_in: tuple[str, ...] = ()  # cities of secondary practice locations


_METS_SF = ("32505", "32506", "32666", "32667", "32480", "32484", "32669")
_PSORIASIS_BIOLOGICS = ("sotyktu", "skyrizi", "tremfya", "cosentyx", "humira", "tazorac", "vtama")

UKIAH_ANCHORS: tuple[Anchor, ...] = (
    Anchor("dermatologist, Ukiah: Mohs and phototherapy", "derm", "Ukiah",
           ("17311", "17312", "17313", "96910", "96920"),
           ("otezla", "calcipotriene", "clobetasol", "methotrexate")),
    Anchor("dermatologist, Ukiah: psoriasis", "derm", "Ukiah", ("96910", "96912", "17000"),
           _PSORIASIS_BIOLOGICS),
    Anchor("Mohs surgeon, Santa Rosa (outreach in Ukiah)", "mohs", "Santa Rosa",
           ("17311", "17312", "17313", "17314", "17315"), (), ("Ukiah",)),
    Anchor("Mohs surgeon, San Francisco", "mohs", "San Francisco", ("17311", "17312", "17315")),
    Anchor("dermatologist, Santa Rosa: phototherapy", "derm", "Santa Rosa",
           ("96900", "96910", "96913", "96920", "96921", "96922"),
           ("stelara", "taltz", "bimzelx", "siliq", "acitretin", "enbrel")),
    Anchor("thoracic surgeon, Santa Rosa (outreach in Ukiah)", "thoracic", "Santa Rosa",
           ("32505", "32666", "32663", "32480"), (), ("Ukiah",)),
    Anchor("thoracic surgeon, Santa Rosa", "thoracic", "Santa Rosa",
           ("32505", "32506", "32666", "32667")),
    Anchor("thoracic surgeon, San Francisco", "thoracic", "San Francisco", _METS_SF),
    Anchor("thoracic surgeon, San Francisco", "thoracic", "San Francisco",
           ("32505", "32666", "32669", "32663")),
    Anchor("thoracic surgeon, Oakland", "thoracic", "Oakland", ("32666", "32663", "32505")),
    Anchor("surgical oncologist, San Francisco", "surgonc", "San Francisco",
           ("47120", "47122", "32505")),
    Anchor("transplant surgeon, San Francisco", "transplant", "San Francisco",
           ("47125", "47130", "47122", "47120")),
    Anchor("colon and rectal surgeon, Santa Rosa", "colorectal", "Santa Rosa", ("47120", "45385")),
    Anchor("general surgeon, Ukiah: occasional lung metastasectomy", "gensurg", "Ukiah",
           ("32505", "47562")),
    Anchor("rheumatologist, Ukiah", "rheum", "Ukiah", ("20610",),
           ("methotrexate", "humira", "enbrel", "otezla")),
    Anchor("rheumatologist, Santa Rosa", "rheum", "Santa Rosa", (),
           ("xeljanz", "rinvoq", "cosentyx")),
    Anchor("family physician, Ukiah", "fm", "Ukiah", ("99214", "G0439")),
    Anchor("family physician, Ukiah", "fm", "Ukiah", ("99213",)),
    Anchor("nurse practitioner, Ukiah", "npf", "Ukiah", ("99213",)),
    Anchor("internist, Willits", "im", "Willits", ("99214",)),
    Anchor("family physician, Fort Bragg", "fm", "Fort Bragg", ("99214",)),
    Anchor("internist, Lakeport", "im", "Lakeport", ("99214",)),
)  # fmt: skip

# Cities that get a hospital in the Ukiah region, and whether it is a critical access hospital.
UKIAH_HOSPITAL_CITIES: tuple[tuple[str, bool], ...] = (
    ("Ukiah", False), ("Willits", True), ("Fort Bragg", True), ("Lakeport", True),
    ("Clearlake", True), ("Santa Rosa", False), ("Santa Rosa", False), ("Santa Rosa", False),
    ("Healdsburg", True), ("Petaluma", False), ("Sonoma", True), ("Greenbrae", False),
    ("Novato", False), ("Napa", False), ("Vallejo", False), ("Fairfield", False),
    ("San Francisco", False), ("San Francisco", False), ("San Francisco", False),
    ("San Francisco", False), ("San Francisco", False), ("Oakland", False), ("Oakland", False),
    ("Oakland", False), ("Berkeley", False), ("Walnut Creek", False), ("Concord", False),
)  # fmt: skip
