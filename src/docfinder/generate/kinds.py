"""Kinds of provider: taxonomy, how common, and how each shows up in the Medicare files."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One kind of provider (an NPPES taxonomy) and its footprint in the other files."""

    key: str
    taxonomy: str
    entity: int  # 1 individual, 2 organisation
    per_mille: float  # share of all NPIs, national
    cms_type: str  # Rndrng_Prvdr_Type / Prscrbr_Type ("" = never in those files)
    dac_spec: str  # DAC pri_spec ("" = never in DAC)
    creds: str  # key of CREDENTIALS (individuals) or organisation name suffix (orgs)
    p_mup: float  # chance of billing Medicare Part B in a year
    p_partd: float  # chance of prescribing to Part D beneficiaries in a year
    p_dac: float  # chance of being in Doctors & Clinicians
    svc_rows: float  # mean procedure rows per billing provider
    drug_rows: float  # mean drug rows per prescriber
    codes: str  # procedure profile (see procedures.py)
    drugs: str  # drug profile spec (see drugs.py)
    spread: float  # >1 concentrates in large cities, <1 spreads to small towns
    extra: str = ""  # other taxonomies that may fill further NPPES slots


# (NPPES credential texts, most common first; DAC Cred; license number prefix)
CREDENTIALS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "md": (("M.D.", "MD", "D.O.", "MD", "DO", "MD, PHD", "M.D., F.A.C.S."), "MD", "A"),
    "np": (("NP", "FNP-C", "FNP", "APRN, FNP-C", "N.P.", "ANP-BC", "DNP, FNP-C"), "NP", "NP"),
    "pa": (("PA-C", "PA", "P.A.-C", "PA-C, MPAS", "P.A."), "PA", "PA"),
    "crna": (("CRNA", "C.R.N.A.", "MSN, CRNA"), "CRNA", "RN"),
    "cnm": (("CNM", "C.N.M.", "CNM, MSN"), "CNM", "NM"),
    "dc": (("DC", "D.C."), "DC", "DC"),
    "pt": (("PT", "DPT", "P.T.", "PT, DPT"), "PT", "PT"),
    "ot": (("OTR/L", "OT", "OTR"), "OT", "OT"),
    "slp": (("CCC-SLP", "M.S., CCC-SLP", "SLP"), "", "SP"),
    "dpm": (("DPM", "D.P.M."), "DPM", "E"),
    "od": (("OD", "O.D."), "OD", "OPT"),
    "phd": (("PH.D.", "PSYD", "PHD"), "PSY", "PSY"),
    "lcsw": (("LCSW", "MSW, LCSW", "L.C.S.W."), "CSW", "LCSW"),
    "counsel": (("LPCC", "LPC", "MA, LPCC", "LMHC"), "", "LPCC"),
    "mft": (("LMFT", "MFT", "MA, LMFT"), "", "LMFT"),
    "dds": (("DDS", "D.D.S.", "DMD", "D.M.D."), "", "D"),
    "rdh": (("RDH", "R.D.H."), "", "RDH"),
    "rph": (("PHARMD", "RPH", "PHARM.D.", "R.PH."), "", "RPH"),
    "rn": (("RN", "R.N.", "BSN, RN", "RN, BSN"), "", "RN"),
    "lvn": (("LVN", "LPN"), "", "VN"),
    "emt": (("EMT", "PARAMEDIC", "EMT-P"), "", "P"),
    "lmt": (("LMT", "CMT", "CMT, LMT"), "", "MT"),
    "rd": (("RD", "RDN", "MS, RDN"), "RD", "RD"),
    "aud": (("AUD", "AU.D.", "CCC-A"), "AU", "AU"),
    "bcba": (("BCBA", "MA, BCBA"), "", "BCBA"),
    "lac": (("LAC", "L.AC."), "", "AC"),
    "nd": (("ND", "N.D."), "", "ND"),
    "none": (("",), "", ""),
}

_MD, _NP = "md", "np"
K = Kind
# key, taxonomy, entity, per mille, CMS type, DAC pri_spec, creds, p_mup, p_partd, p_dac,
# rows (svc, drug), code profile, drug profile, spread
KINDS: tuple[Kind, ...] = (
    K("fm", "207Q00000X", 1, 16, "Family Practice", "FAMILY MEDICINE", _MD, .72, .86, .78, 14, 52,
      "primary", "primary", .8, "207QG0300X 207QS0010X"),
    K("im", "207R00000X", 1, 20, "Internal Medicine", "INTERNAL MEDICINE", _MD, .7, .84, .76, 13,
      50, "primary", "primary", 1.0, "207RC0000X 207RG0300X 207RI0200X"),
    K("gp", "208D00000X", 1, 3, "General Practice", "GENERAL PRACTICE", _MD, .4, .6, .4, 9, 30,
      "primary", "primary", .8),
    K("peds", "208000000X", 1, 9, "Pediatric Medicine", "PEDIATRIC MEDICINE", _MD, .08, .35, .3,
      4, 6, "primary", "primary*0.3 emergency", 1.0),
    K("np", "363L00000X", 1, 30, "Nurse Practitioner", "NURSE PRACTITIONER", _NP, .5, .72, .6, 10,
      26, "np", "primary psych*0.1", .8, "363LF0000X 363LA2200X"),
    K("npf", "363LF0000X", 1, 25, "Nurse Practitioner", "NURSE PRACTITIONER", _NP, .52, .74, .62,
      10, 28, "np", "primary", .7, "363L00000X"),
    K("pa", "363A00000X", 1, 17, "Physician Assistant", "PHYSICIAN ASSISTANT", "pa", .55, .7, .6,
      9, 18, "primary", "primary emergency*0.3", 1.0, "363AS0400X 363AM0700X"),
    K("pam", "363AM0700X", 1, 5, "Physician Assistant", "PHYSICIAN ASSISTANT", "pa", .55, .7, .6,
      9, 18, "primary", "primary", 1.0, "363A00000X"),
    K("derm", "207N00000X", 1, 1.7, "Dermatology", "DERMATOLOGY", _MD, .85, .85, .85, 24, 18,
      "derm", "derm", 1.3, "207ND0101X 207NS0135X"),
    K("mohs", "207ND0101X", 1, .25, "Micrographic Dermatologic Surgery",
      "MICROGRAPHIC DERMATOLOGIC SURGERY (MDS)", _MD, .95, .8, .9, 22, 12, "mohs", "derm",
      1.5, "207N00000X"),
    K("thoracic", "208G00000X", 1, .45, "Thoracic Surgery", "THORACIC SURGERY", _MD, .75, .5, .8,
      11, 5, "thoracic", "surgeon", 1.6, "208600000X"),
    K("surgonc", "2086X0206X", 1, .15, "Surgical Oncology", "SURGICAL ONCOLOGY", _MD, .8, .5, .8,
      10, 5, "surgical_oncology", "surgeon hemonc*0.3", 1.6, "208600000X"),
    K("gensurg", "208600000X", 1, 3, "General Surgery", "GENERAL SURGERY", _MD, .75, .6, .8, 12, 6,
      "general_surgery", "surgeon", 1.0, "2086X0206X 2086S0122X"),
    K("colorectal", "208C00000X", 1, .2, "Colorectal Surgery (Proctology)",
      "COLORECTAL SURGERY (PROCTOLOGY)", _MD, .85, .6, .85, 11, 5, "colorectal", "surgeon gi*0.5",
      1.4, "208600000X"),
    K("transplant", "204F00000X", 1, .08, "General Surgery", "GENERAL SURGERY", _MD, .7, .4, .7, 9,
      4, "transplant", "surgeon", 2.0, "208600000X"),
    K("rheum", "207RR0500X", 1, .6, "Rheumatology", "RHEUMATOLOGY", _MD, .85, .9, .85, 12, 16,
      "rheum", "rheum", 1.2, "207R00000X"),
    K("cardio", "207RC0000X", 1, 3, "Cardiology", "CARDIOVASCULAR DISEASE (CARDIOLOGY)", _MD, .8,
      .85, .85, 16, 16, "cardiology", "cardiology primary*0.1", 1.2, "207R00000X 207RI0011X"),
    K("ortho", "207X00000X", 1, 3, "Orthopedic Surgery", "ORTHOPEDIC SURGERY", _MD, .8, .7, .85,
      12, 6, "ortho", "surgeon pain*0.5", 1.0, "207XS0114X 207XX0004X"),
    K("ophth", "207W00000X", 1, 2, "Ophthalmology", "OPHTHALMOLOGY", _MD, .85, .85, .85, 9, 4,
      "ophth", "ophth", 1.0),
    K("psych", "2084P0800X", 1, 4, "Psychiatry", "PSYCHIATRY", _MD, .55, .8, .6, 7, 12, "psych",
      "psych", 1.2, "2084P0804X 2084P0805X"),
    K("radiology", "2085R0202X", 1, 3, "Diagnostic Radiology", "DIAGNOSTIC RADIOLOGY", _MD, .85,
      .02, .85, 12, 2, "radiology", "emergency", 1.1),
    K("anesth", "207L00000X", 1, 5, "Anesthesiology", "ANESTHESIOLOGY", _MD, .75, .1, .8, 5, 3,
      "anesthesia", "pain", 1.0, "207LP2900X"),
    K("path", "207ZP0102X", 1, 1.4, "Pathology", "PATHOLOGY", _MD, .7, .01, .7, 4, 2,
      "pathology", "emergency", 1.2),
    K("em", "207P00000X", 1, 5, "Emergency Medicine", "EMERGENCY MEDICINE", _MD, .8, .75, .8, 6,
      10, "emergency", "emergency", .9),
    K("hemonc", "207RH0003X", 1, 1.5, "Hematology-Oncology", "HEMATOLOGY/ONCOLOGY", _MD, .8, .85,
      .85, 14, 10, "hemonc", "hemonc", 1.3, "207RX0202X 207R00000X"),
    K("gi", "207RG0100X", 1, 1.6, "Gastroenterology", "GASTROENTEROLOGY", _MD, .85, .8, .85, 8,
      4, "gi", "gi", 1.1, "207R00000X"),
    K("neuro", "2084N0400X", 1, 1.6, "Neurology", "NEUROLOGY", _MD, .75, .8, .8, 9, 5, "neuro",
      "neuro", 1.2),
    K("urology", "208800000X", 1, 1.1, "Urology", "UROLOGY", _MD, .85, .85, .85, 12, 6,
      "urology", "urology", 1.0),
    K("pulm", "207RP1001X", 1, 1.0, "Pulmonary Disease", "PULMONARY DISEASE", _MD, .85, .8, .85,
      12, 6, "pulm", "pulm", 1.1, "207RC0200X"),
    K("nephro", "207RN0300X", 1, 1.0, "Nephrology", "NEPHROLOGY", _MD, .85, .85, .85, 10, 8,
      "nephrology", "nephrology", 1.1),
    K("endo", "207RE0101X", 1, .7, "Endocrinology", "ENDOCRINOLOGY", _MD, .8, .85, .8, 8, 10,
      "endocrine", "endocrine", 1.2),
    K("ent", "207Y00000X", 1, 1.0, "Otolaryngology", "OTOLARYNGOLOGY", _MD, .8, .7, .8, 10, 4,
      "ent", "surgeon*0.5 pulm", 1.1),
    K("plastic", "208200000X", 1, .7, "Plastic and Reconstructive Surgery",
      "PLASTIC AND RECONSTRUCTIVE SURGERY", _MD, .5, .4, .6, 8, 3, "plastic", "surgeon", 1.4),
    K("obgyn", "207V00000X", 1, 4.5, "Obstetrics & Gynecology", "OBSTETRICS/GYNECOLOGY", _MD, .4,
      .6, .55, 7, 6, "obgyn", "primary*0.2 urology*0.3", 1.0),
    K("hospitalist", "208M00001X", 1, 2, "Hospitalist", "HOSPITALIST", _MD, .85, .3, .85, 8, 4,
      "hospitalist", "primary", 1.0),
    K("allergy", "207K00000X", 1, .5, "Allergy/ Immunology", "ALLERGY/IMMUNOLOGY", _MD, .75, .8,
      .8, 9, 6, "allergy", "pulm", 1.2),
    K("infectious", "207RI0200X", 1, .7, "Infectious Disease", "INFECTIOUS DISEASE", _MD, .8, .75,
      .8, 6, 6, "infectious", "infectious", 1.3),
    K("pmr", "208100000X", 1, 1.0, "Physical Medicine and Rehabilitation",
      "PHYSICAL MEDICINE AND REHABILITATION", _MD, .75, .7, .8, 9, 5, "pmr", "pain", 1.0),
    K("crna", "367500000X", 1, 6, "Certified Registered Nurse Anesthetist (CRNA)",
      "CERTIFIED REGISTERED NURSE ANESTHETIST (CRNA)", "crna", .6, .0, .65, 4, 1, "crna", "", .9),
    K("chiro", "111N00000X", 1, 8, "Chiropractic", "CHIROPRACTIC", "dc", .5, 0, .55, 3, 1,
      "chiro", "", .8),
    K("pt", "225100000X", 1, 28, "Physical Therapist in Private Practice",
      "PHYSICAL THERAPY", "pt", .22, 0, .3, 7, 1, "pt", "", .9),
    K("ot", "225X00000X", 1, 12, "Occupational Therapist in Private Practice",
      "OCCUPATIONAL THERAPY", "ot", .05, 0, .08, 5, 1, "pt", "", .9),
    K("slp", "235Z00000X", 1, 16, "", "", "slp", 0, 0, 0, 0, 0, "", "", .9),
    K("podiatry", "213E00000X", 1, 1.8, "Podiatry", "PODIATRY", "dpm", .85, .75, .85, 8, 5,
      "podiatry", "podiatry", .9),
    K("optometry", "152W00000X", 1, 4.5, "Optometry", "OPTOMETRY", "od", .6, .4, .6, 5, 3,
      "optometry", "ophth", .8),
    K("psychologist", "103T00000X", 1, 12, "Clinical Psychologist", "PSYCHOLOGIST, CLINICAL",
      "phd", .2, 0, .25, 5, 1, "therapy", "", 1.0),
    K("lcsw", "1041C0700X", 1, 25, "Licensed Clinical Social Worker", "CLINICAL SOCIAL WORKER",
      "lcsw", .12, 0, .15, 4, 1, "therapy", "", .9),
    K("counselor", "101YP2500X", 1, 40, "Mental Health Counselor", "", "counsel", .02, 0, 0, 3, 1,
      "therapy", "", .8),
    K("mft", "106H00000X", 1, 8, "", "", "mft", 0, 0, 0, 0, 0, "", "", .9),
    K("dentist", "122300000X", 1, 22, "Dentist", "", "dds", .01, .55, 0, 2, 5, "primary",
      "dentist", .8, "1223G0001X"),
    K("hygienist", "124Q00000X", 1, 5, "", "", "rdh", 0, 0, 0, 0, 0, "", "", .8),
    K("pharmacist", "183500000X", 1, 25, "Pharmacist", "", "rph", 0, .01, 0, 0, 3, "",
      "primary", .8),
    K("rn", "163W00000X", 1, 70, "", "", "rn", 0, 0, 0, 0, 0, "", "", .8),
    K("lvn", "164W00000X", 1, 8, "", "", "lvn", 0, 0, 0, 0, 0, "", "", .8),
    K("emt", "146L00000X", 1, 10, "", "", "emt", 0, 0, 0, 0, 0, "", "", .7),
    K("massage", "225700000X", 1, 20, "", "", "lmt", 0, 0, 0, 0, 0, "", "", .8),
    K("student", "390200000X", 1, 60, "Student in an Organized Health Care Education/Training "
      "Program", "", "none", 0, .06, 0, 0, 6, "", "primary emergency", 1.4),
    K("dietitian", "133V00000X", 1, 6, "Registered Dietitian/Nutrition Professional",
      "REGISTERED DIETITIAN OR NUTRITION PROFESSIONAL", "rd", .08, 0, .1, 2, 1, "dietitian", "",
      1.0),
    K("audiologist", "231H00000X", 1, 1.5, "Audiologist", "QUALIFIED AUDIOLOGIST", "aud", .5, 0,
      .5, 2, 1, "audiology", "", 1.0),
    K("cnm", "367A00000X", 1, 1.0, "Certified Nurse Midwife", "CERTIFIED NURSE MIDWIFE (CNM)",
      "cnm", .1, .3, .2, 3, 3, "obgyn", "primary*0.2", 1.0),
    K("aide", "374U00000X", 1, 6, "", "", "none", 0, 0, 0, 0, 0, "", "", .7),
    K("behavior", "103K00000X", 1, 8, "", "", "bcba", 0, 0, 0, 0, 0, "", "", 1.0),
    K("acupuncture", "171100000X", 1, 3, "", "", "lac", 0, 0, 0, 0, 0, "", "", 1.0),
    K("naturopath", "175F00000X", 1, 1, "", "", "nd", 0, 0, 0, 0, 0, "", "", 1.0),
    K("group1", "193400000X", 2, 12, "", "", "MEDICAL GROUP", 0, 0, 0, 0, 0, "", "", 1.0),
    K("group2", "193200000X", 2, 10, "", "", "MULTISPECIALTY GROUP", 0, 0, 0, 0, 0, "", "", 1.0),
    K("clinic", "261QP2300X", 2, 12, "", "", "PRIMARY CARE CLINIC", 0, 0, 0, 0, 0, "", "", .8),
    K("fqhc", "261QF0400X", 2, 2, "", "", "COMMUNITY HEALTH CENTER", 0, 0, 0, 0, 0, "", "", .7),
    K("rhc", "261QR1300X", 2, 1, "", "", "RURAL HEALTH CLINIC", 0, 0, 0, 0, 0, "", "", .3),
    K("fmgroup", "207Q00000X", 2, 10, "", "", "FAMILY MEDICINE", 0, 0, 0, 0, 0, "", "", .8),
    K("dermgroup", "207N00000X", 2, 1, "", "", "DERMATOLOGY ASSOCIATES", 0, 0, 0, 0, 0, "", "",
      1.2),
    K("orthogroup", "207X00000X", 2, 1.5, "", "", "ORTHOPAEDIC PARTNERS", 0, 0, 0, 0, 0, "", "",
      1.0),
    K("cardiogroup", "207RC0000X", 2, 1, "", "", "HEART INSTITUTE", 0, 0, 0, 0, 0, "", "", 1.2),
    K("pharmacy", "3336C0003X", 2, 12, "", "", "PHARMACY", 0, 0, 0, 0, 0, "", "", .8),
    K("dme", "332B00000X", 2, 12, "", "", "MEDICAL SUPPLY", 0, 0, 0, 0, 0, "", "", .9),
    K("homehealth", "251E00000X", 2, 6, "", "", "HOME HEALTH", 0, 0, 0, 0, 0, "", "", 1.0),
    K("hospice", "251G00000X", 2, 2, "", "", "HOSPICE", 0, 0, 0, 0, 0, "", "", .9),
    K("snf", "314000000X", 2, 4, "", "", "SKILLED NURSING CENTER", 0, 0, 0, 0, 0, "", "", .8),
    K("asc", "261QA1903X", 2, 2, "Ambulatory Surgical Center", "", "SURGERY CENTER", .85, 0, 0, 4,
      0, "asc", "", 1.2),
    K("lab", "291U00000X", 2, 5, "Clinical Laboratory", "", "LABORATORY", .5, 0, 0, 6, 0, "lab",
      "", 1.1),
    K("ambulance", "341600000X", 2, 3, "Ambulance Service Provider", "", "AMBULANCE", .6, 0, 0, 3,
      0, "ambulance", "", .8),
    K("mentalclinic", "261QM0801X", 2, 4, "", "", "BEHAVIORAL HEALTH", 0, 0, 0, 0, 0, "", "", .9),
    K("ptclinic", "261QP2000X", 2, 5, "", "", "PHYSICAL THERAPY", 0, 0, 0, 0, 0, "", "", .9),
    K("dentalgroup", "1223G0001X", 2, 14, "", "", "DENTAL GROUP", 0, 0, 0, 0, 0, "", "", .8),
    K("agency", "251S00000X", 2, 8, "", "", "COMMUNITY SERVICES", 0, 0, 0, 0, 0, "", "", .8),
    K("assisted", "310400000X", 2, 3, "", "", "ASSISTED LIVING", 0, 0, 0, 0, 0, "", "", .8),
    K("chirogroup", "111N00000X", 2, 4, "", "", "CHIROPRACTIC", 0, 0, 0, 0, 0, "", "", .8),
    K("hospital", "282N00000X", 2, 0, "", "", "MEDICAL CENTER", 0, 0, 0, 0, 0, "", "", 1.0),
    K("cah", "282NC0060X", 2, 0, "", "", "COMMUNITY HOSPITAL", 0, 0, 0, 0, 0, "", "", 1.0),
)  # fmt: skip

KIND_INDEX: dict[str, int] = {kind.key: i for i, kind in enumerate(KINDS)}
# Organisation kinds whose members appear under org_nm in Doctors & Clinicians.
GROUP_KINDS = ("group1", "group2", "clinic", "fqhc", "fmgroup", "dermgroup", "orthogroup",
               "cardiogroup")  # fmt: skip


def kind(key: str) -> Kind:
    """A kind by key."""
    return KINDS[KIND_INDEX[key]]
