"""One page of a query's answer, for people: a bounded number of rows and the total count.

Made where the query runs (a query worker, see :func:`planlod.querypool.execute`), so that
counting and slicing a 120,000-row answer happen within the query's time limit, and only the
page (a small JSON document) reaches the server process that renders the HTML table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

TRIPLE_VARIABLES = ("subject", "predicate", "object")


def page(result: object, offset: int, limit: int) -> bytes:
    """``{"vars", "rows", "total", "truncated"}`` (``"boolean"`` for ASK) as UTF-8 JSON.

    ``result`` is a pyoxigraph answer: QuerySolutions, QueryBoolean, or the triples of a
    CONSTRUCT or DESCRIBE (any iterable of objects with subject, predicate and object).
    Rows are lists of SPARQL JSON terms (``{"type", "value", "xml:lang", "datatype"}``) or null.
    """
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return _dump({"vars": [], "rows": [], "total": 0, "truncated": False, "boolean": bool(result)})
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        cells: Callable[[Any], list] = lambda solution: [solution[n] for n in names]  # noqa: E731
    else:
        names = list(TRIPLE_VARIABLES)
        cells = lambda triple: [triple.subject, triple.predicate, triple.object]  # noqa: E731
    shown, total = [], 0
    for item in result:  # type: ignore[attr-defined]
        if offset <= total < offset + limit:  # only the page's rows are read: counting the rest is cheap
            shown.append([term_json(term) for term in cells(item)])
        total += 1
    return _dump({"vars": names, "rows": shown, "total": total, "truncated": total > len(shown)})


def term_json(term: object) -> dict | None:
    """A pyoxigraph term as in the SPARQL 1.1 JSON results format."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        cell = {"type": "literal", "value": term.value}
        if term.language:
            cell["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            cell["datatype"] = term.datatype.value
        return cell
    return {"type": "triple", "value": str(term)}  # RDF 1.2 quoted triples: shown as written


def _dump(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
