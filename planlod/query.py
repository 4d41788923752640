"""Running SPARQL against a store and writing the answer in a standard format."""

from __future__ import annotations

import io
from pathlib import Path

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store, Variable
from rdflib.term import Node

from planlod.messages import language
from planlod.sparql_errors import describe_engine_error

RESULT_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}


def read_query(arg: str) -> str:
    """A query given on the command line: a path to a ``.rq`` file or the query itself."""
    path = Path(arg)
    if arg.endswith(".rq") or (len(arg) < 4096 and path.is_file()):
        return path.read_text(encoding="utf-8")
    return arg


class QueryError(ValueError):
    """A query that cannot run: bad syntax, or an evaluation error."""


def run(
    store: Store, text: str, bindings: dict[str, Node] | None = None, lang: str | None = None
) -> QuerySolutions | QueryBoolean | object:
    """Run ``text`` with ``bindings`` (variable → rdflib term) substituted as RDF terms.

    A syntax error is explained in ``lang`` (by default the locale's, see :func:`planlod.messages.language`).
    """
    from planlod.querypool import decode_term, encode_term

    substitutions = {Variable(name): decode_term(encode_term(term)) for name, term in (bindings or {}).items()}
    # The default graph is the union of all named graphs, as in Fuseki's unionDefaultGraph:
    # queries need not know how the data is split into graphs.
    try:
        return store.query(text, use_default_graph_as_union=True, substitutions=substitutions)
    except SyntaxError as exc:
        raise QueryError(describe_engine_error(text, str(exc), language(lang))) from None


def format_results(
    store: Store, text: str, fmt: str, bindings: dict[str, Node] | None = None, lang: str | None = None
) -> str:
    """``table`` for people; ``json``/``csv``/``tsv``/``xml`` as the SPARQL results formats.

    CONSTRUCT and DESCRIBE answers are written as Turtle whatever ``fmt`` says.
    """
    result = run(store, text, bindings, lang)
    if isinstance(result, QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    buffer = io.BytesIO()
    if not isinstance(result, QuerySolutions):
        result.serialize(buffer, RdfFormat.TURTLE)
        return buffer.getvalue().decode("utf-8")
    if fmt == "table":
        return _table(result)
    result.serialize(buffer, RESULT_FORMATS[fmt])
    return buffer.getvalue().decode("utf-8")


def _table(solutions: QuerySolutions) -> str:
    from rich.console import Console
    from rich.table import Table

    names = [v.value for v in solutions.variables]
    table = Table(*names)
    count = 0
    for solution in solutions:
        table.add_row(*("" if solution[n] is None else _show(solution[n]) for n in names))
        count += 1
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(table)
    console.print(f"{count} row(s)")
    return console.export_text()


def _show(term: object) -> str:
    return getattr(term, "value", str(term))
