"""OWL consistency: HermiT (through owlready2) proves the real data consistent and names what is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef

from planlod import reason
from planlod.cli import cli
from planlod.vocab import JCP, OWL, RDF, RDFS

PLAN = "https://w3id.org/jp-cityplan/id/272116/5th"


def iri(path: str) -> URIRef:
    return URIRef(f"{PLAN}/{path}")


def copy(dataset: Dataset) -> Dataset:
    out = Dataset()
    for graph in dataset.graphs():
        target = out.graph(graph.identifier)
        target.addN((s, p, o, target) for s, p, o in graph)
    return out


def plan_graph(dataset: Dataset):
    return dataset.graph(iri("graph/plan"))


def test_the_real_data_is_consistent(compiled, java, tmp_path):
    assert reason.check(compiled.dataset, cache=tmp_path) == []
    # The proof is kept, named after the triples: the same data is not proved twice, even
    # read again from a file (where the ontology's blank nodes get new labels).
    assert len(list(tmp_path.iterdir())) == 1
    again = Dataset().parse(data=compiled.dataset.serialize(format="nquads"), format="nquads")
    assert reason.check(again, cache=tmp_path) == []
    assert len(list(tmp_path.iterdir())) == 1


def test_an_individual_of_two_disjoint_classes_is_named(compiled, java, tmp_path):
    dataset = copy(compiled.dataset)
    plan_graph(dataset).add((iri("policy/7-1"), RDF.type, JCP.Initiative))
    (finding,) = reason.check(dataset, cache=tmp_path)
    assert (finding.severity, finding.shape, finding.focus) == (
        "Violation",
        reason.CHECK_CONSISTENCY,
        str(iri("policy/7-1")),
    )
    assert set(finding.messages) == {"ja", "en"}
    assert "disjoint" in finding.message("en") and "互いに素" in finding.message("ja")
    assert list(tmp_path.iterdir()) == []  # failures are worked out again every time, never cached


def test_each_fault_is_blamed_on_its_own_resource(compiled, java):
    dataset = copy(compiled.dataset)
    # jcp:initiativeOf has the range jcp:Policy, and a commitment cannot be one (disjoint classes);
    # jcp:position is functional, and 1 and 5 cannot both be a position.
    plan_graph(dataset).add((iri("initiative/7-3-1"), JCP.initiativeOf, iri("initiative/7-5-1/commitment/city")))
    plan_graph(dataset).add((iri("sector-plan/7-2-s3"), JCP.position, Literal(5)))
    blamed = [f.focus for f in reason.check(dataset)]
    # Not the policy, the chapter or anything else linked to them: only the two at fault.
    assert blamed == [str(iri("initiative/7-3-1")), str(iri("sector-plan/7-2-s3"))]


def test_an_unsatisfiable_class_is_named(compiled, java):
    dataset = copy(compiled.dataset)
    ontology = dataset.graph(URIRef("https://w3id.org/jp-cityplan/def"))
    oddity = JCP.PolicyInitiative
    ontology.add((oddity, RDF.type, OWL.Class))
    ontology.add((oddity, RDFS.subClassOf, JCP.Policy))
    ontology.add((oddity, RDFS.subClassOf, JCP.Initiative))
    (finding,) = reason.check(dataset)
    assert (finding.shape, finding.focus) == (reason.CHECK_SATISFIABILITY, str(oddity))
    assert "unsatisfiable" in finding.message("en") and "充足不能" in finding.message("ja")


# -- declarations (no Java needed) ------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs(compiled) -> Graph:
    """What the reasoner reads of the real plan: its graphs and the vocabulary."""
    ((plan, graph),) = reason.inputs(compiled.dataset)
    assert plan == PLAN
    return graph


def extended(graph: Graph, *triples) -> Graph:
    out = Graph()
    out += graph
    for triple in triples:
        out.add(triple)
    return out


def test_every_term_the_data_uses_is_declared(inputs):
    assert reason.undeclared(inputs) == []


def test_an_undeclared_property_is_named(inputs):
    graph = extended(inputs, (iri("policy/7-1"), URIRef("http://example.org/note"), Literal("x")))
    (finding,) = reason.undeclared(graph)
    assert finding.focus == "http://example.org/note" and finding.shape == reason.CHECK_DECLARATION


def test_a_term_declared_as_two_kinds_of_property_is_named(inputs):
    graph = extended(inputs, (JCP.partOfPlan, RDF.type, OWL.AnnotationProperty))
    (finding,) = reason.undeclared(graph)
    assert finding.focus == str(JCP.partOfPlan) and "OWL 2 DL" in finding.message("en")


def test_a_literal_value_of_an_object_property_is_named(inputs):
    graph = extended(inputs, (iri("initiative/7-1-1"), JCP.initiativeOf, Literal("7-1")))
    (finding,) = reason.undeclared(graph)
    assert (finding.focus, finding.value) == (str(JCP.initiativeOf), "7-1")


def test_an_undeclared_class_is_named(inputs):
    graph = extended(inputs, (iri("policy/7-1"), RDF.type, URIRef("http://example.org/Thing")))
    (finding,) = reason.undeclared(graph)
    assert finding.focus == "http://example.org/Thing"


# -- without Java ---------------------------------------------------------------------------


@pytest.fixture
def no_java(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no `java` on the PATH


def test_without_java_the_reasoner_says_what_to_do(compiled, no_java):
    with pytest.raises(reason.JavaMissing, match="install a Java runtime .* or pass --no-reasoner"):
        reason.check(compiled.dataset)


def test_validate_without_java_is_one_line_unless_told_not_to_reason(settings, release, no_java):
    runner = CliRunner()
    result = runner.invoke(cli, ["--build-dir", str(settings.build_dir), "validate"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "--no-reasoner" in result.output
    result = runner.invoke(cli, ["--build-dir", str(settings.build_dir), "validate", "--no-reasoner"])
    assert result.exit_code == 0, result.output
    assert "not checked (--no-reasoner)" in result.output


def test_build_without_java_publishes_nothing(tmp_path, data_copy, no_java):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["--data-dir", str(data_copy()), "--build-dir", str(out), "build"])
    assert result.exit_code == 1 and "--no-reasoner" in result.output
    assert not Path(out / "current").exists()


# -- batches: one HermiT run for many plans ---------------------------------------------------


@pytest.fixture(scope="module")
def corpus_dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """Five synthetic plans and the vocabulary in one dataset, as a batch of the build sees them."""
    from planlod import dataset as datasets
    from planlod import pipeline, synth

    out = Dataset()
    for folder in synth.generate(5, tmp_path_factory.mktemp("corpus")):
        _, plan = pipeline.compile_plan(datasets.load(folder), "https://w3id.org/jp-cityplan/")
        for graph in plan.graphs():
            target = out.graph(graph.identifier)
            target.addN((s, p, o, target) for s, p, o in graph)
    pipeline.add_vocabulary(out)
    return out


def plans_of(dataset: Dataset) -> list[str]:
    return [plan for plan, _ in reason.inputs(dataset)]


def test_a_clean_batch_is_proved_in_one_run_and_every_plan_keeps_its_proof(corpus_dataset, java, tmp_path):
    findings, pending = reason.prepare(corpus_dataset, tmp_path)
    assert findings == [] and len(pending) == 5
    assert reason.prove(reason.vocabulary_ntriples(corpus_dataset), pending) == []
    assert len(list(tmp_path.iterdir())) == 5
    assert reason.prepare(corpus_dataset, tmp_path) == ([], [])  # proved once, never again


def test_a_faulty_plan_in_a_batch_is_found_by_halving_and_blamed_as_if_alone(corpus_dataset, java, tmp_path):
    dataset = copy(corpus_dataset)
    faulty = plans_of(dataset)[3]
    dataset.graph(URIRef(f"{faulty}/graph/plan")).add((URIRef(faulty), RDF.type, JCP.Initiative))
    _, pending = reason.prepare(dataset, tmp_path)
    batched = reason.prove(reason.vocabulary_ntriples(dataset), pending)
    (alone,) = [graph for plan, graph in reason.inputs(dataset) if plan == faulty]
    assert batched == reason.check_graph(alone, faulty)
    assert [f.focus for f in batched] == [faulty]
    # The other four plans were proved on the way and keep their proofs; the faulty one has none.
    assert len(list(tmp_path.iterdir())) == 4
