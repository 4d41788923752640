"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: public, read-only and time-limited.

GET ``?query=``, POST form and POST ``application/sparql-query`` are answered in the
negotiated results format; with no query it is the query page (for browsers) or the
service description (for machines). What may run is decided from a real parse of the
query (:mod:`server.sparql_guard`): updates answer 403, SERVICE 400, before anything runs.
Graphs the store does not have (FROM, ``default-graph-uri``) are empty graphs, never fetched.
Every query runs in a killable worker process (:mod:`planlod.querypool`) under the time limit;
the HTML results are one page of rows, cut and counted there too.
"""

from __future__ import annotations

import io
import json
import logging
import math
from collections.abc import Callable
from functools import partial
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, render_template, request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from planlod.querypool import QueryFailed, QueryRequest
from planlod.sparql_errors import describe_engine_error
from server.backend import get_backend
from server.caching import cached_response
from server.clients import client_of
from server.i18n import LANGS, lang
from server.negotiation import HTML, RDF_FORMATS, Format, accept_of, by_key, negotiate
from server.query_page import examples
from server.sparql_guard import READ_ONLY, Refused, Verdict, check
from server.urls import root_url

bp = Blueprint("sparql", __name__)
log = logging.getLogger(__name__)

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"

# Results formats for SELECT and ASK: (key, media type, aliases, pyoxigraph name)
JSON_RESULTS = Format("json", "application/sparql-results+json", "SPARQL JSON", aliases=("application/json",))
XML_RESULTS = Format("xml", "application/sparql-results+xml", "SPARQL XML", aliases=("application/xml", "text/xml"))
CSV_RESULTS = Format("csv", "text/csv", "CSV")
TSV_RESULTS = Format("tsv", "text/tab-separated-values", "TSV")
RESULT_FORMATS = (JSON_RESULTS, XML_RESULTS, CSV_RESULTS, TSV_RESULTS, HTML)
GRAPH_FORMATS = (*RDF_FORMATS, HTML)
POOL_NAMES = {
    "ttl": "turtle", "nt": "n_triples", "jsonld": "json_ld", "rdf": "rdf_xml", "trig": "trig", "nq": "n_quads"
}  # fmt: skip
STATUS = {
    "syntax": 400, "error": 400, "too-large": 413, "share": 429,
    "timeout": 503, "busy": 503, "memory": 503, "crashed": 503,
}  # fmt: skip
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
EMPTY_GRAPH = "urn:x-planlod:empty-graph"  # a graph no store has: the empty default graph
# Names clients give in format= / output= besides our keys (SPARQLWrapper sends format=turtle, …)
FORMAT_NAMES = {
    "turtle": "ttl", "n3": "ttl", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld", "rdf+xml": "rdf",
    "rdfxml": "rdf", "nquads": "nq", "n-quads": "nq",
}  # fmt: skip
GRAPH_NAMES = {"json": "jsonld", "xml": "rdf"}  # what the results names mean for a CONSTRUCT or DESCRIBE


@bp.before_request
def bounded_body() -> None:
    """A body over the limit is 413 whatever its transfer encoding.

    Werkzeug refuses a declared Content-Length over MAX_CONTENT_LENGTH, but a chunked body has
    none: it is cut at the limit and parsed as if complete (a form without its query, 406).
    So a body of unknown length is read here, one byte past the limit at most, and handed on
    with its length known.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    environ = request.environ
    if limit is None or request.method != "POST" or environ.get("CONTENT_LENGTH"):
        return
    streamed = "wsgi.input_terminated" in environ or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    stream = environ.get("wsgi.input")
    if stream is None or not streamed:  # without either, WSGI gives no safe way to read the body
        return
    body = bytearray()
    while len(body) <= limit:
        piece = stream.read(min(65536, limit + 1 - len(body)))
        if not piece:
            break
        body.extend(piece)
    if len(body) > limit:
        abort(413, f"the request body is larger than the limit of {limit} bytes")
    environ["wsgi.input"] = io.BytesIO(bytes(body))
    environ["CONTENT_LENGTH"] = str(len(body))


@bp.after_request
def vary(response: Response) -> Response:
    """Every answer of /sparql depends on Accept (the page, results, 404, 406) and on the language."""
    response.vary.add("Accept")
    response.vary.add("Accept-Language")
    return response


def error(status: int, message: str, retry: float | None = None) -> Response:
    return retry_later(Response(f"{status} {message}\n", status, content_type="text/plain; charset=utf-8"), retry)


def retry_later(response: Response, seconds: float | None = None) -> Response:
    """A 429 (over the client's share) or 503 (no worker free, out of time) says when to try again."""
    if response.status_code in (429, 503):
        response.headers["Retry-After"] = str(math.ceil(seconds or 5))
    return response


def wants_page() -> bool:
    """Whether the client reads HTML (a browser, or the form's format=html), for errors too."""
    asked = request.values.get("format") or request.values.get("output")
    if asked:
        return asked.lower() in (HTML.key, HTML.media_type)
    return negotiate(accept_of(request), RESULT_FORMATS) is HTML


def problem(status: int, message: str, query: str | None, retry: float | None = None) -> Response:
    """An error, shown above the query form for people, as the Protocol's plain text otherwise."""
    if query is None or not wants_page():
        return error(status, message, retry)
    body = render_template("sparql.html", query=query, examples=examples(), error=message, results=None)
    return retry_later(Response(body, status, content_type=HTML.content_type), retry)


def read_request() -> tuple[str | None, list[str], list[str]]:
    """The query and dataset of a Protocol request, or :class:`Refused`."""
    content_type = (request.mimetype or "").lower()
    if (request.method == "POST" and content_type == "application/sparql-update") or "update" in request.values:
        raise Refused(403, *READ_ONLY)
    if request.method == "POST" and content_type == "application/sparql-query":
        limit = current_app.config["PLANLOD"].max_query_bytes
        if (request.content_length or 0) > limit:
            raise Refused(413, f"the query is longer than the limit of {limit} bytes")
        if "query" in request.args:
            raise Refused(400, "a query POSTed as application/sparql-query must not also be in the URL (query=)")
        queries = [request.get_data(as_text=True)]
    elif request.method == "POST" and content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise Refused(415, "POST a query as application/sparql-query or as a form (query=…)")
    else:
        queries = request.values.getlist("query")
    if len(queries) > 1:
        raise Refused(400, f"the request names {len(queries)} queries (query=…); send exactly one",
                      f"リクエストにクエリ(query=…)が {len(queries)} 個あります。1 個だけ送ってください")  # fmt: skip
    if not queries and request.method == "POST":
        raise Refused(400, "a POSTed form must carry the query (query=…)",
                      "フォームの POST にはクエリ(query=…)が必要です")  # fmt: skip
    graphs = [request.values.getlist(name) for name in DATASET_PARAMETERS]
    return (queries[0] if queries else None), graphs[0], graphs[1]


def asked_format(offered: tuple[Format, ...], graphs: bool = False) -> Format | None:
    """The format named by ``format=`` or ``output=`` (a key, a usual name or a media type), else the
    negotiated one. ``graphs``: the answer is RDF, where ``json`` and ``xml`` mean JSON-LD and RDF/XML.

    A name that is not offered for this query is :class:`Refused` (406), never silently replaced.
    """
    asked = request.values.get("format") or request.values.get("output")
    if not asked:
        return negotiate(accept_of(request), offered)
    wanted = asked.strip().lower()
    wanted = ({**FORMAT_NAMES, **GRAPH_NAMES} if graphs else FORMAT_NAMES).get(wanted, wanted)
    found = by_key(wanted, offered) or next((f for f in offered if wanted == f.media_type or wanted in f.aliases), None)
    if found is None:
        raise Refused(406, f"format {asked!r} is not offered for this query; it can be answered as {listing(offered)}")
    return found


def listing(offered: tuple[Format, ...]) -> str:
    return ", ".join(f"{f.key} ({f.media_type})" for f in offered)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """SPARQL 1.1 Protocol."""
    query: str | None = None
    try:
        query, default_graphs, named_graphs = read_request()
        if query is None:
            return describe_service()
        verdict = check(query, get_backend().settings.max_query_bytes)
        offered = GRAPH_FORMATS if verdict.graph_query else RESULT_FORMATS
        fmt = asked_format(offered, graphs=verdict.graph_query)
        if fmt is None:
            raise Refused(406, f"no acceptable format; this query can be answered as {listing(offered)}")
    except Refused as refused:
        return problem(refused.status, in_asked_language(refused.message), query)
    dataset = query_dataset(verdict, default_graphs, named_graphs)
    backend = get_backend()
    # As JSON, so that no query text can spell another query's key (ETags join their parts with newlines).
    identity = [query, dataset["default_graphs"], dataset["named_graphs"], fmt.key]
    if fmt is HTML:
        number = page_number()
        if number is None:
            return problem(400, "page must be a whole number from 1" if lang() == "en" else "page は 1 以上の整数です",
                           query)  # fmt: skip
        # The page is in its language, and its language switch links back to the same arguments.
        identity += [lang(), number, request.query_string.decode("latin-1")]
        render = partial(results_page, query, verdict, dataset, number)
    else:
        render = partial(run_answer, query, verdict, dataset, fmt)
    key = ("sparql", json.dumps(identity, ensure_ascii=False))
    try:
        # A release never changes, so neither does the answer to the same query on the same dataset
        # in the same format: kept per release (the ETag names it), answered 304 or from memory.
        return cached_response(backend, key, fmt.content_type, render, store=backend.results)
    except QueryFailed as failed:
        message = in_asked_language(partial(public_message, failed, query))
        return problem(STATUS.get(failed.kind, 400), message, query, failed.retry_after)


def run_answer(query: str, verdict: Verdict, dataset: dict, fmt: Format) -> bytes:
    """The query's answer in ``fmt``, from a query worker (fair shares and limits apply)."""
    backend = get_backend()
    answer = backend.run_query(QueryRequest(
        text=query,
        result_format=fmt.key if not verdict.graph_query else "json",
        graph_format=POOL_NAMES[fmt.key] if verdict.graph_query else "turtle",
        max_bytes=backend.settings.max_response_bytes,
        **dataset,
    ), client=client_of(request, backend.settings))  # fmt: skip
    return bytes(answer.body)


def page_number() -> int | None:
    """The results page asked for (``page=``, from 1), or None when it is not a whole number from 1."""
    try:
        number = int(request.values.get("page", "1"))
    except ValueError:
        return None
    return number if number >= 1 else None


def in_asked_language(message: Callable[[str], str]) -> str:
    """The message in the interface language; both (English first) for a client that asked for none.

    A page is in its language (Japanese unless asked); a Protocol client such as SPARQLWrapper
    usually sends no Accept-Language, and its reader may read either language.
    """
    asked = request.args.get("lang") in LANGS or request.cookies.get("lang") in LANGS
    if asked or request.headers.get("Accept-Language") or wants_page():
        return message(lang())
    english, japanese = message("en"), message("ja")
    return english if english == japanese else f"{english}\n\n{japanese}"


def query_dataset(verdict: Verdict, default_graphs: list[str], named_graphs: list[str]) -> dict:
    """The dataset a query runs on: the Protocol's graphs, else its FROM / FROM NAMED, else the union.

    A graph the store does not have is an empty graph (SPARQL 1.1 Protocol); the engine never
    fetches one. The engine is always given the dataset explicitly: it reads the query's default
    graph as the union of all graphs, which would otherwise hide FROM.
    """
    default, named = (default_graphs, named_graphs) if default_graphs or named_graphs else (
        verdict.from_graphs, verdict.from_named)  # fmt: skip
    if named and not default:
        default = [EMPTY_GRAPH]  # only named graphs given: the default graph is empty, not the union
    return {"default_graphs": tuple(default), "named_graphs": tuple(named)}


def public_message(failed: QueryFailed, query: str, language: str) -> str:
    """What a client may read of a failure: never a remote status or body (there is no remote here).

    A syntax error is the query's own, told with where and what was expected. An evaluation error
    from the engine is shown when it is about the query; one naming a URL is not (a SERVICE call
    would be the only way a remote answer could get into it, and those never run), nor is anything
    an external store adds.
    """
    if failed.kind == "syntax":
        return describe_engine_error(query, str(failed).removeprefix("SPARQL syntax error: "), language)
    if failed.kind == "error":
        detail = str(failed)
        if "://" in detail:
            log.warning("query failed: %s", detail)
            return "クエリを評価できませんでした" if language == "ja" else "the query could not be evaluated"
        return (f"クエリを評価できませんでした: {detail}" if language == "ja"
                else f"the query could not be evaluated: {detail}")  # fmt: skip
    return str(failed)


def results_page(query: str, verdict: Verdict, dataset: dict, number: int) -> bytes:
    """The no-JavaScript query page with one page of results, sliced and counted in the query worker."""
    settings = get_backend().settings
    limit = settings.html_rows
    answer = get_backend().run_query(QueryRequest(
        text=query, result_format="rows", row_offset=(number - 1) * limit, row_limit=limit,
        max_bytes=settings.max_response_bytes, **dataset,
    ), client=client_of(request, settings))  # fmt: skip
    results = json.loads(answer.body)
    pages = max(1, math.ceil(results["total"] / limit))
    downloads = GRAPH_FORMATS[:3] if verdict.graph_query else (CSV_RESULTS, JSON_RESULTS)
    links = {
        "previous": answer_url(query, dataset, page=number - 1) if number > 1 else None,
        "next": answer_url(query, dataset, page=number + 1) if number < pages else None,
        "downloads": [(f.label, answer_url(query, dataset, f.key)) for f in downloads],
    }
    first = (number - 1) * limit + 1 if results["rows"] else 0
    shown = {"first": first, "last": first + len(results["rows"]) - 1 if results["rows"] else 0}
    body = render_template("sparql.html", query=query, examples=examples(), results=results, page=number,
                           pages=pages, links=links, shown=shown, error=None)  # fmt: skip
    return body.encode("utf-8")


def answer_url(query: str, dataset: dict, key: str = "html", page: int | None = None) -> str:
    """A GET link to the same query (and dataset) in another format or at another page."""
    args: list[tuple[str, str]] = [("query", query), ("format", key)]
    args += [("default-graph-uri", g) for g in dataset["default_graphs"]]
    args += [("named-graph-uri", g) for g in dataset["named_graphs"]]
    if page is not None:
        args.append(("page", str(page)))
    return f"{request.path}?{urlencode(args)}"


def describe_service() -> Response:
    """No query: the query page for browsers, the SPARQL service description for machines."""
    offered = (HTML, *RDF_FORMATS)
    try:
        fmt = asked_format(offered, graphs=True)
    except Refused as refused:
        return error(refused.status, in_asked_language(refused.message))
    if fmt is None:
        return error(406, f"the service description is available as {listing(offered)}")
    if fmt is HTML:
        return Response(render_template("sparql.html", query="", examples=examples(), results=None, error=None),
                        200, content_type=HTML.content_type)  # fmt: skip
    graph = service_description(root_url())
    return Response(graph.serialize(format=fmt.rdflib), 200, content_type=fmt.content_type)


def service_description(root: str) -> Graph:
    backend = get_backend()
    sd = lambda name: URIRef(SD + name)  # noqa: E731
    graph = Graph()
    graph.bind("sd", SD)
    service = URIRef(f"{root}sparql")
    graph.add((service, RDF.type, sd("Service")))
    graph.add((service, sd("endpoint"), service))
    graph.add((service, sd("supportedLanguage"), sd("SPARQL11Query")))
    graph.add((service, sd("feature"), sd("UnionDefaultGraph")))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG", "N-Quads"):  # fmt: skip
        graph.add((service, sd("resultFormat"), URIRef(FORMATS_NS + name)))
    dataset = BNode()
    graph.add((service, sd("defaultDataset"), dataset))
    graph.add((dataset, RDF.type, sd("Dataset")))
    default = BNode()
    graph.add((dataset, sd("defaultGraph"), default))
    graph.add((default, RDF.type, sd("Graph")))
    for name in sorted(backend.named_graphs):
        named = BNode()
        graph.add((dataset, sd("namedGraph"), named))
        graph.add((named, RDF.type, sd("NamedGraph")))
        graph.add((named, sd("name"), URIRef(name)))
    limit = f"{backend.settings.query_timeout:g} s"
    note = Literal(f"Read-only; each query is limited to {limit}; SERVICE and LOAD are refused.", lang="en")
    graph.add((service, URIRef("http://purl.org/dc/terms/description"), note))
    return graph
