"""Names, credentials, addresses and phones of providers, derived from their NPIs.

Every function takes population positions and returns upper-case Arrow text (or codes); the
writers change case and quoting to match each file. Because everything is a function of the
NPI and the seed, the same provider has the same name and address in every file.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from docfinder.generate import names
from docfinder.generate.csvout import constant, ints, take, vocabulary, zero_padded
from docfinder.generate.hashing import Hasher, combine
from docfinder.generate.kinds import CREDENTIALS, KINDS
from docfinder.generate.providers import Population

I64 = NDArray[np.int64]

_FEMALE_SHARE = {"np": 0.88, "rn": 0.9, "lvn": 0.88, "rdh": 0.95, "slp": 0.95, "ot": 0.88,
                 "cnm": 0.98, "lcsw": 0.85, "mft": 0.8, "counsel": 0.75, "rd": 0.92,
                 "pa": 0.68, "md": 0.38, "pt": 0.65, "phd": 0.7}  # fmt: skip
_DOCTOR_CREDS = frozenset({"md", "dpm", "od", "dc", "dds", "phd"})  # may write "DR." first
_SHARED_SITE_SHARE = 0.6  # providers sharing a clinic building with others in their ZIP

_V_FIRST_M = vocabulary(names.FIRST_NAMES_MALE)
_V_FIRST_F = vocabulary(names.FIRST_NAMES_FEMALE)
_V_LAST = vocabulary(names.LAST_NAMES)
_V_LETTER = vocabulary(list(names.MIDDLE_LETTERS))
_V_STREET = vocabulary(names.STREETS)
_V_SUFFIX = vocabulary(names.STREET_SUFFIXES)
_V_HEAD = vocabulary(names.ORG_WORD_HEADS)
_V_TAIL = vocabulary(names.ORG_WORD_TAILS)
_ORG_ENDINGS = ("", "", "", ", INC.", " LLC", ", P.C.", ", A MEDICAL CORPORATION")
_V_ORG_ENDING = vocabulary(_ORG_ENDINGS)


class Identity:
    """Text attributes of the providers of one population."""

    def __init__(self, population: Population) -> None:
        self.pop = population
        self.h: Hasher = population.hasher
        self._kind_suffix = vocabulary([k.creds if k.entity == 2 else "" for k in KINDS])
        self._plain_name = np.array([k.key in {"hospital", "cah"} for k in KINDS])
        creds = [CREDENTIALS.get(k.creds, CREDENTIALS["none"])[0] for k in KINDS]
        self._cred_offsets = np.cumsum([0] + [len(c) for c in creds])[:-1]
        self._cred_sizes = np.array([len(c) for c in creds], dtype=np.int64)
        self._v_creds = vocabulary([c for group in creds for c in group])
        self._female = np.array([_FEMALE_SHARE.get(k.creds, 0.5) for k in KINDS])
        self.doctor = np.array([k.creds in _DOCTOR_CREDS for k in KINDS])
        zips = population.region.zips
        self._v_zip5 = vocabulary(zips.zip5)
        self._v_area = vocabulary(zips.area_code)
        self._v_city = vocabulary([c.upper() for c in zips.city])
        self._v_state = vocabulary(zips.state)

    def npis(self, idx: I64) -> I64:
        """NPIs at positions."""
        return self.pop.npi[idx]

    def is_female(self, idx: I64) -> NDArray[np.bool_]:
        """Whether each individual is female (organisations: arbitrary)."""
        share = self._female[self.pop.kind[idx]]
        return self.h.unit(self.npis(idx), "sex") < share

    def sex_code(self, idx: I64) -> pa.Array:
        """F or M."""
        return take(vocabulary(["M", "F"]), self.is_female(idx).astype(np.int64))

    def last_name(self, idx: I64) -> pa.Array:
        """Surnames, common ones more often."""
        return take(_V_LAST, self.h.skewed(self.npis(idx), "last", len(_V_LAST), 1.8))

    def first_name(self, idx: I64) -> pa.Array:
        """Given names matching sex."""
        keys = self.npis(idx)
        female = self.is_female(idx)
        m = take(_V_FIRST_M, self.h.skewed(keys, "first", len(_V_FIRST_M), 1.6))
        f = take(_V_FIRST_F, self.h.skewed(keys, "first", len(_V_FIRST_F), 1.6))
        return pc.if_else(pa.array(female), f, m)

    def middle_name(self, idx: I64) -> pa.Array:
        """A middle initial, a full middle name, or nothing."""
        keys = self.npis(idx)
        u = self.h.unit(keys, "middle")
        letter = take(_V_LETTER, self.h.below(keys, "middle.letter", len(_V_LETTER)))
        full = take(_V_FIRST_M, self.h.below(keys, "middle.full", len(_V_FIRST_M)))
        empty = constant("", idx.size)
        return pc.if_else(pa.array(u < 0.35), empty, pc.if_else(pa.array(u < 0.85), letter, full))

    def middle_initial(self, idx: I64) -> pa.Array:
        """The first letter of the middle name, or nothing."""
        return pc.utf8_slice_codeunits(self.middle_name(idx), 0, 1)

    def credential(self, idx: I64) -> pa.Array:
        """Credential text as written in NPPES ("M.D.", "FNP-C", ...)."""
        kind = self.pop.kind[idx]
        size = self._cred_sizes[kind]
        u = self.h.unit(self.npis(idx), "cred") ** 2.0
        pick = np.minimum((u * size).astype(np.int64), size - 1)
        return take(self._v_creds, self._cred_offsets[kind] + pick)

    def org_name(self, idx: I64, kind_words: str | None = None) -> pa.Array:
        """Invented organisation names, clearly marked: "FERNHAVEN DEMO MEDICAL GROUP".

        `kind_words` replaces the words naming the kind of organisation ("HEALTH SYSTEM").
        """
        keys = self.npis(idx)
        head = take(_V_HEAD, self.h.below(keys, "org.head", len(_V_HEAD)))
        tail = take(_V_TAIL, self.h.below(keys, "org.tail", len(_V_TAIL)))
        kind = self.pop.kind[idx].astype(np.int64)
        suffix = take(self._kind_suffix, kind) if kind_words is None else kind_words
        ending_no = self.h.below(keys, "org.end", len(_ORG_ENDINGS))
        ending = take(_V_ORG_ENDING, np.where(self._plain_name[kind], 0, ending_no))
        word = pc.binary_join_element_wise(head, tail, "")
        named = pc.binary_join_element_wise(word, names.ORG_MARKER, suffix, " ")
        return pc.binary_join_element_wise(named, ending, "")

    def practice_site(self, idx: I64) -> I64:
        """Address keys of primary practice locations (shared buildings recur within a ZIP)."""
        keys = self.npis(idx)
        shared = self.h.unit(keys, "site.shared") < _SHARED_SITE_SHARE
        site = np.where(shared, self.h.below(keys, "site.no", 4), keys)
        return combine(self.pop.zip_idx[idx].astype(np.int64), site)

    def secondary_site(self, row: I64) -> I64:
        """Address keys of secondary locations (rows of population.secondary)."""
        loc = self.pop.secondary
        return combine(loc.zip_idx[row], combine(self.npis(loc.owner[row]), loc.number[row]))

    def street_number(self, site: I64) -> I64:
        """House numbers of address keys."""
        return 1 + self.h.skewed(site, "street.no", 9999, 1.5)

    def street_suffix(self, site: I64) -> pa.Array:
        """Street suffixes ("AVE") of address keys."""
        return take(_V_SUFFIX, self.h.skewed(site, "street.sfx", len(_V_SUFFIX), 1.5))

    def street_line(self, site: I64, with_suite: bool = True) -> pa.Array:
        """ "1450 REDWOOD AVE STE 210" for address keys."""
        number = self.street_number(site)
        street = take(_V_STREET, self.h.below(site, "street", len(_V_STREET)))
        suffix = self.street_suffix(site)
        suite = constant("", site.size)
        if with_suite:
            has = self.h.unit(site, "suite") < 0.45
            text = pc.binary_join_element_wise(
                "STE", ints(100 + self.h.below(site, "ste", 400)), " "
            )
            suite = pc.if_else(pa.array(has), text, suite)
        line = pc.binary_join_element_wise(ints(number), street, suffix, suite, " ")
        return pc.utf8_rtrim_whitespace(line)

    def zip_code(self, zip_idx: I64, site: I64, nine_share: float = 0.7) -> pa.Array:
        """ZIP codes, mostly as ZIP+4 without the hyphen ("954823045")."""
        zip5 = take(self._v_zip5, zip_idx)
        plus4 = zero_padded(self.h.below(site, "zip4", 10_000), 4)
        nine = pc.binary_join_element_wise(zip5, plus4, "")
        return pc.if_else(pa.array(self.h.unit(site, "zip9") < nine_share), nine, zip5)

    def phone(self, zip_idx: I64, key: I64, salt: str = "phone") -> pa.Array:
        """Ten-digit phone numbers in the 555-01XX range reserved for fiction."""
        area = take(self._v_area, zip_idx)
        line = zero_padded(100 + self.h.below(key, salt, 100), 4)
        return pc.binary_join_element_wise(area, "555", line, "")

    def city(self, zip_idx: I64) -> pa.Array:
        """Upper-case city names."""
        return take(self._v_city, zip_idx)

    def state(self, zip_idx: I64) -> pa.Array:
        """State abbreviations."""
        return take(self._v_state, zip_idx)
