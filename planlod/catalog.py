"""DCAT-AP 3.0 and VoID descriptions of what a server publishes.

At build time each plan gets a ``dcat:Dataset`` in its own metadata graph
(``…/graph/meta``): titles, publisher, licence and rights from ``dataset.toml``, which
are statements about the *publication*, not the city's word. At request time the
server adds what depends on where it runs: distributions (download URLs), the SPARQL
endpoint as a ``dcat:DataService`` and the catalogue itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from planlod import licences
from planlod.config import Settings
from planlod.dataset import DatasetInfo
from planlod.graph import en, ja, minter_for
from planlod.source import read_text
from planlod.vocab import DCAT, DCTERMS, FOAF, JCP, PREFIXES, RDF, RDFS, SDG_GOALS_GRAPH, SKOS, VOID, XSD

META_GRAPH = "meta"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
EU_THEMES = URIRef(f"{EU}data-theme")
EU_THEME = URIRef(f"{EU}data-theme/GOVE")
EU_FILE_TYPE = f"{EU}file-type/"
EU_LANGUAGE_JA = URIRef(f"{EU}language/JPN")
STABLE = URIRef(f"{EU}planned-availability/STABLE")
AVAILABILITY = URIRef(f"{EU}planned-availability")
IANA = "http://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
DCAT_AP = URIRef("http://data.europa.eu/r5r/")
LICENCE_TYPES = "http://purl.org/adms/licencetype"
ADMS_PUBLISHER = "http://purl.org/adms/publishertype/"
PUBLISHER_TYPES = URIRef(f"{ADMS_PUBLISHER}1.0")
LOCAL_AUTHORITY = (URIRef(f"{ADMS_PUBLISHER}LocalAuthority"), "地方公共団体", "Local Authority")
NON_PROFIT = (URIRef(f"{ADMS_PUBLISHER}NonProfitOrganisation"), "非営利団体", "Non-Profit Organisation")


def describe_dataset(info: DatasetInfo, base: str, dataset: Dataset) -> Graph:
    """Add the plan's ``dcat:Dataset`` (publication metadata) in its own named graph.

    Every object of a property DCAT-AP gives a range is typed and labelled here (licence,
    place, language, theme, agents, contact, period), so a harvester that reads only the
    catalogue knows what each is without dereferencing it.
    """
    mint = minter_for(info, base)
    graph = dataset.graph(mint.graph(META_GRAPH))
    node = mint.dataset
    pub = info.publication
    plan = info.plan
    town = info.municipality
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.title, ja(f"{plan.title_ja}(Linked Open Data)")))
    graph.add((node, DCTERMS.title, en(f"{plan.title_en} (Linked Open Data)")))
    graph.add((node, DCTERMS.identifier, Literal(str(node))))
    scope_ja = f" 対象:{info.source.scope_ja}" if info.source.scope_ja else ""
    scope_en = f" Scope: {info.source.scope_en}" if info.source.scope_en else ""
    graph.add((node, DCTERMS.description, ja(
        f"{town.name_ja}の{plan.title_ja}を、施策・取組・各主体が行うこと・分野別計画等・用語解説の"
        f"知識グラフとして公開したもの。本文は原資料のとおり。{scope_ja}"
    )))
    graph.add((node, DCTERMS.description, en(
        f"{town.name_en}'s {plan.title_en} as a knowledge graph of its policies, initiatives, "
        f"the commitments of each actor, sector plans and glossary; the text is the source's, verbatim.{scope_en}"
    )))
    graph.add((node, FOAF.primaryTopic, mint.plan))
    _place(graph, node, mint.area, town.name_ja, town.name_en)
    _language(graph, node)
    _concept(graph, node, DCAT.theme, EU_THEME, EU_THEMES, "行政・公共部門", "Government and public sector")
    add_licence(graph, node, pub.license)
    for keyword in ("総合計画", town.name_ja, "施策"):
        graph.add((node, DCAT.keyword, ja(keyword)))
    for keyword in ("Linked Open Data", "comprehensive plan"):
        graph.add((node, DCAT.keyword, en(keyword)))
    if plan.issued:
        graph.add((node, DCTERMS.issued, Literal(plan.issued)))
    if plan.period_start or plan.period_end:
        period = URIRef(f"{node}#period")
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if plan.period_start:
            graph.add((period, DCAT.startDate, Literal(plan.period_start)))
        if plan.period_end:
            graph.add((period, DCAT.endDate, Literal(plan.period_end)))
    publisher = URIRef(f"{mint.dataset}#publisher")
    graph.add((node, DCTERMS.publisher, publisher))
    add_agent(graph, publisher, pub.publisher_ja, pub.publisher_en, NON_PROFIT, pub.publisher_homepage)
    graph.add((node, DCTERMS.creator, mint.municipality))
    add_agent(graph, mint.municipality, town.name_ja, town.name_en, LOCAL_AUTHORITY, town.homepage)
    # The original text, so every server (embedded or in front of a shared store) can show the
    # lines that provenance links point at. Not part of the catalogue (see catalog_graph).
    graph.add((mint.source, RDF.value, Literal(read_text(info.source.file, info.source.encoding))))
    contact = URIRef(f"{mint.dataset}#contact")
    graph.add((node, DCAT.contactPoint, contact))
    add_contact(graph, contact, pub.publisher_ja, pub.publisher_en, pub.publisher_homepage)
    if pub.contact:  # checked in dataset.toml: mailto: or http(s)
        kind = VCARD.hasEmail if pub.contact.startswith("mailto:") else VCARD.hasURL
        graph.add((contact, kind, URIRef(pub.contact)))
    rights = URIRef(f"{mint.dataset}#rights")
    statements = [ja(pub.rights_ja)] if pub.rights_ja else []
    statements += [en(pub.rights_en)] if pub.rights_en else []
    if not pub.official:
        statements += [
            ja(f"{town.name_ja}の公式な公開物ではありません。"),
            en(f"Not an official publication of {town.name_en}."),
        ]
    for text in statements:
        graph.add((node, DCTERMS.rights, rights))
        graph.add((rights, RDF.type, DCTERMS.RightsStatement))
        graph.add((rights, RDFS.label, text))
    return graph


def _place(graph: Graph, node: URIRef, area: URIRef, name_ja: str, name_en: str) -> None:
    """``dct:spatial``: e-Stat's standard area code IRI, a ``dct:Location`` named after the municipality."""
    graph.add((node, DCTERMS.spatial, area))
    graph.add((area, RDF.type, DCTERMS.Location))
    for name in (ja(name_ja), en(name_en)):
        graph.add((area, SKOS.prefLabel, name))
        graph.add((area, RDFS.label, name))


def _language(graph: Graph, node: URIRef) -> None:
    graph.add((node, DCTERMS.language, EU_LANGUAGE_JA))
    graph.add((EU_LANGUAGE_JA, RDF.type, DCTERMS.LinguisticSystem))
    graph.add((EU_LANGUAGE_JA, SKOS.prefLabel, ja("日本語")))
    graph.add((EU_LANGUAGE_JA, SKOS.prefLabel, en("Japanese")))


def _concept(graph: Graph, node: URIRef, prop: URIRef, concept: URIRef, scheme: URIRef, ja_: str, en_: str) -> None:
    graph.add((node, prop, concept))
    graph.add((concept, RDF.type, SKOS.Concept))
    graph.add((concept, SKOS.inScheme, scheme))
    graph.add((concept, SKOS.prefLabel, ja(ja_)))
    graph.add((concept, SKOS.prefLabel, en(en_)))


def add_licence(graph: Graph, node: URIRef, iri: str) -> None:
    """``dct:license``, a ``dct:LicenseDocument`` titled as CKAN's licence register knows it."""
    licence = licences.describe(iri)
    ref = URIRef(licence.iri)
    graph.add((node, DCTERMS.license, ref))
    graph.add((ref, RDF.type, DCTERMS.LicenseDocument))
    if licence.ckan_title:
        # Untagged: CKAN compares the title in its site language, falling back to an untagged one.
        graph.add((ref, DCTERMS.title, Literal(licence.ckan_title)))
    else:
        graph.add((ref, DCTERMS.title, ja(licence.title_ja)))
        graph.add((ref, DCTERMS.title, en(licence.title_en)))
    graph.add((ref, RDFS.label, ja(licence.title_ja)))
    graph.add((ref, RDFS.label, en(licence.title_en)))
    graph.add((ref, DCTERMS.identifier, Literal(licence.key)))
    if licence.kind:
        kind = URIRef(f"{LICENCE_TYPES}/{licence.kind}")
        _concept(graph, ref, DCTERMS.type, kind, URIRef(f"{LICENCE_TYPES}/1.0"), "帰属表示", licence.kind)


def add_agent(
    graph: Graph, node: URIRef, name_ja: str, name_en: str, kind: tuple[URIRef, str, str], homepage: str | None
) -> None:
    """A ``foaf:Agent`` with its names and its ADMS publisher type."""
    graph.add((node, RDF.type, FOAF.Agent))
    if name_ja:
        graph.add((node, FOAF.name, ja(name_ja)))
    graph.add((node, FOAF.name, en(name_en)))
    _concept(graph, node, DCTERMS.type, kind[0], PUBLISHER_TYPES, kind[1], kind[2])
    if homepage:
        graph.add((node, FOAF.homepage, URIRef(homepage)))
        graph.add((URIRef(homepage), RDF.type, FOAF.Document))


def add_contact(graph: Graph, node: URIRef, name_ja: str, name_en: str, url: str | None, email: str = "") -> None:
    """A vCard organisation: its name, its web page and, where one is configured, its e-mail."""
    graph.add((node, RDF.type, VCARD.Organization))
    graph.add((node, RDF.type, VCARD.Kind))
    if name_ja:
        graph.add((node, VCARD.fn, ja(name_ja)))
    graph.add((node, VCARD.fn, en(name_en)))
    if url:
        graph.add((node, VCARD.hasURL, URIRef(url)))
    if email:
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{email}")))


@dataclass(frozen=True)
class Distribution:
    name: str  # file name under /data/ (and /data/{lgcode}/{plan}/)
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
GZIP = "application/gzip"


@dataclass(frozen=True)
class Operator:
    """Who runs the site: the catalogue's publisher and a contact for every dataset it lists."""

    name_ja: str
    name_en: str
    url: str
    email: str = ""
    # The site's own name (planlod.toml's [site]), which titles the catalogue.
    site_ja: str = "総合計画 Linked Open Data"
    site_en: str = "Comprehensive plans as Linked Open Data"

    @classmethod
    def of(cls, settings: Settings, root: str) -> Operator:
        """From the settings; a site that names no operator is "the operator of <host>"."""
        host = urlsplit(root).netloc or root
        return cls(
            settings.operator_ja or f"{host} の運営者",
            settings.operator_en or f"The operator of {host}",
            settings.operator_url or root,
            settings.contact_email,
            settings.site_title_ja,
            settings.site_title_en,
        )


def plan_key(base: str, dataset: URIRef) -> str:
    """``272116/5th`` for ``{base}id/272116/5th/dataset``: where the plan's own dumps live."""
    return str(dataset).removeprefix(f"{base}id/").removesuffix("/dataset")


def catalog_graph(
    meta: Graph,
    root: str,
    base: str,
    sizes: Mapping[str, Mapping[str, int]],
    modified: Mapping[str, str],
    operator: Operator,
    triples: int,
    version: str = "",
    issued: str | None = None,
) -> Graph:
    """The DCAT-AP 3.0 catalogue of this server, ``root`` being its URL (``http://host:port/``).

    ``meta`` holds the plans' metadata graphs; only each dataset's own description is taken
    from it (never the source text kept there for the pages). ``sizes`` gives each plan's
    dumps (by plan key and file name) their byte sizes, ``modified`` when each plan last
    changed (by plan key; ``""`` for the catalogue, the latest of them).
    """
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    graph.bind("vcard", VCARD)
    graph.bind("dcatap", DCATAP)
    datasets = sorted(set(meta.subjects(RDF.type, DCAT.Dataset)))
    for triple in _described(meta, datasets):
        graph.add(triple)
    catalog = URIRef(f"{root}catalog")
    service = URIRef(f"{root}sparql")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, ja(f"{operator.site_ja} カタログ")))
    graph.add((catalog, DCTERMS.title, en(f"{operator.site_en}: catalogue")))
    for text in (
        ja("このサーバーが公開する総合計画のデータセット、ダンプ、SPARQLエンドポイント。"),
        en("The comprehensive-plan datasets, dumps and SPARQL endpoint of this server."),
    ):
        graph.add((catalog, DCTERMS.description, text))
    graph.add((catalog, FOAF.homepage, URIRef(root)))
    graph.add((URIRef(root), RDF.type, FOAF.Document))
    _language(graph, catalog)
    graph.add((catalog, DCTERMS.modified, Literal(modified[""], datatype=XSD.dateTime)))
    if issued:
        graph.add((catalog, DCTERMS.issued, Literal(issued, datatype=XSD.dateTime)))
    graph.add((catalog, DCTERMS.conformsTo, DCAT_AP))
    graph.add((DCAT_AP, RDF.type, DCTERMS.Standard))
    graph.add((DCAT_AP, DCTERMS.title, en("DCAT Application Profile for data portals in Europe")))
    graph.add((catalog, DCAT.service, service))
    graph.add((catalog, DCAT.themeTaxonomy, EU_THEMES))
    graph.add((EU_THEMES, RDF.type, SKOS.ConceptScheme))
    graph.add((EU_THEMES, DCTERMS.title, en("Data theme")))
    graph.add((EU_THEMES, DCTERMS.title, ja("データのテーマ")))
    add_licence(graph, catalog, CATALOGUE_LICENCE)
    publisher = URIRef(f"{root}catalog#operator")
    contact = URIRef(f"{root}catalog#contact")
    add_agent(graph, publisher, operator.name_ja, operator.name_en, NON_PROFIT, operator.url)
    add_contact(graph, contact, operator.name_ja, operator.name_en, operator.url, operator.email)
    graph.add((catalog, DCTERMS.publisher, publisher))
    for dataset in datasets:
        graph.add((catalog, DCAT.dataset, dataset))
        for area in meta.objects(dataset, DCTERMS.spatial):
            graph.add((catalog, DCTERMS.spatial, area))
        key = plan_key(base, dataset)
        changed = modified.get(key, modified[""])
        graph.add((dataset, DCTERMS.modified, Literal(changed, datatype=XSD.dateTime)))
        graph.add((dataset, DCAT.contactPoint, contact))
        if version:
            graph.add((dataset, URIRef(f"{DCAT}version"), Literal(version)))  # DCAT 3, newer than rdflib's DCAT
        licence = meta.value(dataset, DCTERMS.license)
        for dist in DISTRIBUTIONS:
            _dump(graph, dataset, dist, f"{root}data/{key}/{dist.name}", sizes.get(key, {}).get(dist.name), licence)
        _endpoint_distribution(graph, dataset, service, licence)
    _service(graph, service, root, publisher, contact, datasets, meta)
    graph.add((catalog, VOID.triples, Literal(triples)))
    return graph


CATALOGUE_LICENCE = licences.KNOWN[0].iri  # CC BY 4.0, for the catalogue's own text


def _described(meta: Graph, roots: list[URIRef]) -> Iterator[tuple[Node, Node, Node]]:
    """The statements about ``roots`` and, transitively, about what they point at, within ``meta``."""
    seen: set[Node] = set()
    todo: list[Node] = list(roots)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in meta.triples((node, None, None)):
            yield s, p, o
            if isinstance(o, URIRef | BNode) and p != RDF.type:
                todo.append(o)


def _media_type(graph: Graph, node: URIRef, prop: URIRef, media_type: str) -> None:
    ref = URIRef(IANA + media_type)
    graph.add((node, prop, ref))
    graph.add((ref, RDF.type, DCTERMS.MediaType))
    graph.add((ref, RDFS.label, Literal(media_type)))


def _format(graph: Graph, node: URIRef, eu_type: str, label: str, media_type: str) -> None:
    """``dct:format``, an EU file type; typed ``dct:IMT`` too, with the label CKAN shows as the format."""
    ref = URIRef(EU_FILE_TYPE + eu_type)
    graph.add((node, DCTERMS.format, ref))
    graph.add((ref, RDF.type, DCTERMS.IMT))
    graph.add((ref, RDF.type, DCTERMS.MediaTypeOrExtent))
    graph.add((ref, RDFS.label, Literal(label)))
    graph.add((ref, RDF.value, Literal(media_type)))


def _available(graph: Graph, node: URIRef) -> None:
    graph.add((node, DCATAP.availability, STABLE))
    graph.add((STABLE, RDF.type, SKOS.Concept))
    graph.add((STABLE, SKOS.inScheme, AVAILABILITY))
    graph.add((STABLE, SKOS.prefLabel, en("Stable")))
    graph.add((STABLE, SKOS.prefLabel, ja("安定")))


def _dump(
    graph: Graph, dataset: URIRef, dist: Distribution, url: str, size: int | None, licence: Node | None
) -> None:
    """One of the plan's own dumps as a ``dcat:Distribution``."""
    node = URIRef(f"{dataset}#{dist.name}")
    graph.add((dataset, DCAT.distribution, node))
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, en(dist.title)))
    graph.add((node, DCTERMS.title, ja(dist.title)))
    graph.add((node, DCTERMS.description, en(f"This plan's dataset as {dist.title}.")))
    graph.add((node, DCTERMS.description, ja(f"この計画のデータセット({dist.title})。")))
    graph.add((node, DCAT.accessURL, URIRef(url)))
    graph.add((node, DCAT.downloadURL, URIRef(url)))
    if dist.compressed:
        _media_type(graph, node, DCAT.compressFormat, GZIP)
    _media_type(graph, node, DCAT.mediaType, dist.media_type)
    _format(graph, node, dist.eu_type, dist.title.split(" (")[0], dist.media_type)
    _available(graph, node)
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))
    if size is not None:
        graph.add((node, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))


def _endpoint_distribution(graph: Graph, dataset: URIRef, service: URIRef, licence: Node | None) -> None:
    api = URIRef(f"{dataset}#sparql")
    graph.add((dataset, DCAT.distribution, api))
    graph.add((api, RDF.type, DCAT.Distribution))
    graph.add((api, DCTERMS.title, en("SPARQL endpoint")))
    graph.add((api, DCTERMS.title, ja("SPARQLエンドポイント")))
    graph.add((api, DCTERMS.description, en("Every plan of this server, queried with SPARQL 1.1.")))
    graph.add((api, DCTERMS.description, ja("このサーバーの全計画をSPARQL 1.1で検索できます。")))
    graph.add((api, DCAT.accessURL, service))
    graph.add((api, DCAT.accessService, service))
    _format(graph, api, "SPARQLQ", "SPARQL", "application/sparql-query")
    _available(graph, api)
    if licence is not None:
        graph.add((api, DCTERMS.license, licence))
    graph.add((service, DCAT.servesDataset, dataset))


def _service(
    graph: Graph, service: URIRef, root: str, publisher: URIRef, contact: URIRef, datasets: list[URIRef], meta: Graph
) -> None:
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCTERMS.title, ja("SPARQLエンドポイント")))
    graph.add((service, DCTERMS.title, en("SPARQL endpoint")))
    graph.add((service, DCTERMS.description, en("SPARQL 1.1 Protocol endpoint over every plan of this server.")))
    graph.add((service, DCTERMS.description, ja("このサーバーの全計画を対象とするSPARQL 1.1のエンドポイント。")))
    graph.add((service, DCAT.endpointURL, service))
    graph.add((service, DCAT.endpointDescription, URIRef(f"{root}sparql?format=ttl")))
    graph.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    graph.add((SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard))
    graph.add((SPARQL_PROTOCOL, DCTERMS.title, en("SPARQL 1.1 Protocol")))
    graph.add((service, DCTERMS.publisher, publisher))
    graph.add((service, DCAT.contactPoint, contact))
    graph.add((service, DCAT.keyword, en("SPARQL")))
    graph.add((service, DCAT.keyword, ja("総合計画")))
    _concept(graph, service, DCAT.theme, EU_THEME, EU_THEMES, "行政・公共部門", "Government and public sector")
    for licence in sorted({meta.value(d, DCTERMS.license) for d in datasets} - {None}):
        graph.add((service, DCTERMS.license, licence))


@dataclass(frozen=True)
class Census:
    """What VoID counts in a release, read from the store at request time (cached per release)."""

    triples: int
    graphs: Mapping[str, int]  # named graph → triples
    vocabularies: list[str]  # namespaces of every property and class used
    suggestions: Mapping[str, int]  # SDG suggestion graph → jcp:suggestedGoal links
    linksets: Graph  # the accepted cross-plan linksets (void:Linkset) as the plans describe them


def namespace_of(iri: str) -> str:
    """``http://purl.org/dc/terms/`` for ``http://purl.org/dc/terms/title``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def void_graph(meta: Graph, root: str, base: str, census: Census) -> Graph:
    """VoID for ``/.well-known/void``: the site, a subset per plan and per named graph, the linksets.

    Each plan's subset is its DCAT dataset (``…/dataset``), with its own dumps and URI
    space; its named graphs are subsets of it; the SDG suggestions are a linkset to the
    SDG goals, and the accepted cross-plan links are the linksets the plans describe.
    """
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
    graph.add((node, VOID.triples, Literal(census.triples)))
    graph.add((node, VOID.feature, URIRef("http://www.w3.org/ns/formats/Turtle")))
    graph.add((node, VOID.feature, URIRef("http://www.w3.org/ns/formats/JSON-LD")))
    graph.add((node, VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Quads")))
    for vocabulary in census.vocabularies:
        graph.add((node, VOID.vocabulary, URIRef(vocabulary)))
    goals = URIRef(SDG_GOALS_GRAPH)
    plans: dict[str, URIRef] = {}
    for dataset in sorted(meta.subjects(RDF.type, DCAT.Dataset)):
        key = plan_key(base, dataset)
        plans[f"{base}id/{key}/graph/"] = dataset
        graph.add((node, VOID.subset, dataset))
        graph.add((dataset, RDF.type, VOID.Dataset))
        for title in meta.objects(dataset, DCTERMS.title):
            graph.add((dataset, DCTERMS.title, title))
        graph.add((dataset, VOID.uriSpace, Literal(f"{base}id/{key}/")))
        for dist in DISTRIBUTIONS:
            graph.add((dataset, VOID.dataDump, URIRef(f"{root}data/{key}/{dist.name}")))
        licence = meta.value(dataset, DCTERMS.license)
        if licence is not None:
            graph.add((node, DCTERMS.license, licence))
            graph.add((dataset, DCTERMS.license, licence))
        topic = meta.value(dataset, FOAF.primaryTopic)
        if topic is not None:
            graph.add((node, VOID.exampleResource, topic))
            graph.add((dataset, VOID.exampleResource, topic))
    for name, count in sorted(census.graphs.items()):
        owner = next((d for prefix, d in plans.items() if name.startswith(prefix)), node)
        subset = URIRef(name)
        graph.add((owner, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, VOID.triples, Literal(count)))
        if owner is not node:
            graph.add((owner, VOID.triples, Literal(count + _triples(graph, owner))))
        if name in census.suggestions:
            _sdg_linkset(graph, subset, goals, census.suggestions[name])
    for triple in census.linksets:
        graph.add(triple)
    for linkset in census.linksets.subjects(RDF.type, VOID.Linkset):
        source = census.linksets.value(linkset, VOID.subjectsTarget)
        graph.add((source or node, VOID.subset, linkset))
    return graph


def _triples(graph: Graph, node: URIRef) -> int:
    """The running total of ``void:triples`` on ``node`` (removed, to be replaced by the new one)."""
    current = graph.value(node, VOID.triples)
    if current is None:
        return 0
    graph.remove((node, VOID.triples, current))
    return int(current)


def _sdg_linkset(graph: Graph, suggestions: URIRef, goals: URIRef, count: int) -> None:
    """The SDG suggestions of a plan, as a linkset from its suggestion graph to the SDG goals."""
    linkset = URIRef(f"{suggestions}#linkset")
    graph.add((suggestions, VOID.subset, linkset))
    graph.add((linkset, RDF.type, VOID.Linkset))
    graph.add((linkset, VOID.subjectsTarget, suggestions))
    graph.add((linkset, VOID.objectsTarget, goals))
    graph.add((linkset, VOID.linkPredicate, JCP.suggestedGoal))
    graph.add((linkset, VOID.triples, Literal(count)))
    graph.add((linkset, RDFS.label, ja("SDGs対応の機械的な提案(市の見解ではありません)")))
    graph.add((linkset, RDFS.label, en("Derived SDG suggestions (not the city's positioning)")))
