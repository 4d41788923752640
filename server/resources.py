"""Dereferenceable IRIs: ``/id/…`` answers 303 to a document, ``/doc/…`` is the document.

Like Pubby and Trifid: the identifier of a thing (``/id/272116/5th/initiative/7-1-2``)
redirects to a document about it in the negotiated format
(``/doc/272116/5th/initiative/7-1-2.html`` or ``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``,
``.trig``, ``.nq``). ``?format=`` and a suffix on the identifier override Accept.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, render_template, request
from rdflib import Graph

from planlod.vocab import ONTOLOGY_IRI
from server import links, ontology_page
from server.backend import Backend, Description, get_backend
from server.caching import cached_response
from server.i18n import gettext, lang
from server.negotiation import (
    HTML,
    RDF_FORMATS,
    RESOURCE_FORMATS,
    TEXT,
    Format,
    accept_of,
    by_key,
    negotiate,
    split_suffix,
)
from server.notices import notice_for
from server.representations import jsonld_for_html, serialize
from server.resource_page import PageBuilder

bp = Blueprint("resources", __name__)

GRAPH_PREVIEW = 300  # subjects listed on the page of a named graph


def offered(backend: Backend, iri: str) -> tuple[Format, ...]:
    """Formats of a resource; a plan's source also has its original text."""
    if backend.source_text(iri) is not None:
        return (HTML, TEXT, *RDF_FORMATS)  # text/plain means the original text here, not N-Triples
    return RESOURCE_FORMATS


def alternates(resource_path: str, formats: tuple[Format, ...]) -> str:
    return ", ".join(
        f'<{links.doc_path(resource_path, f.key)}>; rel="alternate"; type="{f.media_type}"' for f in formats
    )


@bp.get("/id/<path:rest>")
def identifier(rest: str) -> Response:
    """The identifier of a thing: 303 See Other to the document in the negotiated format."""
    return see_other(f"id/{rest}")


@bp.get("/def")
def ontology() -> Response:
    return see_other("def")


@bp.get("/def/diagram.svg")
def ontology_diagram() -> Response:
    """The ontology's class diagram, drawn by Graphviz from the ontology the store serves."""
    svg = ontology_page.diagram(ontology_graph(get_backend()))
    if svg is None:
        return Response("404 Not Found: the diagram needs Graphviz (dot) on the server\n", 404,
                        content_type="text/plain; charset=utf-8")  # fmt: skip
    return Response(svg, 200, content_type="image/svg+xml")


def ontology_graph(backend: Backend) -> Graph:
    graph = Graph()
    for s, p, o, _ in backend.graph_quads(ONTOLOGY_IRI):
        graph.add((s, p, o))
    return graph


def see_other(path: str) -> Response:
    backend = get_backend()
    path, suffix_format = split_suffix(path, (*RESOURCE_FORMATS, TEXT))
    iri = links.iri_for_path(path)
    if not backend.exists(iri):
        return not_found(iri, path)
    formats = offered(backend, iri)
    fmt = suffix_format or by_key(request.args.get("format"), formats) or negotiate(accept_of(request), formats)
    if fmt is None or fmt not in formats:
        return not_acceptable(f"/{path}", formats)
    target = links.doc_path(f"/{path}", fmt.key)
    if fmt is HTML and request.args.get("lang"):
        target += "?" + urlencode({"lang": request.args["lang"]})
    response = redirect(target, code=303)
    response.vary.add("Accept")
    response.headers["Link"] = alternates(f"/{path}", formats)
    return response


@bp.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    """The document about a thing, in the format of its suffix (or negotiated when it has none)."""
    backend = get_backend()
    stem, fmt = split_suffix(rest, (*RESOURCE_FORMATS, TEXT))
    path = stem if stem == "def" or stem.startswith("def/") else f"id/{stem}"
    iri = links.iri_for_path(path)
    formats = offered(backend, iri)
    negotiated = fmt is None
    if negotiated:
        fmt = by_key(request.args.get("format"), formats) or negotiate(accept_of(request), formats)
    if fmt is None or fmt not in formats:
        return not_acceptable(f"/{path}", formats) if backend.exists(iri) else not_found(iri, path)
    # Existence is checked only when the document is not cached (see cached_response).
    response = represent(
        backend, iri, f"/{path}", fmt, formats, check=lambda: None if backend.exists(iri) else not_found(iri, path)
    )
    if negotiated:
        response.vary.add("Accept")
        if response.status_code < 400:  # a 404's path is whatever a client sent (even %0D)
            response.headers["Content-Location"] = links.doc_path(f"/{path}", fmt.key)
    return response


@bp.get("/browse")
def browse() -> Response:
    """IRIs of the data that this server does not mint (the UN's SDG goals, …), as a page."""
    iri = request.args.get("iri", "")
    local = links.local_path(iri)
    if local:
        return redirect(local, code=303)
    backend = get_backend()
    if not iri or not backend.exists(iri):
        return not_found(iri, "browse")
    return represent(backend, iri, "/browse", HTML, (HTML,))


def represent(
    backend: Backend,
    iri: str,
    resource_path: str,
    fmt: Format,
    formats: tuple[Format, ...],
    check: Callable[[], Response | None] | None = None,
) -> Response:
    response = cached_response(
        backend,
        ("resource", iri, fmt.key, lang() if fmt is HTML else ""),
        fmt.content_type,
        lambda: render(backend, iri, resource_path, fmt, formats),
        vary=("Accept-Language", "Cookie") if fmt is HTML else (),
        check=check,
    )
    if response.status_code < 400:  # not on the 404 of `check`, whose path is whatever a client sent
        response.headers["Link"] = alternates(resource_path, formats)
    return response


def render(backend: Backend, iri: str, resource_path: str, fmt: Format, formats: tuple[Format, ...]) -> bytes:
    if fmt is TEXT:
        return (backend.source_text(iri) or "").encode("utf-8")
    description = describe(backend, iri)
    if fmt is not HTML:
        return serialize(list(description.quads()), fmt)
    if iri == ONTOLOGY_IRI:
        graph = ontology_graph(backend)
        html = render_template(
            "ontology.html",
            doc=ontology_page.document(graph),
            has_diagram=ontology_page.diagram(graph) is not None,
            alternates=[(f, links.doc_path(resource_path, f.key)) for f in formats if f is not HTML],
            jsonld=jsonld_for_html(description.outgoing),
        )
        return html.encode("utf-8")
    page = PageBuilder(backend, description).build()
    graph = graph_preview(backend, iri)
    source = backend.source_text(iri)
    source_lines = source.split("\n") if source is not None else None
    html = render_template(
        "resource.html",
        page=page,
        graph=graph,
        alternates=[(f, links.doc_path(resource_path, f.key)) for f in formats if f is not HTML],
        jsonld=jsonld_for_html(description.outgoing),
        resource_path=resource_path,
        source_lines=source_lines,
        plan_notice=notice_for(backend, iri),
    )
    return html.encode("utf-8")


def describe(backend: Backend, iri: str) -> Description:
    """A named graph's document is its content (the ontology, a plan graph, a linkset), as in the
    Graph Store Protocol; anything else is described by its own and its incoming statements."""
    description = backend.describe(iri)
    if iri in backend.named_graphs:
        description.outgoing = list(dict.fromkeys([*description.outgoing, *backend.graph_quads(iri)]))
    return description


def graph_preview(backend: Backend, iri: str) -> dict | None:
    if iri not in backend.named_graphs:
        return None
    subjects: list = []
    count = 0
    for s, _, _, _ in backend.graph_quads(iri):
        count += 1
        if s not in subjects and len(subjects) < GRAPH_PREVIEW:
            subjects.append(s)
    builder_links = backend.labels(subjects)
    # Terms of this document (``/def#Policy``) are linked to with a fragment: give them its id.
    anchor = lambda s: str(s)[len(iri) + 1 :] if str(s).startswith(f"{iri}#") else ""  # noqa: E731
    return {
        "triples": count,
        "subjects": [(links.href(str(s)), (builder_links.get(s) or {}), str(s), anchor(s)) for s in subjects],
    }


def not_found(iri: str, path: str) -> Response:
    """404 with a way forward: the nearest existing parent and the search."""
    backend = get_backend()
    parent = None
    parts = path.split("/")
    while len(parts) > 2:
        parts = parts[:-1]
        candidate = links.iri_for_path("/".join(parts))
        if backend.exists(candidate):
            parent = "/" + "/".join(parts)
            break
    if negotiate(accept_of(request), (HTML,)) is None:
        response = Response(f"404 Not Found: no data about <{iri}>\n", 404, content_type="text/plain; charset=utf-8")
    else:
        body = render_template("error.html", status=404, title=gettext("not_found"), iri=iri, parent=parent)
        response = Response(body, 404, content_type=HTML.content_type)
    response.vary.add("Accept")  # a page or a line of text, by Accept
    return response


def not_acceptable(resource_path: str, formats: tuple[Format, ...]) -> Response:
    """406 listing what is available, in the body and as Link headers."""
    available = [(f, links.doc_path(resource_path, f.key)) for f in formats]
    if negotiate(accept_of(request), (HTML,)) is not None:
        body = render_template("error.html", status=406, title=gettext("not_acceptable"), available=available)
        response = Response(body, 406, content_type=HTML.content_type)
    else:
        lines = [f"406 Not Acceptable. Available for {resource_path}:"]
        lines += [f"  {f.media_type}\t{href}" for f, href in available]
        response = Response("\n".join(lines) + "\n", 406, content_type="text/plain; charset=utf-8")
    response.headers["Link"] = alternates(resource_path, formats)
    response.vary.add("Accept")
    return response
