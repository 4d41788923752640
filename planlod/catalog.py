"""DCAT-AP 3.0 and VoID descriptions of what a server publishes.

At build time each plan gets a ``dcat:Dataset`` in its own metadata graph
(``…/graph/meta``): titles, publisher, licence and rights from ``dataset.toml``, which
are statements about the *publication*, not the city's word. At request time the
server adds what depends on where it runs: distributions (download URLs), the SPARQL
endpoint as a ``dcat:DataService`` and the catalogue itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset, Graph, Literal, URIRef

from planlod.dataset import DatasetInfo
from planlod.graph import en, ja, minter_for
from planlod.source import read_text
from planlod.vocab import DCAT, DCTERMS, FOAF, PREFIXES, RDF, RDFS, VOID, XSD

META_GRAPH = "meta"
VCARD = "http://www.w3.org/2006/vcard/ns#"
EU_THEME = URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LANGUAGE_JA = URIRef("http://publications.europa.eu/resource/authority/language/JPN")
IANA = "https://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
DCAT_AP = URIRef("http://data.europa.eu/r5r/")

SPDX = "http://spdx.org/rdf/terms#"


def describe_dataset(info: DatasetInfo, base: str, dataset: Dataset) -> Graph:
    """Add the plan's ``dcat:Dataset`` (publication metadata) in its own named graph."""
    mint = minter_for(info, base)
    graph = dataset.graph(mint.graph(META_GRAPH))
    node = mint.dataset
    pub = info.publication
    plan = info.plan
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.title, ja(f"{plan.title_ja}(Linked Open Data)")))
    graph.add((node, DCTERMS.title, en(f"{plan.title_en} (Linked Open Data)")))
    scope_ja = f" 対象:{info.source.scope_ja}" if info.source.scope_ja else ""
    scope_en = f" Scope: {info.source.scope_en}" if info.source.scope_en else ""
    graph.add((node, DCTERMS.description, ja(
        f"{info.municipality.name_ja}の{plan.title_ja}を、施策・取組・各主体が行うこと・分野別計画等・用語解説の"
        f"知識グラフとして公開したもの。本文は原資料のとおり。{scope_ja}"
    )))
    graph.add((node, DCTERMS.description, en(
        f"{info.municipality.name_en}'s {plan.title_en} as a knowledge graph of its policies, initiatives, "
        f"the commitments of each actor, sector plans and glossary; the text is the source's, verbatim.{scope_en}"
    )))
    graph.add((node, FOAF.primaryTopic, mint.plan))
    graph.add((node, DCTERMS.subject, mint.plan))
    graph.add((node, DCTERMS.spatial, mint.municipality))
    graph.add((node, DCTERMS.language, EU_LANGUAGE_JA))
    graph.add((node, DCAT.theme, EU_THEME))
    graph.add((node, DCTERMS.license, URIRef(pub.license)))
    for keyword in ("総合計画", info.municipality.name_ja, "施策", "Linked Open Data"):
        graph.add((node, DCAT.keyword, ja(keyword) if keyword != "Linked Open Data" else en(keyword)))
    graph.add((node, DCAT.keyword, en("comprehensive plan")))
    if plan.issued:
        graph.add((node, DCTERMS.issued, Literal(plan.issued)))
    publisher = URIRef(f"{mint.dataset}#publisher")
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, ja(pub.publisher_ja)))
    graph.add((publisher, FOAF.name, en(pub.publisher_en)))
    if pub.publisher_homepage:
        graph.add((publisher, FOAF.homepage, URIRef(pub.publisher_homepage)))
    graph.add((node, DCTERMS.creator, mint.municipality))
    # The original text, so every server (embedded or in front of a shared store) can show the
    # lines that provenance links point at.
    graph.add((mint.source, RDF.value, Literal(read_text(info.source.file, info.source.encoding))))
    contact = URIRef(f"{mint.dataset}#contact")
    graph.add((node, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, URIRef(VCARD + "Organization")))
    graph.add((contact, URIRef(VCARD + "fn"), en(pub.publisher_en)))
    if pub.publisher_homepage:
        graph.add((contact, URIRef(VCARD + "hasURL"), URIRef(pub.publisher_homepage)))
    if pub.contact:  # checked in dataset.toml: mailto: or http(s)
        kind = "hasEmail" if pub.contact.startswith("mailto:") else "hasURL"
        graph.add((contact, URIRef(VCARD + kind), URIRef(pub.contact)))
    rights = URIRef(f"{mint.dataset}#rights")
    statements = [ja(pub.rights_ja)] if pub.rights_ja else []
    statements += [en(pub.rights_en)] if pub.rights_en else []
    if not pub.official:
        statements += [
            ja(f"{info.municipality.name_ja}の公式な公開物ではありません。"),
            en(f"Not an official publication of {info.municipality.name_en}."),
        ]
    for text in statements:
        graph.add((node, DCTERMS.rights, rights))
        graph.add((rights, RDF.type, DCTERMS.RightsStatement))
        graph.add((rights, RDFS.label, text))
    return graph


@dataclass(frozen=True)
class Distribution:
    name: str  # file name under /data/
    media_type: str
    eu_type: str
    title: str
    compressed: bool = False


DISTRIBUTIONS = (
    Distribution("dataset.ttl", "text/turtle", "RDF_TURTLE", "Turtle"),
    Distribution("dataset.nt.gz", "application/n-triples", "RDF_N_TRIPLES", "N-Triples (gzip)", compressed=True),
    Distribution("dataset.jsonld", "application/ld+json", "JSON_LD", "JSON-LD"),
    Distribution("dataset.nq", "application/n-quads", "RDF_N_QUADS", "N-Quads (named graphs)"),
    Distribution("dataset.trig", "application/trig", "RDF_TRIG", "TriG (named graphs)"),
)


def catalog_graph(
    meta: Graph, root: str, sizes: dict[str, int], modified: str, triples: int, version: str = ""
) -> Graph:
    """The DCAT-AP catalogue of this server, ``root`` being its URL (``http://host:port/``)."""
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    graph.bind("vcard", VCARD)
    graph.bind("spdx", SPDX)
    for triple in meta:
        graph.add(triple)
    catalog = URIRef(f"{root}catalog")
    service = URIRef(f"{root}sparql")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, ja("総合計画 Linked Open Data カタログ")))
    graph.add((catalog, DCTERMS.title, en("Comprehensive plans as Linked Open Data: catalogue")))
    for text in (
        ja("このサーバーが公開する総合計画のデータセット、ダンプ、SPARQLエンドポイント。"),
        en("The comprehensive-plan datasets, dumps and SPARQL endpoint of this server."),
    ):
        graph.add((catalog, DCTERMS.description, text))
    graph.add((catalog, FOAF.homepage, URIRef(root)))
    graph.add((catalog, DCTERMS.language, EU_LANGUAGE_JA))
    graph.add((catalog, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    graph.add((catalog, DCTERMS.conformsTo, DCAT_AP))
    graph.add((catalog, DCAT.service, service))
    graph.add((catalog, DCAT.themeTaxonomy, URIRef("http://publications.europa.eu/resource/authority/data-theme")))
    datasets = sorted(set(meta.subjects(RDF.type, DCAT.Dataset)))
    for dataset in datasets:
        graph.add((catalog, DCAT.dataset, dataset))
        graph.add((dataset, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
        if version:
            graph.add((dataset, URIRef(f"{DCAT}version"), Literal(version)))  # DCAT 3, newer than rdflib's DCAT
        if (catalog, DCTERMS.publisher, None) not in graph:
            graph.add((catalog, DCTERMS.publisher, meta.value(dataset, DCTERMS.publisher)))
        license_ = meta.value(dataset, DCTERMS.license)
        for dist in DISTRIBUTIONS:
            node = URIRef(f"{dataset}#{dist.name}")
            url = URIRef(f"{root}data/{dist.name}")
            graph.add((dataset, DCAT.distribution, node))
            graph.add((node, RDF.type, DCAT.Distribution))
            graph.add((node, DCTERMS.title, en(dist.title)))
            graph.add((node, DCTERMS.description, en(f"Every plan of this server as {dist.title}.")))
            graph.add((node, DCAT.accessURL, url))
            graph.add((node, DCAT.downloadURL, url))
            graph.add((node, DCAT.mediaType, URIRef(IANA + dist.media_type)))
            graph.add((node, DCTERMS.format, URIRef(EU_FILE_TYPE + dist.eu_type)))
            if dist.compressed:
                graph.add((node, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
            if license_ is not None:
                graph.add((node, DCTERMS.license, license_))
            if dist.name in sizes:
                graph.add((node, DCAT.byteSize, Literal(sizes[dist.name], datatype=XSD.nonNegativeInteger)))
        api = URIRef(f"{dataset}#sparql")
        graph.add((dataset, DCAT.distribution, api))
        graph.add((api, RDF.type, DCAT.Distribution))
        graph.add((api, DCTERMS.title, en("SPARQL endpoint")))
        graph.add((api, DCAT.accessURL, service))
        graph.add((api, DCAT.accessService, service))
        if license_ is not None:
            graph.add((api, DCTERMS.license, license_))
        graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCTERMS.title, ja("SPARQLエンドポイント")))
    graph.add((service, DCTERMS.title, en("SPARQL endpoint")))
    graph.add((service, DCAT.endpointURL, service))
    graph.add((service, DCAT.endpointDescription, URIRef(f"{root}sparql?format=ttl")))
    graph.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    if datasets:
        license_ = meta.value(datasets[0], DCTERMS.license)
        if license_ is not None:
            graph.add((service, DCTERMS.license, license_))
    graph.add((URIRef(f"{root}catalog"), VOID.triples, Literal(triples)))
    return graph


def void_graph(meta: Graph, root: str, base: str, triples: int, vocabularies: list[str]) -> Graph:
    """VoID for ``/.well-known/void``: endpoint, dumps, URI space, one subset per named graph."""
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    node = URIRef(f"{root}.well-known/void#dataset")
    graph.add((node, RDF.type, VOID.Dataset))
    graph.add((node, DCTERMS.title, en("Comprehensive plans as Linked Open Data")))
    graph.add((node, DCTERMS.title, ja("総合計画 Linked Open Data")))
    graph.add((node, VOID.sparqlEndpoint, URIRef(f"{root}sparql")))
    for dist in DISTRIBUTIONS:
        graph.add((node, VOID.dataDump, URIRef(f"{root}data/{dist.name}")))
    graph.add((node, VOID.uriSpace, Literal(f"{base}id/")))
    graph.add((node, VOID.triples, Literal(triples)))
    graph.add((node, VOID.feature, URIRef("http://www.w3.org/ns/formats/Turtle")))
    graph.add((node, VOID.feature, URIRef("http://www.w3.org/ns/formats/JSON-LD")))
    for vocabulary in vocabularies:
        graph.add((node, VOID.vocabulary, URIRef(vocabulary)))
    for dataset in meta.subjects(RDF.type, DCAT.Dataset):
        graph.add((node, DCTERMS.license, meta.value(dataset, DCTERMS.license)))
        topic = meta.value(dataset, FOAF.primaryTopic)
        if topic is not None:
            graph.add((node, VOID.exampleResource, topic))
    return graph
