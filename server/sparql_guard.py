"""What a public, read-only endpoint refuses before a query reaches the store, decided from a real parse.

Every query is read by rdflib's SPARQL 1.1 parser (``parseQuery``; ``parseUpdate`` to tell an
update from a mistake), which follows the grammar, escapes included. The decision walks the
parse tree: a ``ServiceGraphPattern`` anywhere (OPTIONAL, MINUS, EXISTS, subqueries, nested)
is refused, every update (LOAD included) is refused, and what rdflib cannot read is refused.

Graphs named by FROM / FROM NAMED are not refused: the engine never fetches them, and a graph
the store does not have is an empty graph (SPARQL 1.1 Protocol). The query text is decided once:
verdicts are kept in an LRU keyed by the exact text, since pyparsing is slow.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.parser import expandUnicodeEscapes, parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from planlod.sparql_errors import QueryProblem, from_rdflib, syntax_problem, undeclared_prefix

QUERY_FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE", "AskQuery": "ASK"}
VERDICTS = 4096  # distinct query texts whose verdict is remembered

READ_ONLY = ("this endpoint is read-only: SPARQL Update is not accepted",
             "このエンドポイントは読み取り専用です。SPARQL Update は受け付けません。")  # fmt: skip
NO_LOAD = ("LOAD is refused: this server never fetches a URL a query names; SPARQL Update is not accepted",
           "LOAD は受け付けません。このサーバーはクエリが示す URL を取得しません(SPARQL Update も受け付けません)。")  # fmt: skip
NO_SERVICE = ("SERVICE is refused: this server never fetches a URL a query names (no federation)",
              "SERVICE は受け付けません。このサーバーはクエリが示す URL を取得しません(連合検索なし)。")  # fmt: skip
UNACCOUNTED = (
    "SERVICE is refused: the word SERVICE appears where the endpoint cannot tell how the engine reads it "
    "(a comment?); remove it",
    "SERVICE は受け付けません。エンジンがどう読むか確かめられない位置(コメントなど)に SERVICE という語があります。"
    "取り除いてください。",
)


class Refused(ValueError):
    """A request the endpoint will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, en: str, ja: str | None = None, problem: QueryProblem | None = None) -> None:
        self.status = status
        self.texts = {"en": en, "ja": ja or en}
        self.problem = problem
        super().__init__(en)

    def message(self, lang: str = "en") -> str:
        if self.problem is not None:
            return self.problem.message(lang)
        return self.texts.get(lang, self.texts["en"])


@dataclass(frozen=True)
class Verdict:
    """A query the endpoint will run, and its form (SELECT, ASK, CONSTRUCT or DESCRIBE)."""

    form: str

    @property
    def graph_query(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def check(text: str, max_bytes: int) -> Verdict:
    """The verdict on ``text``, or :class:`Refused` with the status to answer."""
    if len(text.encode("utf-8")) > max_bytes:
        raise Refused(413, f"the query is longer than the limit of {max_bytes} bytes",
                      f"クエリが上限の {max_bytes} バイトを超えています")  # fmt: skip
    if not text.strip():
        raise Refused(400, "the query is empty", "クエリが空です")
    verdict = decide(text)
    if isinstance(verdict, Refused):
        raise verdict
    return verdict


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; SELECT for a text the guard refuses (it never runs)."""
    verdict = decide(text)
    return verdict.form if isinstance(verdict, Verdict) else "SELECT"


# pyparsing's grammar objects and packrat cache are shared; parsing is CPU-bound under the GIL,
# so one parse at a time costs nothing and keeps them safe from concurrent use.
_PARSING = threading.Lock()


@lru_cache(maxsize=VERDICTS)
def decide(text: str) -> Verdict | Refused:
    """The verdict on one exact query text (remembered: a repeated query is not parsed again)."""
    with _PARSING:
        try:
            tree = parseQuery(text)
        except ParseBaseException as exc:
            return _not_a_query(text, exc)
        except ValueError as exc:  # a \\u escape that is no code point
            return Refused(400, f"SPARQL syntax error: {exc}", f"SPARQL の構文エラー: {exc}")
    prologue, body = tree[0], tree[1]
    nodes = list(_walk(tree))
    if any(isinstance(n, CompValue) and n.name == "ServiceGraphPattern" for n in nodes):
        return Refused(400, *NO_SERVICE)
    if _unaccounted_service(text, nodes):
        return Refused(400, *UNACCOUNTED)
    declared = {_prefix(decl) for decl in prologue if decl.name == "PrefixDecl"}
    for node in nodes:
        if isinstance(node, CompValue) and node.name == "pname" and _prefix(node) not in declared:
            problem = undeclared_prefix(text, _prefix(node))
            return Refused(400, problem.message("en"), problem.message("ja"), problem)
    return Verdict(QUERY_FORMS[body.name])


def _prefix(node: CompValue) -> str:
    """The prefix of a PrefixDecl or prefixed name ("" for the empty prefix, which rdflib leaves out)."""
    return str(node["prefix"]) if "prefix" in node else ""


def _walk(tree: object) -> Iterator[object]:
    """Every node and leaf of a parse tree."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):  # CompValue is an OrderedDict of its parts
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)


def _unaccounted_service(text: str, nodes: list[object]) -> bool:
    """A belt under the parse tree: SERVICE in the text that the tree does not explain.

    The store runs the query with its own parser (Oxigraph), and two parsers can read the same
    text differently (rdflib and Oxigraph disagree on ``ex:a\\#``, and rdflib expands ``\\u``
    escapes everywhere before parsing, Oxigraph only inside strings and IRIs). The guard may pass
    only what it reads as the engine does, and the one thing in a query the engine would fetch
    is a SERVICE. So every occurrence of the word in the text (any case, even inside another
    word) must be one the tree holds as a string: a literal, an IRI, a prefixed name, a variable,
    a language tag. Anything else (a comment, or a reading rdflib does not share) is refused.
    LOAD needs no such belt: the engine is only ever asked to *query*, and its query grammar has
    no LOAD (nor any other update), so a LOAD the guard missed is a syntax error there.
    """
    said = max(text.lower().count("service"), _expanded(text).lower().count("service"))
    held = sum(node.lower().count("service") for node in nodes if isinstance(node, str))
    return said > held


def _not_a_query(text: str, exc: ParseBaseException) -> Refused:
    """An update (403), or a query neither rdflib nor the engine can read (400, with where and why)."""
    try:
        update = parseUpdate(text)
    except (ParseBaseException, ValueError):
        update = None
    if update is not None and "request" in update:
        load = any(isinstance(n, CompValue) and n.name == "Load" for n in _walk(update))
        return Refused(403, *(NO_LOAD if load else READ_ONLY))
    problem = _syntax_problem(text, exc)
    return Refused(400, problem.message("en"), problem.message("ja"), problem)


def _syntax_problem(text: str, exc: ParseBaseException) -> QueryProblem:
    engine = _engine_reading(text)
    if engine == "":
        return from_rdflib(text, exc, checker_only=True)
    return syntax_problem(text, exc, engine)


def _engine_reading(text: str) -> str | None:
    """The engine's syntax error for ``text`` ("" when it reads the text), asked without running it.

    Oxigraph parses a query before anything else, and refuses a substitution of a variable the
    query does not project before evaluating it: with a random variable name, the query is read
    and never run (on an empty in-memory store besides). Only asked when the text holds no
    "service" at all, so whatever Oxigraph makes of it, nothing can be fetched. None: not asked.
    """
    if "service" in text.lower() or "service" in _expanded(text).lower():
        return None
    import pyoxigraph as ox

    probe = ox.Variable(f"planlod_probe_{secrets.token_hex(8)}")
    try:
        ox.Store().query(text, substitutions={probe: ox.Literal("")})
    except SyntaxError as exc:
        return str(exc)
    except RuntimeError as exc:
        if re.search(r"does not contains? variable", str(exc)):
            return ""
        return None
    return None  # pragma: no cover — a projected random variable; the answer was never read


def _expanded(text: str) -> str:
    """The text as rdflib reads it, ``\\u`` escapes expanded (as it is, when one is no code point)."""
    try:
        return expandUnicodeEscapes(text)
    except ValueError:
        return text
