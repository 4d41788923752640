"""Stable validators: what did not change keeps its bytes, ETags, Last-Modified and dcterms:modified.

Harvesters and caches re-fetch whatever looks new; a rebuild with no change must look
exactly like the release they have.
"""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path

import pytest
from conftest import FICTIONAL_PLAN, REAL_PLAN
from rdflib import Graph, URIRef

from planlod import build
from planlod.changes import CHANGES_FILE
from planlod.config import Settings
from planlod.vocab import DCTERMS

BASE = "https://w3id.org/jp-cityplan/"
PATHS = ("/catalog", "/catalog.html", "/data/dataset.nq", "/data/dataset.jsonld", "/data/272116/5th/dataset.ttl",
         "/.well-known/void", "/changes", "/sitemap.xml")  # fmt: skip


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    for plan in (REAL_PLAN, FICTIONAL_PLAN):
        shutil.copytree(plan, folder / plan.name)
    return folder


def settings_for(data: Path, out: Path) -> Settings:
    return Settings(data_dir=data, build_dir=out, reasoner=False)  # the reasoner adds nothing to what is published


def test_two_builds_of_the_same_plans_write_the_same_bytes(data, tmp_path):
    first = build.run(settings_for(data, tmp_path / "one")).release
    second = build.run(settings_for(data, tmp_path / "two")).release
    dumps = sorted(p.relative_to(first) for p in first.rglob("dataset.*"))
    assert len(dumps) == 3 * len(build.DUMPS)  # the whole release's and each plan's
    assert [str(d) for d in dumps if not filecmp.cmp(first / d, second / d, shallow=False)] == []
    # The report too: the fictional plan's missing period is a finding, a blank node in the report.
    report = "validation-report.ttl"
    assert "sh:result" in (first / report).read_text(encoding="utf-8")
    assert filecmp.cmp(first / report, second / report, shallow=False)


def snapshot(client) -> dict[str, tuple]:
    found = {}
    for path in PATHS:
        with client.get(path) as response:
            assert response.status_code == 200, path
            found[path] = (response.headers.get("ETag"), response.headers.get("Last-Modified"), response.get_data())
    return found


def test_a_rebuild_with_no_change_is_the_same_release(data, tmp_path):
    from server import create_app

    settings = settings_for(data, tmp_path / "out")
    first = build.run(settings)
    app = create_app(settings)
    try:
        before = snapshot(app.test_client())
        again = build.run(settings)
        assert not again.published and again.release == first.release
        assert snapshot(app.test_client()) == before
    finally:
        app.extensions["planlod"].close()
    fresh = create_app(settings)  # a server started after the rebuild sees the same
    try:
        assert snapshot(fresh.test_client()) == before
    finally:
        fresh.extensions["planlod"].close()


def test_a_dataset_is_modified_when_its_plan_changes_not_when_another_does(data, tmp_path):
    from server import create_app

    settings = settings_for(data, tmp_path / "out")
    build.run(settings)

    def modified() -> dict[str, str]:
        app = create_app(settings)
        try:
            graph = Graph().parse(data=app.test_client().get("/catalog").get_data(), format="turtle")
        finally:
            app.extensions["planlod"].close()
        return {key: str(graph.value(URIRef(f"{BASE}id/{key}/dataset"), DCTERMS.modified))
                for key in ("272116/5th", "999997/1st")}  # fmt: skip

    before = modified()
    source = data / REAL_PLAN.name / "source.txt"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("地域色を積極的に取り込みます", "地域色を取り込みます"), encoding="utf-8")
    result = build.run(settings)
    assert result.published
    latest, initial = json.loads((result.release / CHANGES_FILE).read_text(encoding="utf-8"))["builds"]
    assert before == {"272116/5th": initial["built_at"], "999997/1st": initial["built_at"]}
    assert modified() == {"272116/5th": latest["built_at"], "999997/1st": initial["built_at"]}
