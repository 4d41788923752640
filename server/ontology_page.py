"""The ontology as a documentation page (``/def`` as HTML), in the manner of LODE, pyLODE and LOV.

One section per class and per property, in order (classes, then object, datatype and annotation
properties, then the concepts, each alphabetically), each with its ja and en labels and
definitions, domain, range, alignments to other vocabularies and, for a class, the properties of
other vocabularies it carries (``jcp:carries``), plus the class diagram.

pyLODE 3.6 was considered: it needs Python 3.12 (this project supports 3.11), writes one language
per page where this page gives ja and en side by side, knows nothing of ``jcp:carries`` or
``jcp:inverseLabel``, and inlines its stylesheet, which this site's Content-Security-Policy refuses.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from planlod.diagram import dot
from planlod.vocab import JCP, ONTOLOGY_IRI, PREFIXES

SECTIONS = (
    ("classes", (OWL.Class,)),
    ("object_properties", (OWL.ObjectProperty,)),
    ("datatype_properties", (OWL.DatatypeProperty,)),
    ("annotation_properties", (OWL.AnnotationProperty,)),
)
CHARACTERISTICS = {OWL.FunctionalProperty: "functional", OWL.TransitiveProperty: "transitive"}


@dataclass
class Ref:
    """A term named on the page: an anchor of this page (``#Policy``) or a CURIE of another vocabulary."""

    text: str
    anchor: str = ""  # set for this vocabulary's terms


@dataclass
class Term:
    anchor: str
    iri: str
    curie: str
    labels: dict[str, str]
    definitions: dict[str, str]
    kinds: list[str] = field(default_factory=list)
    parents: list[Ref] = field(default_factory=list)  # rdfs:subClassOf / rdfs:subPropertyOf
    domain: list[Ref] = field(default_factory=list)
    range: list[Ref] = field(default_factory=list)
    inverse: list[Ref] = field(default_factory=list)
    inverse_labels: dict[str, str] = field(default_factory=dict)
    carries: list[Ref] = field(default_factory=list)
    properties: list[Ref] = field(default_factory=list)  # for a class: this vocabulary's properties with it as domain
    members: list[Ref] = field(default_factory=list)  # for a concept scheme: its concepts


@dataclass
class Section:
    key: str
    terms: list[Term]


@dataclass
class OntologyDocument:
    iri: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    version: str
    version_iri: str
    modified: str
    license: str
    prefix: str
    namespace: str
    sections: list[Section]


def by_lang(graph: Graph, node: URIRef, prop: URIRef) -> dict[str, str]:
    return {o.language or "": str(o) for o in graph.objects(node, prop) if isinstance(o, Literal)}


def curie(node: URIRef) -> str:
    # Longest namespace first, so sdgo: wins over sdg:.
    for prefix, ns in sorted({**PREFIXES, "vann": "http://purl.org/vocab/vann/", "adms": "http://www.w3.org/ns/adms#"}
                             .items(), key=lambda item: -len(str(item[1]))):  # fmt: skip
        if str(node).startswith(str(ns)):
            return f"{prefix}:{str(node)[len(str(ns)):]}"
    return f"<{node}>"


def ref(node) -> Ref | None:
    """Blank nodes (lists, axioms) are not terms: they are never linked to."""
    if not isinstance(node, URIRef):
        return None
    if str(node).startswith(str(JCP)):
        return Ref(curie(node), anchor=str(node)[len(str(JCP)) :])
    return Ref(curie(node))


def refs(nodes) -> list[Ref]:
    return sorted((r for r in map(ref, nodes) if r is not None), key=lambda r: r.text)


def own_terms(graph: Graph, kinds: tuple[URIRef, ...]) -> list[URIRef]:
    found = {s for kind in kinds for s in graph.subjects(RDF.type, kind)}
    return sorted((s for s in found if isinstance(s, URIRef) and str(s).startswith(str(JCP))), key=str)


def term(graph: Graph, node: URIRef) -> Term:
    labels = by_lang(graph, node, RDFS.label) or by_lang(graph, node, SKOS.prefLabel)
    found = Term(
        anchor=str(node)[len(str(JCP)) :],
        iri=str(node),
        curie=curie(node),
        labels=labels,
        definitions=by_lang(graph, node, SKOS.definition),
        kinds=[CHARACTERISTICS[k] for k in graph.objects(node, RDF.type) if k in CHARACTERISTICS],
        parents=refs([*graph.objects(node, RDFS.subClassOf), *graph.objects(node, RDFS.subPropertyOf)]),
        domain=refs(graph.objects(node, RDFS.domain)),
        range=refs(graph.objects(node, RDFS.range)),
        inverse=refs([*graph.objects(node, OWL.inverseOf), *graph.subjects(OWL.inverseOf, node)]),
        inverse_labels=by_lang(graph, node, JCP.inverseLabel),
        carries=refs(graph.objects(node, JCP.carries)),
        properties=refs(graph.subjects(RDFS.domain, node)),
        members=refs(graph.subjects(SKOS.inScheme, node)),
    )
    return found


def document(graph: Graph) -> OntologyDocument:
    """The page's content, from the ontology graph as the store serves it."""
    header = URIRef(ONTOLOGY_IRI)
    sections = [Section(key, [term(graph, t) for t in own_terms(graph, kinds)]) for key, kinds in SECTIONS]
    described = {t.iri for s in sections for t in s.terms}
    concepts = [
        t for t in own_terms(graph, (SKOS.ConceptScheme, SKOS.Concept, JCP.ActorRole, *dqv_kinds(graph)))
        if str(t) not in described
    ]  # fmt: skip
    sections.append(Section("concepts", [term(graph, t) for t in concepts]))
    value = lambda p: str(graph.value(header, p) or "")  # noqa: E731
    return OntologyDocument(
        iri=ONTOLOGY_IRI,
        titles=by_lang(graph, header, DCTERMS.title),
        descriptions=by_lang(graph, header, DCTERMS.description),
        version=value(OWL.versionInfo),
        version_iri=value(OWL.versionIRI),
        modified=value(DCTERMS.modified),
        license=value(DCTERMS.license),
        prefix=value(URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")),
        namespace=value(URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")),
        sections=[s for s in sections if s.terms],
    )


def dqv_kinds(graph: Graph) -> tuple[URIRef, ...]:
    dqv = "http://www.w3.org/ns/dqv#"
    return (URIRef(f"{dqv}Dimension"), URIRef(f"{dqv}Metric"))


@lru_cache(maxsize=4)
def diagram_svg(dot_source: str) -> bytes | None:
    """The class diagram drawn by Graphviz (``dot``), or None where Graphviz is not installed."""
    binary = shutil.which("dot")
    if binary is None:
        return None
    done = subprocess.run([binary, "-Tsvg"], input=dot_source.encode("utf-8"), capture_output=True, timeout=30)
    return done.stdout if done.returncode == 0 else None


def diagram(graph: Graph) -> bytes | None:
    return diagram_svg(dot(graph))
