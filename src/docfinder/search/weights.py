"""Every ranking weight and threshold, in one typed object (documented in docs/ranking.md).

Nothing else in the ranking carries a number that changes the order. No factor depends on
payment to docfinder, and every factor is shown in a result's score breakdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DistanceDecay:
    """How fast a result's score falls with distance: score x 0.5 ** (miles / half_miles)."""

    half_miles: float
    start_radius_miles: float
    max_radius_miles: float


@dataclass(frozen=True)
class RankingWeights:
    # The score is (experience, fit, quality) blended by these, times the distance decay.
    experience: float = 0.60
    specialty_fit: float = 0.30
    data_quality: float = 0.10

    # Experience: a recency-weighted yearly volume, shrunk toward a prior, on a log scale that
    # reaches 1.0 at the `saturation_percentile` of the results' volumes (volumes differ by
    # orders of magnitude between treatments), but never below `*_saturation` a year.
    recency_half_life_years: float = 2.0
    saturation_percentile: float = 0.9
    procedure_saturation: float = 20.0  # services a year, the least that reads as "a lot"
    drug_saturation: float = 50.0  # Part D claims a year
    # Shrinkage: a provider's yearly volume counts as if `prior_years` more years had the
    # typical volume among the results (the median of those with the same kind of evidence).
    prior_years: float = 1.0
    # With services and beneficiaries both known, the experience volume blends them: many
    # services for few patients (repeat stages) count a little less than many patients.
    beneficiary_share: float = 0.5

    # Freshness: experience counts half for every `stale_half_life_years` its newest year lies
    # behind the newest year of the same evidence among the results.
    stale_half_life_years: float = 2.0

    # Specialty fit: the catalog weight of the best matching taxonomy, times this for a
    # taxonomy that is not the provider's primary one.
    secondary_taxonomy_factor: float = 0.8
    # A provider whose only link is claims (no listed specialty) keeps this much fit.
    evidence_only_fit: float = 0.35

    # Data quality (each 0..1, summed then capped at 1).
    recent_update_years: float = 3.0
    recent_update_points: float = 0.4
    confirmed_address_points: float = 0.3  # the same ZIP from two or more sources
    rated_hospital_points: float = 0.3  # x stars / 5 of the best-rated affiliated hospital

    # Distance: procedures people travel for decay slowly; routine care fast.
    travel: DistanceDecay = field(
        default_factory=lambda: DistanceDecay(
            half_miles=60.0, start_radius_miles=25.0, max_radius_miles=250.0
        )
    )
    routine: DistanceDecay = field(
        default_factory=lambda: DistanceDecay(
            half_miles=15.0, start_radius_miles=10.0, max_radius_miles=100.0
        )
    )

    # The radius grows (x radius_growth) until this many candidates have evidence or a core
    # specialty, or the maximum radius is reached.
    enough_good_candidates: int = 15
    radius_growth: float = 2.0
    good_fit: float = 0.6
    # Candidates examined per search, nearest first, before scoring.
    max_candidates: int = 5000


DEFAULT_WEIGHTS = RankingWeights()
