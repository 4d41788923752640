"""Other cities link their plans: two plans built together, a link suggested, accepted, published
and visible from both sides. The second plan is a small fictional fixture (tests/fixtures); the
labelled pairs between it and Ibaraki's plan (tests/fixtures/links-999997-272116.toml) measure
how good the suggestions are."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from planlod import build, linking
from planlod import store as stores
from planlod.build import current_release
from planlod.cli import cli
from planlod.config import ROOT, Settings
from planlod.linking import LINKS_FILE, content_words, read_review
from planlod.vocab import RDF, SKOS, VOID

FICTIONAL = ROOT / "tests" / "fixtures" / "999997-fictional-1st"
LABELLED = ROOT / "tests" / "fixtures" / "links-999997-272116.toml"
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
    assert {"電子", "自治体", "ICT", "ガバナンス", "強化"} <= set(words)
    assert "の" not in words and "ます" not in words


def test_function_words_and_format_words_are_not_content_words():
    # Measured: とも (SudachiPy's split of とともに), よる (による), 作り (づくり) and 指針 were
    # offered as evidence.
    text = "協働によるまちづくりを進めるとともに、それぞれの計画に基づき、地域づくりのための指針を示すことです"
    words = content_words(text)
    assert {"協働", "地域"} <= set(words) and "町作り" in words  # まちづくり, normalised
    for function_word in ("とも", "よる", "作り", "基づく", "其々", "為", "こと", "指針", "計画"):
        assert function_word not in words, function_word


def test_words_keep_their_spelling_for_display():
    (city, promotion) = linking.words_of("シティプロモーション")
    assert (city.norm, city.shown) == ("シティー", "シティ")  # matched normalised, shown as written
    assert promotion.shown == "プロモーション"


@pytest.fixture(scope="module")
def suggested(two_plans) -> Settings:
    """The two plans after `planlod link --from 999997/1st --to 272116/5th`."""
    result = invoke(two_plans, "link", "--from", "999997/1st", "--to", "272116/5th")
    assert result.exit_code == 0, result.output
    return two_plans


def suggestions_by_source(settings: Settings) -> dict[str, list]:
    review = settings.data_dir / FICTIONAL.name / LINKS_FILE
    by_source: dict[str, list] = {}
    for d in read_review(review):
        by_source.setdefault(d.source, []).append(d)
    return by_source


def test_link_suggests_with_score_and_evidence(suggested):
    review = suggested.data_dir / FICTIONAL.name / LINKS_FILE
    by_source = suggestions_by_source(suggested)
    # The fictional 電子自治体の推進 matches Ibaraki's 7-2-7 best, 男女共同参画の推進 matches 7-5-1.
    assert by_source["2-1-1"][0].target == f"{IBARAKI}/initiative/7-2-7"
    assert by_source["2-2-1"][0].target == f"{IBARAKI}/initiative/7-5-1"
    best = by_source["2-1-1"][0]
    assert best.status == "suggested" and 0 < best.score <= 1
    assert any("ビッグデータ" in e for e in best.evidence)  # the shared glossary term
    assert "owl:sameAs" not in review.read_text(encoding="utf-8").replace("never owl:sameAs", "")


def evidence_words(decision) -> list[str]:
    """The shared words and glossary terms a suggestion offers as its evidence."""
    found = []
    for e in decision.evidence:
        kind, _, listed = e.partition(": ")
        if kind.startswith(("text", "glossary")):
            found += listed.removeprefix("共通の語 ").removeprefix("共通の用語 ").split("・")
    return found


def test_evidence_is_content_words_as_the_texts_write_them(suggested):
    by_source = suggestions_by_source(suggested)
    shown = [w for decisions in by_source.values() for d in decisions for w in evidence_words(d)]
    for noise in ("とも", "よる", "作り", "指針", "計画", "其々"):
        assert noise not in shown, noise
    # 自治会活動の支援 and 7-6-1's sector plans (架空市協働推進指針, 地域コミュニティ基本指針) share
    # only the word 指針: that is no evidence
    (association,) = [d for d in by_source["2-3-3"] if d.target.endswith("/7-6-1")]
    assert not any(e.startswith("sector plans") for e in association.evidence), association.evidence
    # 協働による地域づくり → 7-7-1: the shared words, not the grammar around them
    coop = by_source["2-3-1"][0]
    assert coop.target == f"{IBARAKI}/initiative/7-7-1"  # measured: 7-6-1 and 7-6-2 came first
    assert {"協働", "パートナーシップ"} <= set(evidence_words(coop))
    # both texts write シティプロモーション; SudachiPy normalises it to シティー・プロモーション
    promotion = by_source["2-3-2"][0]
    assert promotion.target == f"{IBARAKI}/initiative/7-1-1"
    assert "シティプロモーション" in evidence_words(promotion)
    assert not any("シティー" in w for w in shown)


def test_relation_is_proposed_from_the_score(suggested):
    decisions = [d for ds in suggestions_by_source(suggested).values() for d in ds]
    for d in decisions:
        assert d.relation == ("closeMatch" if d.score >= linking.CLOSE_MATCH else "relatedMatch"), d
    assert {d.relation for d in decisions} == {"closeMatch", "relatedMatch"}
    assert min(d.score for d in decisions) >= linking.MIN_SCORE


def test_review_file_names_both_cities(suggested):
    text = (suggested.data_dir / FICTIONAL.name / LINKS_FILE).read_text(encoding="utf-8")
    assert "# 架空市 2-1-1 電子自治体の推進 → 茨木市 7-2-7 電子自治体の推進\n[[link]]" in text
    assert tomllib.loads(text)["link"]  # the comments leave it valid TOML


def test_top_suggestion_precision_on_the_labelled_pairs(two_plans, record_property):
    """Precision of the top suggestion, and of the relation proposed, on pairs labelled by reading both plans."""
    store = stores.open_read_only(current_release(two_plans.build_dir) / stores.STORE_DIR)
    ours, theirs = linking.initiatives_of(store, FICTION), linking.initiatives_of(store, IBARAKI)
    suggestions = linking.suggest(ours, theirs)
    top = {}
    for s in suggestions:
        top.setdefault(s.source.notation, s)
    pairs = tomllib.loads(LABELLED.read_text(encoding="utf-8"))["pair"]
    close = {p["from"]: p["to"] for p in pairs if p["relation"] == "closeMatch"}
    assert set(close) == {i.notation for i in ours}  # every initiative of the fixture is labelled
    right = sorted(n for n, to in close.items() if n in top and top[n].target.notation == to)
    precision = len(right) / len(close)
    proposed_close = [s for s in suggestions if s.relation == "closeMatch"]
    labelled_close = {(n, to) for n, to in close.items()}
    close_right = [s for s in proposed_close if (s.source.notation, s.target.notation) in labelled_close]
    print(
        f"\ntop suggestion right for {len(right)}/{len(close)} initiatives (precision {precision:.2f}); "
        f"closeMatch proposed {len(proposed_close)} times, {len(close_right)} labelled closeMatch"
    )
    record_property("top_suggestion_precision", precision)
    record_property("close_match_precision", len(close_right) / len(proposed_close))
    # Floors from the labelled set: before this measurement 7/8 were right (協働による地域づくり
    # went to 7-6-1); the fixed case makes 8/8. No pair the set calls relatedMatch, nor any it
    # leaves out, may be proposed as closeMatch; 7 of the 8 closeMatch pairs score above
    # CLOSE_MATCH (職員の育成/職員の能力開発 is worded differently and stays relatedMatch).
    assert precision == 1.0, {n: top[n].target.notation if n in top else None for n in close}
    assert close_right == proposed_close, [(s.source.notation, s.target.notation, s.score) for s in proposed_close]
    assert len(close_right) >= 7


def accept(review: Path, source: str, target: str, relation: str | None = None) -> None:
    """Accept one suggestion as a reviewer would, editing the file by hand (optionally changing its relation)."""
    text = review.read_text(encoding="utf-8")
    blocks = text.split("[[link]]")
    for i, block in enumerate(blocks):
        if f'from = "{source}"' in block and f'to = "{target}"' in block:
            block = block.replace('status = "suggested"', 'status = "accepted"')
            if relation:
                block = re.sub(r'relation = "\w+"', f'relation = "{relation}"', block)
            block = block.replace('reviewed_by = ""', 'reviewed_by = "架空市 企画課"')
            blocks[i] = block.replace('reviewed_on = ""', 'reviewed_on = "2026-11-25"')
    review.write_text("[[link]]".join(blocks), encoding="utf-8")


def section(html: str, heading_id: str) -> str:
    return re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S).group(1)


@pytest.mark.usefixtures("suggested")
def test_accepted_link_is_published_and_seen_from_both_sides(two_plans):
    from server import create_app

    review = two_plans.data_dir / FICTIONAL.name / LINKS_FILE
    accept(review, "2-1-1", f"{IBARAKI}/initiative/7-2-7")  # proposed as closeMatch
    accept(review, "2-3-1", f"{IBARAKI}/initiative/7-6-1")  # proposed as relatedMatch
    accept(review, "2-1-3", f"{IBARAKI}/initiative/7-3-1", relation="closeMatch")  # upgraded by the reviewer
    assert build.run(two_plans).report.conforms
    # A second suggestion run keeps the decisions, with the relation the reviewer chose.
    invoke(two_plans, "link", "--from", "999997/1st", "--to", "272116/5th")
    accepted = [d for d in read_review(review) if d.status == "accepted"]
    kept = sorted((d.source, d.target.rsplit("/", 1)[1], d.relation) for d in accepted)
    assert kept == [
        ("2-1-1", "7-2-7", "closeMatch"), ("2-1-3", "7-3-1", "closeMatch"), ("2-3-1", "7-6-1", "relatedMatch")
    ]  # fmt: skip

    app = create_app(two_plans)
    client = app.test_client()
    try:
        data = Graph().parse(data=client.get("/doc/999997/1st/initiative/2-1-1.ttl").get_data(), format="turtle")
        assert (URIRef(f"{FICTION}/initiative/2-1-1"), SKOS.closeMatch, URIRef(f"{IBARAKI}/initiative/7-2-7")) in data
        # the other side sees it as an incoming link
        ibaraki = client.get("/doc/272116/5th/initiative/7-2-7.html", headers={"Accept-Language": "ja"})
        html = ibaraki.get_data(as_text=True)
        assert "他の計画との対応" in html and "/id/999997/1st/initiative/2-1-1" in html
        # the linked initiative is named with its city, on both sides (measured: Ibaraki's page had no 架空市)
        assert "架空市" in section(html, "h-matches")
        ours = client.get("/doc/999997/1st/initiative/2-1-1.html", headers={"Accept-Language": "ja"})
        assert "茨木市" in section(ours.get_data(as_text=True), "h-matches")
        compare = re.search(r'href="(/compare\?[^"]+)"', html).group(1).replace("&amp;", "&")
        page = client.get(compare).get_data(as_text=True)
        assert "電子自治体の推進" in page and "行政手続きの電子化が遅れており" in page
        assert "ICT利活用は社会的課題解決の鍵となるため" in page
        header = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
        assert '<span class="city">架空市</span>' in header and '<span class="city">茨木市</span>' in header
        # the VoID linksets, one per relation, with their provenance
        linkset_graph = Graph().parse(data=client.get("/doc/999997/1st/graph/links.ttl").get_data(), format="turtle")
        found = linkset_graph.subjects(RDF.type, VOID.Linkset)
        linksets = {linkset_graph.value(s, VOID.linkPredicate): s for s in found}
        assert set(linksets) == {SKOS.closeMatch, SKOS.relatedMatch}
        assert int(linkset_graph.value(linksets[SKOS.closeMatch], VOID.triples)) == 2
        assert int(linkset_graph.value(linksets[SKOS.relatedMatch], VOID.triples)) == 1
        contributor = linkset_graph.value(linksets[SKOS.closeMatch], URIRef("http://purl.org/dc/terms/contributor"))
        assert str(contributor) == "架空市 企画課"
        related = (URIRef(f"{FICTION}/initiative/2-3-1"), SKOS.relatedMatch, URIRef(f"{IBARAKI}/initiative/7-6-1"))
        assert related in linkset_graph
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
