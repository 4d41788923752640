"""For harvesters: the DCAT-AP catalogue, VoID, dumps, sitemap.xml and robots.txt."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from flask import Blueprint, Response, redirect, render_template, request, send_file, url_for
from rdflib import Graph, URIRef
from rdflib.term import Node

from planlod.catalog import DISTRIBUTIONS, Census, Operator, catalog_graph, namespace_of, void_graph
from planlod.changes import last_changed
from planlod.vocab import DCAT, DCTERMS, JCP, RDF, RDFS, VOID
from server.backend import Backend, get_backend
from server.caching import cached_response
from server.i18n import lang, pick
from server.links import doc_path, local_path
from server.negotiation import HTML, RDF_FORMATS, accept_of, by_key, negotiate
from server.urls import root_url

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

    # The page is in the asked language: one cached copy per language.
    language = lang() if fmt is HTML else ""
    response = cached_response(
        backend, (key, root_url(), fmt.key, language), fmt.content_type, render,
        vary=("Accept", "Accept-Language"),
    )  # fmt: skip
    return response


def this_catalog(backend: Backend) -> Graph:
    history = (backend.changes() or {}).get("builds") or []
    # When each plan last changed, not when it was last rebuilt: a harvester re-harvests what moved.
    modified = last_changed(history, backend.settings.base_iri, backend.release.plans)
    modified[""] = history[0]["built_at"] if history else backend.last_modified.isoformat()
    return catalog_graph(
        meta_graph(backend),
        root_url(),
        backend.settings.base_iri,
        dump_sizes(backend),
        modified,
        Operator.of(backend.settings, root_url()),
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


def by_language(graph: Graph, node: Node | None, prop: URIRef) -> dict[str, str]:
    return {(o.language or ""): str(o) for o in graph.objects(node, prop)} if node is not None else {}


def catalog_view(graph: Graph) -> dict:
    datasets = []
    for dataset in sorted(graph.subjects(RDF.type, DCAT.Dataset)):
        distributions = []
        for dist in graph.objects(dataset, DCAT.distribution):
            url = graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL)
            size = graph.value(dist, DCAT.byteSize)
            distributions.append({"title": pick(by_language(graph, dist, DCTERMS.title)), "url": str(url),
                                  "size": int(size) if size is not None else None})  # fmt: skip
        licence = graph.value(dataset, DCTERMS.license)
        datasets.append({
            "iri": str(dataset), "title": pick(by_language(graph, dataset, DCTERMS.title)),
            "description": pick(by_language(graph, dataset, DCTERMS.description)),
            "license": str(licence or ""), "license_title": pick(by_language(graph, licence, RDFS.label), str(licence)),
            "distributions": sorted(distributions, key=lambda d: d["url"]),
        })  # fmt: skip
    return {"datasets": datasets}


@bp.get("/.well-known/void")
def void() -> Response:
    """VoID: the site, a subset per plan and per named graph, linksets, every vocabulary used."""
    return rdf_response(
        lambda backend: void_graph(meta_graph(backend), root_url(), backend.settings.base_iri, census(backend)),
        "void",
    )


def census(backend: Backend) -> Census:
    """Counted by the store: triples per named graph, vocabularies, SDG links; the accepted linksets."""
    graphs = {str(r["g"]): int(r["n"]) for r in backend.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        if str(r["g"]) in backend.named_graphs}  # fmt: skip
    used = backend.select("SELECT DISTINCT ?term WHERE { { ?s ?term ?o } UNION { ?s a ?term } }")
    vocabularies = sorted({namespace_of(str(r["term"])) for r in used})
    links = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{JCP.suggestedGoal}> ?goal }} }} GROUP BY ?g"
    suggestions = {str(r["g"]): int(r["n"]) for r in backend.select(links)}
    linksets = Graph()
    for name in sorted(g for g in backend.named_graphs if g.endswith("/graph/links")):
        graph = URIRef(name)
        for linkset, *_ in list(backend.quads(None, RDF.type, VOID.Linkset, graph)):
            for s, p, o, _ in backend.quads(linkset, g=graph):
                linksets.add((s, p, o))
    return Census(backend.release.quads, graphs, vocabularies, suggestions, linksets)


@bp.get("/data/<name>")
@bp.get("/data/<lgcode>/<plan>/<name>")
def dump(name: str, lgcode: str | None = None, plan: str | None = None) -> Response:
    """The release's dumps, and each plan's own, with ETags from the release (and 304 on revalidation)."""
    backend = get_backend()
    known = {d.name: d.media_type for d in DISTRIBUTIONS} | {"dataset.nt": "application/n-triples"}
    key = f"{lgcode}/{plan}" if plan else None
    path = backend.dump(name, key) if name in known else None
    if path is None or not is_regular_file(path):
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


def is_regular_file(path: Path) -> bool:
    """A regular file reached without a symlink: one planted in a release (a dump or a plan's
    folder pointing at /etc/passwd or another release) is not followed, a directory or a device
    is not served. The release directory is ``current`` already resolved, so no part of a dump's
    path may be a symlink (a path through one is refused, never followed)."""
    try:
        return os.path.realpath(path) == os.path.abspath(path) and stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org)
# Pages of the site itself, in the sitemap of the site.
SITE_PAGES = ("/", "/catalog.html", "/glossary", "/sector-plans", "/matrix", "/doc/def.html")


def sitemap_groups(backend: Backend) -> dict[str, list[str]]:
    """The HTML documents of the release by sitemap (``site`` or a plan key), each list sorted.

    Documents, not identifiers: ``/id/…`` answers 303, its HTML document ``/doc/….html`` 200.
    """
    prefix = f"{backend.settings.base_iri}id/"
    groups: dict[str, set[str]] = {"site": set(SITE_PAGES)}
    for plan in backend.release.plans:
        groups[plan] = set()
    for row in backend.select("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }"):
        iri = str(row["s"]).split("#", 1)[0]
        path = local_path(iri)
        if path is None or not path.startswith("/id/"):
            continue
        key = "/".join(iri.removeprefix(prefix).split("/")[:2])
        groups["site" if key not in groups else key].add(doc_path(path, "html"))
    return {name: sorted(paths) for name, paths in groups.items()}


def chunks(paths: list[str], limit: int = SITEMAP_LIMIT) -> list[list[str]]:
    """``paths`` cut into sitemap files of at most ``limit`` URLs (at least one file)."""
    return [paths[i : i + limit] for i in range(0, len(paths), limit)] or [[]]


def sitemap_files(backend: Backend) -> dict[str, list[str]]:
    """``site-1``, ``272116/5th-1``, … → the paths each sitemap file lists (worked out once per release)."""
    key = ("sitemap-files", backend.release_id)
    files = backend.cache.get(key)
    if files is None:
        files = {}
        for name, paths in sitemap_groups(backend).items():
            for number, chunk in enumerate(chunks(paths), start=1):
                files[f"{name}-{number}"] = chunk
        backend.cache[key] = files
    return files


def xml_response(backend: Backend, key: tuple[str, ...], body: Callable[[], str]) -> Response:
    def render() -> bytes:
        return ('<?xml version="1.0" encoding="UTF-8"?>' + body()).encode("utf-8")

    return cached_response(backend, key, "application/xml; charset=utf-8", render)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """A sitemap index: one sitemap for the site's own pages, then one (or more) per plan."""
    backend = get_backend()
    root = root_url().rstrip("/")
    lastmod = backend.last_modified.date().isoformat()

    def body() -> str:
        entries = "".join(
            f"<sitemap><loc>{xml_escape(f'{root}/sitemaps/{name}.xml')}</loc><lastmod>{lastmod}</lastmod></sitemap>"
            for name in sitemap_files(backend)
        )
        return f'<sitemapindex xmlns="{SITEMAP_NS}">{entries}</sitemapindex>'

    return xml_response(backend, ("sitemap", root_url()), body)


@bp.get("/sitemaps/<path:name>.xml")
def sitemap_file(name: str) -> Response:
    """One sitemap: the documents of one plan (or of the site), at most 50,000."""
    backend = get_backend()
    paths = sitemap_files(backend).get(name)
    if paths is None:
        return Response(f"404 Not Found: no sitemap {name!r}; see /sitemap.xml\n", 404, content_type="text/plain")
    root = root_url().rstrip("/")
    lastmod = backend.last_modified.date().isoformat()

    def body() -> str:
        urls = "".join(f"<url><loc>{xml_escape(root + path)}</loc><lastmod>{lastmod}</lastmod></url>" for path in paths)
        return f'<urlset xmlns="{SITEMAP_NS}">{urls}</urlset>'

    return xml_response(backend, ("sitemap", root_url(), name), body)


@bp.get("/favicon.ico")
def favicon() -> Response:
    # Browsers ask for /favicon.ico whatever the page says.
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/robots.txt")
def robots() -> Response:
    body = f"User-agent: *\nDisallow: /sparql\nAllow: /\nSitemap: {root_url()}sitemap.xml\n"
    return Response(body, content_type="text/plain; charset=utf-8")
