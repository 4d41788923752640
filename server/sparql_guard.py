"""What a public, read-only endpoint refuses before a query reaches the store.

A small lexer skips comments, strings and IRIs, so a keyword inside a literal
(``"SERVICE"``) is not mistaken for the real thing, then looks at the keywords that
matter: update operations, ``SERVICE``, ``LOAD`` and the graphs ``FROM`` names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u0300-\u036f\u203f-\u2040\u00c0-\uffff]+)
  | (?P<pname>[A-Za-z\u00c0-\uffff][\w\u00c0-\uffff.-]*:[\w\u00c0-\uffff.:%-]*|:[\w\u00c0-\uffff.:%-]*)
  | (?P<word>[A-Za-z_]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class Refused(ValueError):
    """A request the endpoint will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


@dataclass
class Inspection:
    words: list[str] = field(default_factory=list)
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        for word in self.words:
            if word in QUERY_FORMS:
                return False
            if word in UPDATE_KEYWORDS:
                return True
        return False

    @property
    def uses_service(self) -> bool:
        return "SERVICE" in self.words


def query_form(words: list[str]) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query form keyword of a query."""
    return next((w for w in words if w in QUERY_FORMS), "SELECT")


def inspect(text: str) -> Inspection:
    """The keywords and ``FROM`` graphs of a query, ignoring comments, strings and IRIs."""
    found = Inspection()
    prefixes: dict[str, str] = {}
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)]
    significant = [(kind, value) for kind, value in tokens if kind not in ("comment", "other") or value.strip()]
    for i, (kind, value) in enumerate(significant):
        if kind == "word":
            found.words.append(value.upper())
        if kind == "word" and value.upper() == "PREFIX" and i + 2 < len(significant):
            name, iri = significant[i + 1][1], significant[i + 2][1]
            if iri.startswith("<"):
                prefixes[name.rstrip(":")] = iri[1:-1]
        if kind == "word" and value.upper() == "FROM" and i + 1 < len(significant):
            target = significant[i + 1]
            named = target[0] == "word" and target[1].upper() == "NAMED"
            if named and i + 2 < len(significant):
                target = significant[i + 2]
            graph = _resolve(target, prefixes)
            (found.from_named if named else found.from_graphs).append(graph)
    return found


def _resolve(token: tuple[str | None, str], prefixes: dict[str, str]) -> str:
    kind, value = token
    if kind == "iri":
        return value[1:-1]
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return value


def check(text: str, local_graphs: set[str], max_bytes: int) -> Inspection:
    """Refuse what a public read-only endpoint must not run; return the inspection otherwise."""
    if len(text.encode("utf-8")) > max_bytes:
        raise Refused(413, f"the query is longer than the limit of {max_bytes} bytes")
    if not text.strip():
        raise Refused(400, "the query is empty")
    found = inspect(text)
    if found.is_update:
        raise Refused(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if "LOAD" in found.words:
        raise Refused(400, "LOAD is refused: this server never fetches a URL a query names")
    if found.uses_service:
        raise Refused(400, "SERVICE is refused: this server never fetches a URL a query names (no federation)")
    for graph in found.from_graphs + found.from_named:
        if graph not in local_graphs:
            raise Refused(
                400,
                f"FROM <{graph}> is refused: it is not a graph of this dataset, and this server never fetches "
                "a URL a query names",
            )
    return found
