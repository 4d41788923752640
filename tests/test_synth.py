"""`planlod synth`: a deterministic synthetic corpus that the real pipeline builds, clearly marked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode, Store
from rdflib import URIRef

from planlod import build, dataset, synth
from planlod.cli import cli
from planlod.config import ROOT, Settings
from planlod.dataset import lgcode_check_digit
from planlod.ingest import parse
from planlod.model import FOOTNOTE_MARK, Actor
from planlod.vocab import DCTERMS, JCP, RDFS

BASE = "https://w3id.org/jp-cityplan/"


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    synth.generate(2, out)
    return out


@pytest.fixture(scope="module")
def built(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> build.BuildResult:
    """The synthetic corpus built as `planlod build` does, in a process pool of two workers."""
    out = tmp_path_factory.mktemp("synthetic-build")
    return build.run(Settings(data_dir=corpus, build_dir=out), workers=2)


def test_same_count_gives_the_same_bytes(tmp_path, corpus):
    synth.generate(2, tmp_path / "again")
    assert files(tmp_path / "again") == files(corpus)


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one(tmp_path, corpus):
    synth.generate(3, tmp_path / "three")
    three = files(tmp_path / "three")
    two = files(corpus)
    assert len(three) == len(two) + 2  # one more plan folder: dataset.toml and source.txt
    assert all(three[name] == data for name, data in two.items() if name != synth.MARKER_FILE)


def test_codes_are_valid_unique_and_outside_the_real_blocks():
    codes = [synth.municipality_code(i) for i in range(1, 1742)]
    assert len(set(codes)) == 1741
    for code in codes:
        assert re.fullmatch(r"[0-9]{6}", code)
        assert int(code[5]) == lgcode_check_digit(code[:5])
        assert 1 <= int(code[:2]) <= 47 and int(code[2:5]) >= synth.CITY_BLOCK
    assert "272116" not in codes


def test_metadata_says_synthetic(corpus):
    infos = dataset.discover(corpus)
    assert len(infos) == 2
    for info in infos:
        assert info.publication.synthetic and not info.publication.official
        assert re.fullmatch(r"合成市[0-9]{4}", info.municipality.name_ja)
        assert re.fullmatch(r"Synthetic City [0-9]{4}", info.municipality.name_en)
        assert "合成データ" in info.plan.title_ja and "synthetic" in info.source.title_en
    assert "Synthetic data" in (corpus / synth.MARKER_FILE).read_text(encoding="utf-8")


def test_every_plan_parses_and_every_footnote_mark_resolves(tmp_path):
    for folder in synth.generate(6, tmp_path):
        plan = parse(folder / "source.txt")
        assert len(plan.policies) == synth.POLICIES_PER_PLAN
        for policy in plan.policies:
            texts = [policy.necessity, policy.direction]
            for initiative in policy.initiatives:
                by_actor = {c.actor: c.text for c in initiative.commitments}
                # As the rows read: 現状と課題 beside 《市》, 目標 beside 《市民》, then 《事業者・団体》.
                row_order = [initiative.situation, by_actor.get(Actor.CITY), initiative.goal]
                row_order += [by_actor.get(Actor.CITIZENS), by_actor.get(Actor.BUSINESSES)]
                texts += [t for t in row_order if t is not None]
            marks = [int(m) for t in texts for m in FOOTNOTE_MARK.findall(t.value)]
            assert sorted(set(marks)) == [term.number for term in policy.glossary], policy.notation
            assert marks == sorted(marks), "numbered in order of appearance"


def test_shaped_like_the_reference(tmp_path):
    reference = parse(synth.REFERENCE / "source.txt")
    plans = [parse(f / "source.txt") for f in synth.generate(30, tmp_path)]

    def mean(values):
        values = list(values)
        return sum(values) / len(values)

    per_policy = mean(len(p.initiatives) / len(p.policies) for p in plans)
    assert 0.7 < per_policy / (len(reference.initiatives) / len(reference.policies)) < 1.3
    for texts in (
        lambda plan: [i.situation for i in plan.initiatives],
        lambda plan: [p.necessity for p in plan.policies],
        lambda plan: [c.text for c in plan.commitments],
    ):
        real = mean(len(t.value) for t in texts(reference))
        synthetic = mean(len(t.value) for p in plans for t in texts(p))
        assert 0.75 < synthetic / real < 1.25
    commitments = mean(len(p.commitments) / len(p.initiatives) for p in plans)
    assert 0.8 < commitments / (len(reference.commitments) / len(reference.initiatives)) < 1.2


def test_the_corpus_builds_each_plan_in_its_own_named_graphs(built, corpus):
    stats = built.stats
    keys = [info.key for info in dataset.discover(corpus)]
    assert [p["key"] for p in stats["plans"]] == keys
    assert all(p["synthetic"] and p["policies"] == 7 for p in stats["plans"])
    store = Store.read_only(str(built.release / "store"))
    graphs = {g.value for g in store.named_graphs() if isinstance(g, NamedNode)}
    for key in keys:
        assert {f"{BASE}id/{key}/graph/plan", f"{BASE}id/{key}/graph/sdg-suggestions"} <= graphs
        plan_graph = NamedNode(f"{BASE}id/{key}/graph/plan")
        subjects = {q.subject.value for q in store.quads_for_pattern(None, None, None, plan_graph)}
        # A plan graph holds that plan (and its municipality), nothing of another plan.
        assert all(s.startswith(f"{BASE}id/{key}") or s == f"{BASE}id/{key.split('/')[0]}" for s in subjects)
    assert stats["quads"] == len(store)


def test_synthetic_plans_are_marked_so_in_the_graph(built, corpus, compiled):
    store = Store.read_only(str(built.release / "store"))
    for info in dataset.discover(corpus):
        for node in (f"{BASE}id/{info.key}", f"{BASE}id/{info.key}/source", f"{BASE}id/{info.municipality.code}"):
            types = {
                q.object.value for q in store.quads_for_pattern(NamedNode(node), NamedNode(str(DCTERMS.type)), None)
            }
            assert str(JCP.synthetic) in types, node
            notes = {
                (q.object.value, q.object.language)
                for q in store.quads_for_pattern(NamedNode(node), NamedNode(str(RDFS.comment)), None)
            }
            assert any(v.startswith("合成データ(実在しない") and lang == "ja" for v, lang in notes), node
            assert any(v.startswith("Synthetic data, not a real") and lang == "en" for v, lang in notes), node
    # The real plan is not marked.
    real_plan = URIRef(f"{BASE}id/272116/5th")
    assert (real_plan, DCTERMS.type, JCP.synthetic) not in compiled.dataset
    assert not [c for c in compiled.dataset.objects(real_plan, RDFS.comment) if "合成" in str(c)]


def test_a_pool_build_gives_the_same_quads_as_an_in_process_build(built, corpus, tmp_path):
    alone = build.run(Settings(data_dir=corpus, build_dir=tmp_path / "alone"), workers=1)
    assert (alone.release / "dataset.nq").read_bytes() == (built.release / "dataset.nq").read_bytes()
    # Same quads, same release digest.
    assert alone.release.name.rsplit("-", 1)[1] == built.release.name.rsplit("-", 1)[1]


def test_a_source_error_in_a_worker_names_file_and_line(corpus, tmp_path):
    from planlod.source import SourceError

    broken = tmp_path / "broken"
    synth.generate(2, broken)
    source = sorted(broken.glob("*/source.txt"))[1]
    lines = source.read_text(encoding="utf-8").split("\n")
    row = next(n for n, line in enumerate(lines) if line.startswith("2\t"))
    lines[row] = "2\t施策"  # a truncated row: no notation, no title
    source.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceError, match=rf"source.txt:{row + 1}: expected a policy notation"):
        build.run(Settings(data_dir=broken, build_dir=tmp_path / "out"), workers=2)
    assert build.current_release(tmp_path / "out") is None


def test_refuses_the_repository_data_and_foreign_folders(tmp_path):
    with pytest.raises(synth.SynthError, match="never go into the repository's data"):
        synth.generate(1, ROOT / "data" / "synthetic")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(synth.SynthError, match="not empty"):
        synth.generate(1, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").exists()


def test_an_earlier_corpus_is_replaced(tmp_path):
    synth.generate(3, tmp_path)
    synth.generate(1, tmp_path)
    assert len(dataset.discover(tmp_path)) == 1
    assert "municipalities: 1" in (tmp_path / synth.MARKER_FILE).read_text(encoding="utf-8")


def test_cli_synth(tmp_path):
    result = CliRunner().invoke(cli, ["synth", "--municipalities", "2", "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert len(dataset.discover(tmp_path / "c")) == 2
    result = CliRunner().invoke(cli, ["synth", "--municipalities", "2", "--out", str(ROOT / "data")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "never go into the repository's data" in errors[0]


def test_stats_record_what_each_stage_cost(built):
    stats = json.loads((built.release / build.STATS_FILE).read_text(encoding="utf-8"))
    assert {"parse_cpu", "graph_cpu", "shacl_cpu", "plans", "load", "dumps", "total"} <= set(stats["build_seconds"])
