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

import os
import re
import secrets
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

from pyparsing import Keyword, ParseBaseException, ParserElement
from rdflib.plugins.sparql import parser
from rdflib.plugins.sparql.parserutils import CompValue

from planlod.sparql_errors import QueryProblem, from_rdflib, syntax_problem, undeclared_prefix

QUERY_FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE", "AskQuery": "ASK"}
VERDICTS = 4096  # distinct query texts whose verdict is remembered

READ_ONLY = ("this endpoint is read-only: SPARQL Update is not accepted",
             "このエンドポイントは読み取り専用です。SPARQL Update は受け付けません。")  # fmt: skip
NO_LOAD = ("LOAD is refused: this endpoint is read-only and never fetches a URL a query names",
           "LOAD は受け付けません。このエンドポイントは読み取り専用で、クエリが示す URL を取得しません。")  # fmt: skip
NO_SERVICE = ("SERVICE is refused: this server never fetches a URL a query names (no federation)",
              "SERVICE は受け付けません。このサーバーはクエリが示す URL を取得しません(連合検索なし)。")  # fmt: skip
UNACCOUNTED = (
    "SERVICE is refused: the word SERVICE appears where the endpoint cannot tell how the engine reads it "
    "(a comment?); remove it",
    "SERVICE は受け付けません。エンジンがどう読むか確かめられない位置(コメントなど)に SERVICE という語があります。"
    "取り除いてください。",
)

TOO_DEEP = ("the query is nested too deeply for this endpoint to check it", "クエリの入れ子が深すぎて検査できません")


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
    """A query the endpoint will run: its form (SELECT, ASK, CONSTRUCT or DESCRIBE) and the graphs
    its FROM and FROM NAMED clauses name (which need not exist: a graph the store lacks is empty)."""

    form: str
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()

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
        # The refusal is remembered and raised again for the same text: without its last traceback,
        # which would otherwise grow with every raise and keep each request's frames alive.
        raise verdict.with_traceback(None)
    return verdict


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; SELECT for a text the guard refuses (it never runs)."""
    verdict = decide(text)
    return verdict.form if isinstance(verdict, Verdict) else "SELECT"


@lru_cache(maxsize=VERDICTS)
def decide(text: str) -> Verdict | Refused:
    """The verdict on one exact query text (remembered: a repeated query is not parsed again)."""
    return _parser().submit(_decide, text).result()


# rdflib's grammar is right-recursive (a triple block holds the next one) and pyparsing spends
# about 15 Python frames per level: a query of 100 triple patterns passes the default recursion
# limit, and 1,000 (a 20 KB query) need ~15,000 frames. So the parse runs on one thread of its
# own with a large stack and a raised recursion limit (only the limit is process-wide). One
# thread also keeps pyparsing's shared grammar objects and packrat cache out of concurrent use;
# parsing is CPU-bound under the GIL, so more threads would not parse faster.
PARSER_STACK = 512 * 1024 * 1024  # address space; only the pages a deep parse touches are used
RECURSION_LIMIT = 60_000
sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
_executor: tuple[int, ThreadPoolExecutor] | None = None
_executor_lock = threading.Lock()


def _parser() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None or _executor[0] != os.getpid():  # threads do not survive a fork
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="planlod-sparql-parser")
            previous = threading.stack_size(PARSER_STACK)
            try:
                executor.submit(lambda: None).result()  # its one thread starts now, with the large stack
            finally:
                threading.stack_size(previous)
            _executor = (os.getpid(), executor)
        return _executor[1]


class _FederatedPattern(Exception):
    """rdflib matched the SERVICE keyword where a graph pattern goes."""


def _stop_at_service(*_: object) -> None:
    raise _FederatedPattern


# rdflib's parse of a SERVICE pattern scans the whole query text again (Comp.postParse fills in
# ``service_string``), so the cost grows with the square of the number of SERVICE clauses: 200
# of them took 128 s of the server's CPU. The first one is refused anyway, so the parse stops
# at its keyword. This changes rdflib's grammar for the whole process, where rdflib never
# evaluates a SERVICE (the endpoint refuses federation).
def _service_keyword() -> ParserElement:
    """The SERVICE keyword element inside rdflib's ServiceGraphPattern rule."""
    element: ParserElement = parser.ServiceGraphPattern
    while not isinstance(element, Keyword):
        element = element.exprs[0] if hasattr(element, "exprs") else element.expr
    assert element.match.upper() == "SERVICE", element
    return element


_service_keyword().add_parse_action(_stop_at_service)


def _decide(text: str) -> Verdict | Refused:
    try:
        tree = parser.parseQuery(text)
    except _FederatedPattern:
        return Refused(400, *NO_SERVICE)
    except ParseBaseException as exc:
        return _not_a_query(text, exc)
    except ValueError as exc:  # a \\u escape that is no code point
        return Refused(400, f"SPARQL syntax error: {exc}", f"SPARQL の構文エラー: {exc}")
    except RecursionError:  # deeper than RECURSION_LIMIT allows
        return Refused(400, *TOO_DEEP)
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
    default, named = _dataset(prologue, body)
    return Verdict(QUERY_FORMS[body.name], default, named)


def _dataset(prologue: object, body: CompValue) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The graphs FROM and FROM NAMED name, as absolute IRIs (prefixes and BASE resolved)."""
    if "datasetClause" not in body:
        return (), ()
    from rdflib.plugins.sparql.algebra import translatePrologue

    resolved = translatePrologue(prologue, None)
    default = [str(resolved.absolutize(c["default"])) for c in body["datasetClause"] if "default" in c]
    named = [str(resolved.absolutize(c["named"])) for c in body["datasetClause"] if "named" in c]
    return tuple(default), tuple(named)


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
        update = parser.parseUpdate(text)
    except (ParseBaseException, ValueError, RecursionError, _FederatedPattern):
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
        return parser.expandUnicodeEscapes(text)
    except ValueError:
        return text
