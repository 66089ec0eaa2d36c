"""Text normalisation shared by the what-matcher's index and its queries.

Both sides go through the same steps, so a phrase and a query typed the same way meet on the
same key: case and accents folded, apostrophes dropped ("Crohn's" -> "crohns"), other
punctuation turned into spaces, and a light plural stem ("doctors" -> "doctor").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import jellyfish

_APOSTROPHES = re.compile(r"['\u2019\u2018`´]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case without accents or apostrophes; other punctuation becomes spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _APOSTROPHES.sub("", text).replace("&", " and ")
    return " ".join(_NON_WORD.sub(" ", text).split())


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """A light plural stem, applied alike to phrases and queries."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "ys")):
        return token[:-1]
    return token


def words(text: str) -> list[str]:
    """The folded, stemmed words of a text."""
    return [stem(w) for w in fold(text).split()]


def _word_set(text: str) -> frozenset[str]:
    """Words as a query sees them once stemmed ("does" -> "doe")."""
    return frozenset(stem(w) for w in text.split())


# Words that carry no meaning for matching a treatment; they are still part of a phrase's
# key, but weigh nothing when words are compared.
STOPWORDS = _word_set(
    "a an the of and or in on at to for with by from my your his her its due other "
    "unspecified specified not elsewhere classified without"
)


def content(tokens: Sequence[str]) -> tuple[str, ...]:
    """The tokens that carry meaning (no stopwords), in order."""
    return tuple(t for t in tokens if t not in STOPWORDS)


# Phrases that say "near the person" rather than name a treatment or a place.
NEAR_ME_PHRASES: tuple[tuple[str, ...], ...] = (
    ("near", "me"),
    ("near", "by"),
    ("nearby",),
    ("close", "to", "me"),
    ("close", "by"),
    ("around", "me"),
    ("around", "here"),
    ("near", "here"),
    ("in", "my", "area"),
    ("in", "the", "area"),
    ("near", "my", "location"),
    ("near", "my", "home"),
)

# Words that only praise, ask or tell: dropped from a query at no cost.
PURE_FILLER = _word_set(
    "best top good great highly rated recommended find finding looking search searching please "
    "local nearest closest affordable cheap experienced leading a an the i need needs want some "
    "quality excellent where can get is are there any anyone someone somebody recommend "
    "think have has had having got help second opinion options option "
    "we us our my your his her their son daughter dad mom father mother wife husband "
    "kid child baby parent friend"
)

# Words that name the kind of person or place wanted, or link it to the treatment ("doctor
# for", "surgeon who does"). Dropping them can change the reading ("heart surgeon" is a
# specialty, "heart" is not), so a match found only without them costs a little.
ROLE_WORDS = _word_set(
    "doctor doctors dr doc docs specialist specialists physician physicians md provider "
    "providers clinic clinics center centre practice office surgeon surgeons expert experts "
    "for who that treat treats treating treatment does perform performing performs do done "
    "specializing specialize specializes specialized in at with on therapy care management "
    "services"
)

# A role word that names the act it stands for: "surgeon for my gallbladder" asks for the
# surgery.
ROLE_ACTS: dict[str, str] = {"surgeon": "surgery"}


@lru_cache(maxsize=65536)
def phonetic(token: str) -> str:
    """A sound-alike key for a word (metaphone), empty for short words and numbers."""
    if len(token) < 5 or not token.isalpha():
        return ""
    return str(jellyfish.metaphone(token))


def strip_sequences(tokens: list[str], sequences: Sequence[tuple[str, ...]]) -> list[str]:
    """Remove every occurrence of any of these word sequences."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for seq in sequences:
            if tuple(tokens[i : i + len(seq)]) == seq:
                i += len(seq)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def query_variants(
    text: str,
    role_word_cost: float,
    role_act_cost: float,
    specialty_words: frozenset[str] = frozenset(),
) -> list[tuple[str, float]]:
    """The readings of a query to look up, each with what it costs.

    As typed (without "near me"); without praise words; without role words ("doctor",
    "for"); with "surgeon" read as "surgery"; without specialty words ("psoriasis
    dermatologist"); and each side of "for" ("mohs surgery for basal cell").
    """
    tokens = strip_sequences(words(text), NEAR_ME_PHRASES)
    plain = [t for t in tokens if t not in PURE_FILLER]
    if plain == ["surgery"] and tokens[:1] == ["top"]:  # "top surgery" is a procedure
        plain = tokens
    bare = [t for t in plain if t not in ROLE_WORDS]
    readings: list[tuple[list[str], float]] = [(tokens, 1.0), (plain, 1.0), (bare, role_word_cost)]
    if any(t in ROLE_ACTS for t in plain):
        readings.append(([ROLE_ACTS.get(t, t) for t in plain], role_act_cost))
    kept = [t for t in bare if t not in specialty_words]
    if kept and len(kept) < len(bare):
        readings.append((kept, role_word_cost))
    if "for" in plain:
        # "<procedure> for <who or what>" asks for the procedure, so the left side costs less.
        cut = plain.index("for")
        left = [t for t in plain[:cut] if t not in ROLE_WORDS]
        right = [t for t in plain[cut + 1 :] if t not in ROLE_WORDS]
        readings += [(left, role_word_cost), (right, role_word_cost * role_word_cost)]
    variants: dict[str, float] = {}
    for candidate, cost in readings:
        key = " ".join(candidate)
        if key and cost > variants.get(key, 0.0):
            variants[key] = cost
    return list(variants.items())


def same_words(a: str, b: str) -> bool:
    """Whether two texts read the same once folded and stripped of filler and role words."""
    return bare_words(a) == bare_words(b)


def bare_words(text: str) -> str:
    """The words of a text that name something: no "near me", praise or role words."""
    tokens = strip_sequences(words(text), NEAR_ME_PHRASES)
    return " ".join(t for t in tokens if t not in _DROPPED)


_DROPPED = PURE_FILLER | ROLE_WORDS | STOPWORDS
