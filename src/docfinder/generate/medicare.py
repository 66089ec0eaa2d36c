"""Provider columns shared by the data.cms.gov files (by-service and Part D), CMS-quoted."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from docfinder.generate import names
from docfinder.generate.csvout import cms_quote_array, constant, take, vocabulary
from docfinder.generate.geography import RUCA_DESCRIPTIONS, STATES
from docfinder.generate.identity import Identity
from docfinder.generate.kinds import KINDS
from docfinder.generate.providers import CLAIMS_ONLY, DEACTIVATED, Population, day_number

I64 = NDArray[np.int64]
ORG = np.array([k.entity == 2 for k in KINDS])


def eligible(pop: Population, chance: NDArray[np.float64], salt: str, year: int) -> I64:
    """Positions of providers present in a data year's file, sorted by NPI.

    A provider is present when its kind's chance says so (or it is planted), it was
    enumerated before the year ended, and it was not deactivated before mid-year.
    """
    h = pop.hasher
    drawn = h.unit(pop.npi, salt) < chance[pop.kind]
    year_start, year_end = day_number(date(year, 1, 1)), day_number(date(year, 12, 31))
    enumerated = pop.enum_day <= year_end - 30
    gone = (pop.status == DEACTIVATED) & (pop.deact_day < year_start + 180)
    present = (drawn & enumerated & ~gone & (pop.status != CLAIMS_ONLY)) | pop.force_bill
    positions = np.flatnonzero(present)
    return positions[np.argsort(pop.npi[positions], kind="stable")]


class ProviderColumns:
    """The per-provider columns of the Medicare files, already quoted for output."""

    def __init__(self, population: Population, identity: Identity) -> None:
        self.pop = population
        self.ident = identity
        zips = population.region.zips
        self._v_city = vocabulary(zips.city, "cms")
        self._v_zip5 = vocabulary(zips.zip5)
        self._v_fips = vocabulary([STATES[s][0] for s in zips.state])
        self._v_ruca = vocabulary([str(r) for r in zips.ruca.tolist()])
        self._v_ruca_desc = vocabulary([RUCA_DESCRIPTIONS[int(r)] for r in zips.ruca], "cms")
        self._v_type = vocabulary([k.cms_type for k in KINDS], "cms")
        # "S": specialty from Medicare enrolment; "T": from the NPPES taxonomy.
        self._v_type_src = vocabulary(["S" if k.dac_spec else "T" for k in KINDS])

    def zip_of(self, idx: I64) -> I64:
        """Practice ZIP positions."""
        return self.pop.zip_idx[idx].astype(np.int64)

    def names(self, idx: I64) -> dict[str, pa.Array]:
        """Last or organisation name, first name, middle initial, credentials, gender, entity."""
        org = pa.array(ORG[self.pop.kind[idx]])
        ident, empty = self.ident, constant('""', idx.size)
        last = pc.utf8_capitalize(ident.last_name(idx))
        org_name = pc.utf8_title(ident.org_name(idx))
        first = pc.utf8_capitalize(ident.first_name(idx))
        mi = ident.middle_initial(idx)
        no_cred = self.pop.hasher.unit(self.pop.npi[idx], "mup.cred") < 0.03
        cred = pc.if_else(pa.array(no_cred), "", ident.credential(idx))
        return {
            "last": cms_quote_array(pc.if_else(org, org_name, last)),
            "first": pc.if_else(org, empty, cms_quote_array(first)),
            "mi": pc.if_else(org, empty, cms_quote_array(mi)),
            "cred": pc.if_else(org, empty, cms_quote_array(cred)),
            "gender": pc.if_else(org, empty, ident.sex_code(idx)),
            "entity": pc.if_else(org, "O", "I"),
        }

    def place(self, idx: I64) -> dict[str, pa.Array]:
        """Street, city, state, FIPS, ZIP and rural-urban code of the practice address."""
        zip_idx = self.zip_of(idx)
        street = pc.utf8_title(self.ident.street_line(self.ident.practice_site(idx)))
        return {
            "st1": cms_quote_array(street),
            "st2": constant(f'"{names.FICTIONAL_LINE}"', idx.size),
            "city": take(self._v_city, zip_idx),
            "state": self.ident.state(zip_idx),
            "fips": take(self._v_fips, zip_idx),
            "zip5": take(self._v_zip5, zip_idx),
            "ruca": take(self._v_ruca, zip_idx),
            "ruca_desc": take(self._v_ruca_desc, zip_idx),
        }

    def provider_type(self, idx: I64) -> pa.Array:
        """Rndrng_Prvdr_Type / Prscrbr_Type."""
        return take(self._v_type, self.pop.kind[idx].astype(np.int64))

    def type_source(self, idx: I64) -> pa.Array:
        """Prscrbr_Type_Src."""
        return take(self._v_type_src, self.pop.kind[idx].astype(np.int64))
