"""The research API: every ``queries/*.rq`` is an operation at ``/api/{name}``, like grlc.

Parameters come from the query's variables (``?_name`` required, ``?__name``
optional, typed by suffix) and are bound as RDF terms by substitution. Answers are
plain JSON records, SPARQL JSON, CSV or TSV by content negotiation, paginated with
``limit``/``offset`` and ``Link`` headers, and described by ``/api/openapi.json``.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request
from rdflib import Literal, URIRef

from planlod import __version__
from planlod.queries import NamedQuery, ParameterError
from planlod.querypool import QueryFailed, QueryRequest, encode_term
from server.backend import get_backend, named_queries
from server.caching import cached_response
from server.clients import client_of
from server.i18n import lang
from server.negotiation import HTML, Format, accept_of, by_key, negotiate
from server.sparql import STATUS, public_message, retry_later
from server.urls import root_url

bp = Blueprint("api", __name__, url_prefix="/api")

RECORDS = Format("json", "application/json", "JSON records")
SPARQL_JSON = Format("sparql-json", "application/sparql-results+json", "SPARQL JSON")
CSV_FORMAT = Format("csv", "text/csv", "CSV")
TSV_FORMAT = Format("tsv", "text/tab-separated-values", "TSV")
API_FORMATS = (RECORDS, SPARQL_JSON, CSV_FORMAT, TSV_FORMAT, HTML)
RESERVED = {"limit", "offset", "format", "lang"}
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#integer": int,
    "http://www.w3.org/2001/XMLSchema#decimal": float,
    "http://www.w3.org/2001/XMLSchema#double": float,
}


def problem(status: int, message: str, retry: float | None = None) -> Response:
    response = jsonify({"status": status, "error": message})
    response.status_code = status
    return retry_later(response, retry)


def page_bounds(query: NamedQuery) -> tuple[int, int]:
    try:
        limit = int(request.args.get("limit", query.pagination or DEFAULT_LIMIT))
        offset = int(request.args.get("offset", 0))
    except ValueError:
        raise ParameterError("limit and offset must be integers") from None
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise ParameterError(f"limit must be 1-{MAX_LIMIT} and offset 0 or more")
    return limit, offset


def paginated_text(query: NamedQuery, limit: int, offset: int) -> str:
    # One row more than asked tells whether there is a next page; the numbers are validated ints.
    return f"{query.plain_text}\nLIMIT {limit + 1}\nOFFSET {offset}"


@bp.get("/<name>")
def run(name: str) -> Response:
    """Run the named query with the request's parameters."""
    query = named_queries().get(name)
    if query is None:
        return problem(404, f"no query {name!r}; see /api/openapi.json")
    asked = request.args.get("format")
    fmt = by_key(asked, API_FORMATS) if asked else negotiate(accept_of(request), API_FORMATS)
    if fmt is None:
        keys = ", ".join(f"format={f.key} ({f.media_type})" for f in API_FORMATS)
        what = f"format={asked!r} is not offered" if asked else "no acceptable format"
        return problem(406, f"{what}; available: {keys}")
    try:
        limit, offset = page_bounds(query)
        values = {k: v for k, v in request.args.items() if k not in RESERVED}
        bindings = query.plain_bindings(values)
    except ParameterError as exc:
        return problem(400, str(exc))
    backend = get_backend()
    key = ("api", name, json.dumps(sorted(request.args.items(multi=True))), fmt.key, lang())
    try:
        return cached_response(
            backend, key, fmt.content_type, lambda: answer(query, bindings, limit, offset, fmt), vary=("Accept",)
        )
    except QueryFailed as failed:
        return problem(STATUS.get(failed.kind, 400), public_message(failed, query.text, lang()), failed.retry_after)


def answer(query: NamedQuery, bindings: dict, limit: int, offset: int, fmt: Format) -> tuple[bytes, dict[str, str]]:
    """The body in ``fmt`` and its ``Link`` header: whether a next page exists is known only after the query."""
    body, has_next = render_answer(query, bindings, limit, offset, fmt)
    return body, {"Link": page_links(query.name, limit, offset, has_next)}


def render_answer(query: NamedQuery, bindings: dict, limit: int, offset: int, fmt: Format) -> tuple[bytes, bool]:
    settings = get_backend().settings
    result = get_backend().run_query(
        QueryRequest(
            text=paginated_text(query, limit, offset),
            result_format="json",
            bindings=tuple((name, encode_term(term)) for name, term in bindings.items()),
            max_bytes=settings.max_response_bytes,
        ),
        client=client_of(request, settings),
    )
    data = json.loads(result.body)
    rows = data["results"]["bindings"]
    has_next = len(rows) > limit
    data["results"]["bindings"] = rows[:limit]
    variables = data["head"]["vars"]
    if fmt is SPARQL_JSON:
        return json.dumps(data, ensure_ascii=False).encode("utf-8"), has_next
    if fmt is CSV_FORMAT:
        return to_csv(variables, data["results"]["bindings"]), has_next
    if fmt is TSV_FORMAT:
        return to_tsv(variables, data["results"]["bindings"]), has_next
    records = [to_record(row, variables) for row in data["results"]["bindings"]]
    if fmt is HTML:
        html = render_template(
            "api_results.html", query=query, records=records, columns=variables,
            limit=limit, offset=offset, has_next=has_next,
        )  # fmt: skip
        return html.encode("utf-8"), has_next
    body = {
        "query": query.name,
        "parameters": {name: str(term) for name, term in bindings.items()},
        "limit": limit,
        "offset": offset,
        "count": len(records),
        "next": has_next,
        "results": records,
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8"), has_next


def to_record(row: dict, variables: list[str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for variable in variables:
        cell = row.get(variable)
        if cell is None:
            record[variable] = None
        elif cell.get("datatype") in NUMERIC:
            record[variable] = NUMERIC[cell["datatype"]](cell["value"])
        else:
            record[variable] = cell["value"]
    return record


def to_csv(variables: list[str], rows: list[dict]) -> bytes:
    """SPARQL 1.1 CSV: a header of variable names, then plain values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([row.get(v, {}).get("value", "") for v in variables])
    return out.getvalue().encode("utf-8")


def to_tsv(variables: list[str], rows: list[dict]) -> bytes:
    """SPARQL 1.1 TSV: ``?var`` headers, then terms in Turtle syntax."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in rows:
        lines.append("\t".join(term_n3(row.get(v)) for v in variables))
    return ("\n".join(lines) + "\n").encode("utf-8")


def term_n3(cell: dict | None) -> str:
    if cell is None:
        return ""
    if cell["type"] == "uri":
        return URIRef(cell["value"]).n3()
    if cell["type"] == "bnode":
        return f"_:{cell['value']}"
    datatype = cell.get("datatype")
    return Literal(cell["value"], lang=cell.get("xml:lang"), datatype=URIRef(datatype) if datatype else None).n3()


def page_links(name: str, limit: int, offset: int, has_next: bool) -> str:
    args = {k: v for k, v in request.args.items() if k not in ("limit", "offset")}

    def url(at: int) -> str:
        return f"/api/{name}?{urlencode({**args, 'limit': limit, 'offset': at})}"

    links = [f'<{url(0)}>; rel="first"']
    if offset > 0:
        links.append(f'<{url(max(0, offset - limit))}>; rel="prev"')
    if has_next:
        links.append(f'<{url(offset + limit)}>; rel="next"')
    return ", ".join(links)


@bp.get("/openapi.json")
def openapi() -> Response:
    """OpenAPI 3.1, generated from the query files."""
    return jsonify(openapi_document(root_url().rstrip("/")))


def schema_of(param: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "iri": {"type": "string", "format": "uri"},
        "integer": {"type": "integer"},
        "number": {"type": "number"},
        "boolean": {"type": "boolean"},
        "date": {"type": "string", "format": "date"},
    }.get(param.type, {"type": "string"})
    if param.enum:
        schema = {**schema, "enum": list(param.enum)}
    if param.default is not None:
        schema = {**schema, "default": param.default}
    return schema


def openapi_document(server_url: str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for query in named_queries().values():
        description = "\n\n".join(query.description.get(k, "") for k in ("ja", "en") if query.description.get(k))
        sparql = query.plain_text
        parameters = [
            {"name": p.name, "in": "query", "required": p.required and p.default is None, "schema": schema_of(p),
             "description": f"binds ?{p.name}" + (f" ({p.lang})" if p.lang else "") + (f"; {p.hint}" if p.hint else "")}
            for p in query.parameters
        ]  # fmt: skip
        parameters += [{"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"},
                       {"$ref": "#/components/parameters/format"}]  # fmt: skip
        paths[f"/api/{query.name}"] = {
            "get": {
                "operationId": query.name,
                "summary": query.summary,
                "description": f"{description}\n\n```sparql\n{sparql}\n```",
                "tags": list(query.tags),
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "The answer, paginated (Link: rel=next/prev/first).",
                        "headers": {"Link": {"schema": {"type": "string"}}, "ETag": {"schema": {"type": "string"}}},
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Records"}},
                            "application/sparql-results+json": {"schema": {"type": "object"}},
                            "text/csv": {"schema": {"type": "string"}},
                            "text/tab-separated-values": {"schema": {"type": "string"}},
                            "text/html": {"schema": {"type": "string"}},
                        },
                    },
                    "304": {"description": "Not modified (ETag)."},
                    "400": {"$ref": "#/components/responses/Problem"},
                    "406": {"$ref": "#/components/responses/Problem"},
                    "503": {"$ref": "#/components/responses/Problem"},
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "planlod research queries",
            "version": __version__,
            "description": "Named SPARQL queries over comprehensive plans (総合計画): one operation per .rq file.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "parameters": {
                "limit": {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                },
                "offset": {
                    "name": "offset",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 0, "default": 0},
                },
                "format": {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": [f.key for f in API_FORMATS]},
                },
            },  # fmt: skip
            "schemas": {
                "Records": {
                    "type": "object",
                    "required": ["query", "limit", "offset", "count", "results"],
                    "properties": {
                        "query": {"type": "string"},
                        "parameters": {"type": "object"},
                        "limit": {"type": "integer"},
                        "offset": {"type": "integer"},
                        "count": {"type": "integer"},
                        "next": {"type": "boolean"},
                        "results": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Problem": {
                    "type": "object",
                    "required": ["status", "error"],
                    "properties": {"status": {"type": "integer"}, "error": {"type": "string"}},
                },
            },
            "responses": {
                "Problem": {
                    "description": "What went wrong, in one sentence.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                }
            },
        },
    }


@bp.get("/")
def docs() -> Response:
    """The API for people: every query with its parameters, examples and a form to try it."""
    backend = get_backend()
    return cached_response(
        backend,
        ("api-docs", lang()),
        "text/html; charset=utf-8",
        lambda: render_template("api.html", queries=list(named_queries().values())).encode("utf-8"),
        vary=("Accept-Language", "Cookie"),
    )
