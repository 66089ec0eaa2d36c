"""Sub-phrase matching: the catalog phrase a longer, chattier text contains.

A person writes more than a name: "my doctor says I need a colonoscopy", "eczema flare up on
my hands", "knees hurt on the stairs", "breast cancer stage 3". Scored as a whole, the extra
words cost the reading its coverage; read here, every run of the text's words (a "window")
is looked up as a complete phrase: stopwords, praise and chatty words aside; in its order or
in any order; each word as typed or as its nearest known spelling. A phrase found costs a
little for every meaningful word left outside it. Role and specialty words ("doctor",
"dermatologist") and numbers are left out for free.

Only whole phrases count: "hair" in "hair salon" names nothing, because no phrase is just
"hair". Glued words ("sleepapnea", "mohssurgery") are split into known words first.
"""

from __future__ import annotations

from collections.abc import Iterable

from docfinder.catalog.match_index import Hit, PhraseIndex
from docfinder.catalog.match_text import (
    DROPPED,
    NEAR_ME_PHRASES,
    QUIET,
    STOPWORDS,
    strip_sequences,
    without_talk,
    words,
)
from docfinder.catalog.match_weights import MatchWeights


def unglued(index: PhraseIndex, tokens: Iterable[str]) -> list[str]:
    """The tokens with every glued word split into its known words ("kneereplacement" ->
    "knee", "replacement"); a word that is known, or a near spelling of one, stays."""
    out: list[str] = []
    for token in tokens:
        parts = None
        if not index.knows(token) and token not in DROPPED and index.spelling(token) is None:
            parts = index.glued(token)
        out.extend(parts or (token,))
    return out


def span_hits(
    index: PhraseIndex,
    text: str,
    weights: MatchWeights,
    floor: float,
    free_words: frozenset[str],
    icd_targets: frozenset[int] | None = None,
) -> dict[int, Hit]:
    """The best whole phrase within the text for each target it names, scored
    `weight x span_base x span_drop_cost ** (meaningful words outside)`, each word past the
    first few costing less (a long story around a name is still about it); `free_words`
    (specialty names, say) cost nothing to leave out. Windows that cannot reach `floor`
    are not looked up."""
    tokens = unglued(index, strip_sequences(words(text), NEAR_ME_PHRASES))
    # The words as typed, and without chatty talk and praise ("psoriasis flare up help" is
    # "psoriasis"), stopwords aside in both.
    full = [t for t in tokens if t not in STOPWORDS]
    core = [t for t in without_talk(full) if t not in QUIET]
    best: dict[int, Hit] = {}
    for seq in (full, core) if core != full else (full,):
        _windows(index, seq, weights, floor, free_words, icd_targets, best)
    return best


def _windows(
    index: PhraseIndex,
    seq: list[str],
    w: MatchWeights,
    floor: float,
    free_words: frozenset[str],
    icd_targets: frozenset[int] | None,
    best: dict[int, Hit],
) -> None:
    """Look up every window of a word sequence, keeping the best hit of each target."""
    n = len(seq)
    free = [t in DROPPED or t in free_words or t.isdigit() for t in seq]
    if n == 0 or all(free):
        return
    spelled = [index.spelling(t) for t in seq]
    meaningful = [0]  # meaningful[i]: meaningful words in seq[:i]
    for is_free in free:
        meaningful.append(meaningful[-1] + (0 if is_free else 1))
    total = meaningful[-1]
    for i in range(n):
        for j in range(i + 1, min(n, i + index.longest) + 1):
            inside = meaningful[j] - meaningful[i]
            if inside == 0:
                continue  # only filler: names nothing
            dropped = total - inside
            if j - i == 1 and dropped and len(seq[i]) < 4:
                continue  # a lone short word amid others ("ms", "ed") is too easily a word
            costly = min(dropped, w.span_costly_drops)
            factor = w.span_base * w.span_drop_cost**costly
            factor *= w.span_extra_drop_cost ** (dropped - costly)
            if factor < floor:
                continue  # phrase weights are at most 1
            window = seq[i:j]
            partial = dropped > 0
            readings = [(window, factor, partial)]
            fixes = [f for f in spelled[i:j] if f is not None]
            respelt = [known for known, _ in fixes]
            if len(fixes) == j - i and respelt != window:
                similarity = 1.0
                for _, similar in fixes:
                    similarity *= similar
                readings.append((respelt, factor * similarity, partial))
            if 3 <= j - i <= 4:
                # One word inside left out too ("chest feels tight": "chest tight").
                for k in range(i + 1, j - 1):
                    if not free[k]:
                        gap = [*seq[i:k], *seq[k + 1 : j]]
                        readings.append((gap, factor * w.span_drop_cost, True))
            for content, score, left_out in readings:
                if score < floor:
                    continue
                _keep(best, index, index.whole(content), score, left_out, icd_targets, w)
                if len(content) > 1:
                    found = index.whole(content, any_order=True)
                    ordered = score * w.span_order_cost
                    _keep(best, index, found, ordered, left_out, icd_targets, w)


def _keep(
    best: dict[int, Hit],
    index: PhraseIndex,
    found: list[tuple[int, float]],
    factor: float,
    partial: bool,
    icd_targets: frozenset[int] | None,
    w: MatchWeights,
) -> None:
    for pid, weight in found:
        target = index.phrase_target(pid)
        score = weight * factor
        if icd_targets and target in icd_targets:
            score *= w.span_icd_factor
        known = best.get(target)
        if known is None or score > known.score:
            best[target] = Hit(target, score, pid, partial)
