"""Each plan in its own name: what a page says about a plan comes from that plan's dataset.toml,
what it says about the site from the site settings, on a server with two plans that differ."""

from __future__ import annotations

import re
import shutil

import pytest

from planlod import build
from planlod.config import ROOT, Settings
from server import create_app

IBARAKI = ROOT / "data" / "272116-ibaraki-5th"
FIXTURE = ROOT / "tests" / "fixtures" / "999997-fictional-1st"
SITE = {
    "site_title_ja": "架空県の総合計画データ",
    "site_title_en": "Comprehensive plans of Fictional Prefecture",
    "operator_ja": "架空県デジタル推進課",
    "operator_en": "Digital Office, Fictional Prefecture",
    "operator_url": "https://pref.example.jp/digital/",
    "contact_email": "opendata@pref.example.jp",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """Ibaraki's plan (not official, with its SDG note) and the fictional plan published by its own
    city as official (no SDG note), built into one site."""
    site = tmp_path_factory.mktemp("two-plans-site")
    shutil.copytree(IBARAKI, site / "data" / IBARAKI.name)
    shutil.copytree(FIXTURE, site / "data" / FIXTURE.name)
    toml = site / "data" / FIXTURE.name / "dataset.toml"
    text = toml.read_text(encoding="utf-8")
    for old, new in (
        ("official = false", "official = true"),
        ('publisher_ja = "planlod コントリビューター"', 'publisher_ja = "架空市"'),
        ('publisher_en = "planlod contributors"', 'publisher_en = "Fictional City"'),
    ):
        assert old in text
        text = text.replace(old, new)
    toml.write_text(text, encoding="utf-8")
    settings = Settings(site_dir=site, reasoner=False, **SITE)
    build.run(settings)
    app = create_app(settings)
    yield app.test_client()
    app.extensions["planlod"].close()


def page(client, iri_path: str, lang: str = "ja") -> str:
    response = client.get(f"{iri_path}?lang={lang}", headers={"Accept": "text/html"}, follow_redirects=True)
    assert response.status_code == 200, iri_path
    return response.get_data(as_text=True)


def footer(html: str) -> str:
    return re.search(r'<footer class="site">(.*?)</footer>', html, re.S).group(1)


def sdg_section(html: str) -> str:
    found = re.search(r'<section class="suggestions".*?</section>', html, re.S)
    assert found, "the page shows SDG suggestions"
    return found.group(0)


# Policies with SDG suggestions in both plans (the keyword matcher finds some in each).
IBARAKI_POLICY = "/id/272116/5th/policy/7-1"
FICTIONAL_POLICY = "/id/999997/1st/policy/2-1"


def test_a_plan_that_is_not_official_says_so_in_its_own_name(client):
    html = page(client, IBARAKI_POLICY)
    notes = footer(html)
    assert "茨木市の公式な公開物ではありません。" in notes
    assert "「第5次茨木市総合計画」のデータの公開者:planlod コントリビューター" in notes
    assert "第7章(施策7-1〜7-7)のみ" in notes  # its source's scope, from its dataset.toml
    english = footer(page(client, IBARAKI_POLICY, "en"))
    assert "Not an official publication of Ibaraki City." in english


def test_an_official_plan_shows_no_other_citys_wording(client):
    for lang in ("ja", "en"):
        notes = footer(page(client, FICTIONAL_POLICY, lang))
        assert "公式な公開物では" not in notes and "not an official publication" not in notes.lower()
        assert "茨木" not in notes and "Ibaraki" not in notes and "planlod" not in notes
    assert "公開者:架空市" in footer(page(client, FICTIONAL_POLICY))
    assert "published by Fictional City" in footer(page(client, FICTIONAL_POLICY, "en"))


def test_the_sdg_note_is_each_plans_own(client):
    ibaraki = sdg_section(page(client, IBARAKI_POLICY))
    assert "茨木市が示したSDGsの位置付けではありません" in ibaraki
    assert "表の書き出しで失われています" in ibaraki  # Ibaraki's note, from its dataset.toml
    fictional = sdg_section(page(client, FICTIONAL_POLICY))
    assert "架空市が示したSDGsの位置付けではありません" in fictional
    assert "アイコン" not in fictional and "書き出し" not in fictional and "茨木" not in fictional
    assert "not Fictional City&#39;s SDG positioning" in sdg_section(page(client, FICTIONAL_POLICY, "en"))


def test_the_home_page_shows_each_plan_with_its_own_statements(client):
    html = page(client, "/")
    ibaraki, fictional = (re.search(rf'<section class="plan"[^>]*>\s*<h2[^>]*><a href="[^"]*{key}"', html)
                          for key in ("272116/5th", "999997/1st"))  # fmt: skip
    assert ibaraki and fictional
    sections = {m.start(): m for m in (ibaraki, fictional)}
    first, second = sorted(sections)
    blocks = {sections[first]: html[first:second], sections[second]: html[second:]}
    assert "茨木市の公式な公開物ではありません" in blocks[ibaraki]
    assert "公式な公開物では" not in blocks[fictional] and "公開者:架空市" in blocks[fictional]
    # A page about every plan points to where each plan's statements are, and claims none of them.
    assert "公式な公開物では" not in footer(html)


def test_the_site_speaks_for_its_operator(client):
    html = page(client, "/")
    assert f"<h1>{SITE['site_title_ja']}</h1>" in html and f"| {SITE['site_title_ja']}</title>" in html
    notes = footer(html)
    assert f'<a href="{SITE["operator_url"]}">{SITE["operator_ja"]}</a>' in notes
    assert f'href="mailto:{SITE["contact_email"]}"' in notes
    english = page(client, "/", "en")
    assert SITE["site_title_en"] in english and SITE["operator_en"] in footer(english)
