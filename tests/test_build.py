"""`planlod build`: a complete release swapped in atomically, or nothing at all."""

from __future__ import annotations

import gzip
import json
import shutil

import pytest
from pyoxigraph import Store
from rdflib import Dataset, Graph

from planlod import build
from planlod.config import Settings
from planlod.source import SourceError


def test_release_holds_every_dump_and_the_store(release):
    for name in ("dataset.nq", "dataset.trig", "dataset.nt", "dataset.ttl", "dataset.jsonld", "dataset.nt.gz"):
        assert (release / name).stat().st_size > 1000, name
    assert (release / "store").is_dir()
    assert (release / "validation-report.ttl").exists()


def test_every_dump_parses_to_the_same_triples(release):
    triples = Graph().parse(release / "dataset.nt", format="nt")
    assert len(Graph().parse(release / "dataset.ttl", format="turtle")) == len(triples)
    with gzip.open(release / "dataset.nt.gz", "rt", encoding="utf-8") as f:
        assert len(Graph().parse(data=f.read(), format="nt")) == len(triples)
    quads = Dataset().parse(release / "dataset.nq", format="nquads")
    trig = Dataset().parse(release / "dataset.trig", format="trig")
    jsonld = Dataset().parse(release / "dataset.jsonld", format="json-ld")
    assert len(quads) == len(trig) == len(jsonld) > len(triples) * 0.9


def test_stats_summarise_the_plan(release):
    stats = json.loads((release / "stats.json").read_text(encoding="utf-8"))
    (plan,) = stats["plans"]
    assert plan["key"] == "272116/5th"
    assert (plan["policies"], plan["initiatives"], plan["glossary_terms"], plan["sector_plans"]) == (7, 23, 11, 13)
    assert plan["commitments"] == 50
    assert stats["classes"]["Initiative"] == 23


def test_store_answers_with_the_union_of_graphs(release):
    store = Store.read_only(str(release / "store"))
    query = "PREFIX jcp: <https://w3id.org/jp-cityplan/def#> SELECT (COUNT(*) AS ?n) { ?i a jcp:Initiative }"
    (row,) = list(store.query(query, use_default_graph_as_union=True))
    assert int(row["n"].value) == 23


def test_opening_the_built_store_reads_no_dump(release, tmp_path):
    """Serving opens the built store as it is: nothing is reloaded, so start-up does not grow with the data."""
    from planlod import store as stores

    alone = tmp_path / "store"
    shutil.copytree(release / "store", alone)  # the store with no dump (and no source) beside it
    before = {p.name: p.stat().st_size for p in alone.iterdir()}
    store = stores.open_read_only(alone)
    stats = json.loads((release / "stats.json").read_text(encoding="utf-8"))
    assert len(store) == stats["quads"]
    del store
    assert {p.name: p.stat().st_size for p in alone.iterdir()} == before  # opening wrote nothing


def test_dumps_keep_each_subject_together(release):
    """The N-Quads are written graph by graph and subject by subject, so the same plan gives the same bytes."""
    lines = (release / "dataset.nq").read_text(encoding="utf-8").splitlines()
    keys = [(line.rsplit(" ", 2)[-2], line.split(" ", 1)[0]) for line in lines]
    assert keys == sorted(keys)


def test_current_points_at_the_release(release, settings):
    assert build.current_release(settings.build_dir) == release
    assert (settings.build_dir / "current").is_symlink()


def test_failed_build_publishes_nothing_and_keeps_the_previous_release(tmp_path, data_copy):
    out = tmp_path / "out"
    good = build.run(Settings(data_dir=data_copy(), build_dir=out))
    before = sorted(p.name for p in (out / "releases").iterdir())

    def break_it(lines):
        lines[26] = "②魅力発信 力の強化"  # a truncated row
        return lines

    with pytest.raises(SourceError):
        build.run(Settings(data_dir=data_copy(break_it), build_dir=out))
    assert build.current_release(out) == good.release
    assert sorted(p.name for p in (out / "releases").iterdir()) == before


def test_killed_build_leftovers_are_cleared_by_the_next_build(tmp_path, data_copy):
    out = tmp_path / "out"
    (out / "releases" / ".staging-killed").mkdir(parents=True)
    result = build.run(Settings(data_dir=data_copy(), build_dir=out))
    assert not (out / "releases" / ".staging-killed").exists()
    assert build.current_release(out) == result.release


def test_old_releases_are_pruned(tmp_path, data_copy):
    out = tmp_path / "out"
    settings = Settings(data_dir=data_copy(), build_dir=out, keep_releases=1)
    for _ in range(3):
        # An edit each time: a rebuild with no change publishes no new release.
        data_copy(lambda lines: [line.replace("地域色を", "地域色を、", 1) for line in lines])
        last = build.run(settings).release
    releases = sorted(p for p in (out / "releases").iterdir() if not p.name.startswith("."))
    assert len(releases) == 2 and releases[-1] == last


def test_one_build_at_a_time(tmp_path, data_copy):
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(build.BuildError, match="another build is writing"):
            build.run(Settings(data_dir=data_copy(), build_dir=out))


def test_no_plan_folder(tmp_path):
    with pytest.raises(build.BuildError, match="no plan folder"):
        build.run(Settings(data_dir=tmp_path / "empty", build_dir=tmp_path / "out"))


def test_a_rebuild_reuses_the_shacl_verdict_of_an_unchanged_plan(tmp_path, data_copy, monkeypatch):
    from planlod import shacl_cache

    monkeypatch.setenv("PLANLOD_CACHE_DIR", str(tmp_path / "cache"))
    data = data_copy()
    settings = Settings(data_dir=data, build_dir=tmp_path / "out", reasoner=False)
    build.run(settings)
    (entry,) = shacl_cache.default_cache().glob("*.json")
    # Injected: a note only the cache knows about. An unchanged plan's rebuild must reuse it.
    stored = json.loads(entry.read_text(encoding="utf-8"))
    stored["findings"].append({
        "severity": "Info", "focus": "urn:injected", "path": None, "value": None,
        "messages": {"en": "from the cache", "ja": "キャッシュから"}, "shape": "urn:shape", "component": "x",
    })  # fmt: skip
    entry.write_text(json.dumps(stored), encoding="utf-8")
    assert any(f.focus == "urn:injected" for f in build.run(settings).report.findings)
    # An edited paragraph is a different plan: checked again, the injected note is gone.
    source = data / "272116-ibaraki-5th" / "source.txt"
    source.write_text(
        source.read_text(encoding="utf-8").replace("積極的に取り込みます", "取り込みます"), encoding="utf-8"
    )
    assert not any(f.focus == "urn:injected" for f in build.run(settings).report.findings)
    # A damaged entry is not trusted: it is checked again and rewritten.
    for damaged in shacl_cache.default_cache().glob("*.json"):
        damaged.write_text("{not json", encoding="utf-8")
    assert build.run(settings).report.conforms
    newest = max(shacl_cache.default_cache().glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    assert json.loads(newest.read_text(encoding="utf-8"))["findings"] == []
