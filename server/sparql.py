"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: public, read-only and time-limited.

GET ``?query=``, POST form and POST ``application/sparql-query`` are answered in the
negotiated results format; with no query it is the query page (for browsers) or the
service description (for machines). Updates answer 403; SERVICE, LOAD and graphs that
are not ours answer 400 before anything runs; every query runs in a killable worker
process (:mod:`planlod.querypool`) under the configured time limit.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from planlod.queries import with_values
from planlod.querypool import QueryFailed, QueryRequest
from server.backend import get_backend, named_queries
from server.negotiation import HTML, RDF_FORMATS, Format, accept_of, by_key, negotiate
from server.sparql_guard import Refused, check, query_form

bp = Blueprint("sparql", __name__)

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
STATUS = {"syntax": 400, "error": 400, "too-large": 400, "timeout": 503, "busy": 503, "crashed": 503}


def error(status: int, message: str) -> Response:
    response = Response(f"{status} {message}\n", status, content_type="text/plain; charset=utf-8")
    if status == 503:
        response.headers["Retry-After"] = "5"
    return response


def read_request() -> tuple[str | None, list[str], list[str]]:
    """The query and dataset of a Protocol request, or :class:`Refused`."""
    content_type = (request.mimetype or "").lower()
    if request.method == "POST" and content_type == "application/sparql-update":
        raise Refused(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if "update" in request.values:
        raise Refused(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if request.method == "POST" and content_type == "application/sparql-query":
        limit = current_app.config["PLANLOD"].max_query_bytes
        if (request.content_length or 0) > limit:
            raise Refused(413, f"the query is longer than the limit of {limit} bytes")
        query = request.get_data(as_text=True)
    elif request.method == "POST" and content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise Refused(415, "POST a query as application/sparql-query or as a form (query=…)")
    else:
        query = request.values.get("query")
    return query, request.values.getlist("default-graph-uri"), request.values.getlist("named-graph-uri")


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """SPARQL 1.1 Protocol."""
    backend = get_backend()
    settings = backend.settings
    try:
        query, default_graphs, named_graphs = read_request()
        if query is None:
            return describe_service()
        inspection = check(query, backend.named_graphs, settings.max_query_bytes)
        for graph in default_graphs + named_graphs:
            if graph not in backend.named_graphs:
                raise Refused(400, f"<{graph}> is not a graph of this dataset; this server never fetches a URL")
    except Refused as refused:
        return error(refused.status, str(refused))
    graph_query = query_form(inspection.words) in ("CONSTRUCT", "DESCRIBE")
    offered = GRAPH_FORMATS if graph_query else RESULT_FORMATS
    fmt = by_key(request.values.get("format") or request.values.get("output"), offered) or negotiate(
        accept_of(request), offered
    )
    if fmt is None:
        names = ", ".join(f.media_type for f in offered)
        return error(406, f"no acceptable format; this query can be answered as {names}")
    wanted = (JSON_RESULTS if fmt is HTML else fmt) if not graph_query else (RDF_FORMATS[0] if fmt is HTML else fmt)
    try:
        answer = backend.run_query(
            QueryRequest(
                text=query,
                result_format=wanted.key if not graph_query else "json",
                graph_format=POOL_NAMES[wanted.key] if graph_query else "turtle",
                default_graphs=tuple(default_graphs),
                named_graphs=tuple(named_graphs),
                max_bytes=settings.max_response_bytes,
            )
        )
    except QueryFailed as failed:
        return error(STATUS.get(failed.kind, 400), str(failed))
    if fmt is HTML:
        body = render_results(query, answer.kind, answer.body)
        response = Response(body, 200, content_type=HTML.content_type)
    else:
        response = Response(answer.body, 200, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def render_results(query: str, kind: str, body: bytes) -> str:
    """A results table for the no-JavaScript query page."""
    table = None
    text = None
    if kind == "graph":
        text = body.decode("utf-8")
    else:
        data = json.loads(body)
        if "boolean" in data:
            text = "true" if data["boolean"] else "false"
        else:
            variables = data["head"]["vars"]
            rows = [[row.get(v) for v in variables] for row in data["results"]["bindings"]]
            table = {"variables": variables, "rows": rows}
    return render_template("sparql.html", query=query, examples=examples(), table=table, text=text)


def examples() -> list[dict]:
    """The named queries of ``queries/``, with parameter defaults written in, for the query page."""
    found = []
    for q in named_queries().values():
        if any(param.required and param.default is None for param in q.parameters):
            continue
        body = "\n".join(line for line in q.text.splitlines() if not line.startswith("#+")).strip()
        # Pasting a term over the variable would break the SELECT projection, where the parameter
        # variables of queries/ always appear; an inline VALUES block keeps the query valid.
        defaults = {p.variable: p.to_term(p.default) for p in q.parameters if p.default is not None}
        body = with_values(body, defaults)
        found.append({"name": q.name, "summary": q.summary, "text": body})
    return found


def describe_service() -> Response:
    """No query: the query page for browsers, the SPARQL service description for machines."""
    accept = accept_of(request)
    fmt = by_key(request.values.get("format"), (*RDF_FORMATS, HTML)) or negotiate(accept, (HTML, *RDF_FORMATS))
    if fmt is None:
        return error(406, "the service description is available as HTML or RDF (Turtle, JSON-LD, …)")
    if fmt is HTML:
        return Response(render_template("sparql.html", query="", examples=examples(), table=None, text=None),
                        200, content_type=HTML.content_type)  # fmt: skip
    graph = service_description(request.url_root)
    text = graph.serialize(format=fmt.rdflib)
    response = Response(text, 200, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


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
