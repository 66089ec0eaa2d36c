"""Query parameters of the results pages, read and checked in one place.

A bad value raises `ParamError` naming the parameter; pages answer it with a 400 page, the
API with its JSON error body.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from docfinder.errors import DocfinderError
from docfinder.search.engine import SORTS, Filters

MAX_RADIUS_MILES = 500.0
MAX_PAGE = 500


class ParamError(DocfinderError):
    """A query parameter with a value the page cannot use."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class ResultOptions:
    """Sorting, filters and paging of a results page, as its GET parameters say."""

    sort: str = "best"
    radius: float | None = None  # miles
    specialty: str | None = None
    entity: str | None = None
    gender: str | None = None
    telehealth: bool | None = None
    medicare: bool | None = None
    hospital: str | None = None
    page: int = 1

    def filters(self) -> Filters:
        return Filters(
            self.specialty, self.entity, self.gender, self.telehealth, self.medicare, self.hospital
        )

    @property
    def narrowed(self) -> bool:
        """Whether anything but the page differs from the default view."""
        return replace(self, page=1) != ResultOptions()

    def query(self, **changes: object) -> str:
        """The query string of these options with changes ("" when all are defaults)."""
        options = replace(self, **changes)  # type: ignore[arg-type]
        pairs = []
        for f in fields(options):
            value = getattr(options, f.name)
            if value == f.default:
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            elif isinstance(value, float):
                value = f"{value:g}"
            pairs.append((f.name, str(value)))
        return "?" + urlencode(pairs) if pairs else ""


_CHOICES = {
    "sort": SORTS,
    "entity": ("individual", "organization"),
    "gender": ("F", "M"),
}


def read_options(params: Mapping[str, str]) -> ResultOptions:
    """ResultOptions from GET parameters; empty values mean "not set"."""
    got = {k: v.strip() for k, v in params.items() if v.strip()}
    values: dict[str, object] = {}
    for name, allowed in _CHOICES.items():
        if name in got:
            value = got[name].upper() if name == "gender" else got[name].lower()
            if value not in allowed:
                raise ParamError(name, f"must be one of {', '.join(allowed)}")
            values[name] = value
    if "radius" in got:
        values["radius"] = number(got["radius"], "radius", 1.0, MAX_RADIUS_MILES)
    if "page" in got:
        values["page"] = int(number(got["page"], "page", 1, MAX_PAGE, whole=True))
    for name in ("telehealth", "medicare"):
        if name in got:
            values[name] = yes_no(got[name], name)
    for name in ("specialty", "hospital"):
        if name in got:
            values[name] = got[name][:100]
    if "specialty" in values:
        values["specialty"] = str(values["specialty"]).upper()
    return ResultOptions(**values)  # type: ignore[arg-type]


def number(text: str, name: str, low: float, high: float, whole: bool = False) -> float:
    """A number within [low, high], or a ParamError saying what is allowed."""
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ParamError(name, f"must be {kind} from {low:g} to {high:g}") from None
    if not low <= value <= high:
        raise ParamError(name, f"must be from {low:g} to {high:g}")
    return float(value)


def yes_no(text: str, name: str) -> bool:
    value = text.lower()
    if value in ("yes", "true", "1", "on"):
        return True
    if value in ("no", "false", "0", "off"):
        return False
    raise ParamError(name, "must be yes or no")


def coordinates(params: Mapping[str, str]) -> tuple[float, float] | None:
    """lat and lon when both are given (a browser's position), checked."""
    lat, lon = params.get("lat", "").strip(), params.get("lon", "").strip()
    if not lat and not lon:
        return None
    if not lat or not lon:
        raise ParamError("lat" if not lat else "lon", "give both lat and lon")
    return number(lat, "lat", -90, 90), number(lon, "lon", -180, 180)
