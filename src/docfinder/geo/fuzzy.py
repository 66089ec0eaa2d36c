"""Typo-tolerant name lookup: block with trigrams and a phonetic key, then score with rapidfuzz.

Scoring every one of ~35,000 names per query would cost milliseconds; instead a trigram
inverted index (numpy postings, counted with bincount) proposes the few dozen names sharing the
most letter triples, the metaphone bucket adds names that sound alike ("filadelfia"), and only
those are scored in full.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import jellyfish
import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Indel

from docfinder.geo.weights import PlaceWeights

Mask = npt.NDArray[np.bool_]


def trigrams(key: str) -> set[str]:
    """The letter triples of a key padded with one space each side (" ukiah ")."""
    padded = f" {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def phonetic(key: str) -> str:
    """The metaphone key of a name (spaces removed so word breaks do not matter)."""
    return str(jellyfish.metaphone(key)).replace(" ", "")


@dataclass(frozen=True)
class FuzzyHit:
    key_id: int
    text: float  # 0..1 text score, at most the weights' fuzzy_cap


class FuzzyNames:
    """Blocking index over a fixed list of search keys."""

    def __init__(self, keys: Sequence[str], weights: PlaceWeights) -> None:
        self.keys = list(keys)
        self.weights = weights
        postings: dict[str, list[int]] = defaultdict(list)
        sizes = np.zeros(len(self.keys), dtype=np.float32)
        sounds: dict[str, list[int]] = defaultdict(list)
        self._key_sounds = [phonetic(key) for key in self.keys]
        for key_id, key in enumerate(self.keys):
            grams = trigrams(key)
            sizes[key_id] = len(grams)
            for gram in grams:
                postings[gram].append(key_id)
            sounds[self._key_sounds[key_id]].append(key_id)
        self._postings = {g: np.asarray(ids, dtype=np.int32) for g, ids in postings.items()}
        self._sizes = sizes
        self._sounds = dict(sounds)

    def mask(self, key_ids: Sequence[int]) -> Mask:
        """A mask allowing only these keys (for a state, or counties only)."""
        allowed = np.zeros(len(self.keys), dtype=np.bool_)
        allowed[np.asarray(key_ids, dtype=np.int64)] = True
        return allowed

    def search(self, query: str, allowed: Mask | None = None) -> list[FuzzyHit]:
        """Keys close to `query` in spelling or sound, best first."""
        sound = phonetic(query)
        hits = (self._score(query, sound, key_id) for key_id in self._candidates(query, allowed))
        found = [hit for hit in hits if hit is not None]
        return sorted(found, key=lambda hit: -hit.text)

    def _candidates(self, query: str, allowed: Mask | None) -> set[int]:
        found = set(self._by_trigrams(query, allowed))
        bucket = self._sounds.get(phonetic(query), [])
        if len(bucket) <= self.weights.phonetic_bucket_max:
            found.update(i for i in bucket if allowed is None or allowed[i])
        return found

    def _by_trigrams(self, query: str, allowed: Mask | None) -> list[int]:
        grams = trigrams(query)
        lists = [self._postings[g] for g in grams if g in self._postings]
        if not lists:
            return []
        shared = np.bincount(np.concatenate(lists), minlength=len(self.keys))
        dice = (2.0 * shared) / (len(grams) + self._sizes)
        if allowed is not None:
            dice = np.where(allowed, dice, 0.0)
        top = min(self.weights.trigram_candidates, len(self.keys))
        best = np.argpartition(-dice, top - 1)[:top]
        return [int(i) for i in best if dice[i] > 0]

    def _score(self, query: str, sound: str, key_id: int) -> FuzzyHit | None:
        key = self.keys[key_id]
        ratio = float(Indel.normalized_similarity(query, key))
        w = self.weights
        same_sound = bool(sound) and sound == self._key_sounds[key_id]
        if ratio < w.fuzzy_min and not (same_sound and ratio >= w.phonetic_min):
            return None
        bonus = w.phonetic_bonus if same_sound else 0.0
        return FuzzyHit(key_id, min(w.fuzzy_cap, w.fuzzy_cap * ratio + bonus))
