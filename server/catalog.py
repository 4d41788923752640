"""For harvesters: the DCAT-AP catalogue, VoID, dumps, sitemap.xml and robots.txt."""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape as xml_escape

from flask import Blueprint, Response, redirect, render_template, request, send_file, url_for
from rdflib import Graph

from planlod.catalog import DISTRIBUTIONS, Operator, catalog_graph, void_graph
from planlod.changes import last_changed
from planlod.vocab import DCAT, DCTERMS, ONTOLOGY_IRI, RDF
from server.backend import Backend, get_backend
from server.caching import cached_response
from server.links import local_path
from server.negotiation import HTML, RDF_FORMATS, accept_of, by_key, negotiate

bp = Blueprint("catalog", __name__)

# The catalogue and VoID are one graph: formats of named graphs (TriG, N-Quads) are not offered.
TRIPLE_FORMATS = tuple(f for f in RDF_FORMATS if not f.graphs)
CATALOG_FORMATS = (*TRIPLE_FORMATS, HTML)  # harvesters send */*: they get Turtle


def meta_graph(backend: Backend) -> Graph:
    graph = Graph()
    for name in sorted(backend.named_graphs):
        if name.endswith("/graph/meta"):
            for s, p, o, _ in backend.graph_quads(name):
                graph.add((s, p, o))
    return graph


def dump_sizes(backend: Backend) -> dict[str, dict[str, int]]:
    """Plan key → dump file name → bytes, for each plan's own dumps."""
    sizes: dict[str, dict[str, int]] = {}
    for plan in backend.release.plans:
        paths = {d.name: backend.dump(d.name, plan) for d in DISTRIBUTIONS}
        sizes[plan] = {name: path.stat().st_size for name, path in paths.items() if path is not None}
    return sizes


def rdf_response(graph_of: Callable[[Backend], Graph], key: str, default_html: bool = False) -> Response:
    backend = get_backend()
    offered = (HTML, *TRIPLE_FORMATS) if default_html else CATALOG_FORMATS
    fmt = by_key(request.args.get("format"), offered) or negotiate(accept_of(request), offered)
    if fmt is None:
        names = ", ".join(f.media_type for f in offered)
        return Response(f"406 Not Acceptable: available as {names}\n", 406, content_type="text/plain; charset=utf-8")

    def render() -> bytes:
        graph = graph_of(backend)
        if fmt is HTML:
            return render_template("catalog.html", catalog=catalog_view(graph)).encode("utf-8")
        text = graph.serialize(format=fmt.rdflib)
        return text.encode("utf-8") if isinstance(text, str) else text

    response = cached_response(
        backend, (key, request.url_root, fmt.key), fmt.content_type, render, vary=("Accept", "Accept-Language")
    )
    return response


def this_catalog(backend: Backend) -> Graph:
    history = (backend.changes() or {}).get("builds") or []
    # When each plan last changed, not when it was last rebuilt: a harvester re-harvests what moved.
    modified = last_changed(history, backend.settings.base_iri, backend.release.plans)
    modified[""] = history[0]["built_at"] if history else backend.last_modified.isoformat()
    return catalog_graph(
        meta_graph(backend),
        request.url_root,
        backend.settings.base_iri,
        dump_sizes(backend),
        modified,
        Operator.of(backend.settings, request.url_root),
        backend.release.quads,
        backend.release.id,
        issued=history[-1]["built_at"] if history else None,
    )


@bp.get("/catalog")
def catalog() -> Response:
    """DCAT-AP 3.0: one dataset per plan, a distribution per dump, the SPARQL endpoint as a data service."""
    if request.args.get("page", "1") != "1":
        # ckanext-dcat pages through a catalogue until it gets a 404: everything is on page 1.
        return Response("404 Not Found: the whole catalogue is on page 1\n", 404, content_type="text/plain")
    return rdf_response(this_catalog, "catalog")


@bp.get("/catalog.html")
def catalog_page() -> Response:
    """The catalogue for people."""
    return rdf_response(this_catalog, "catalog-page", default_html=True)


def catalog_view(graph: Graph) -> dict:
    datasets = []
    for dataset in sorted(graph.subjects(RDF.type, DCAT.Dataset)):
        titles = {t.language: str(t) for t in graph.objects(dataset, DCTERMS.title)}
        descriptions = {d.language: str(d) for d in graph.objects(dataset, DCTERMS.description)}
        distributions = []
        for dist in graph.objects(dataset, DCAT.distribution):
            url = graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL)
            distributions.append({"title": str(graph.value(dist, DCTERMS.title)), "url": str(url)})
        datasets.append({
            "iri": str(dataset), "titles": titles, "descriptions": descriptions,
            "license": str(graph.value(dataset, DCTERMS.license) or ""),
            "distributions": sorted(distributions, key=lambda d: d["title"]),
        })  # fmt: skip
    return {"datasets": datasets}


@bp.get("/.well-known/void")
def void() -> Response:
    """VoID description: endpoint, dumps, URI space, vocabularies."""
    return rdf_response(
        lambda backend: void_graph(
            meta_graph(backend),
            request.url_root,
            backend.settings.base_iri,
            backend.release.quads,
            [ONTOLOGY_IRI + "#", "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#",
             "http://purl.org/dc/terms/", "http://www.w3.org/ns/dcat#"],
        ),
        "void",
    )  # fmt: skip


@bp.get("/data/<name>")
@bp.get("/data/<lgcode>/<plan>/<name>")
def dump(name: str, lgcode: str | None = None, plan: str | None = None) -> Response:
    """The release's dumps, and each plan's own, with ETags from the release (and 304 on revalidation)."""
    backend = get_backend()
    known = {d.name: d.media_type for d in DISTRIBUTIONS} | {"dataset.nt": "application/n-triples"}
    key = f"{lgcode}/{plan}" if plan else None
    path = backend.dump(name, key) if name in known else None
    if path is None:
        return Response(f"404 Not Found: no dump {name!r}; see /catalog\n", 404, content_type="text/plain")
    media_type = "application/gzip" if name.endswith(".gz") else known[name]
    response = send_file(
        path,
        mimetype=media_type,
        etag=f"{backend.release_id}-{key.replace('/', '-') + '-' if key else ''}{name}",
        last_modified=backend.last_modified,
        conditional=True,
        max_age=0,
        download_name=name,
    )
    return response


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every resource page of this server, for search engines."""
    backend = get_backend()

    def render() -> bytes:
        root = request.url_root.rstrip("/")
        rows = backend.select("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }")
        paths = sorted({local_path(str(row["s"]).split("#", 1)[0]) for row in rows} - {None})
        lastmod = backend.last_modified.date().isoformat()
        urls = "".join(
            f"<url><loc>{xml_escape(root + path)}</loc><lastmod>{lastmod}</lastmod></url>" for path in ["/", *paths]
        )
        namespace = "http://www.sitemaps.org/schemas/sitemap/0.9"
        xml = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{namespace}">{urls}</urlset>'
        return xml.encode("utf-8")

    return cached_response(backend, ("sitemap", request.url_root), "application/xml; charset=utf-8", render)


@bp.get("/favicon.ico")
def favicon() -> Response:
    # Browsers ask for /favicon.ico whatever the page says.
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/robots.txt")
def robots() -> Response:
    body = f"User-agent: *\nDisallow: /sparql\nAllow: /\nSitemap: {request.url_root}sitemap.xml\n"
    return Response(body, content_type="text/plain; charset=utf-8")
