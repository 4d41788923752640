"""The quality report as data (W3C DQV in each plan's …/graph/quality), and the build's gate."""

from __future__ import annotations

import pytest
from pyoxigraph import Store
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from planlod import build, quality, validate
from planlod.config import Settings
from planlod.vocab import DCTERMS, DQV, JCP, PROV, RDF, RDFS, SH, XSD

PLAN = "https://w3id.org/jp-cityplan/id/272116/5th"


def iri(path: str) -> URIRef:
    return URIRef(f"{PLAN}/{path}")


DATASET = iri("dataset")


def measured(graph: Graph, resource: URIRef) -> dict[URIRef, int]:
    """metric → value of the measurements computed on ``resource``."""
    return {
        graph.value(m, DQV.isMeasurementOf): int(graph.value(m, DQV.value))
        for m in graph.subjects(DQV.computedOn, resource)
    }


def quality_graph(report: validate.Report, dataset: Dataset) -> Graph:
    graphs = [g for g in quality.measurements(report, dataset).graphs() if len(g)]
    assert [g.identifier for g in graphs] == [iri("graph/quality")]
    return graphs[0]


def test_the_real_plan_is_measured_and_found_in_order(compiled):
    graph = quality_graph(validate.check(compiled.dataset), compiled.dataset)
    resources = {
        s
        for name in ("graph/plan", "graph/sdg-suggestions")
        for s in compiled.dataset.graph(iri(name)).subjects()
        if isinstance(s, URIRef)
    }
    assert measured(graph, DATASET) == {
        JCP.violationCount: 0,
        JCP.warningCount: 0,
        JCP.infoCount: 0,
        JCP.resourceCount: len(resources),
    }
    assert set(graph.objects(DATASET, DQV.hasQualityMeasurement)) == set(graph.subjects(DQV.computedOn, DATASET))
    # No finding, so no measurement of a single resource: each was checked and found in order.
    assert set(graph.objects(None, DQV.computedOn)) == {DATASET}
    activity = iri("activity/quality-check")
    assert (activity, RDF.type, PROV.Activity) in graph
    assert {label.language for label in graph.objects(activity, RDFS.label)} == {"ja", "en"}
    used = set(graph.objects(activity, PROV.used))
    assert {iri("graph/plan"), URIRef("https://w3id.org/jp-cityplan/shapes")} <= used
    assert (iri("graph/quality"), PROV.wasGeneratedBy, activity) in graph


@pytest.fixture(scope="module")
def with_findings(compiled) -> tuple[validate.Report, Dataset]:
    """The real data with a note (a sector plan named only) and warnings (a mention dropped)."""
    dataset = Dataset()
    for graph in compiled.dataset.graphs():
        target = dataset.graph(graph.identifier)
        target.addN((s, p, o, target) for s, p, o in graph)
    plan = dataset.graph(iri("graph/plan"))
    plan.remove((iri("sector-plan/7-7-s1"), DCTERMS.description, None))
    plan.remove((iri("initiative/7-2-7"), JCP.mentions, iri("term/7-2-n6")))
    plan.remove((iri("initiative/7-2-7/text/currentSituation"), JCP.mentions, iri("term/7-2-n6")))
    return validate.check(dataset), dataset


def test_findings_become_measurements_of_their_resources(with_findings):
    report, dataset = with_findings
    graph = quality_graph(report, dataset)
    assert measured(graph, iri("sector-plan/7-7-s1")) == {JCP.infoCount: 1}
    assert measured(graph, iri("initiative/7-2-7")) == {JCP.warningCount: 1}
    assert measured(graph, iri("term/7-2-n6")) == {JCP.warningCount: 1}
    totals = measured(graph, DATASET)
    assert (totals[JCP.violationCount], totals[JCP.warningCount], totals[JCP.infoCount]) == (0, 2, 1)
    value = next(graph.objects(None, DQV.value))
    assert value.datatype == XSD.nonNegativeInteger


def test_the_shacl_results_are_published_with_both_messages(with_findings):
    report, dataset = with_findings
    graph = quality_graph(report, dataset)
    results = set(graph.subjects(RDF.type, SH.ValidationResult))
    assert {graph.value(r, SH.focusNode) for r in results} == {
        iri("sector-plan/7-7-s1"),
        iri("initiative/7-2-7"),
        iri("term/7-2-n6"),
    }
    for result in results:
        assert {m.language for m in graph.objects(result, SH.resultMessage)} == {"ja", "en"}
        assert graph.value(result, SH.sourceShape).startswith("https://w3id.org/jp-cityplan/shapes#")
    # The path of "no text mentions this term" is an inverse path: kept, under an IRI.
    (term_result,) = graph.subjects(SH.focusNode, iri("term/7-2-n6"))
    path = graph.value(term_result, SH.resultPath)
    assert graph.value(path, SH.inversePath) == JCP.mentions


def test_the_same_report_gives_the_same_quads(with_findings):
    report, dataset = with_findings
    first, second = (set(quality_graph(report, dataset)) for _ in range(2))
    assert first == second
    assert not any(isinstance(term, BNode) for triple in first for term in triple)


# -- the gate in the build --------------------------------------------------------------------


def test_the_release_holds_the_quality_graph(release):
    store = Store.read_only(str(release / "store"))
    query = f"""
        PREFIX dqv: <http://www.w3.org/ns/dqv#>
        PREFIX jcp: <https://w3id.org/jp-cityplan/def#>
        SELECT ?metric ?value WHERE {{
            GRAPH <{PLAN}/graph/quality> {{ ?m dqv:computedOn <{DATASET}> ; dqv:isMeasurementOf ?metric ;
                                             dqv:value ?value }}
        }}"""
    values = {row["metric"].value.rsplit("#", 1)[1]: int(row["value"].value) for row in store.query(query)}
    assert values["violationCount"] == values["warningCount"] == values["infoCount"] == 0
    assert values["resourceCount"] > 200


def test_a_build_with_a_warning_publishes_it_as_data(tmp_path, data_copy):
    def unresolved_mark(lines):
        # 7-2-1's current situation gets a ※9 no footnote of policy 7-2 explains.
        lines[61] = lines[61].replace("必要があります。</p>", "必要があります※9。</p>", 1)
        return lines

    result = build.run(Settings(data_dir=data_copy(unresolved_mark), build_dir=tmp_path / "out"))
    (finding,) = result.report.findings
    assert (finding.severity, finding.focus, finding.value) == ("Warning", str(iri("initiative/7-2-1")), "※9")
    dataset = Dataset().parse(result.release / "dataset.nq", format="nquads")
    graph = dataset.graph(iri("graph/quality"))
    assert measured(graph, iri("initiative/7-2-1")) == {JCP.warningCount: 1}
    report = Graph().parse(result.release / validate.REPORT_FILE, format="turtle")
    assert (None, SH.conforms, Literal(True)) in report  # a warning does not stop the build


def test_a_build_with_a_violation_publishes_nothing(tmp_path, data_copy):
    out = tmp_path / "out"
    data = data_copy()
    toml = next(data.glob("*/dataset.toml"))
    toml.write_text(toml.read_text(encoding="utf-8").replace("period_end = 2030-03-31", "period_end = 2019-03-31"))
    with pytest.raises(build.BuildError, match="(?s)1 violation.*period.s start"):
        build.run(Settings(data_dir=data, build_dir=out, reasoner=False))
    assert build.current_release(out) is None


def test_validate_prints_findings_in_the_chosen_language_and_exits_1(release, tmp_path):
    from click.testing import CliRunner

    from planlod.cli import cli

    broken = tmp_path / "releases" / "broken"
    broken.mkdir(parents=True)
    title = f"<{iri('initiative/7-1-2')}> <{DCTERMS.title}>"
    lines = (release / "dataset.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    (broken / "dataset.nq").write_text("".join(line for line in lines if not line.startswith(title)), encoding="utf-8")
    (tmp_path / "current").symlink_to("releases/broken")
    runner = CliRunner()
    said = {"ja": ("品質検査", "違反", "違反 1 件"), "en": ("Quality gate", "Violation", "1 violation(s)")}
    for lang, (heading, severity, verdict) in said.items():
        report = tmp_path / f"report-{lang}.ttl"
        args = ["--build-dir", str(tmp_path), "validate", "--lang", lang, "--no-reasoner", "--report", str(report)]
        result = runner.invoke(cli, args)
        assert result.exit_code == 1
        assert heading in result.output and severity in result.output and verdict in result.output
    shacl = Graph().parse(tmp_path / "report-en.ttl", format="turtle")
    assert (None, SH.conforms, Literal(False)) in shacl
    messages = {m.language: str(m) for m in shacl.objects(None, SH.resultMessage)}
    assert messages["ja"].startswith("名称(dcterms:title)") and messages["en"].startswith("The name (dcterms:title)")
