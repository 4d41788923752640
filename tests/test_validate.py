"""The quality gate: the real data conforms, and every shape catches the fault it is there for.

Each mutation takes a copy of the real compiled dataset, breaks one thing and runs the
whole check; the test asserts which shapes report it (no more, no fewer), with which
severity, and that each finding carries the shape's message in Japanese and English.
A fault often shows in more than one place (a wrong notation makes a wrong IRI): the
expected shapes say so. A shape no mutation makes fire fails the last test.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Node

from planlod import validate
from planlod.config import SHAPES_DIR
from planlod.vocab import DCAT, DCTERMS, JCP, PROV, RDF, RDFS, SDG, SH, SKOS, XSD

PLAN = "https://w3id.org/jp-cityplan/id/272116/5th"
SHAPES = "https://w3id.org/jp-cityplan/shapes#"


def iri(path: str = "") -> URIRef:
    return URIRef(f"{PLAN}/{path}" if path else PLAN)


MUNICIPALITY = URIRef("https://w3id.org/jp-cityplan/id/272116")
PERIOD = URIRef(f"{PLAN}#period")


# -- the real data ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def baseline(compiled) -> validate.Report:
    return validate.check(compiled.dataset)


def test_the_real_data_conforms_without_findings(baseline):
    assert baseline.conforms
    assert baseline.findings == [], baseline.summary()


def test_the_report_is_standard_shacl(baseline, tmp_path):
    from rdflib import Graph

    path = validate.write_report(baseline, tmp_path)
    report = Graph().parse(path, format="turtle")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(True)


# -- mutations -------------------------------------------------------------------------------


def plan_graph(ds: Dataset):
    return ds.graph(iri("graph/plan"))


def suggestion_graph(ds: Dataset):
    return ds.graph(iri("graph/sdg-suggestions"))


def vocabulary(ds: Dataset):
    return ds.graph(URIRef("https://w3id.org/jp-cityplan/def"))


def drop(s: Node, p: Node, o: Node | None = None, graph=plan_graph) -> Callable[[Dataset], None]:
    return lambda ds: graph(ds).remove((s, p, o))


def add(s: Node, p: Node, o: Node, graph=plan_graph) -> Callable[[Dataset], None]:
    return lambda ds: graph(ds).add((s, p, o))


def replace(s: Node, p: Node, o: Node, graph=plan_graph) -> Callable[[Dataset], None]:
    def mutate(ds: Dataset) -> None:
        graph(ds).remove((s, p, None))
        graph(ds).add((s, p, o))

    return mutate


def retag(s: Node, p: Node, lang: str | None, datatype: URIRef | None = None) -> Callable[[Dataset], None]:
    """Give the value of ``s p`` another language tag (or none, or a datatype)."""

    def mutate(ds: Dataset) -> None:
        (value,) = plan_graph(ds).objects(s, p)
        plan_graph(ds).remove((s, p, value))
        plan_graph(ds).add((s, p, Literal(str(value), lang=lang, datatype=datatype)))

    return mutate


def append(s: Node, p: Node, text: str) -> Callable[[Dataset], None]:
    def mutate(ds: Dataset) -> None:
        (value,) = plan_graph(ds).objects(s, p)
        plan_graph(ds).set((s, p, Literal(str(value) + text, lang=value.language)))

    return mutate


def rename(old: URIRef, new: Node) -> Callable[[Dataset], None]:
    """Call a resource by another name (or a blank node) everywhere."""

    def mutate(ds: Dataset) -> None:
        for graph in list(ds.graphs()):
            for s, p, o in list(graph):
                if old in (s, o):
                    graph.remove((s, p, o))
                    graph.add((new if s == old else s, p, new if o == old else o))

    return mutate


def both(*mutations: Callable[[Dataset], None]) -> Callable[[Dataset], None]:
    def mutate(ds: Dataset) -> None:
        for mutation in mutations:
            mutation(ds)

    return mutate


V, W, I = "Violation", "Warning", "Info"  # noqa: E741 (the SHACL severities, by initial)


@dataclass(frozen=True)
class Mutation:
    name: str
    apply: Callable[[Dataset], None]
    expected: dict[str, str]  # shape (local name) → severity
    value: str | None = None  # the sh:value a finding must name, when that matters


SUGGESTION = iri("sdg-suggestion/7-5-g5")
ADMS_STATUS = URIRef("http://www.w3.org/ns/adms#status")
UNDER_DEVELOPMENT = URIRef("http://purl.org/adms/status/UnderDevelopment")
VOLUNTEER = iri("actor/volunteer")

MUTATIONS = [
    # plan and municipality
    Mutation("plan as a blank node", rename(iri(), BNode()), {"PlanShape": V}),
    Mutation(
        "plan notation not a path segment",
        replace(iri(), SKOS.notation, Literal("第5次")),
        {"Plan-notation": V, "IdentifierPattern": V},
    ),
    Mutation("plan without publisher", drop(iri(), DCTERMS.publisher), {"Plan-publisher": V}),
    Mutation("plan without glossary", drop(iri(), JCP.glossary), {"Plan-glossary": V}),
    Mutation("plan without chapters", drop(iri(), JCP.hasChapter), {"Plan-hasChapter": V}),
    Mutation(
        "a draft has no chapters yet", both(add(iri(), ADMS_STATUS, UNDER_DEVELOPMENT), drop(iri(), JCP.hasChapter)), {}
    ),
    Mutation("plan without period", drop(iri(), DCTERMS.temporal), {"Plan-period": I}),
    Mutation(
        "plan period ends before it starts",
        replace(PERIOD, DCAT.endDate, Literal("2019-03-31", datatype=XSD.date)),
        {"Plan-periodOrder": V},
    ),
    Mutation(
        "plan without English label",
        drop(iri(), RDFS.label, Literal("The 5th Comprehensive Plan of Ibaraki City", lang="en")),
        {"englishLabel": W},
    ),
    Mutation("municipality as a blank node", rename(MUNICIPALITY, BNode()), {"MunicipalityShape": V}),
    Mutation(
        "municipality code of five digits",
        replace(MUNICIPALITY, DCTERMS.identifier, Literal("27211")),
        {"Municipality-code": V},
    ),
    Mutation(
        "municipality without Japanese name",
        drop(MUNICIPALITY, SKOS.prefLabel, Literal("茨木市", lang="ja")),
        {"JapaneseText": V},
    ),
    # chapter
    Mutation("chapter as a blank node", rename(iri("chapter/7"), BNode()), {"ChapterShape": V}),
    Mutation(
        "chapter notation with a leading zero",
        replace(iri("chapter/7"), SKOS.notation, Literal("07")),
        {"Chapter-notation": V, "IdentifierPattern": V, "NotationInParent": V},
    ),
    Mutation("chapter without its plan", drop(iri("chapter/7"), JCP.chapterOf), {"Chapter-plan": V}),
    Mutation(
        "chapter with two divisions",
        add(iri("chapter/7"), JCP.division, Literal("基盤", lang="ja")),
        {"Chapter-division": V},
    ),
    Mutation("chapter without policies", drop(iri("chapter/7"), JCP.hasPolicy), {"Chapter-hasPolicy": W}),
    Mutation("chapter label in French", retag(iri("chapter/7"), RDFS.label, "fr"), {"label": V}),
    # policy
    Mutation("policy as a blank node", rename(iri("policy/7-3"), BNode()), {"PolicyShape": V}),
    Mutation(
        "policy notation with a dot",
        replace(iri("policy/7-3"), SKOS.notation, Literal("7.3")),
        # its initiatives' notations no longer agree with it, nor do its SDG suggestions'
        {"Policy-notation": V, "IdentifierPattern": V, "NotationInParent": V, "SdgSuggestion-notationOfTarget": V},
    ),
    Mutation("policy without its chapter", drop(iri("policy/7-3"), JCP.policyOf), {"Policy-chapter": V}),
    Mutation(
        "necessity as a plain literal without language",
        retag(iri("policy/7-1"), JCP.necessity, None),
        {"Policy-necessity": V, "JapaneseText": V},
    ),
    Mutation("policy without direction", drop(iri("policy/7-1"), JCP.direction), {"Policy-direction": V}),
    Mutation(
        "two Japanese SDG positionings",
        both(
            add(iri("policy/7-4"), JCP.sdgPositioning, Literal("目標16", lang="ja")),
            add(iri("policy/7-4"), JCP.sdgPositioning, Literal("目標17", lang="ja")),
        ),
        {"Policy-sdgPositioning": V, "TextRecorded": V},  # texts added without their records
    ),
    Mutation("policy without initiatives", drop(iri("policy/7-3"), JCP.hasInitiative), {"Policy-hasInitiative": W}),
    Mutation(
        "second Japanese title", add(iri("policy/7-3"), DCTERMS.title, Literal("人材の育成", lang="ja")), {"title": V}
    ),
    Mutation("title in English only", retag(iri("policy/7-4"), DCTERMS.title, "en"), {"JapaneseText": V}),
    # initiative
    Mutation("initiative as a blank node", rename(iri("initiative/7-4-1"), BNode()), {"InitiativeShape": V}),
    Mutation("initiative without title", drop(iri("initiative/7-1-2"), DCTERMS.title), {"title": V}),
    Mutation("initiative without notation", drop(iri("initiative/7-1-2"), SKOS.notation), {"Initiative-notation": V}),
    Mutation(
        "initiative without its policy", drop(iri("initiative/7-1-3"), JCP.initiativeOf), {"Initiative-policy": V}
    ),
    Mutation(
        "initiative with the notation of another policy",
        replace(iri("initiative/7-1-2"), SKOS.notation, Literal("7-2-9")),
        {"NotationInParent": V, "IdentifierPattern": V},
    ),
    Mutation(
        "initiative moved to another policy",
        replace(iri("initiative/7-1-2"), JCP.initiativeOf, iri("policy/7-2")),
        {"NotationInParent": V},
    ),
    Mutation(
        "initiative without current situation",
        drop(iri("initiative/7-6-1"), JCP.currentSituation),
        {"Initiative-situation": V},
    ),
    Mutation(
        "two Japanese goals",
        add(iri("initiative/7-6-1"), JCP.goal, Literal("別の目標", lang="ja")),
        {"Initiative-goal": V},
    ),
    Mutation(
        "initiative without commitments",
        drop(iri("initiative/7-2-1"), JCP.hasCommitment),
        {"Initiative-hasCommitment": W},
    ),
    Mutation(
        "position not a positive integer",
        replace(iri("initiative/7-3-1"), JCP.position, Literal("1", datatype=XSD.integer)),
        {"position": V},
    ),
    Mutation(
        "IRI not made from the notation",
        rename(iri("initiative/7-1-2"), iri("initiative/7-1-9")),
        {"IdentifierPattern": V},
    ),
    # commitment
    Mutation(
        "commitment as a blank node", rename(iri("initiative/7-5-1/commitment/city"), BNode()), {"CommitmentShape": V}
    ),
    Mutation(
        "commitment without notation",
        drop(iri("initiative/7-5-1/commitment/city"), SKOS.notation),
        {"Commitment-notation": V},
    ),
    Mutation(
        "commitment without its initiative",
        drop(iri("initiative/7-5-1/commitment/city"), JCP.commitmentOf),
        {"Commitment-initiative": V},
    ),
    Mutation(
        "commitment without an actor",
        drop(iri("initiative/7-1-2/commitment/citizen"), JCP.actor),
        {"Commitment-actor": V},
    ),
    Mutation(
        "commitment without statement",
        drop(iri("initiative/7-1-2/commitment/city"), JCP.statement),
        {"Commitment-statement": V},
    ),
    Mutation(
        "plan mints its own actor",
        both(
            add(VOLUNTEER, RDF.type, JCP.ActorRole),
            add(VOLUNTEER, SKOS.notation, Literal("volunteer")),
            add(VOLUNTEER, SKOS.prefLabel, Literal("ボランティア", lang="ja")),
        ),
        {"ActorRoleShape": V},
    ),
    Mutation("actor without notation", drop(JCP.business, SKOS.notation, graph=vocabulary), {"ActorRole-notation": V}),
    # sector plan
    Mutation("sector plan as a blank node", rename(iri("sector-plan/7-2-s3"), BNode()), {"SectorPlanShape": V}),
    Mutation(
        "sector plan without notation", drop(iri("sector-plan/7-2-s3"), SKOS.notation), {"SectorPlan-notation": V}
    ),
    Mutation(
        "sector plan without its policy", drop(iri("sector-plan/7-2-s3"), JCP.sectorPlanOf), {"SectorPlan-policy": V}
    ),
    Mutation(
        "two Japanese descriptions",
        add(iri("sector-plan/7-2-s3"), DCTERMS.description, Literal("説明", lang="ja")),
        {"SectorPlan-description": V},
    ),
    Mutation(
        "sector plan named only", drop(iri("sector-plan/7-7-s1"), DCTERMS.description), {"SectorPlan-described": I}
    ),
    Mutation("sector plan without its plan", drop(iri("sector-plan/7-4-s1"), JCP.partOfPlan), {"partOfPlan": V}),
    # glossary
    Mutation(
        "glossary not a concept scheme",
        drop(iri("glossary"), RDF.type, SKOS.ConceptScheme),
        {"GlossaryShape": V, "GlossaryTerm-scheme": V},
    ),
    Mutation("glossary term as a blank node", rename(iri("term/7-2-n4"), BNode()), {"GlossaryTermShape": V}),
    Mutation("glossary term without notation", drop(iri("term/7-2-n4"), SKOS.notation), {"GlossaryTerm-notation": V}),
    Mutation("glossary term without preferred label", drop(iri("term/7-2-n4"), SKOS.prefLabel), {"prefLabel": V}),
    Mutation(
        "glossary concept without definition", drop(iri("term/7-2-n4"), SKOS.definition), {"GlossaryTerm-definition": V}
    ),
    Mutation(
        "glossary term in two schemes", add(iri("term/7-2-n4"), SKOS.inScheme, JCP.actors), {"GlossaryTerm-scheme": V}
    ),
    Mutation(
        "footnote mark without ※",
        replace(iri("term/7-2-n4"), JCP.footnoteMark, Literal("*4")),
        {"GlossaryTerm-mark": V, "NotationInParent": V, "FootnoteResolves": W},
    ),
    Mutation(
        "glossary term without its policy",
        drop(iri("term/7-1-n1"), JCP.definedIn),
        {"GlossaryTerm-policy": V, "FootnoteResolves": W},
    ),
    Mutation("glossary term without source lines", drop(iri("term/7-5-n1"), PROV.wasDerivedFrom), {"derivedFrom": V}),
    Mutation(
        "mention of a term dropped",
        both(
            drop(iri("initiative/7-2-7"), JCP.mentions, iri("term/7-2-n6")),
            drop(iri("initiative/7-2-7/text/currentSituation"), JCP.mentions, iri("term/7-2-n6")),
        ),
        {"FootnoteResolves": W, "GlossaryTerm-mentioned": W},
    ),
    Mutation(
        "mark without a footnote", append(iri("initiative/7-1-1"), JCP.goal, "※9"), {"FootnoteResolves": W}, value="※9"
    ),
    Mutation("a duplicate notation", add(iri("glossary"), SKOS.notation, Literal("7-1")), {"UniqueNotation": V}),
    # texts, each with its own source lines
    Mutation("text as a blank node", rename(iri("initiative/7-3-1/text/goal"), BNode()), {"TextShape": V}),
    Mutation(
        "a text without its own record",
        drop(iri("initiative/7-3-1"), JCP.hasText, iri("initiative/7-3-1/text/goal")),
        {"TextRecorded": V},
    ),
    Mutation("text without its resource", drop(iri("initiative/7-3-1/text/goal"), JCP.textOf), {"Text-of": V}),
    Mutation(
        "text of a property that holds no text",
        replace(iri("initiative/7-3-1/text/goal"), JCP.textProperty, JCP.position),
        {"Text-property": V, "TextRecorded": V},  # and the goal is left without its text
    ),
    Mutation(
        "text without source lines",
        drop(iri("initiative/7-3-1/text/goal"), PROV.wasDerivedFrom),
        {"Text-derivedFrom": V},
    ),
    # source excerpts
    Mutation("excerpt as a blank node", rename(iri("source#line=7,8"), BNode()), {"SourceExcerptShape": V}),
    Mutation(
        "start line an integer of another type",
        retag(iri("source#line=7,8"), JCP.startLine, None, XSD.integer),
        {"SourceExcerpt-startLine": V},
    ),
    Mutation("excerpt without end line", drop(iri("source#line=7,8"), JCP.endLine), {"SourceExcerpt-endLine": V}),
    Mutation("excerpt without its source", drop(iri("source#line=7,8"), DCTERMS.isPartOf), {"SourceExcerpt-source": V}),
    # SDG suggestions
    Mutation(
        "SDG link in the plan graph",
        add(iri("policy/7-5"), JCP.suggestedSdgGoal, SDG["5"]),
        {"NoSdgInPlanGraph": V, "NoBareSdgGoal": V},
    ),
    Mutation(
        "an SDG goal said on the policy itself, even among the suggestions",
        add(iri("policy/7-5"), JCP.suggestedSdgGoal, SDG["5"], graph=suggestion_graph),
        {"NoBareSdgGoal": V},
    ),
    Mutation("suggestion as a blank node", rename(SUGGESTION, BNode()), {"SdgSuggestionShape": V}),
    Mutation(
        "suggestion without notation",
        drop(SUGGESTION, SKOS.notation, graph=suggestion_graph),
        {"SdgSuggestion-notation": V},
    ),
    Mutation(
        "suggestion without labels", drop(SUGGESTION, RDFS.label, graph=suggestion_graph), {"SdgSuggestion-label": V}
    ),
    Mutation(
        "suggestion without target",
        drop(SUGGESTION, JCP.suggestionFor, graph=suggestion_graph),
        {"SdgSuggestion-target": V},
    ),
    Mutation(
        "suggestion of a non-goal",
        replace(SUGGESTION, JCP.suggestedGoal, SDG["18"], graph=suggestion_graph),
        {"SdgSuggestion-goal": V},
    ),
    Mutation(
        "suggestion without reason", drop(SUGGESTION, JCP.reason, graph=suggestion_graph), {"SdgSuggestion-reason": V}
    ),
    Mutation(
        "suggestion without keywords",
        drop(SUGGESTION, JCP.matchedKeyword, graph=suggestion_graph),
        {"SdgSuggestion-keyword": V},
    ),
    Mutation(
        "suggestion without method",
        drop(SUGGESTION, PROV.wasGeneratedBy, graph=suggestion_graph),
        {"SdgSuggestion-method": V},
    ),
    Mutation(
        "suggestion IRI not made from its notation",
        rename(SUGGESTION, iri("sdg-suggestion/7-5-goal-5")),
        {"SdgSuggestion-iri": V},
    ),
    Mutation(
        "suggestion notation of another goal",
        replace(SUGGESTION, SKOS.notation, Literal("7-5-g6"), graph=suggestion_graph),
        {"SdgSuggestion-notationOfTarget": V, "SdgSuggestion-iri": V},
    ),
]


def copy(dataset: Dataset) -> Dataset:
    out = Dataset()
    for graph in dataset.graphs():
        target = out.graph(graph.identifier)
        target.addN((s, p, o, target) for s, p, o in graph)
    return out


def key(finding: validate.Finding) -> tuple:
    return finding.shape, finding.focus, finding.path, finding.value


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_each_mutation_is_reported_by_its_shapes(mutation, compiled, baseline):
    dataset = copy(compiled.dataset)
    mutation.apply(dataset)
    report = validate.check(dataset)
    seen = {key(f) for f in baseline.findings}
    new = [f for f in report.findings if key(f) not in seen]
    fired = {f.shape.removeprefix(SHAPES) for f in new}
    assert fired == set(mutation.expected), report.summary()
    for finding in new:
        shape = finding.shape.removeprefix(SHAPES)
        assert finding.severity == mutation.expected[shape], finding
        assert_bilingual(finding)
    assert report.conforms == (V not in mutation.expected.values())
    if mutation.value is not None:
        assert mutation.value in {f.value for f in new}


def assert_bilingual(finding: validate.Finding) -> None:
    """Both messages are there, each the shape's own (with its {?variables} filled in)."""
    templates = {m.language: str(m) for m in shapes_graph().objects(URIRef(finding.shape), SH.message)}
    assert set(finding.messages) == {"ja", "en"} == set(templates), finding
    for lang, text in finding.messages.items():
        assert validate.fills(templates[lang], text), (lang, text, templates[lang])
        assert "{?" not in text and "{$" not in text, text


@functools.cache
def shapes_graph():
    from rdflib import Graph

    graph = Graph()
    for name in validate.SHAPE_FILES:
        graph += validate.load_shapes(SHAPES_DIR / name)
    return graph


def test_every_shape_is_made_to_fire_by_a_mutation():
    shapes = {str(s).removeprefix(SHAPES) for s in validate.shape_iris()}
    fired = {shape for m in MUTATIONS for shape in m.expected}
    assert shapes - fired == set(), "shapes no mutation makes fire"
    assert fired - shapes == set(), "mutations expecting shapes that do not exist"


def test_every_shape_has_ja_and_en_messages_and_a_severity():
    graph = shapes_graph()
    for shape in validate.shape_iris():
        assert {m.language for m in graph.objects(shape, SH.message)} == {"ja", "en"}, shape
        assert graph.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape
