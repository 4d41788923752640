"""The ontology defines every term the data uses, in Japanese and English, with alignments."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from planlod.config import ONTOLOGY_DIR
from planlod.vocab import CPOV, JCP, ORG, OWL, PROV, RDF, RDFS, SDGO, SKOS


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    graph.parse(ONTOLOGY_DIR / "plan.ttl", format="turtle")
    return graph


def jcp_terms_used(dataset) -> set[URIRef]:
    used = set()
    for _, p, o, _ in dataset.quads((None, None, None, None)):
        if str(p).startswith(str(JCP)):
            used.add(p)
        if p == RDF.type and str(o).startswith(str(JCP)):
            used.add(o)
        if isinstance(o, URIRef) and str(o).startswith(str(JCP)):
            used.add(o)
    return used


def test_every_term_the_data_uses_is_defined(ontology, compiled):
    used = jcp_terms_used(compiled.dataset)
    assert JCP.Initiative in used and JCP.mentions in used
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(JCP))}
    assert used - defined == set()


def test_every_term_has_japanese_and_english_labels_and_definitions(ontology):
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(JCP))}
    assert len(terms) > 30
    for term in terms:
        labels = ontology.value(term, RDFS.label) or ontology.value(term, SKOS.prefLabel)
        assert labels is not None, term
        langs = {x.language for x in ontology.objects(term, RDFS.label)} | {
            x.language for x in ontology.objects(term, SKOS.prefLabel)
        }
        assert {"ja", "en"} <= langs, term
        assert {x.language for x in ontology.objects(term, SKOS.definition)} == {"ja", "en"}, term


def test_core_class_names_and_alignments(ontology):
    for name in ("Plan", "Chapter", "Policy", "Initiative", "Commitment", "SectorPlan"):
        assert (JCP[name], RDF.type, OWL.Class) in ontology
    for name in ("Plan", "Policy", "Initiative"):
        assert (JCP[name], RDFS.subClassOf, PROV.Plan) in ontology
    assert (JCP.GlossaryTerm, RDFS.subClassOf, SKOS.Concept) in ontology
    assert (JCP.ActorRole, RDFS.subClassOf, ORG.Role) in ontology
    assert (JCP.Municipality, RDFS.subClassOf, CPOV.PublicOrganisation) in ontology
    assert (JCP.suggestedGoal, RDFS.range, SDGO.Goal) in ontology


def test_ontology_header(ontology):
    header = URIRef("https://w3id.org/jp-cityplan/def")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionIRI) is not None


def test_the_three_actors(ontology):
    actors = set(ontology.subjects(RDF.type, JCP.ActorRole))
    assert actors == {JCP.city, JCP.citizen, JCP.business}
    labels = {str(ontology.value(a, SKOS.prefLabel)) for a in actors}
    assert {str(x) for a in actors for x in ontology.objects(a, SKOS.prefLabel) if x.language == "ja"} == {
        "市", "市民", "事業者・団体"
    }
    assert labels


def test_readme_diagram_is_generated_from_the_ontology():
    from planlod.config import ROOT
    from planlod.diagram import END, START, mermaid

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(START, 1)[1].split(END, 1)[0].strip()
    assert block == mermaid(), "README diagram is stale: run `planlod diagram --readme README.md`"


def test_no_label_is_shared_by_two_terms(ontology):
    # Measured: hasChapter and Chapter were both 「章」; actor, ActorRole and actors all 「主体」.
    seen: dict[tuple[str, str], URIRef] = {}
    shared = []
    for prop in (RDFS.label, SKOS.prefLabel):
        for term, label in ontology.subject_objects(prop):
            if not str(term).startswith(str(JCP)):
                continue
            key = (label.language, str(label))
            if key in seen and seen[key] != term:
                shared.append((str(label), seen[key], term))
            seen.setdefault(key, term)
    assert shared == []


def test_every_link_can_be_read_from_its_object_side(ontology):
    """Incoming links are headed from the reader's side: by the inverse's label, or by jcp:inverseLabel."""
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        if not str(prop).startswith(str(JCP)):
            continue
        inverse = ontology.value(prop, OWL.inverseOf) or ontology.value(None, OWL.inverseOf, prop)
        stated = {x.language for x in ontology.objects(prop, JCP.inverseLabel)}
        assert inverse is not None or stated == {"ja", "en"}, prop


def test_each_class_states_the_properties_of_other_vocabularies_it_carries(ontology, compiled):
    carried = {}
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(str(JCP)):
            carried[cls] = set(ontology.objects(cls, JCP.carries))
    assert {URIRef("http://purl.org/dc/terms/title"), SKOS.notation} <= carried[JCP.Initiative]
    used: dict[URIRef, set] = {}
    for s, _, o, _ in compiled.dataset.quads((None, RDF.type, None, None)):
        if o in carried:
            used.setdefault(o, set()).update(
                q for _, q, _, _ in compiled.dataset.quads((s, None, None, None)) if not str(q).startswith(str(JCP))
            )
    for cls, properties in used.items():
        assert properties - {RDF.type} <= carried[cls], cls
