"""Every weight and threshold of place ranking, in one typed object.

A candidate's score is `text × (1 − prominence_weight × (1 − prominence))`: how well the text
matched (1 for an exact name, less for a typo or a stretched reading), discounted a little for
small places so that, among equally good text matches, the bigger place ranks first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class PlaceWeights:
    """Ranking constants of place resolution (see the module docstring for the formula)."""

    # Share of the score that prominence can take away from a perfect text match.
    prominence_weight: float = 0.15
    # Prominence of a place with a known population: floor + span × log10(pop) / log10 of
    # the population that counts as "largest"; unknown populations stay below the floor.
    known_floor: float = 0.3
    known_span: float = 0.7
    largest_population: float = 1e7
    # Unknown population: at most this prominence, reached at `zip_count_full` ZIP codes.
    unknown_cap: float = 0.3
    zip_count_full: int = 50
    # States are named far more often than their size rank suggests; give them a fixed prominence.
    state_prominence: float = 0.95
    # Text multipliers of readings other than the literal name.
    alias_text: float = 0.98  # "nyc", "sf", "la"
    county_base_text: float = 0.9  # "mendocino" read as Mendocino County
    # "Trinity, XX" with no Trinity known in XX: the state itself, then the name elsewhere.
    state_fallback_text: float = 0.65
    wrong_state_text: float = 0.6
    county_abbreviation_text: float = 0.9  # "Meeker Co": Meeker, CO before Meeker County, MN
    zip3_text: float = 0.5  # an unknown ZIP placed at its 3-digit prefix's centroid
    # Fuzzy matches: rapidfuzz ratio (0..1) must reach `fuzzy_min` (or `phonetic_min` when the
    # metaphone keys agree); the text score is `fuzzy_cap × ratio` (+ `phonetic_bonus`).
    fuzzy_min: float = 0.8
    phonetic_min: float = 0.6
    phonetic_bonus: float = 0.05
    fuzzy_cap: float = 0.95
    # Blocking: how many names the trigram index hands to the fuzzy scorer per reading, and
    # the largest phonetic bucket still worth scoring in full.
    trigram_candidates: int = 48
    phonetic_bucket_max: int = 64
    # Exact-name hits whose prominence is within this margin of the best one make it ambiguous
    # (0.07 of prominence ≈ a population ratio of 10 ** (0.07 / 0.7 × 7) ≈ 5).
    ambiguity_margin: float = 0.07
    # ... counting only hits farther than this from the best one (a town and its county, or a
    # city and a neighbourhood, lead to the same doctors).
    ambiguity_distance_miles: float = 50.0
    # ... and only hits read as literally as the best one: "LA" as Louisiana and as the
    # nickname of Los Angeles are rivals; Mendocino County for "Mendocino" is not.
    rival_text_gap: float = 0.05
    # looks_like_place: a lone two-letter code ("CA", but also "MS", "CT", "PT" in medicine),
    # lower still when it is also an English word ("in", "me", "or").
    lone_code_likeness: float = 0.5
    word_code_likeness: float = 0.2
    # looks_like_place of a bare name is scaled by floor + (1 − floor) × prominence: "Ukiah"
    # reads as a place, "colon" (a town in Michigan) mostly as a word.
    bare_name_floor: float = 0.5

    def prominence(self, population: int | None, zip_count: int) -> float:
        """0..1: how likely a place is meant, from its population, else its number of ZIPs."""
        if population is not None and population > 0:
            scale = math.log10(population) / math.log10(self.largest_population)
            return self.known_floor + self.known_span * min(1.0, max(0.0, scale))
        scale = math.log10(1 + zip_count) / math.log10(1 + self.zip_count_full)
        return self.unknown_cap * min(1.0, scale)

    def score(self, text: float, prominence: float) -> float:
        """The combined 0..1 score of a candidate."""
        return text * (1.0 - self.prominence_weight * (1.0 - prominence))


WEIGHTS = PlaceWeights()
