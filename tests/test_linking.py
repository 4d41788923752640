"""Other cities link their plans: two plans built together, a link suggested, accepted, published
and visible from both sides. The second plan is a small fictional fixture (tests/fixtures)."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from planlod import build
from planlod.cli import cli
from planlod.config import ROOT, Settings
from planlod.linking import LINKS_FILE, content_words, read_review
from planlod.vocab import RDF, SKOS, VOID

FICTIONAL = ROOT / "tests" / "fixtures" / "999997-fictional-1st"
IBARAKI = "https://w3id.org/jp-cityplan/id/272116/5th"
FICTION = "https://w3id.org/jp-cityplan/id/999997/1st"


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory) -> Settings:
    data = tmp_path_factory.mktemp("two-plans")
    shutil.copytree(ROOT / "data" / "272116-ibaraki-5th", data / "272116-ibaraki-5th")
    shutil.copytree(FICTIONAL, data / FICTIONAL.name)
    settings = Settings(data_dir=data, build_dir=tmp_path_factory.mktemp("two-plans-build"))
    build.run(settings)
    return settings


def invoke(settings: Settings, *args: str):
    base = ["--data-dir", str(settings.data_dir), "--build-dir", str(settings.build_dir)]
    result = CliRunner().invoke(cli, [*base, *args], catch_exceptions=False)
    return result


def test_japanese_tokenizer_finds_content_words():
    words = content_words("電子自治体の推進とICTガバナンスを強化します")
    assert {"電子", "自治体", "推進", "ICT", "ガバナンス", "強化"} <= set(words)
    assert "の" not in words and "ます" not in words


def test_link_suggests_with_score_and_evidence(two_plans):
    result = invoke(two_plans, "link", "--from", "999997/1st", "--to", "272116/5th")
    assert result.exit_code == 0, result.output
    review = two_plans.data_dir / FICTIONAL.name / LINKS_FILE
    decisions = read_review(review)
    by_source = {}
    for d in decisions:
        by_source.setdefault(d.source, []).append(d)
    # The fictional 電子自治体の推進 matches Ibaraki's 7-2-7 best, 男女共同参画の推進 matches 7-5-1.
    assert by_source["2-1-1"][0].target == f"{IBARAKI}/initiative/7-2-7"
    assert by_source["2-2-1"][0].target == f"{IBARAKI}/initiative/7-5-1"
    best = by_source["2-1-1"][0]
    assert best.status == "suggested" and 0 < best.score <= 1
    assert any("ビッグデータ" in e for e in best.evidence)  # the shared glossary term
    assert all(d.relation in ("closeMatch", "relatedMatch") for d in decisions)
    assert "owl:sameAs" not in review.read_text(encoding="utf-8").replace("never owl:sameAs", "")


def accept(review: Path, source: str, target: str) -> None:
    text = review.read_text(encoding="utf-8")
    blocks = text.split("[[link]]")
    for i, block in enumerate(blocks):
        if f'from = "{source}"' in block and f'to = "{target}"' in block:
            block = block.replace('status = "suggested"', 'status = "accepted"')
            block = block.replace('reviewed_by = ""', 'reviewed_by = "架空市 企画課"')
            blocks[i] = block.replace('reviewed_on = ""', 'reviewed_on = "2026-11-25"')
    review.write_text("[[link]]".join(blocks), encoding="utf-8")


def test_accepted_link_is_published_and_seen_from_both_sides(two_plans):
    from server import create_app

    review = two_plans.data_dir / FICTIONAL.name / LINKS_FILE
    if not review.exists():
        invoke(two_plans, "link", "--from", "999997/1st", "--to", "272116/5th")
    accept(review, "2-1-1", f"{IBARAKI}/initiative/7-2-7")
    assert build.run(two_plans).report.conforms
    # A second suggestion run keeps the decision.
    invoke(two_plans, "link", "--from", "999997/1st", "--to", "272116/5th")
    kept = [d for d in read_review(review) if d.status == "accepted"]
    assert [(d.source, d.target) for d in kept] == [("2-1-1", f"{IBARAKI}/initiative/7-2-7")]

    app = create_app(two_plans)
    client = app.test_client()
    try:
        data = Graph().parse(data=client.get("/doc/999997/1st/initiative/2-1-1.ttl").get_data(), format="turtle")
        assert (URIRef(f"{FICTION}/initiative/2-1-1"), SKOS.closeMatch, URIRef(f"{IBARAKI}/initiative/7-2-7")) in data
        # the other side sees it as an incoming link
        ibaraki = client.get("/doc/272116/5th/initiative/7-2-7.html", headers={"Accept-Language": "ja"})
        html = ibaraki.get_data(as_text=True)
        assert "他の計画との対応" in html and "/id/999997/1st/initiative/2-1-1" in html
        compare = re.search(r'href="(/compare\?[^"]+)"', html).group(1).replace("&amp;", "&")
        page = client.get(compare).get_data(as_text=True)
        assert "電子自治体の推進" in page and "行政手続きの電子化が遅れており" in page
        assert "ICT利活用は社会的課題解決の鍵となるため" in page
        # the VoID linkset with its provenance
        linkset_graph = Graph().parse(data=client.get("/doc/999997/1st/graph/links.ttl").get_data(), format="turtle")
        (linkset,) = linkset_graph.subjects(RDF.type, VOID.Linkset)
        assert linkset_graph.value(linkset, VOID.linkPredicate) == SKOS.closeMatch
        assert int(linkset_graph.value(linkset, VOID.triples)) == 1
        assert str(linkset_graph.value(linkset, URIRef("http://purl.org/dc/terms/contributor"))) == "架空市 企画課"
        # both plans are listed on the home page and in the catalogue, one dataset each
        home = client.get("/").get_data(as_text=True)
        assert "第5次茨木市総合計画" in home and "架空市" in home
        catalog = Graph().parse(data=client.get("/catalog").get_data(), format="turtle")
        assert len(set(catalog.subjects(RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset")))) == 2
    finally:
        app.extensions["planlod"].close()


def test_same_as_is_refused(tmp_path):
    review = tmp_path / LINKS_FILE
    review.write_text('[[link]]\nfrom = "2-1-1"\nto = "x"\nrelation = "sameAs"\n', encoding="utf-8")
    from planlod.linking import LinkError

    with pytest.raises(LinkError, match="never owl:sameAs"):
        read_review(review)
    assert tomllib.loads(review.read_text(encoding="utf-8"))


def test_validate_checks_every_plan_of_the_release(two_plans):
    from planlod import validate
    from planlod.build import current_release

    report = validate.check_release(current_release(two_plans.build_dir))
    assert report.conforms
    # The fictional plan gives no plan period: a note about it proves its block was checked.
    assert any(f.focus == FICTION and f.severity == "Info" for f in report.findings)
