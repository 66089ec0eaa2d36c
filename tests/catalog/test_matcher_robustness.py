"""Robustness of query understanding beyond the phrasings it was tuned on.

Each group is one kind of weakness: extra or chatty words around a clear name, glued words,
everyday descriptions, brand names, wrong readings of a word, and common words read as
places. The phrasings are our own; none comes from the labelled evaluation sets.
"""

from __future__ import annotations

import pytest
import yaml

from docfinder.catalog.loader import load_catalog
from docfinder.catalog.match_brands import BRANDS_FILE, read_brands
from docfinder.catalog.match_text import words
from docfinder.catalog.matcher import Matcher
from docfinder.geo import PlaceIndex
from docfinder.search.query import ParsedQuery, parse

ANY = object()  # the what (or where) is not what the case is about

RHEUMATOLOGY = "specialty:207RR0500X"
ENDOCRINOLOGY = "specialty:207RE0101X"
GASTROENTEROLOGY = "specialty:207RG0100X"
DERMATOLOGY = "specialty:207N00000X"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.default()


@pytest.fixture(scope="module")
def places() -> PlaceIndex:
    return PlaceIndex.default()


def check(parsed: ParsedQuery, what: object, where: object) -> None:
    got_what = parsed.what.slug if parsed.what else None
    got_where = parsed.where.slug if parsed.where else None
    if parsed.near_me and got_where == "near-me":
        got_where = "near-me"
    expected = (what, where)
    got = (got_what if what is not ANY else ANY, got_where if where is not ANY else ANY)
    assert got == expected, f"{parsed.text!r}: got {got_what!r} / {got_where!r}"


# --- 1. extra words around a clear name ----------------------------------------------------

CHATTY = [
    ("my gp says i should see someone about a colonoscopy", "colonoscopy", None),
    (
        "my dermatologist told me i need mohs surgery, who is good near santa rosa",
        "mohs-surgery",
        "santa-rosa-ca",
    ),
    ("eczema flaring up on my hands", "atopic-dermatitis", None),
    ("bad rosacea flare", "rosacea", None),
    ("ulcerative colitis flare up what to do", "ulcerative-colitis", None),
    ("endocrinologist accepting new patients", ENDOCRINOLOGY, None),
    ("gastroenterologist taking new patients in boise", GASTROENTEROLOGY, "boise-id"),
    ("rheumatologist that is accepting new patients", RHEUMATOLOGY, None),
    ("cataract procedure", "cataract-surgery", None),
    ("vasectomy procedure cost", "vasectomy", None),
    ("recovering after rotator cuff repair", "rotator-cuff-repair", None),
    ("stage 2 colon cancer", "colorectal-cancer", None),
    ("prostate cancer stage iv", "prostate-cancer", None),
    ("hodgkin lymphoma stage 3 oncologist", "hodgkin-lymphoma", None),
    ("migraines that keep coming back", "migraine", None),
    ("diverticulitis keeps coming back", "diverticulitis", None),
    ("pancreatitis that won't go away", "pancreatitis", None),
    ("i think i might have shingles", "shingles", None),
    ("looking for someone who can help with my vertigo", "vertigo", None),
    ("my mom has parkinsons who should she see", "parkinsons-disease", None),
    ("what kind of doctor treats gout", "gout", None),
    ("need a good ent for sinus problems in chicago", "chronic-sinusitis", "chicago-il"),
    ("hiatal hernia surgery recovery time", "anti-reflux-surgery", None),
    ("heart attack recovery cardiologist", "heart-attack", None),
    (
        "My neurologist thinks I have MS, looking for a second opinion in Boston",
        "multiple-sclerosis",
        "boston-ma",
    ),
    ("was told i need a colonoscopy, good gi doctors near 94110", "colonoscopy", "94110"),
    ("hives flare up help please", "hives", None),
    ("pulmonologist accepting new patients in dallas", "specialty:207RP1001X", "dallas-tx"),
    ("septoplasty procedure recovery", "septoplasty", None),
    ("uti keeps coming back", "urinary-tract-infection", None),
    ("ovarian cancer stage 3c", "ovarian-cancer", None),
    ("my cardiologist thinks i need an ablation for my afib", "cardiac-ablation", None),
]

GLUED = [
    ("sleepapnea doctor", "sleep-apnea", None),
    ("hipreplacement", "hip-replacement", None),
    ("carpaltunnel surgery", "carpal-tunnel-release", None),
    ("heartattack", "heart-attack", None),
    ("gallbladderremoval", "gallbladder-removal", None),
    ("acne dermatologist nearme", "acne", "near-me"),
    ("varicoseveins", "varicose-veins", None),
    ("hemorrhoidsdoctor", "hemorrhoids", None),
]


@pytest.mark.parametrize(("text", "what", "where"), CHATTY + GLUED)
def test_extra_words_do_not_hide_the_name(
    matcher: Matcher, places: PlaceIndex, text: str, what: object, where: object
) -> None:
    check(parse(text, matcher, places), what, where)


# --- 2. everyday descriptions -----------------------------------------------------------------

LAY = [
    ("operation to remove liver mets", "metastasectomy", None),
    ("surgery to take out lung metastases", "metastasectomy", None),
    ("found a nodule on my lung ct", "lung-nodule", None),
    ("shadow on my chest x-ray", "lung-nodule", None),
    ("knees ache climbing stairs", "knee-pain", None),
    ("i leak pee when i laugh or cough", "urinary-incontinence", None),
    ("bladder leaks when i jump", "urinary-incontinence", None),
    ("yearly exam with a family doctor", "annual-physical", None),
    ("routine check up", "annual-physical", None),
    ("we have been trying for a baby for a year", "infertility", None),
    ("trying to conceive", "infertility", None),
    ("throwing up all the time while pregnant", "hyperemesis-gravidarum", None),
    ("high blood sugar while pregnant", "gestational-diabetes", None),
    ("sinus infection over and over", "chronic-sinusitis", None),
    ("my a1c is a little high", "prediabetes", None),
    ("throat hurts for weeks", "sore-throat", None),
    ("heart keeps skipping beats", "palpitations", None),
    ("surgery to take out my appendix", "appendectomy", None),
    ("my knees are killing me", "knee-pain", None),
    ("hard time swallowing", "difficulty-swallowing", None),
    ("unable to sleep", "insomnia", None),
    ("chest feels tight", "chest-pain", None),
    ("weight loss shots near me", "obesity", "near-me"),
    ("peeing all the time", "overactive-bladder", None),
    ("shoulder hurts when i lift my arm", "shoulder-pain", None),
]


@pytest.mark.parametrize(("text", "what", "where"), LAY)
def test_everyday_descriptions(
    matcher: Matcher, places: PlaceIndex, text: str, what: object, where: object
) -> None:
    check(parse(text, matcher, places), what, where)


# --- 3. brand names ---------------------------------------------------------------------------

BRANDS = [
    ("accutane dermatologist in austin", "acne", "austin-tx"),
    ("isotretinoin", "acne", None),
    ("wegovy prescription near me", "obesity", "near-me"),
    ("zepbound", "obesity", None),
    ("ozempic doctor", "type-2-diabetes", None),
    ("mounjaro for diabetes", "type-2-diabetes", None),
    ("viagra prescription", "erectile-dysfunction", None),
    ("cialis", "erectile-dysfunction", None),
    ("keytruda infusion center", "cancer-immunotherapy", None),
    ("yervoy", "cancer-immunotherapy", None),
    ("mitraclip procedure boston", "transcatheter-mitral-valve-repair", "boston-ma"),
    ("watchman implant", "left-atrial-appendage-closure", None),
    ("mako robotic knee replacement", "knee-replacement", None),
    ("mako hip replacement", "hip-replacement", None),
    ("cyberknife treatment", "stereotactic-radiation-therapy", None),
    ("urolift procedure", "bph-procedures", None),
    ("adderall prescriber", "adhd", None),
    ("dupixent", "atopic-dermatitis", None),
    ("prolia injection", "osteoporosis", None),
    ("lipitor", "high-cholesterol", None),
    ("synthroid dose", "hypothyroidism", None),
    ("chantix", "smoking-cessation", None),
    ("flomax", "enlarged-prostate", None),
    ("ozempik", "type-2-diabetes", None),  # a brand misspelt
    ("watchman device for afib", "left-atrial-appendage-closure", None),
]


@pytest.mark.parametrize(("text", "what", "where"), BRANDS)
def test_brand_names_read_as_what_they_treat(
    matcher: Matcher, places: PlaceIndex, text: str, what: object, where: object
) -> None:
    check(parse(text, matcher, places), what, where)


def test_every_brand_names_a_catalog_entry_and_no_other_entry() -> None:
    catalog = load_catalog()
    owner = {}
    for entry in catalog:
        for term in (entry.name, *entry.synonyms):
            owner[" ".join(words(term))] = entry.slug
    brands = read_brands()
    assert len(brands) >= 50
    for brand, slug in brands.items():
        assert slug in catalog, f"{brand!r} -> unknown slug {slug!r}"
        other = owner.get(" ".join(words(brand)))
        assert other in (None, slug), f"{brand!r} -> {slug!r}, but it names {other!r}"


def test_the_brands_file_is_a_plain_mapping() -> None:
    from importlib import resources

    text = resources.files("docfinder.catalog").joinpath(BRANDS_FILE).read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    assert all(isinstance(k, str) and isinstance(v, list) for k, v in data.items())


def test_an_ambiguous_brand_is_left_out() -> None:
    # Humira treats a dozen conditions: no single reading is right.
    assert "humira" not in read_brands()


# --- 4. wrong readings ------------------------------------------------------------------------

READINGS = [
    ("botox injections for sweaty armpits", "hyperhidrosis", None),
    ("botox for excessive sweating", "hyperhidrosis", None),
    ("epidural shot for sciatica", "epidural-steroid-injection", None),
    ("epidural injection for lower back pain", "epidural-steroid-injection", None),
    ("cannot sleep at night", "insomnia", None),
    ("can't fall asleep", "insomnia", None),
    ("type ii diabetes", "type-2-diabetes", None),
    ("type i diabetes in kids", "type-1-diabetes", None),
    ("diabetes type ii", "type-2-diabetes", None),
    ("stage iii breast cancer", "breast-cancer", None),
    ("type two diabetes", "type-2-diabetes", None),
    ("can not sleep", "insomnia", None),
    ("botox for overactive bladder", "overactive-bladder", None),
]


@pytest.mark.parametrize(("text", "what", "where"), READINGS)
def test_the_right_reading_of_a_word(
    matcher: Matcher, places: PlaceIndex, text: str, what: object, where: object
) -> None:
    check(parse(text, matcher, places), what, where)


@pytest.mark.parametrize("text", ["gas", "weight gain", "sleep"])
def test_a_loose_icd10_or_near_spelling_reading_does_not_beat_plain_words(
    matcher: Matcher, text: str
) -> None:
    # "gas" is not "gas gangrene", "weight gain" not "low weight gain in pregnancy", and
    # "sleep" is not a typo of "LEEP" (a cervical procedure).
    found = matcher.match(text, 3)
    assert not any(m.slug.startswith("icd10:") for m in found[:1])
    assert all(m.slug != "cervical-dysplasia" for m in found)


@pytest.mark.parametrize(
    ("text", "not_this"),
    [
        ("knee doctor", "knee-replacement"),  # "new knee" is not just "knee"
        ("kidney", "kidney-transplant"),
        ("hip", "hip-replacement"),
        ("eye exam", "red-eye"),  # "something in my eye" is not just "eye"
    ],
)
def test_a_phrase_is_not_found_by_its_one_plain_word(
    matcher: Matcher, text: str, not_this: str
) -> None:
    found = matcher.match(text, 1)
    assert not found or found[0].slug != not_this


def test_glued_words_split_into_known_words(matcher: Matcher) -> None:
    assert matcher.match("sleepapnea")[0].slug == "sleep-apnea"
    assert matcher.match("mohssurgery")[0].slug == "mohs-surgery"
    assert matcher.match("qwertyuiop") == []  # no known words inside


def test_a_partial_reading_says_so(matcher: Matcher) -> None:
    [(first, partial), *_] = matcher.readings("knees ache climbing stairs")
    assert (first.slug, partial) == ("knee-pain", True)
    [(whole, partial), *_] = matcher.readings("knee pain")
    assert (whole.slug, partial) == ("knee-pain", False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("type ii diabetes", ["type", "2", "diabete"]),
        ("stage IV", ["stage", "4"]),
        ("i need iv fluids", ["i", "need", "iv", "fluid"]),  # not after type/stage
        ("cannot sleep", ["cant", "sleep"]),
        ("take out my gallbladder", ["remove", "my", "gallbladder"]),
        ("knee hurts", ["knee", "pain"]),
    ],
)
def test_numbers_and_spellings_are_written_one_way(text: str, expected: list[str]) -> None:
    assert words(text) == expected


# --- 5. common words are not places -----------------------------------------------------------

NOT_PLACES = [
    ("lower back", "back-pain", None),
    ("my back hurts", "back-pain", None),
    ("rash on my face", "skin-rash", None),
    ("pink eye in kids", "red-eye", None),
    ("no energy", "fatigue", None),
    ("detached retina", "retinal-detachment", None),
    ("cant breathe", ANY, None),
    ("I see floaters", ANY, None),
    ("hurt my back lifting", ANY, None),
    ("face swelling", ANY, None),
    ("after surgery", ANY, None),
    ("yearly checkup", "annual-physical", None),
    ("borderline sugar", "prediabetes", None),
    ("Back spasms", ANY, None),  # the capital that starts a text names nothing
    ("After surgery", ANY, None),
    ("pulled muscle in my back", ANY, None),
]

STILL_PLACES = [
    ("back pain in hope ar", "back-pain", "hope-ar"),
    ("knee pain boise", "knee-pain", "boise-id"),
    ("gout doctor buffalo", "gout", "buffalo-ny"),
    ("psoriasis normal il", "psoriasis", "normal-il"),
    ("dermatologist in mobile", DERMATOLOGY, "mobile-al"),
    ("acne treatment seatle", "acne", "seattle-wa"),
    ("metastasectomy in ukia", "metastasectomy", "ukiah-ca"),
    ("Boise knee pain", "knee-pain", "boise-id"),
    ("hypertrophic cardiomyopathy center stanford", "cardiomyopathy", "stanford-ca"),
]


@pytest.mark.parametrize(("text", "what", "where"), NOT_PLACES + STILL_PLACES)
def test_common_words_need_more_to_be_a_place(
    matcher: Matcher, places: PlaceIndex, text: str, what: object, where: object
) -> None:
    check(parse(text, matcher, places), what, where)


# --- non-medical text still names nothing -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "hair salon",
        "nail salon downtown",
        "dog groomer",
        "used car dealer",
        "pizza delivery",
        "energy drinks",
        "cheap flights",
    ],
)
def test_partial_matching_does_not_invent_a_what(matcher: Matcher, text: str) -> None:
    assert matcher.match(text) == []
