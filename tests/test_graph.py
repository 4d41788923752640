"""The plan as RDF: identifiers, structure, provenance, glossary links and the SDG split."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal, URIRef

from planlod.build import compile_all
from planlod.config import DEFAULT_BASE_IRI
from planlod.iri import PLAN_GRAPH, SDG_GRAPH
from planlod.vocab import DCTERMS, JCP, PROV, RDF, RDFS, SDG, SDGO, SKOS

PLAN = "https://w3id.org/jp-cityplan/id/272116/5th"


def iri(path: str) -> URIRef:
    return URIRef(f"{PLAN}/{path}")


@pytest.fixture(scope="module")
def graphs(compiled):
    by_name = {str(g.identifier): g for g in compiled.dataset.graphs() if len(g)}
    return by_name


@pytest.fixture(scope="module")
def plan_graph(graphs):
    return graphs[f"{PLAN}/graph/{PLAN_GRAPH}"]


@pytest.fixture(scope="module")
def sdg_graph(graphs):
    return graphs[f"{PLAN}/graph/{SDG_GRAPH}"]


def instances(graph, cls):
    return set(graph.subjects(RDF.type, cls))


def test_counts_of_each_class(plan_graph):
    assert len(instances(plan_graph, JCP.Plan)) == 1
    assert len(instances(plan_graph, JCP.Chapter)) == 1
    assert len(instances(plan_graph, JCP.Policy)) == 7
    assert len(instances(plan_graph, JCP.Initiative)) == 23
    assert len(instances(plan_graph, JCP.Commitment)) == 50
    assert len(instances(plan_graph, JCP.SectorPlan)) == 13
    assert len(instances(plan_graph, JCP.GlossaryTerm)) == 11
    assert len(instances(plan_graph, SKOS.ConceptScheme)) == 1


def test_identifiers_follow_the_pattern(plan_graph):
    pattern = re.compile(
        rf"^{re.escape(DEFAULT_BASE_IRI)}id/272116/5th"
        r"(/(chapter|policy|initiative|sector-plan|term)/[0-9a-z-]+(/text/[A-Za-z]+)?"
        r"|/initiative/[0-9-]+/commitment/(city|citizen|business)(/text/statement)?"
        r"|/glossary|/source(#line=[0-9]+,[0-9]+)?|#period)?$"
    )
    subjects = {s for s in plan_graph.subjects() if isinstance(s, URIRef)}
    municipality = URIRef(f"{DEFAULT_BASE_IRI}id/272116")
    assert municipality in subjects
    odd = [s for s in subjects - {municipality} if not pattern.match(str(s))]
    assert odd == []
    assert iri("initiative/7-1-2") in subjects
    assert iri("initiative/7-1-2/commitment/citizen") in subjects


def test_notations_are_in_skos_notation(plan_graph):
    assert plan_graph.value(iri("initiative/7-1-2"), SKOS.notation) == Literal("7-1-2")
    assert plan_graph.value(iri("policy/7-4"), SKOS.notation) == Literal("7-4")
    assert plan_graph.value(iri("term/7-2-n4"), SKOS.notation) == Literal("7-2-n4")
    notations = [str(o) for o in plan_graph.objects(None, SKOS.notation)]
    assert len(notations) == len(set(notations))


def test_structure_links_both_ways(plan_graph):
    policy, initiative = iri("policy/7-1"), iri("initiative/7-1-2")
    assert (policy, JCP.hasInitiative, initiative) in plan_graph
    assert plan_graph.value(initiative, JCP.initiativeOf) == policy
    commitment = iri("initiative/7-1-2/commitment/citizen")
    assert plan_graph.value(commitment, JCP.commitmentOf) == initiative
    assert plan_graph.value(commitment, JCP.actor) == JCP.citizen
    assert plan_graph.value(commitment, JCP.statement).startswith("市や市域の事業者が開催するイベント等")
    assert plan_graph.value(iri("chapter/7"), JCP.chapterOf) == URIRef(PLAN)
    assert set(plan_graph.objects(iri("policy/7-4"), JCP.hasSectorPlan)) == {
        iri("sector-plan/7-4-s1"),
        iri("sector-plan/7-4-s2"),
    }


def test_actors_are_shared_concepts_not_strings(plan_graph):
    actors = set(plan_graph.objects(None, JCP.actor))
    assert actors == {JCP.city, JCP.citizen, JCP.business}


def test_texts_are_first_class(plan_graph):
    assert plan_graph.value(iri("policy/7-5"), JCP.necessity).startswith("少子高齢化など")
    assert plan_graph.value(iri("policy/7-5"), JCP.direction).startswith("「男女共同参画社会基本法」")
    assert plan_graph.value(iri("initiative/7-5-2"), JCP.currentSituation).startswith("DV※1は")
    assert plan_graph.value(iri("initiative/7-5-2"), JCP.goal).startswith("人権意識を高め")


def test_footnote_marks_link_to_the_glossary_of_the_same_policy(plan_graph):
    term = iri("term/7-2-n6")
    assert plan_graph.value(term, SKOS.prefLabel) == Literal("ビッグデータ", lang="ja")
    assert plan_graph.value(term, JCP.definedIn) == iri("policy/7-2")
    assert plan_graph.value(term, SKOS.inScheme) == iri("glossary")
    assert (iri("initiative/7-2-7"), JCP.mentions, term) in plan_graph
    # The same ※1 means different terms in different policies.
    assert (iri("policy/7-6"), JCP.mentions, iri("term/7-6-n1")) in plan_graph
    assert (iri("initiative/7-5-2"), JCP.mentions, iri("term/7-5-n1")) in plan_graph
    assert (iri("initiative/7-5-2"), JCP.mentions, iri("term/7-2-n1")) not in plan_graph
    # A mark inside a commitment links from the commitment.
    assert (iri("initiative/7-2-7/commitment/city"), JCP.mentions, iri("term/7-2-n7")) in plan_graph
    mentioned = set(plan_graph.objects(None, JCP.mentions))
    assert mentioned == instances(plan_graph, JCP.GlossaryTerm)


def test_every_resource_records_its_source_lines(plan_graph, source_lines):
    for cls in (JCP.Chapter, JCP.Policy, JCP.Initiative, JCP.Commitment, JCP.SectorPlan, JCP.GlossaryTerm):
        for node in instances(plan_graph, cls):
            excerpts = list(plan_graph.objects(node, PROV.wasDerivedFrom))
            assert excerpts, node
            for excerpt in excerpts:
                assert (excerpt, RDF.type, JCP.SourceExcerpt) in plan_graph
                first = int(plan_graph.value(excerpt, JCP.startLine))
                last = int(plan_graph.value(excerpt, JCP.endLine))
                assert str(excerpt).endswith(f"/source#line={first - 1},{last}")
                assert 1 <= first <= last <= len(source_lines)


def test_source_lines_point_at_the_right_text(plan_graph, source_lines):
    def lines_of(node):
        excerpt = next(plan_graph.objects(node, PROV.wasDerivedFrom))
        first = int(plan_graph.value(excerpt, JCP.startLine))
        last = int(plan_graph.value(excerpt, JCP.endLine))
        return re.sub(r"\s", "", "".join(source_lines[first - 1 : last]))

    assert "魅力発信力の強化" in lines_of(iri("initiative/7-1-2"))
    assert "PDCAサイクル" in lines_of(iri("term/7-2-n1"))
    assert "人材育成基本方針" in lines_of(iri("sector-plan/7-3-s1"))
    commitment = iri("initiative/7-4-3/commitment/business")
    assert str(plan_graph.value(commitment, JCP.statement))[:20] in lines_of(commitment)


def test_the_city_graph_says_nothing_about_sdgs(plan_graph):
    assert not list(plan_graph.subject_objects(JCP.suggestedSdgGoal))
    assert not instances(plan_graph, JCP.SdgSuggestion)
    assert not [o for o in plan_graph.objects() if str(o).startswith(str(SDG))]


def test_sdg_suggestions_carry_method_and_reason(sdg_graph):
    suggestions = instances(sdg_graph, JCP.SdgSuggestion)
    assert suggestions
    for node in suggestions:
        goal = sdg_graph.value(node, JCP.suggestedGoal)
        assert re.fullmatch(r"http://metadata\.un\.org/sdg/([1-9]|1[0-7])", str(goal))
        assert sdg_graph.value(node, JCP.suggestionFor) is not None
        reasons = {r.language: str(r) for r in sdg_graph.objects(node, JCP.reason)}
        assert set(reasons) == {"ja", "en"}
        assert "機械的な提案" in reasons["ja"] and "not Ibaraki City's" in reasons["en"]
        activity = sdg_graph.value(node, PROV.wasGeneratedBy)
        assert {d.language for d in sdg_graph.objects(activity, DCTERMS.description)} == {"ja", "en"}
        for keyword in sdg_graph.objects(node, JCP.matchedKeyword):
            assert f"「{keyword}」" in reasons["ja"]
    # The policy on gender equality gets Goal 5, because its texts say 男女共同参画.
    about_7_5 = sdg_graph.subjects(JCP.suggestionFor, iri("policy/7-5"))
    assert SDG["5"] in {sdg_graph.value(suggestion, JCP.suggestedGoal) for suggestion in about_7_5}
    # Nothing is said on the city's resources themselves: a suggestion is a resource of its own.
    assert not list(sdg_graph.subject_objects(JCP.suggestedSdgGoal))


def test_seventeen_goals_with_japanese_and_english_labels(graphs):
    from planlod.vocab import SDG_GOALS_GRAPH

    goals = graphs[SDG_GOALS_GRAPH]
    found = sorted(int(str(g).rsplit("/", 1)[1]) for g in goals.subjects(RDF.type, SDGO.Goal))
    assert found == list(range(1, 18))
    for n in range(1, 18):
        langs = {label.language for label in goals.objects(SDG[str(n)], SKOS.prefLabel)}
        assert langs == {"ja", "en"}
    assert goals.value(SDG["5"], SKOS.prefLabel, default=None) is not None
    assert Literal("ジェンダー平等を実現しよう", lang="ja") in set(goals.objects(SDG["5"], SKOS.prefLabel))


def test_base_iri_is_configurable(settings):
    other = compile_all(settings.with_(base_iri="http://example.org/plans/"))
    iris = {str(t) for q in other.dataset.quads((None, None, None, None)) for t in q if isinstance(t, URIRef)}
    assert "http://example.org/plans/id/272116/5th/initiative/7-1-2" in iris
    leaked = [i for i in iris if i.startswith(f"{DEFAULT_BASE_IRI}id/")]
    assert leaked == []


def test_labels_for_navigation(plan_graph):
    labels = {lbl.language for lbl in plan_graph.objects(iri("initiative/7-1-2/commitment/citizen"), RDFS.label)}
    assert labels == {"ja", "en"}


# -- provenance per text -------------------------------------------------------------------------

TEXT_PROPERTIES = (JCP.necessity, JCP.direction, JCP.sdgPositioning, JCP.currentSituation, JCP.goal, JCP.statement,
                   SKOS.definition, DCTERMS.description)  # fmt: skip


def test_each_text_has_its_own_source_lines(plan_graph):
    # Measured: the goal and the current situation of 7-3-1 shared one range (lines 139–141).
    goal, situation = iri("initiative/7-3-1/text/goal"), iri("initiative/7-3-1/text/currentSituation")
    assert plan_graph.value(goal, PROV.wasDerivedFrom) == iri("source#line=139,140")
    assert plan_graph.value(situation, PROV.wasDerivedFrom) == iri("source#line=138,139")
    assert (iri("initiative/7-3-1"), JCP.hasText, goal) in plan_graph
    assert plan_graph.value(goal, JCP.textOf) == iri("initiative/7-3-1")
    assert plan_graph.value(goal, JCP.textProperty) == JCP.goal


def test_every_text_of_every_resource_is_a_text_with_one_range(plan_graph):
    texts = 0
    for prop in TEXT_PROPERTIES:
        for resource in plan_graph.subjects(prop):
            if not str(resource).startswith(PLAN):
                continue
            texts_of = plan_graph.objects(resource, JCP.hasText)
            (text,) = [t for t in texts_of if plan_graph.value(t, JCP.textProperty) == prop]
            (excerpt,) = plan_graph.objects(text, PROV.wasDerivedFrom)
            first, last = plan_graph.value(excerpt, JCP.startLine), plan_graph.value(excerpt, JCP.endLine)
            assert int(first) <= int(last)
            texts += 1
    # 7 policies × 2, 23 initiatives × 2, 50 commitments, 11 definitions and the sector plans described
    assert texts == len(list(plan_graph.subjects(RDF.type, JCP.Text))) > 7 * 2 + 23 * 2 + 50 + 11


def test_a_mention_records_the_text_it_is_in(plan_graph):
    # Measured: jcp:mentions said which resource mentions a term, not which of its texts.
    term = iri("term/7-2-n6")
    assert (iri("initiative/7-2-7/text/currentSituation"), JCP.mentions, term) in plan_graph
    assert (iri("initiative/7-2-7/text/goal"), JCP.mentions, term) not in plan_graph
    # Every resource-level mention is carried by one of its texts.
    for resource, mentioned in plan_graph.subject_objects(JCP.mentions):
        if (resource, RDF.type, JCP.Text) in plan_graph:
            continue
        assert any((t, JCP.mentions, mentioned) in plan_graph for t in plan_graph.objects(resource, JCP.hasText))
