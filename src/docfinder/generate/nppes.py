"""The NPPES NPI file (330 columns, all quoted) and its secondary practice location file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from docfinder.generate import names
from docfinder.generate.csvout import (
    all_quoted_header,
    constant,
    dates,
    ints,
    take,
    vocabulary,
    write_all_quoted,
    zero_padded,
)
from docfinder.generate.geography import STATES
from docfinder.generate.identity import Identity
from docfinder.generate.kinds import CREDENTIALS, KINDS
from docfinder.generate.layouts import NPPES_COLUMNS, PL_COLUMNS
from docfinder.generate.providers import CLAIMS_ONLY, DEACTIVATED, REACTIVATED, Population

I64 = NDArray[np.int64]
Progress = Callable[[int], None]
CHUNK_ROWS = 50_000
MAX_SLOTS = 4

_V_YN = vocabulary(["N", "Y"])
_V_SOLE = vocabulary(["N", "Y", "X"])
_V_TITLES = vocabulary(names.OFFICIAL_TITLES)
_V_PREFIX = vocabulary(["", "DR.", "MR.", "MS.", "MRS."])
_V_SUFFIX = vocabulary(["", "JR.", "SR.", "II", "III"])
_V_GROUPS = vocabulary(["193400000X SINGLE SPECIALTY  GROUP", "193200000X MULTI-SPECIALTY GROUP"])
_V_STATES = vocabulary(sorted(s for s in STATES if s != "PR"))
_COLUMN_SET = frozenset(NPPES_COLUMNS)


def _dates(days: NDArray[np.int32], blank: NDArray[np.bool_] | None = None) -> pa.Array:
    text = dates(days, "%m/%d/%Y")
    return text if blank is None else pc.if_else(pa.array(blank), "", text)


def _choose(mask: NDArray[np.bool_], yes: pa.Array | str, no: pa.Array | str) -> pa.Array:
    return pc.if_else(pa.array(mask), yes, no)


class _Taxonomies:
    """Per-kind lookup tables for the taxonomy slots."""

    def __init__(self) -> None:
        codes = sorted({k.taxonomy for k in KINDS} | {t for k in KINDS for t in k.extra.split()})
        self.vocab = vocabulary(codes)
        position = {c: i for i, c in enumerate(codes)}
        self.primary = np.array([position[k.taxonomy] for k in KINDS], dtype=np.int64)
        table = np.zeros((len(KINDS), MAX_SLOTS), dtype=np.int64)
        for i, k in enumerate(KINDS):
            extra = k.extra.split() or [k.taxonomy]
            table[i] = [position[extra[j % len(extra)]] for j in range(MAX_SLOTS)]
        self.extra = table
        self.license_prefix = vocabulary([CREDENTIALS.get(k.creds, ("", "", ""))[2] for k in KINDS])


class NppesWriter:
    """Writes the NPPES main file and the secondary practice location file."""

    def __init__(self, population: Population, identity: Identity) -> None:
        self.pop = population
        self.ident = identity
        self.h = population.hasher
        self.tax = _Taxonomies()
        self.is_org = np.array([k.entity == 2 for k in KINDS])

    def write(self, path: Path, progress: Progress) -> int:
        """Write the main file; returns the number of data rows."""
        listed = np.flatnonzero(self.pop.status != CLAIMS_ONLY)
        with path.open("wb") as out:
            out.write(all_quoted_header(NPPES_COLUMNS))
            for start in range(0, listed.size, CHUNK_ROWS):
                idx = listed[start : start + CHUNK_ROWS]
                write_all_quoted(out, NPPES_COLUMNS, self._chunk(idx))
                progress(idx.size)
        return int(listed.size)

    def _chunk(self, idx: I64) -> list[pa.Array]:
        n = idx.size
        org = self.is_org[self.pop.kind[idx]]
        fields: dict[str, pa.Array] = {"NPI": ints(self.pop.npi[idx])}
        fields["Entity Type Code"] = _choose(org, constant("2", n), constant("1", n))
        fields.update(self._names(idx, org))
        fields.update(self._addresses(idx))
        fields.update(self._status_dates(idx))
        fields.update(self._taxonomy_slots(idx, org))
        fields.update(self._officials(idx, org))
        gone = self.pop.status[idx] == DEACTIVATED
        if gone.any():  # NPPES blanks everything of a deactivated NPI but the number and date
            keep = {"NPI", "NPI Deactivation Date"}
            blank = pa.array(gone)
            fields = {k: v if k in keep else pc.if_else(blank, "", v) for k, v in fields.items()}
        unknown = fields.keys() - _COLUMN_SET
        if unknown:
            raise KeyError(f"not NPPES columns: {sorted(unknown)}")
        empty = constant("", n)
        return [fields.get(name, empty) for name in NPPES_COLUMNS]

    def _names(self, idx: I64, org: NDArray[np.bool_]) -> dict[str, pa.Array]:
        n, keys = idx.size, self.pop.npi[idx]
        ident, empty = self.ident, constant("", idx.size)
        person = ~org
        u = self.h.unit(keys, "name.extra")
        doctor = self.ident.doctor[self.pop.kind[idx]]
        prefix = np.where((u < 0.25) & person & doctor, 1, 0)
        suffix = np.where((u > 0.98) & person, 1 + self.h.below(keys, "sfx", 4), 0)
        dba = org & (self.h.unit(keys, "dba") < 0.15)
        org_name = ident.org_name(idx)
        return {
            "Employer Identification Number (EIN)": _choose(org, constant("<UNAVAIL>", n), empty),
            "Provider Organization Name (Legal Business Name)": _choose(org, org_name, empty),
            "Provider Last Name (Legal Name)": _choose(person, ident.last_name(idx), empty),
            "Provider First Name": _choose(person, ident.first_name(idx), empty),
            "Provider Middle Name": _choose(person, ident.middle_name(idx), empty),
            "Provider Name Prefix Text": take(_V_PREFIX, prefix),
            "Provider Name Suffix Text": take(_V_SUFFIX, suffix),
            "Provider Credential Text": _choose(person, ident.credential(idx), empty),
            "Provider Other Organization Name": _choose(
                dba, pc.replace_substring(org_name, f" {names.ORG_MARKER} ", " DEMO CLINIC "), empty
            ),
            "Provider Other Organization Name Type Code": _choose(dba, constant("3", n), empty),
            "Provider Sex Code": _choose(person, ident.sex_code(idx), empty),
            "Is Sole Proprietor": _choose(
                person,
                take(_V_SOLE, self.h.pick(keys, "sole", np.cumsum([0.7, 0.18, 0.12]))),
                empty,
            ),
        }

    def _addresses(self, idx: I64) -> dict[str, pa.Array]:
        ident, keys = self.ident, self.pop.npi[idx]
        zip_idx = self.pop.zip_idx[idx].astype(np.int64)
        site = ident.practice_site(idx)
        street = ident.street_line(site)
        city, state = ident.city(zip_idx), ident.state(zip_idx)
        zip_code, phone = ident.zip_code(zip_idx, site), ident.phone(zip_idx, site)
        fax = _choose(self.h.unit(site, "fax") < 0.5, ident.phone(zip_idx, site, "fax"), "")
        po_box = self.h.unit(keys, "pobox") < 0.2
        box = pc.binary_join_element_wise("PO BOX", ints(1 + self.h.below(keys, "box", 9000)), " ")
        mailing = _choose(po_box, box, street)
        fields: dict[str, pa.Array] = {}
        for noun, line1, line2 in (
            ("Business Mailing Address", mailing, ""),
            ("Business Practice Location Address", street, names.FICTIONAL_LINE),
        ):
            fields[f"Provider First Line {noun}"] = line1
            fields[f"Provider Second Line {noun}"] = constant(line2, idx.size)
            fields[f"Provider {noun} City Name"] = city
            fields[f"Provider {noun} State Name"] = state
            fields[f"Provider {noun} Postal Code"] = zip_code
            fields[f"Provider {noun} Country Code (If outside U.S.)"] = constant("US", idx.size)
            fields[f"Provider {noun} Telephone Number"] = phone
            fields[f"Provider {noun} Fax Number"] = fax
        return fields

    def _status_dates(self, idx: I64) -> dict[str, pa.Array]:
        pop, keys = self.pop, self.pop.npi[idx]
        status = pop.status[idx]
        has_deact = (status == DEACTIVATED) | (status == REACTIVATED)
        certified = self.h.unit(keys, "cert") < 0.25
        span = np.maximum(pop.update_day[idx].astype(np.int64), 0)
        cert_day = span + (self.h.unit(keys, "cert.day") * (20_401 - span)).astype(np.int64)
        return {
            "Provider Enumeration Date": _dates(pop.enum_day[idx]),
            "Last Update Date": _dates(pop.update_day[idx]),
            "NPI Deactivation Date": _dates(pop.deact_day[idx], ~has_deact),
            "NPI Reactivation Date": _dates(pop.react_day[idx], status != REACTIVATED),
            "Certification Date": _dates(cert_day.astype(np.int32), ~certified),
        }

    def _taxonomy_slots(self, idx: I64, org: NDArray[np.bool_]) -> dict[str, pa.Array]:
        keys, kind = self.pop.npi[idx], self.pop.kind[idx].astype(np.int64)
        u = self.h.unit(keys, "slots")
        used = 1 + (u < np.where(org, 0.2, 0.3)) + (u < 0.08) + (u < 0.02)
        primary_slot = np.where(self.h.unit(keys, "primary") < 0.85, 0, used - 1)
        state = self.ident.state(self.pop.zip_idx[idx].astype(np.int64))
        prefix = take(self.tax.license_prefix, kind)
        fields: dict[str, pa.Array] = {}
        for slot in range(MAX_SLOTS):
            present = slot < used
            other = slot - (slot > primary_slot)
            code = np.where(
                slot == primary_slot, self.tax.primary[kind], self.tax.extra[kind, other]
            )
            slot_key = keys * MAX_SLOTS + slot
            digits = zero_padded(self.h.below(slot_key, "license", 900_000) + 10_000, 6)
            licence = pc.binary_join_element_wise(prefix, digits, "")
            no_licence = ~present | (org & (self.h.unit(slot_key, "lic.org") < 0.5))
            away = (slot != primary_slot) & (self.h.unit(slot_key, "lic.state") < 0.3)
            other_state = take(_V_STATES, self.h.below(slot_key, "st", len(_V_STATES)))
            n = slot + 1
            fields[f"Healthcare Provider Taxonomy Code_{n}"] = _choose(
                present, take(self.tax.vocab, code), constant("", idx.size)
            )
            fields[f"Provider License Number_{n}"] = _choose(
                no_licence, constant("", idx.size), licence
            )
            fields[f"Provider License Number State Code_{n}"] = _choose(
                no_licence, constant("", idx.size), _choose(away, other_state, state)
            )
            switch = take(_V_YN, np.equal(primary_slot, slot).astype(np.int64))
            fields[f"Healthcare Provider Primary Taxonomy Switch_{n}"] = _choose(
                present, switch, ""
            )
        grouped = ~org & (self.h.unit(keys, "taxgroup") < 0.03)
        group = take(_V_GROUPS, self.h.below(keys, "taxgroup.kind", 2))
        fields["Healthcare Provider Taxonomy Group_1"] = _choose(grouped, group, "")
        return fields

    def _officials(self, idx: I64, org: NDArray[np.bool_]) -> dict[str, pa.Array]:
        # The official is a fictional person keyed by the organisation's NPI plus one.
        keys = self.pop.npi[idx]
        person_keys = keys + 1
        subpart = org & (self.h.unit(keys, "subpart") < 0.08)
        empty = constant("", idx.size)
        zip_idx = self.pop.zip_idx[idx].astype(np.int64)
        official_names = _FakePerson(self.ident, person_keys)
        parent_tin = zero_padded(self.h.below(keys, "tin", 10**9), 9)
        prefix = self.h.pick(keys, "ao.prefix", np.cumsum([0.6, 0.1, 0.15, 0.15]))
        return {
            "Authorized Official Last Name": _choose(org, official_names.last, empty),
            "Authorized Official First Name": _choose(org, official_names.first, empty),
            "Authorized Official Title or Position": _choose(
                org, take(_V_TITLES, self.h.below(keys, "title", len(names.OFFICIAL_TITLES))), empty
            ),
            "Authorized Official Telephone Number": _choose(
                org, self.ident.phone(zip_idx, person_keys, "ao.phone"), empty
            ),
            "Authorized Official Name Prefix Text": _choose(org, take(_V_PREFIX, prefix), empty),
            "Is Organization Subpart": _choose(org, take(_V_YN, subpart.astype(np.int64)), empty),
            "Parent Organization LBN": _choose(
                subpart, self.ident.org_name(idx, "HEALTH SYSTEM"), empty
            ),
            "Parent Organization TIN": _choose(subpart, parent_tin, empty),
        }

    def write_secondary(self, path: Path) -> int:
        """Write the secondary practice location file; returns its row count."""
        loc, ident = self.pop.secondary, self.ident
        with path.open("wb") as out:
            out.write(all_quoted_header(PL_COLUMNS))
            for start in range(0, loc.owner.size, CHUNK_ROWS):
                rows = np.arange(start, min(start + CHUNK_ROWS, loc.owner.size), dtype=np.int64)
                site, zip_idx = ident.secondary_site(rows), loc.zip_idx[rows]
                n = rows.size
                columns = [
                    ints(self.pop.npi[loc.owner[rows]]),
                    pc.utf8_title(ident.street_line(site)),
                    constant(names.FICTIONAL_LINE, n),
                    pc.utf8_title(ident.city(zip_idx)),
                    ident.state(zip_idx),
                    ident.zip_code(zip_idx, site),
                    constant("US", n),
                    ident.phone(zip_idx, site),
                    constant("", n),
                    _choose(self.h.unit(site, "fax") < 0.3, ident.phone(zip_idx, site, "fax"), ""),
                ]
                write_all_quoted(out, PL_COLUMNS, columns)
        return int(loc.owner.size)


class _FakePerson:
    """Names of people who are not providers (authorised officials), keyed by any integer."""

    def __init__(self, ident: Identity, keys: I64) -> None:
        h = ident.h
        last = vocabulary(names.LAST_NAMES)
        first = vocabulary(names.FIRST_NAMES_FEMALE + names.FIRST_NAMES_MALE)
        self.last = take(last, h.skewed(keys, "last", len(last), 1.8))
        self.first = take(first, h.below(keys, "first", len(first)))
