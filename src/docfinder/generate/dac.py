"""Doctors and Clinicians national downloadable file (2021 layout, 40 columns)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from docfinder.generate import names
from docfinder.generate.csvout import (
    constant,
    dates,
    ints,
    join_rows,
    minimal_quote_array,
    plain_header,
    take,
    vocabulary,
    zero_padded,
)
from docfinder.generate.hashing import combine
from docfinder.generate.hospitals import MAX_AFFILIATIONS, Hospitals
from docfinder.generate.identity import Identity
from docfinder.generate.kinds import CREDENTIALS, GROUP_KINDS, KIND_INDEX, KINDS
from docfinder.generate.layouts import DAC_COLUMNS, DAC_HEADER_SEPARATOR
from docfinder.generate.providers import ACTIVE, REACTIVATED, Population

I64 = NDArray[np.int64]
Progress = Callable[[int], None]
CHUNK_ROWS = 100_000
_ZIP9_SHARE = 0.85  # DAC ZIPs are mostly ZIP+4; the address id pads short ones with zeros

_SECOND_SPECIALTY = {
    "derm": "MICROGRAPHIC DERMATOLOGIC SURGERY (MDS)", "mohs": "DERMATOLOGY",
    "thoracic": "CARDIAC SURGERY", "surgonc": "GENERAL SURGERY", "colorectal": "GENERAL SURGERY",
    "im": "HOSPITALIST", "fm": "GERIATRIC MEDICINE", "rheum": "INTERNAL MEDICINE",
    "cardio": "INTERVENTIONAL CARDIOLOGY", "hemonc": "MEDICAL ONCOLOGY",
    "pulm": "CRITICAL CARE (INTENSIVISTS)", "gi": "INTERNAL MEDICINE", "em": "SPORTS MEDICINE",
}  # fmt: skip


@dataclass(frozen=True)
class DacRows:
    """One row per (clinician, location, group): positions into the population and groups."""

    member: I64  # population position of the clinician
    location: I64  # 0 = primary practice location, n = n-th secondary location
    group: I64  # population position of the group organisation, -1 for none


class DacWriter:
    """Writes DAC_NationalDownloadableFile.csv."""

    def __init__(self, population: Population, identity: Identity, hospitals: Hospitals) -> None:
        self.pop = population
        self.ident = identity
        self.h = population.hasher
        self.hospitals = hospitals
        self.kind_spec = vocabulary([k.dac_spec for k in KINDS], "minimal")
        second = [_SECOND_SPECIALTY.get(k.key, "") for k in KINDS]
        self.kind_second = vocabulary(second, "minimal")
        self.has_second = np.array([bool(s) for s in second])
        self.kind_cred = vocabulary([CREDENTIALS.get(k.creds, ("", "", ""))[1] for k in KINDS])
        self.physician = np.array([k.creds == "md" for k in KINDS])

    def members(self) -> I64:
        """Population positions of the clinicians listed in DAC."""
        pop = self.pop
        chance = np.array([k.p_dac if k.entity == 1 else 0.0 for k in KINDS])[pop.kind]
        listed = (pop.status == ACTIVE) | (pop.status == REACTIVATED)
        chosen = (self.h.unit(pop.npi, "dac") < chance) & listed
        for _, position in pop.anchors:
            chosen[position] = True
        return np.flatnonzero(chosen)

    def plan_rows(self) -> DacRows:
        """Every row of the file: each clinician at each location and group."""
        member = self.members()
        secondary = np.bincount(self.pop.secondary.owner, minlength=len(self.pop))[member]
        u = self.h.unit(self.pop.npi[member], "dac.extra")
        extra = (u < 0.35).astype(np.int64) + (u < 0.15) + (u < 0.05) + (u < 0.02)
        counts = 1 + secondary + extra
        owner = np.repeat(member, counts)
        number = np.arange(owner.size) - np.repeat(np.cumsum(counts) - counts, counts)
        location = np.where(number <= np.repeat(secondary, counts), number, 0)
        group = self._groups(owner, location, number)
        keep = _first_of_duplicates(owner, location, group)
        return DacRows(owner[keep], location[keep], group[keep])

    def _location_zip(self, owner: I64, location: I64) -> I64:
        loc = self.pop.secondary
        zip_idx = self.pop.zip_idx[owner].astype(np.int64)
        if loc.owner.size == 0:
            return zip_idx
        # Secondary locations are sorted by (owner, number): find each row's entry.
        row = np.searchsorted(loc.owner, owner) + np.maximum(location - 1, 0)
        row = np.minimum(row, loc.owner.size - 1)
        return np.where(location > 0, loc.zip_idx[row], zip_idx)

    def _location_site(self, owner: I64, location: I64) -> I64:
        loc = self.pop.secondary
        primary = self.ident.practice_site(owner)
        if loc.owner.size == 0:
            return primary
        row = np.minimum(
            np.searchsorted(loc.owner, owner) + np.maximum(location - 1, 0), loc.owner.size - 1
        )
        return np.where(location > 0, self.ident.secondary_site(row), primary)

    def _groups(self, owner: I64, location: I64, number: I64) -> I64:
        """A group practice near each row's location (same three-digit ZIP prefix), or -1."""
        pop = self.pop
        group_kinds = np.isin(pop.kind, [KIND_INDEX[k] for k in GROUP_KINDS])
        listed = (pop.status == ACTIVE) | (pop.status == REACTIVATED)
        groups = np.flatnonzero(group_kinds & listed)
        none = np.full(owner.size, -1, dtype=np.int64)
        if groups.size == 0:
            return none
        prefix = pop.region.zips.prefix3
        group_prefix = prefix[pop.zip_idx[groups]]
        order = np.argsort(group_prefix, kind="stable")
        groups, group_prefix = groups[order], group_prefix[order]
        row_prefix = prefix[self._location_zip(owner, location)]
        start = np.searchsorted(group_prefix, row_prefix, side="left")
        end = np.searchsorted(group_prefix, row_prefix, side="right")
        key = combine(pop.npi[owner], number)
        pick = start + (self.h.unit(key, "dac.group") * (end - start)).astype(np.int64)
        solo = (number == 0) & (self.h.unit(pop.npi[owner], "dac.solo") < 0.3)
        found = (end > start) & ~solo
        return np.where(found, groups[np.minimum(pick, groups.size - 1)], none)

    def write(self, path: Path, progress: Progress, rows: DacRows | None = None) -> int:
        """Write the file (rows from `plan_rows` unless given); returns its row count."""
        rows = self.plan_rows() if rows is None else rows
        members_per_group = _distinct_members(rows)
        with path.open("wb") as out:
            out.write(plain_header(DAC_COLUMNS, DAC_HEADER_SEPARATOR))
            for start in range(0, rows.member.size, CHUNK_ROWS):
                part = slice(start, start + CHUNK_ROWS)
                chunk = DacRows(rows.member[part], rows.location[part], rows.group[part])
                out.write(join_rows(self._columns(chunk, members_per_group)))
                progress(chunk.member.size)
        return int(rows.member.size)

    def _columns(self, rows: DacRows, members_per_group: tuple[I64, I64]) -> list[pa.Array]:
        return [
            *self._person(rows.member),
            *self._group(rows.group, members_per_group),
            *self._address(rows),
            *self._affiliations(rows),
            *self._assignment(rows),
        ]

    def _person(self, member: I64) -> list[pa.Array]:
        ident, npi, n = self.ident, self.pop.npi[member], member.size
        kind = self.pop.kind[member].astype(np.int64)
        enrolled = dates(self.pop.enum_day[member], "%Y%m%d")
        enrol_id = pc.binary_join_element_wise(
            "I", enrolled, zero_padded(self.h.below(npi, "enrl", 1_000_000), 6), ""
        )
        credential = ident.credential(member)
        osteopath = pc.match_substring_regex(credential, "^D\\.?O")
        cred = pc.if_else(osteopath, "DO", take(self.kind_cred, kind))
        cred = pc.if_else(pa.array(self.h.unit(npi, "dac.cred") < 0.7), "", cred)
        second = self.has_second[kind] & (self.h.unit(npi, "dac.sec") < 0.12)
        second_spec = pc.if_else(pa.array(second), take(self.kind_second, kind), "")
        empty = constant("", n)
        return [
            ints(npi),
            ints(1_000_000_000 + self.h.below(npi, "pac", 8_999_999_999)),
            enrol_id,
            ident.last_name(member),
            ident.first_name(member),
            ident.middle_initial(member),
            pc.if_else(pa.array(self.h.unit(npi, "name.extra") > 0.98), "JR.", ""),
            ident.sex_code(member),
            cred,
            *self._school(member, kind),
            take(self.kind_spec, kind),
            second_spec,
            empty,
            empty,
            empty,
            second_spec,
        ]

    def _school(self, member: I64, kind: I64) -> list[pa.Array]:
        npi = self.pop.npi[member]
        schools = vocabulary(names.MEDICAL_SCHOOLS, "minimal")
        pick = self.h.skewed(npi, "school", len(names.MEDICAL_SCHOOLS), 2.5)
        school = pc.if_else(pa.array(self.physician[kind]), take(schools, pick), "OTHER")
        enrolled_year = 1970 + self.pop.enum_day[member].astype(np.int64) // 365
        years_before = (2 + 25 * self.h.unit(npi, "grad") ** 1.5).astype(np.int64)
        grad = np.clip(enrolled_year - years_before, 1965, 2022)
        return [school, ints(grad)]

    def _group(self, group: I64, members_per_group: tuple[I64, I64]) -> list[pa.Array]:
        has = group >= 0
        safe = np.where(has, group, 0)
        name = minimal_quote_array(self.ident.org_name(safe))
        pac = ints(1_000_000_000 + self.h.below(self.pop.npi[safe], "pac", 8_999_999_999))
        groups, counts = members_per_group
        at = np.minimum(np.searchsorted(groups, safe), max(groups.size - 1, 0))
        size = counts[at] if groups.size else np.zeros(group.size, np.int64)
        shown = pa.array(has)
        return [
            pc.if_else(shown, name, ""),
            pc.if_else(shown, pac, ""),
            pc.if_else(shown, ints(size), ""),
        ]

    def _address(self, rows: DacRows) -> list[pa.Array]:
        ident = self.ident
        zip_idx = self._location_zip(rows.member, rows.location)
        site = self._location_site(rows.member, rows.location)
        zip_code = ident.zip_code(zip_idx, site, nine_share=_ZIP9_SHARE)
        phone = pc.if_else(
            pa.array(self.h.unit(site, "dac.phone") < 0.3), ident.phone(zip_idx, site), ""
        )
        n = rows.member.size
        return [
            ident.street_line(site),
            constant(names.FICTIONAL_LINE, n),
            constant("", n),
            ident.city(zip_idx),
            ident.state(zip_idx),
            zip_code,
            phone,
        ]

    def _affiliations(self, rows: DacRows) -> list[pa.Array]:
        zip_idx = self._location_zip(rows.member, rows.location)
        nearest = self.hospitals.nearest(zip_idx)
        npi = self.pop.npi[rows.member]
        physician = self.physician[self.pop.kind[rows.member]]
        u = self.h.unit(npi, "afl")
        wanted = np.where(
            physician,
            (u < 0.7).astype(np.int64) + (u < 0.4) + (u < 0.2) + (u < 0.08) + (u < 0.03),
            (u < 0.12).astype(np.int64),
        )
        ccn = vocabulary([*self.hospitals.ccn, ""])
        lbn = pa.concat_arrays([minimal_quote_array(self.hospitals.names), pa.array([""])])
        blank = len(self.hospitals.ccn)
        columns: list[pa.Array] = []
        for slot in range(MAX_AFFILIATIONS):
            chosen = np.where(slot < wanted, nearest[:, slot], -1)
            chosen = np.where(chosen >= 0, chosen, blank)
            columns += [take(ccn, chosen), lbn.take(pa.array(chosen))]
        return columns

    def _assignment(self, rows: DacRows) -> list[pa.Array]:
        ident = self.ident
        npi = self.pop.npi[rows.member]
        site = self._location_site(rows.member, rows.location)
        zip_idx = self._location_zip(rows.member, rows.location)
        individual = pc.if_else(pa.array(self.h.unit(npi, "assign") < 0.87), "Y", "M")
        group = pc.if_else(pa.array(rows.group >= 0), "Y", "M")
        zip9 = pc.utf8_rpad(
            ident.zip_code(zip_idx, site, nine_share=_ZIP9_SHARE), width=9, padding="0"
        )
        city2 = pc.utf8_slice_codeunits(pc.replace_substring(ident.city(zip_idx), " ", ""), 0, 2)
        suffix = pc.utf8_rpad(pc.utf8_slice_codeunits(ident.street_suffix(site), 0, 3), 3, "X")
        tail = zero_padded(300 + self.h.below(site, "adrs", 200), 3)
        address_id = pc.binary_join_element_wise(
            ident.state(zip_idx),
            zip9,
            city2,
            ints(ident.street_number(site)),
            "X",
            suffix,
            "X",
            tail,
            "",
        )
        return [individual, group, address_id]


def _first_of_duplicates(owner: I64, location: I64, group: I64) -> NDArray[np.bool_]:
    """Drop repeated (clinician, location, group) rows, keeping the first."""
    key = np.stack([owner, location, group], axis=1)
    _, first = np.unique(key, axis=0, return_index=True)
    keep = np.zeros(owner.size, dtype=np.bool_)
    keep[first] = True
    return keep


def _distinct_members(rows: DacRows) -> tuple[I64, I64]:
    """Each group (sorted) and how many distinct clinicians it has."""
    grouped = rows.group >= 0
    pairs = np.unique(np.stack([rows.group[grouped], rows.member[grouped]], axis=1), axis=0)
    if pairs.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    groups, counts = np.unique(pairs[:, 0], return_counts=True)
    return groups.astype(np.int64), counts.astype(np.int64)
