"""Every weight and threshold of what-matching, in one typed object (see docs/ranking.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MatchWeights:
    """How phrases are scored against a query; scores are 0..1, 1.0 only for an exact hit."""

    # A query must score at least this to be a match; below it, only `suggest` shows it.
    match_min: float = 0.72
    # Floor for `suggest`: nearer than this is worth offering as "did you mean".
    suggest_min: float = 0.35
    # Factor on a suggestion found only by comparing characters (no word in common).
    suggest_char_factor: float = 0.8
    # ...and only when the letters are at least this close (rapidfuzz ratio, 0..1).
    suggest_letters_min: float = 0.6
    # Any non-exact reading is capped here, so an exact hit always ranks first.
    fuzzy_cap: float = 0.97
    # Factor on a reading found only after dropping "doctor", "surgeon", "for"...
    role_word_cost: float = 0.97
    # Factor on reading a role as its act ("surgeon for my gallbladder" -> "surgery for my
    # gallbladder"): above dropping the role, below an exact hit ("brain surgeon").
    role_act_cost: float = 0.98
    # Factor on what follows "for" ("ablation for my afib" asks for the ablation; "afib" is
    # its reason): below the procedure before it, however that was found.
    for_object_cost: float = 0.93
    # Factor by source of the phrase: our catalog and curated lay names are trusted most;
    # NUCC's own names are formal; ICD-10-CM descriptions are long and formal.
    catalog_weight: float = 1.0
    curated_specialty_weight: float = 1.0
    nucc_weight: float = 0.95
    icd10_weight: float = 0.9
    # ...and this on top when an ICD-10-CM description is only near the query ("gas" ->
    # "gas gangrene", "weight gain" -> "low weight gain in pregnancy").
    icd10_fuzzy_factor: float = 0.93
    # Token alignment: score = query_coverage ** query_exponent * phrase_coverage **
    # phrase_exponent. Unmatched query words cost more than unmatched phrase words: a person
    # types less than a full name, and extra words may be a place.
    query_exponent: float = 0.7
    phrase_exponent: float = 0.4
    # A misspelt word matches a known word at this edit similarity (rapidfuzz ratio, 0..1);
    # words of 4-5 letters need a closer match, and words under 4 letters must be exact.
    word_similarity_min: float = 0.8
    short_word_similarity_min: float = 0.85
    # ...but a 4-5 letter word that is itself known matches another only this close
    # ("sleep" is not a typo of "leep").
    known_word_similarity_min: float = 0.9
    # ...or this, for a 4-5 letter word that starts with the same two letters ("mohz").
    short_word_same_start_min: float = 0.75
    # Similarity given to a word that only sounds like a known word (same metaphone key).
    phonetic_similarity: float = 0.88
    # ...provided the letters are this close as well (metaphone keys are coarse).
    phonetic_letters_min: float = 0.7
    # A whole phrase found inside a longer text ("psoriasis" in "psoriasis flare up help"):
    # this much, times this for every meaningful word of the text left outside it.
    span_base: float = 0.95
    span_drop_cost: float = 0.92
    # ...for the first few words left out; each one past them costs only this (a long story
    # around a name is still about it: "... my doctor says I need a colonoscopy because ...").
    span_costly_drops: int = 3
    span_extra_drop_cost: float = 0.997
    # ...and this when its words come in another order ("nodule on the lung").
    span_order_cost: float = 0.97
    # ...and this on top for an ICD-10-CM description: formal wording that happens to be a
    # common phrase ("night terrors", "cough") must not beat our own names.
    span_icd_factor: float = 0.9
    # Factor on a reading found only by splitting a glued word ("sleepapnea").
    glued_cost: float = 0.97
    # Factor on a brand name's reading (brands.yaml): the condition or procedure it is for.
    brand_weight: float = 1.0
    # How many phrases sharing words with the query are scored in full.
    candidates: int = 60
    # A typed procedure code: found in the store's billed codes, or only well formed (a
    # 5-digit code may as well be a ZIP code).
    code_in_store: float = 1.0
    code_well_formed: float = 0.85
    # A typed ICD-10 code: listed by a condition, listed by a procedure, related by prefix,
    # or known only to the ICD-10-CM table.
    icd10_listed_condition: float = 1.0
    icd10_listed_other: float = 0.92
    icd10_related: float = 0.88
    icd10_table_only: float = 0.85


DEFAULT_WEIGHTS = MatchWeights()
