"""Read the catalog's YAML files into entries, keeping file and line for every problem."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from docfinder.catalog.model import (
    EXPLANATION_SECTIONS,
    Catalog,
    CatalogProblem,
    Entry,
    Explanation,
    Kind,
    Origin,
    WeightedCode,
    WeightedDrug,
)

CATALOG_SUFFIXES = (".yaml", ".yml")

ENTRY_FIELDS: tuple[str, ...] = (
    "slug",
    "name",
    "kind",
    "body_system",
    "synonyms",
    "specialties",
    "procedures",
    "drugs",
    "icd10",
    "related",
    "summary",
    "explanation",
)

CatalogSource = Path | Traversable


def load_catalog(paths: Iterable[str | Path] | None = None) -> Catalog:
    """Load the catalog from the package data, or from these files and directories.

    The default load is cached: the package data does not change while docfinder runs.
    """
    if paths is None:
        return _default_catalog()
    return _load(_expand([Path(p) for p in paths]))


def default_catalog_files() -> list[Traversable]:
    """The YAML files shipped in ``docfinder/catalog/data``, by name."""
    data = resources.files("docfinder.catalog") / "data"
    files = [f for f in data.iterdir() if f.is_file() and f.name.endswith(CATALOG_SUFFIXES)]
    return sorted(files, key=lambda f: f.name)


@functools.cache
def _default_catalog() -> Catalog:
    return _load(default_catalog_files())


def _expand(paths: Sequence[Path]) -> list[CatalogSource]:
    files: list[CatalogSource] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in CATALOG_SUFFIXES))
        else:
            files.append(path)
    return files


def _load(files: Sequence[CatalogSource]) -> Catalog:
    entries: list[Entry] = []
    problems: list[CatalogProblem] = []
    for source in files:
        text = source.read_text(encoding="utf-8")
        file_entries, file_problems = read_catalog_file(text, str(source))
        entries.extend(file_entries)
        problems.extend(file_problems)
    return Catalog(entries, problems, [str(f) for f in files])


def read_catalog_file(text: str, path: str) -> tuple[list[Entry], list[CatalogProblem]]:
    """Parse one catalog file's text; ``path`` is only used to name it in problems."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return [], [CatalogProblem(path, None, "<file>", "the file has no entries")]
        if not isinstance(root, yaml.SequenceNode):
            message = "the file must be a list of entries (each starting with '- slug:')"
            return [], [CatalogProblem(path, None, "<file>", message, _line(root))]
        entries: list[Entry] = []
        problems: list[CatalogProblem] = []
        for index, node in enumerate(root.value):
            entry = _read_entry_node(loader, node, path, index, problems)
            if entry is not None:
                entries.append(entry)
        return entries, problems
    except yaml.YAMLError as exc:
        line = None
        if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
            line = exc.problem_mark.line + 1
        reason = getattr(exc, "problem", None) or str(exc)
        return [], [CatalogProblem(path, None, "<file>", f"not valid YAML: {reason}", line)]
    finally:
        loader.dispose()


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _read_entry_node(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: str,
    index: int,
    problems: list[CatalogProblem],
) -> Entry | None:
    if not isinstance(node, yaml.MappingNode):
        message = f"entry #{index + 1} is not a mapping of fields"
        problems.append(CatalogProblem(path, None, "<entry>", message, _line(node)))
        return None
    seen: set[str] = set()
    slug_guess = None
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in seen:
            problems.append(
                CatalogProblem(path, slug_guess, key, "field given twice", _line(key_node))
            )
        seen.add(key)
        if key == "slug" and isinstance(value_node, yaml.ScalarNode):
            slug_guess = str(value_node.value)
    field_lines: dict[str, int] = {}
    _collect_lines(node, "", field_lines)
    data = loader.construct_object(node, deep=True)
    origin = Origin(path, _line(node), MappingProxyType(field_lines))
    return _EntryReader(data, origin, problems).entry()


def _collect_lines(node: yaml.Node, prefix: str, lines: dict[str, int]) -> None:
    """Record the line of every field and list item, named as problems name them."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            name = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            lines.setdefault(name, _line(key_node))
            _collect_lines(value_node, name, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            name = f"{prefix}[{index}]"
            lines[name] = _line(item)
            _collect_lines(item, name, lines)


class _EntryReader:
    """Turns one entry's mapping into an :class:`Entry`, noting what cannot be represented."""

    def __init__(self, data: dict[Any, Any], origin: Origin, problems: list[CatalogProblem]):
        self.data = data
        self.origin = origin
        self.problems = problems
        slug = data.get("slug")
        self.slug = slug.strip() if isinstance(slug, str) else None

    def problem(self, field: str, message: str) -> None:
        line = self.origin.line_of(field)
        self.problems.append(CatalogProblem(self.origin.path, self.slug, field, message, line))

    def entry(self) -> Entry:
        for key in self.data:
            if key not in ENTRY_FIELDS:
                self.problem(str(key), f"unknown field; the fields are: {', '.join(ENTRY_FIELDS)}")
        kind = self.text("kind")
        known_kinds = {k.value: k for k in Kind}
        return Entry(
            slug=self.text("slug"),
            name=self.text("name"),
            kind=known_kinds.get(kind, kind),
            body_system=self.text("body_system"),
            summary=self.text("summary"),
            explanation=self.explanation(),
            synonyms=self.strings("synonyms"),
            specialties=self.codes("specialties"),
            procedures=self.codes("procedures"),
            drugs=self.drugs(),
            icd10=self.strings("icd10"),
            related=self.strings("related"),
            origin=self.origin,
        )

    def text(self, field: str) -> str:
        return self.as_text(field, self.data.get(field))

    def as_text(self, field: str, value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problem(field, f"must be text, not {_type_name(value)}")
            return ""
        return value.strip()

    def items(self, field: str) -> list[Any]:
        value = self.data.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(field, f"must be a list, not {_type_name(value)}")
            return []
        return value

    def strings(self, field: str, values: list[Any] | None = None) -> tuple[str, ...]:
        result = []
        for index, value in enumerate(self.items(field) if values is None else values):
            if isinstance(value, str):
                result.append(value.strip())
            else:
                hint = " (put it in quotes)" if isinstance(value, int | float | bool) else ""
                self.problem(f"{field}[{index}]", f"must be text, not {_type_name(value)}{hint}")
        return tuple(result)

    def codes(self, field: str) -> tuple[WeightedCode, ...]:
        result = []
        for index, item in enumerate(self.items(field)):
            pair = self.pair(f"{field}[{index}]", item, "code")
            if pair is not None:
                result.append(WeightedCode(*pair))
        return tuple(result)

    def drugs(self) -> tuple[WeightedDrug, ...]:
        result = []
        for index, item in enumerate(self.items("drugs")):
            pair = self.pair(f"drugs[{index}]", item, "name")
            if pair is not None:
                result.append(WeightedDrug(*pair))
        return tuple(result)

    def pair(self, where: str, item: Any, key: str) -> tuple[str, float] | None:
        """Read ``{<key>: ..., weight: ...}``; anything else in it is a problem."""
        if not isinstance(item, dict):
            self.problem(where, f"must be a mapping like {{{key}: ..., weight: 0.5}}")
            return None
        extra = sorted(str(k) for k in item if k not in (key, "weight"))
        if extra:
            message = f"only {key} and weight belong here, not {', '.join(extra)}"
            if key == "code":
                message += " (never copy code descriptor text into the catalog)"
            self.problem(where, message)
        value, weight = item.get(key), item.get("weight")
        if not isinstance(value, str) or not value.strip():
            hint = " (put it in quotes: YAML reads bare digits as a number)"
            shown = "missing" if value is None else f"{_type_name(value)} {value!r}"
            self.problem(f"{where}.{key}", f"must be text, not {shown}" + hint * (key == "code"))
            return None
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            shown = "missing" if weight is None else f"{_type_name(weight)} {weight!r}"
            self.problem(f"{where}.weight", f"must be a number in (0, 1], not {shown}")
            return None
        return value.strip(), float(weight)

    def explanation(self) -> Explanation:
        data = self.data.get("explanation")
        if data is None:
            return Explanation()
        if not isinstance(data, dict):
            self.problem("explanation", f"must be a mapping of sections, not {_type_name(data)}")
            return Explanation()
        allowed = (*EXPLANATION_SECTIONS, "questions")
        for key in data:
            if key not in allowed:
                self.problem(f"explanation.{key}", f"unknown section; use: {', '.join(allowed)}")
        texts = {
            name: self.as_text(f"explanation.{name}", data.get(name))
            for name in EXPLANATION_SECTIONS
        }
        questions = data.get("questions")
        if questions is not None and not isinstance(questions, list):
            self.problem("explanation.questions", "must be a list of questions")
            questions = []
        return Explanation(
            **texts, questions=self.strings("explanation.questions", questions or [])
        )


def _type_name(value: Any) -> str:
    names = {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list"}
    names[dict] = "a mapping"
    return names.get(type(value), type(value).__name__)
