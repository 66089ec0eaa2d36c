"""Text normalisation shared by the what-matcher's index and its queries.

Both sides go through the same steps, so a phrase and a query typed the same way meet on the
same key: case and accents folded, apostrophes dropped ("Crohn's" -> "crohns"), other
punctuation turned into spaces, a light plural stem ("doctors" -> "doctor"), and one way of
saying a few things said several ways ("type ii" -> "type 2", "hurts" -> "pain", "take out"
-> "remove").

Queries also lose words that name nothing: "near me", praise ("best"), chatty talk ("my
doctor says", "accepting new patients", "flare up", "that keeps coming back", "stage 3").
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
    """The folded, stemmed words of a text, each said one way: numbers ("type ii" ->
    "type 2"), everyday words for the same thing ("hurts" -> "pain", "take out" ->
    "remove"), spellings ("cannot" -> "cant")."""
    return list(_words(text))


@lru_cache(maxsize=16384)
def _words(text: str) -> tuple[str, ...]:
    folded = fold(text).split()
    found: list[str] = []
    i = 0
    while i < len(folded):
        for phrase, said in _SAID_AS:
            if tuple(folded[i : i + len(phrase)]) == phrase:
                found.append(said)
                i += len(phrase)
                break
        else:
            word = folded[i]
            if found and found[-1] in _NUMBERED:
                word = _ROMAN.get(word, word)
            found.append(word_form(word))
            i += 1
    return tuple(found)


def word_form(word: str) -> str:
    """One folded word as phrases and queries both write it: spelled one way, stemmed."""
    return stem(_SPELLINGS.get(word, word))


# Words after which a roman numeral or a number word is a number: "type ii diabetes", "stage
# four", "grade iii".
_NUMBERED = frozenset({"type", "stage", "grade", "class", "phase", "level", "tier"})
_ROMAN = {
    **{"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"},
    **{"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"},
}
# One way to write a word typed several ways, or said several ways in everyday English.
# Phrases and queries both read through it, so "knee hurts" and "knee pain" meet.
_SPELLINGS = {
    "cannot": "cant",
    "mets": "metastases",
    "operation": "surgery",
    "operations": "surgery",
    "pregnant": "pregnancy",
    "hurt": "pain",
    "hurts": "pain",
    "hurting": "pain",
    "ache": "pain",
    "aches": "pain",
    "aching": "pain",
    "achy": "pain",
    "removal": "remove",
    "removed": "remove",
    "removing": "remove",
    "removes": "remove",
    "difficulty": "trouble",
    "difficulties": "trouble",
    "shot": "injection",
    "shots": "injection",
}
# ...and word sequences said as one word ("take out the gallbladder": remove it).
_SAID_AS: tuple[tuple[tuple[str, ...], str], ...] = tuple(
    (tuple(phrase.split()), said)
    for phrase, said in (
        ("take out", "remove"),
        ("taking out", "remove"),
        ("took out", "remove"),
        ("taken out", "remove"),
        ("cut out", "remove"),
        ("get rid of", "remove"),
        ("getting rid of", "remove"),
        ("hard time", "trouble"),
        ("can not", "cant"),
        ("unable to", "cant"),
        ("not able to", "cant"),
        ("killing me", "pain"),
    )
)


def _word_set(text: str) -> frozenset[str]:
    """Words as a query sees them once stemmed ("does" -> "doe")."""
    return frozenset(stem(w) for w in text.split())


# Words that carry no meaning for matching a treatment; they are still part of a phrase's
# key, but weigh nothing when words are compared.
STOPWORDS = _word_set(
    "a an the of and or in on at to for with by from my your his her its due other "
    "unspecified specified not elsewhere classified without during while"
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
    ("nearme",),  # typed without the space
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

# Words of a chatty sentence that say nothing about the treatment ("my doctor says I need",
# "accepting new patients", "what kind of"): dropped from a query at no cost, like praise
# words. Kept apart from PURE_FILLER, which the query parser also trims from a place's
# edges, so none of these may be a state's code ("me", "hi", "ok", "in").
CHATTY = _word_set(
    "says said say told tell tells telling thinks thought wonder wondering suggest suggested "
    "suggests referred refer referral recommended recommends advised "
    "was were be been being am will would could should shall may might must "
    "just really very so too also still even quite pretty kinda kind sort "
    "what which whom whose when why how this these those thing things something stuff "
    "accepting accepts accept taking new patient patients appointment appointments "
    "available availability book booking schedule scheduling "
    "today tonight tomorrow asap urgent urgently soon "
    "review reviews rating ratings thanks thank advice question questions info information "
    "im ive again anymore lately recently always constantly going go goes went keep keeps kept "
    "little bit slightly somewhat day days week weeks month months year years both see seeing "
    "about regarding cost costs price prices lot lots "
    "he she it they them him their theirs hers now then every because since hello name named "
    "sister brother grandma grandpa grandmother grandfather aunt uncle boyfriend girlfriend "
    "partner retired"
)

# Word sequences of the same kind: how a condition behaves, not what it is ("eczema flare
# up", "utis that keep coming back", "sinusitis that won't go away").
CHATTY_SEQUENCES: tuple[tuple[str, ...], ...] = tuple(
    tuple(stem(w) for w in phrase.split())
    for phrase in (
        "flare ups",
        "flare up",
        "flaring up",
        "flareup",
        "flareups",
        "flare",
        "flaring",
        "acting up",
        "keeps coming back",
        "keep coming back",
        "coming back",
        "comes back",
        "come back",
        "keeps happening",
        "keep happening",
        "wont go away",
        "doesnt go away",
        "not going away",
        "that wont stop",
        "all the time",
        "over and over",
        "again and again",
        "on and off",
        "off and on",
    )
)

# Words that name the kind of person or place wanted, or link it to the treatment ("doctor
# for", "surgeon who does"). Dropping them can change the reading ("heart surgeon" is a
# specialty, "heart" is not), so a match found only without them costs a little.
ROLE_WORDS = _word_set(
    "doctor doctors dr doc docs specialist specialists physician physicians md provider "
    "providers clinic clinics center centre practice office surgeon surgeons expert experts "
    "for who that treat treats treating treatment does perform performing performs do done "
    "specializing specialize specializes specialized in at with on therapy care management "
    "services procedure procedures"
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
    """Remove every occurrence of any of these word sequences (the first that fits, in the
    order given)."""
    starts = _by_first_word(tuple(sequences))
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for seq in starts.get(tokens[i], ()):
            if tuple(tokens[i : i + len(seq)]) == seq:
                i += len(seq)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


@lru_cache(maxsize=64)
def _by_first_word(
    sequences: tuple[tuple[str, ...], ...],
) -> dict[str, tuple[tuple[str, ...], ...]]:
    found: dict[str, list[tuple[str, ...]]] = {}
    for seq in sequences:
        if seq:
            found.setdefault(seq[0], []).append(seq)
    return {first: tuple(seqs) for first, seqs in found.items()}


def without_talk(tokens: list[str]) -> list[str]:
    """Without chatty sequences ("flare up", "keeps coming back") and a stage or grade
    ("stage 3", "grade 2"): they qualify a condition, they do not name it."""
    tokens = strip_sequences(tokens, CHATTY_SEQUENCES)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tokens[i] in _STAGE_WORDS and (nxt.isdigit() or nxt in _STAGE_LETTERS):
            i += 2
            continue
        out.append(tokens[i])
        i += 1
    return out


_STAGE_WORDS = frozenset({"stage", "grade"})
_STAGE_LETTERS = frozenset({"0", "1a", "1b", "2a", "2b", "3a", "3b", "3c", "4a", "4b"})


def query_variants(
    text: str,
    role_word_cost: float,
    role_act_cost: float,
    specialty_words: frozenset[str] = frozenset(),
    object_cost: float | None = None,
) -> list[tuple[str, float]]:
    """The readings of a query to look up, each with what it costs.

    As typed (without "near me"); without praise and chatty words; without role words
    ("doctor", "for"); with "surgeon" read as "surgery"; without specialty words
    ("psoriasis dermatologist"); and each side of "for" ("mohs surgery for basal cell").
    """
    tokens = strip_sequences(words(text), NEAR_ME_PHRASES)
    plain = [t for t in without_talk(tokens) if t not in QUIET]
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
        left = [t for t in plain[:cut] if t not in ROLE_WORDS and t not in specialty_words]
        right = [t for t in plain[cut + 1 :] if t not in ROLE_WORDS]
        if object_cost is None:
            object_cost = role_word_cost * role_word_cost
        readings += [(left, role_word_cost), (right, object_cost)]
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
    """The words of a text that name something: no "near me", praise, chatty or role
    words."""
    tokens = without_talk(strip_sequences(words(text), NEAR_ME_PHRASES))
    return " ".join(t for t in tokens if t not in DROPPED)


# Dropped at no cost: praise and chatty words.
QUIET = PURE_FILLER | CHATTY
# Every word that names nothing by itself.
DROPPED = PURE_FILLER | CHATTY | ROLE_WORDS | STOPWORDS
