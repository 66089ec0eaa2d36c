"""The phrase index behind the what-matcher: exact keys, word postings, fuzzy and
sound-alike word lookup, and the score of a phrase against a query.

Built once; a query touches only the phrases that share a (possibly misspelt) word with it,
so matching stays within a couple of milliseconds with tens of thousands of phrases.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from rapidfuzz import fuzz, process

from docfinder.catalog.match_text import QUIET, content, phonetic, word_form, words
from docfinder.catalog.match_weights import MatchWeights

Expansion = dict[str, float]  # a known word and how similar it is to the query word


@dataclass(frozen=True)
class Target:
    """A thing a query can match: a catalog entry, a specialty, an ICD-10 code."""

    slug: str
    name: str
    kind: str
    rank: int  # breaks ties between equal scores: lower first (catalog before specialties)


@dataclass(frozen=True)
class Hit:
    """The best phrase of one target for a query."""

    target: int
    score: float
    phrase: int
    partial: bool = False  # a phrase found inside a longer text, words left out


@dataclass
class _Phrase:
    target: int
    text: str
    key: str
    tokens: tuple[str, ...]
    weight: float
    weighted: tuple[tuple[str, float], ...] = ()  # distinct tokens with their idf (on freeze)
    total: float = 1.0  # the sum of those idf


class PhraseIndex:
    """Targets and the phrases that name them."""

    def __init__(self, weights: MatchWeights) -> None:
        self.weights = weights
        self.targets: list[Target] = []
        self._slugs: dict[str, int] = {}
        self._phrases: list[_Phrase] = []
        self._seen: dict[tuple[int, str], int] = {}
        self._exact: dict[str, list[int]] = defaultdict(list)
        # keys without stopwords ("spot lung"), and without praise or chatty words too
        self._by_content: dict[str, list[int]] = defaultdict(list)
        self._by_bag: dict[str, list[int]] = defaultdict(list)  # ...and in any order
        self.longest = 1  # the most content words of any phrase
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._idf: dict[str, float] = {}
        self._unknown_idf = 1.0
        self._by_length: dict[int, list[str]] = defaultdict(list)
        self._by_sound: dict[str, list[str]] = defaultdict(list)
        self._length_cache: dict[int, list[str]] = {}
        self._suggestable: list[int] | None = None
        self._suggestable_keys: list[str] = []
        self._expand: Callable[[str], Expansion] = lru_cache(maxsize=8192)(self._expand_uncached)
        self._glued: Callable[[str], tuple[str, ...] | None] = lru_cache(maxsize=8192)(
            self._glued_uncached
        )

    # --- building ---------------------------------------------------------------------

    def target(self, slug: str, name: str, kind: str, rank: int) -> int:
        """The id of a target, added on first sight (later names for a slug are ignored)."""
        known = self._slugs.get(slug)
        if known is not None:
            return known
        self.targets.append(Target(slug, name, kind, rank))
        self._slugs[slug] = len(self.targets) - 1
        return len(self.targets) - 1

    def target_id(self, slug: str) -> int | None:
        return self._slugs.get(slug)

    def phrase(self, target: int, text: str, weight: float) -> None:
        """Add a phrase naming a target; the same key twice keeps the higher weight."""
        text = " ".join(text.split())
        key = " ".join(words(text))
        if not key:
            return
        seen = self._seen.get((target, key))
        if seen is not None:
            self._phrases[seen].weight = max(self._phrases[seen].weight, weight)
            return
        tokens = content(key.split())
        self._seen[(target, key)] = len(self._phrases)
        self._phrases.append(_Phrase(target, text, key, tokens, weight))

    def freeze(self) -> None:
        """Build the lookups once every phrase is in."""
        document_count: dict[str, int] = defaultdict(int)
        for pid, p in enumerate(self._phrases):
            self._exact[p.key].append(pid)
            # By its content words, and by those without praise and chatty words unless
            # that leaves one word ("new knee" must not become "knee").
            tokens = list(p.tokens)
            core = [t for t in tokens if t not in QUIET]
            for found in [tokens] + ([core] if len(core) > 1 and core != tokens else []):
                if not found:
                    continue
                self._by_content[" ".join(found)].append(pid)
                if len(found) > 1:
                    self._by_bag[" ".join(sorted(found))].append(pid)
                self.longest = max(self.longest, len(found))
            for token in dict.fromkeys(p.tokens):
                self._postings[token].append(pid)
                document_count[token] += 1
        total = max(len(self._phrases), 1)
        self._idf = {t: math.log(1 + total / n) for t, n in document_count.items()}
        self._unknown_idf = math.log(1 + total)
        for p in self._phrases:
            p.weighted = tuple((t, self._idf[t]) for t in dict.fromkeys(p.tokens))
            p.total = sum(weight for _, weight in p.weighted) or 1.0
        for token in self._postings:
            self._by_length[len(token)].append(token)
            sound = phonetic(token)
            if sound:
                self._by_sound[sound].append(token)

    def single_words(self, kind: str) -> frozenset[str]:
        """The one-word phrases of targets of a kind ("dermatologist", "derm", "ent")."""
        return frozenset(
            p.key for p in self._phrases if " " not in p.key and self.targets[p.target].kind == kind
        )

    def __len__(self) -> int:
        return len(self._phrases)

    def knows(self, token: str) -> bool:
        """Whether a (folded, stemmed) word is in some phrase."""
        return token in self._postings

    def spelling(self, token: str) -> tuple[str, float] | None:
        """The known word a query word most likely is, with its similarity (1.0 for a
        known word), or None when it is like no known word."""
        if token in self._postings:
            return token, 1.0
        expansion = self._expand(token)
        if not expansion:
            return None
        known = max(expansion, key=lambda k: (expansion[k], k))
        return known, expansion[known]

    def whole(self, content: Sequence[str], any_order: bool = False) -> list[tuple[int, float]]:
        """(phrase, weight) of the phrases whose content words are exactly these ("spot
        lung" names "spot on the lung"), or these in any order ("nodule lung" names "lung
        nodule"), the best phrase of each target."""
        if any_order:
            found = self._by_bag.get(" ".join(sorted(content)), ())
        else:
            found = self._by_content.get(" ".join(content), ())
        best: dict[int, tuple[int, float]] = {}
        for pid in found:
            p = self._phrases[pid]
            if p.weight > best.get(p.target, (-1, -1.0))[1]:
                best[p.target] = (pid, p.weight)
        return list(best.values())

    def phrase_target(self, pid: int) -> int:
        return self._phrases[pid].target

    def glued(self, token: str) -> tuple[str, ...] | None:
        """The known words a token is glued from ("sleepapnea" -> "sleep", "apnea"), fewest
        parts first, each part at least three letters; None when it is no such word."""
        return self._glued(token)

    def _glued_uncached(self, token: str) -> tuple[str, ...] | None:
        n, minimum = len(token), 3
        if n < 2 * minimum or not token.isalpha() or token in self._postings:
            return None
        # best[i]: the fewest known parts that spell token[:i], longest last part on ties
        best: list[tuple[str, ...] | None] = [None] * (n + 1)
        best[0] = ()
        for end in range(minimum, n + 1):
            for start in range(0, end - minimum + 1):
                before = best[start]
                if before is None:
                    continue
                part = word_form(token[start:end])
                if part not in self._postings:
                    continue
                parts = (*before, part)
                if best[end] is None or len(parts) < len(best[end]):  # type: ignore[arg-type]
                    best[end] = parts
        found = best[n]
        return found if found is not None and len(found) > 1 else None

    def phrase_text(self, pid: int) -> str:
        return self._phrases[pid].text

    def phrase_key(self, pid: int) -> str:
        return self._phrases[pid].key

    # --- querying ---------------------------------------------------------------------

    def lookup(self, key: str, cost: float, floor: float, fuzzy: bool = True) -> list[Hit]:
        """Score the phrases near a normalised query key, best hit per target, unsorted;
        phrases that cannot reach `floor` are not scored."""
        best: dict[int, Hit] = {}
        for pid in self._exact.get(key, ()):
            self._keep(best, pid, cost * self._phrases[pid].weight)
        query = content(key.split())
        if not query or not fuzzy:
            return list(best.values())
        w = self.weights
        expansions = [self._expand(t) for t in query]
        weights = [self._idf.get(t, self._unknown_idf) for t in query]
        query_total = sum(weights)
        reach = cost * w.fuzzy_cap  # phrase weights are at most 1
        for pid, found in self._nearest(expansions, weights, w.candidates):
            coverage = found / query_total
            if reach * coverage**w.query_exponent < floor:
                break  # the rest share fewer words still
            p = self._phrases[pid]
            if p.key != key:
                score = self._score(key, coverage, expansions, p)
                self._keep(best, pid, cost * p.weight * min(score, w.fuzzy_cap))
        return list(best.values())

    def _keep(self, best: dict[int, Hit], pid: int, score: float) -> None:
        target = self._phrases[pid].target
        known = best.get(target)
        if known is None or score > known.score:
            best[target] = Hit(target, score, pid)

    def _nearest(
        self, expansions: Sequence[Expansion], weights: Sequence[float], limit: int
    ) -> list[tuple[int, float]]:
        """The phrases sharing the most (idf-weighted) query words, with that weight (the
        query side of the alignment), most first."""
        overlap: dict[int, float] = defaultdict(float)
        for expansion, weight in zip(expansions, weights, strict=True):
            per_phrase: dict[int, float] = {}
            for known, similarity in expansion.items():
                for pid in self._postings[known]:
                    if similarity > per_phrase.get(pid, 0.0):
                        per_phrase[pid] = similarity
            for pid, similarity in per_phrase.items():
                overlap[pid] += weight * similarity
        return heapq.nlargest(limit, overlap.items(), key=itemgetter(1))

    def _score(
        self, key: str, coverage: float, expansions: Sequence[Expansion], p: _Phrase
    ) -> float:
        """Query coverage and phrase coverage combined; 1.0 for the same letters spaced
        differently ("pace maker", "obgyn")."""
        if key.replace(" ", "") == p.key.replace(" ", ""):
            return 1.0
        found = 0.0
        for token, weight in p.weighted:
            found += weight * max(e.get(token, 0.0) for e in expansions)
        w = self.weights
        return float(coverage**w.query_exponent * (found / p.total) ** w.phrase_exponent)

    def _expand_uncached(self, token: str) -> Expansion:
        """Known words like this one: itself, near spellings and sound-alikes."""
        is_known = token in self._postings
        found: Expansion = {token: 1.0} if is_known else {}
        if len(token) < 4 or token.isdigit():
            return found
        w = self.weights
        short = len(token) < 6
        cutoff = w.short_word_same_start_min if short else w.word_similarity_min
        if is_known and short:
            # A short known word is most likely meant as typed ("sleep" is not "leep").
            cutoff = max(cutoff, w.known_word_similarity_min)
        for known, score, _ in process.extract(
            token,
            self._near_length(len(token)),
            scorer=fuzz.ratio,
            score_cutoff=cutoff * 100,
            limit=8,
        ):
            if short and score < w.short_word_similarity_min * 100 and known[:2] != token[:2]:
                continue
            found.setdefault(known, score / 100)
        for known in self._by_sound.get(phonetic(token), ()):
            # Sound-alike keys are coarse ("keloid", "cloudy"): the letters must be close too.
            close = fuzz.ratio(token, known) >= w.phonetic_letters_min * 100
            if close and found.get(known, 0.0) < w.phonetic_similarity:
                found[known] = w.phonetic_similarity
        return found

    def _near_length(self, length: int) -> list[str]:
        """Known words of about this length (a closer match needs a similar length)."""
        found = self._length_cache.get(length)
        if found is None:
            spread = 2 if length < 10 else 3
            lengths = range(length - spread, length + spread + 1)
            # Words under four letters are too short to tell a typo from another word.
            found = [t for n in lengths if n >= 4 for t in self._by_length.get(n, ())]
            self._length_cache[length] = found
        return found

    def suggestions(self, key: str, limit: int, max_rank: int) -> list[Hit]:
        """Phrases whose letters are closest to the key, for a query no word matched; only
        targets of rank up to `max_rank` (the catalog and specialties, not ICD-10 codes)."""
        if not key:
            return []
        if self._suggestable is None:
            self._suggestable = [
                i for i, p in enumerate(self._phrases) if self.targets[p.target].rank <= max_rank
            ]
            self._suggestable_keys = [self._phrases[i].key for i in self._suggestable]
        keys = self._suggestable_keys
        found = process.extract(
            key,
            keys,
            scorer=fuzz.ratio,
            limit=limit * 4,
            score_cutoff=self.weights.suggest_letters_min * 100,
        )
        best: dict[int, Hit] = {}
        factor = self.weights.suggest_char_factor
        for _, score, position in found:
            pid = self._suggestable[position]
            weight = self._phrases[pid].weight * factor
            self._keep(best, pid, weight * min(score / 100, self.weights.fuzzy_cap))
        return list(best.values())
