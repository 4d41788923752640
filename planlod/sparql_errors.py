"""Errors in a SPARQL query, told so a person can fix them: where, what was expected, in ja or en.

Two parsers describe a bad query: the engine's (Oxigraph, whose message reads
``error at 3:18: expected one of ABS, …, ['0'..='9']``) and rdflib's (the endpoint's guard,
a pyparsing exception). Both are turned into one :class:`QueryProblem`, which the server's
HTML page, its Protocol answers, the API and the CLI all write with :func:`QueryProblem.message`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

Lang = str  # "ja" | "en"

_OXIGRAPH = re.compile(r"error at (\d+):(\d+): expected (?:one of )?(.*)", re.DOTALL)
# Oxigraph lists character classes (``['A' ..= 'Z' | …]``, ``[_]``) among what it expected: noise to a reader.
_CHAR_CLASS = re.compile(r"\[(?:'(?:\\.|[^'\\])*'|[^\]'])*\]")
_PNAME_BEFORE = re.compile(r"([A-Za-z\u00c0-\uffff][\w\u00b7\u00c0-\uffff.-]*)?:[\w\u00b7\u00c0-\uffff.:%\\-]*$")
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


@dataclass(frozen=True)
class QueryProblem:
    """What is wrong with a query and where (1-based line and column, in characters)."""

    line: int
    column: int
    excerpt: str  # the line at fault
    found: str  # the text at the position ("" at the end of the query)
    expected: tuple[str, ...] = ()
    reason: str = ""  # the parser's own words when it says more than what it expected
    prefix: str | None = None  # an undeclared prefix
    namespace: str | None = None  # the namespace the data uses under that prefix
    checker_only: bool = False  # the engine reads the query, the endpoint's checker cannot
    caret: int = 0  # where the caret goes in the excerpt, when it is cut from a long line (else column)

    def message(self, lang: Lang = "en") -> str:
        """A few lines: what, where, the line with a caret under the column."""
        return f"{self._headline(lang)}\n{self._pointer()}"

    def _headline(self, lang: Lang) -> str:
        ja = lang == "ja"
        where = f"{self.line}行{self.column}列" if ja else f"line {self.line}, column {self.column}"
        if self.prefix is not None:
            return self._prefix_headline(ja, where)
        if self.checker_only:
            return (
                f"このエンドポイントの安全検査は {where} からを読めないため、クエリを実行しません"
                "(SPARQL として正しくても)。その部分を書き換えてください(例: 接頭辞付き名を <…> の完全な IRI に)。"
                if ja
                else f"This endpoint's safety check cannot read the query from {where}, so it does not run it "
                "(even if it is valid SPARQL). Rewrite that part (for example a prefixed name as a full <…> IRI)."
            )
        found = (f"「{self.found}」" if ja else f'"{self.found}"') if self.found else ""
        expected = ", ".join(self.expected)
        reason = (f"({self.reason})" if ja else f" ({self.reason})") if self.reason else ""
        if ja:
            head = f"SPARQL の構文エラー({where}): "
            if not expected:
                return head + (f"{found}から先を読めません。" if found else "クエリが途中で終わっています。") + reason
            return (
                head
                + (f"{found}があります。" if found else "クエリが途中で終わっています。")
                + (f"ここに書けるのは {expected} です。{reason}")
            )
        head = f"SPARQL syntax error at {where}: "
        if not expected:
            return head + (f"the query cannot be read from {found} on." if found else "the query ends early.") + reason
        return head + (f"found {found}" if found else "the query ends early") + f", expected {expected}.{reason}"

    def _prefix_headline(self, ja: bool, where: str) -> str:
        name = f"{self.prefix}:"
        if self.namespace:
            declare = f"PREFIX {name} <{self.namespace}>"
            if ja:
                return f"接頭辞「{name}」が宣言されていません({where})。クエリの先頭に加えてください: {declare}"
            return f'The prefix "{name}" is not declared ({where}). Add this line at the top: {declare}'
        known = ", ".join(f"{p}:" for p in sorted(data_prefixes()))
        if ja:
            return (
                f"接頭辞「{name}」が宣言されていません({where})。PREFIX {name} <…> で宣言してください。"
                f"データが使う接頭辞: {known}"
            )
        return (
            f'The prefix "{name}" is not declared ({where}). Declare it with PREFIX {name} <…>. The data uses {known}'
        )

    def _pointer(self) -> str:
        number = f"{self.line} | "
        return f"{number}{self.excerpt}\n{' ' * (len(number) - 2)}| {' ' * ((self.caret or self.column) - 1)}^"


@lru_cache(maxsize=1)
def data_prefixes() -> dict[str, str]:
    """The prefixes the project binds: its vocabulary module and the ontology's own declarations."""
    from rdflib import Graph

    from planlod.config import ONTOLOGY_DIR
    from planlod.vocab import PREFIXES

    found = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        graph = Graph(bind_namespaces="none").parse(path, format="turtle")
        for prefix, ns in graph.namespaces():
            if prefix:
                found.setdefault(prefix, str(ns))
    return found


EXCERPT = 100  # characters of the line at fault that are shown (a query may be one long line)


def _locate(text: str, line: int, column: int) -> tuple[str, str, int]:
    """The line at fault (cut around the column when long), the token found there, the caret's place."""
    lines = text.split("\n")
    whole = lines[line - 1].rstrip() if 0 < line <= len(lines) else ""
    rest = whole[column - 1 :].lstrip() if column <= len(whole) else ""
    if not rest and line < len(lines):
        rest = "\n".join(lines[line:]).lstrip()
    found = re.match(r"[\w:?$.\-\\%]+|\S", rest)
    start = max(0, min(column - 1 - EXCERPT * 2 // 3, len(whole) - EXCERPT))
    excerpt = ("…" if start else "") + whole[start : start + EXCERPT] + ("…" if start + EXCERPT < len(whole) else "")
    return excerpt, found.group()[:40] if found else "", column - start + (1 if start else 0)


def undeclared_prefix(text: str, prefix: str, line: int = 0, column: int = 0) -> QueryProblem:
    """A prefixed name whose prefix the query does not declare; found in the text when not placed."""
    if not line:
        line, column = _first_use(text, prefix)
    excerpt, found, caret = _locate(text, line, column)
    namespace = data_prefixes().get(prefix)
    return QueryProblem(line, column, excerpt, found, prefix=prefix, namespace=namespace, caret=caret)


def _first_use(text: str, prefix: str) -> tuple[int, int]:
    match = re.search(rf"(?<![\w:<.-]){re.escape(prefix)}:", text)
    offset = match.start() if match else 0
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def from_engine(text: str, message: str) -> QueryProblem | None:
    """Oxigraph's syntax error as a :class:`QueryProblem`; None for a message it does not recognise."""
    match = _OXIGRAPH.search(message)
    if match is None:
        return None
    line, column = int(match.group(1)), int(match.group(2))
    items = [item.strip() for item in _CHAR_CLASS.sub("", match.group(3)).split(", ")]
    items = [item for item in items if item]
    reasons = [item for item in items if " " in item]  # the parser's own sentences, not tokens
    tokens = tuple(item for item in items if " " not in item)
    if "Prefix not found" in reasons:
        before = text.split("\n")[line - 1][: column - 1] if line <= text.count("\n") + 1 else ""
        name = _PNAME_BEFORE.search(before)
        if name is not None:
            start = column - len(name.group())
            return undeclared_prefix(text, name.group(1) or "", line, start)
    excerpt, found, caret = _locate(text, line, column)
    return QueryProblem(line, column, excerpt, found, tokens, "; ".join(reasons), caret=caret)


def from_rdflib(text: str, exc: Exception, *, query_form: bool = False, checker_only: bool = False) -> QueryProblem:
    """rdflib's (pyparsing's) parse error as a :class:`QueryProblem`.

    rdflib's own "expected" names grammar rules of the top level whatever went wrong deeper
    inside, so it is given only when the caller knows the query form itself is at fault.
    """
    line, column = getattr(exc, "lineno", 1) or 1, getattr(exc, "col", 1) or 1
    excerpt, found, caret = _locate(text, line, column)
    expected = QUERY_FORMS if query_form else ()
    return QueryProblem(line, column, excerpt, found, expected, checker_only=checker_only, caret=caret)


def syntax_problem(text: str, rdflib_error: Exception, engine_message: str | None) -> QueryProblem:
    """The best account of a syntax error from both readings (the engine's message may be unknown).

    Each parser is right in different places. rdflib stops where a rule failed as a whole: at
    the query form that is misspelt (``SELEC``), but otherwise at the start of the construct
    that holds the mistake. Oxigraph names the exact spot and what may come there, except when
    it reports the end of the text (it does for ``FILTER(?s = )``), where rdflib's place is closer.
    """
    offset = getattr(rdflib_error, "loc", 0) or 0
    if _at_query_form(text, offset):
        return from_rdflib(text, rdflib_error, query_form=True)
    engine = from_engine(text, engine_message) if engine_message else None
    if engine is None or (not engine.found and offset < len(text.rstrip())):
        return from_rdflib(text, rdflib_error)
    return engine


def _at_query_form(text: str, offset: int) -> bool:
    """Whether rdflib stopped where the query form belongs: after nothing but PREFIX and BASE."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import Prologue

    if re.match(r"(?i)(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", text[offset:]):
        return False
    try:
        Prologue.parse_string(text[:offset], parse_all=True)
    except ParseBaseException:
        return False
    return True


def describe_engine_error(text: str, message: str, lang: Lang) -> str:
    """The engine's error made readable (with rdflib's reading of the text to place it)."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(text)
    except (ParseBaseException, ValueError) as exc:
        return syntax_problem(text, exc, message).message(lang)
    problem = from_engine(text, message)
    return problem.message(lang) if problem is not None else message
