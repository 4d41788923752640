"""The named queries of ``queries/*.rq``: one file per question, shared by pages, API and CLI.

Each file is plain SPARQL preceded by grlc-style ``#+`` comment lines holding YAML
(``summary``, ``description`` in ja/en, ``tags``, ``defaults``, ``pagination``). The
parameters are the query's variables named as grlc does: ``?_name`` is required,
``?__name`` optional, and a suffix gives the type (``?_policy_iri``,
``?_limit_integer``). Values are bound as RDF terms, never pasted into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from planlod.config import QUERIES_DIR

_HEADER_LINE = re.compile(r"^#\+ ?(.*)$")
_PARAM = re.compile(r"[?$](__?)([A-Za-z][A-Za-z0-9]*)(?:_(iri|integer|number|literal|boolean|date|[a-z]{2}))?\b")
TYPES = {"iri", "integer", "number", "literal", "boolean", "date", "string"}


class QueryFileError(ValueError):
    """A ``.rq`` file whose header cannot be read."""


class ParameterError(ValueError):
    """A parameter value that does not fit its declared type (answered with 400)."""


@dataclass(frozen=True)
class Parameter:
    name: str
    variable: str  # without the ?: "_policy_iri"
    required: bool
    type: str  # iri | integer | number | literal | boolean | date | string
    lang: str | None = None
    default: str | None = None
    enum: tuple[str, ...] = ()
    hint: str | None = None  # where to find valid values (the header's ``values:``)

    def accepts(self) -> str:
        """What the parameter accepts, and where to find valid values, for error messages."""
        if self.enum:
            return "one of " + ", ".join(self.enum)
        words = [f"a {self.type}" + (f" (@{self.lang})" if self.lang else "")]
        if self.hint:
            words.append(self.hint)
        if self.default is not None:
            words.append(f"for example {self.default!r}")
        return "; ".join(words)

    def to_term(self, raw: str) -> Node:
        """Turn a request value into the RDF term bound to the variable."""
        if self.enum and raw not in self.enum:
            raise ParameterError(f"parameter {self.name!r} must be one of {', '.join(self.enum)}")
        try:
            if self.type == "iri":
                if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*", raw):
                    raise ValueError("not an absolute IRI")
                return URIRef(raw)
            if self.type == "integer":
                return Literal(int(raw), datatype=XSD.integer)
            if self.type == "number":
                return Literal(float(raw), datatype=XSD.double)
            if self.type == "boolean":
                if raw not in ("true", "false"):
                    raise ValueError("not true or false")
                return Literal(raw == "true", datatype=XSD.boolean)
            if self.type == "date":
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                    raise ValueError("not a date (YYYY-MM-DD)")
                return Literal(raw, datatype=XSD.date)
        except ValueError as exc:
            raise ParameterError(f"parameter {self.name!r} must be {self.type}: {exc}") from None
        return Literal(raw, lang=self.lang) if self.lang else Literal(raw)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str  # the SPARQL, header included (it is valid SPARQL: the header is comments)
    summary: str
    description: dict[str, str]
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    pagination: int | None
    meta: dict[str, Any] = field(default_factory=dict)

    def bindings(self, values: dict[str, str]) -> dict[str, Node]:
        """Variable → term for the given request values (defaults filled in, types checked)."""
        bound: dict[str, Node] = {}
        for param in self.parameters:
            raw = values.get(param.name, param.default)
            if raw is None or raw == "":
                if param.required:
                    raise ParameterError(f"parameter {param.name!r} is required: {param.accepts()}")
                continue
            bound[param.variable] = param.to_term(str(raw))
        unknown = set(values) - {p.name for p in self.parameters}
        if unknown:
            raise ParameterError(f"unknown parameter(s): {', '.join(sorted(unknown))}")
        return bound

    @property
    def plain_text(self) -> str:
        """The query as a person writes it: no ``#+`` header, each parameter by its name (``?_actor`` → ``?actor``).

        What the query page shows and what the API runs, so that results are headed ``actor``,
        not grlc's ``_actor``; :meth:`plain_bindings` binds it.
        """
        return plain_text(self.text, self.parameters)

    def plain_bindings(self, values: dict[str, str]) -> dict[str, Node]:
        """:meth:`bindings` for :attr:`plain_text`: parameter name → term."""
        by_variable = {p.variable: p.name for p in self.parameters}
        return {by_variable[variable]: term for variable, term in self.bindings(values).items()}


def plain_text(text: str, parameters: tuple[Parameter, ...]) -> str:
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#+")).strip()
    renames = {p.variable: p.name for p in parameters}
    return re.sub(r"([?$])(\w+)", lambda m: m.group(1) + renames.get(m.group(2), m.group(2)), body)


def check_plain_names(path: Path, text: str, parameters: tuple[Parameter, ...]) -> None:
    """A parameter's plain name must not already be a variable of the query (``?_plan_iri`` beside ``?plan``)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    variables = set(re.findall(r"[?$](\w+)", body))
    taken = [p.name for p in parameters if p.name in variables]
    if taken:
        raise QueryFileError(f"{path}: parameter name(s) {', '.join(taken)} are also variables of the query")


def with_values(query: str, bindings: dict[str, Node]) -> str:
    """Bind terms with an inline VALUES block at the top of the WHERE group.

    For stores reached over the Protocol (which has no parameter binding) and for showing a
    query with its defaults: an inline block joins with the group, so FILTERs see the
    values (a trailing VALUES clause would come too late for them), and rdflib writes
    each term with its escapes.
    """
    if not bindings:
        return query
    m = re.search(r"\bWHERE\s*\{", query, re.IGNORECASE)
    if m is None:
        raise ValueError("a query with bindings needs a WHERE clause")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    return f"{query[: m.end()]}\n  VALUES ({names}) {{ ({terms}) }}\n{query[m.end() :]}"


def parse_header(text: str) -> dict[str, Any]:
    lines = []
    for line in text.splitlines():
        m = _HEADER_LINE.match(line)
        if m:
            lines.append(m.group(1))
        elif line.strip() and not line.startswith("#"):
            break
    if not lines:
        return {}
    header = yaml.safe_load("\n".join(lines))
    if not isinstance(header, dict):
        raise QueryFileError("the #+ header must be a YAML mapping")
    return header


def _merged(raw: Any) -> dict[str, Any]:
    """grlc writes a list of one-key mappings; a plain mapping is read too."""
    if isinstance(raw, list):
        merged: dict[str, Any] = {}
        for item in raw:
            merged.update(item)
        return merged
    return dict(raw or {})


def _defaults(header: dict[str, Any]) -> dict[str, str]:
    raw = header.get("defaults") or {}
    if isinstance(raw, list):  # grlc writes a list of one-key mappings
        merged: dict[str, str] = {}
        for item in raw:
            merged.update(item)
        raw = merged
    return {str(k): str(v) for k, v in raw.items()}


def _enumerations(header: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    raw = header.get("enumerate") or {}
    if isinstance(raw, list):  # grlc writes a list of one-key mappings
        merged: dict[str, Any] = {}
        for item in raw:
            merged.update(item)
        raw = merged
    return {str(k): tuple(str(v) for v in values) for k, values in raw.items()}


def parameters_of(
    text: str,
    defaults: dict[str, str],
    enums: dict[str, tuple[str, ...]] | None = None,
    hints: dict[str, str] | None = None,
) -> tuple[Parameter, ...]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    found: dict[str, Parameter] = {}
    for m in _PARAM.finditer(body):
        underscores, name, suffix = m.groups()
        variable = m.group(0)[1:]
        if name in found:
            continue
        kind, lang = "string", None
        if suffix in TYPES:
            kind = suffix
        elif suffix:
            lang = suffix
        found[name] = Parameter(
            name, variable, underscores == "_", kind, lang, defaults.get(name), (enums or {}).get(name, ()),
            (hints or {}).get(name),
        )
    return tuple(found.values())


_PROJECTION = re.compile(r"\bSELECT\b(.*?)(?:\bWHERE\b|\{)", re.IGNORECASE | re.DOTALL)


def check_projection(path: Path, text: str, parameters: tuple[Parameter, ...]) -> None:
    """pyoxigraph binds a variable only when the SELECT projects it: say so at load time, not at run time."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    m = _PROJECTION.search(body)
    if not m or "*" in m.group(1):
        return
    projected = set(re.findall(r"[?$](\w+)", m.group(1)))
    missing = [p.variable for p in parameters if p.variable not in projected]
    if missing:
        names = ", ".join(f"?{v}" for v in missing)
        raise QueryFileError(f"{path}: parameter variable(s) {names} must be in the SELECT projection")


def load(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    try:
        header = parse_header(text)
    except yaml.YAMLError as exc:
        raise QueryFileError(f"{path}: the #+ header is not valid YAML: {exc}") from None
    description = header.get("description") or {}
    if isinstance(description, str):
        description = {"en": description}
    pagination = header.get("pagination")
    hints = {str(k): str(v) for k, v in _merged(header.get("values")).items()}
    parameters = parameters_of(text, _defaults(header), _enumerations(header), hints)
    check_projection(path, text, parameters)
    check_plain_names(path, text, parameters)
    return NamedQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=str(header.get("summary", "")),
        description={str(k): str(v) for k, v in description.items()},
        tags=tuple(str(t) for t in header.get("tags") or ()),
        parameters=parameters,
        pagination=int(pagination) if pagination else None,
        meta=header,
    )


def load_all(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    return {q.name: q for q in (load(p) for p in sorted(directory.glob("*.rq")))}
