"""HTML pages: what a person sees, in Japanese first, with nothing unescaped from the data or the request."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

DOC = "/doc/272116/5th"


DATA_BLOCKS = ("application/ld+json", "application/json")


class Outline(HTMLParser):
    """Headings, links and the root lang, parsed the way a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.links: list[str] = []
        self.lang = None
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        # A data block (JSON-LD, the query editor's settings) is never run: only scripts count.
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in DATA_BLOCKS:
            self._in_script = True

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def page(client, path, lang="ja"):
    response = client.get(path, headers={"Accept-Language": lang})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_initiative_page(client):
    html = page(client, f"{DOC}/initiative/7-2-7.html")
    assert "<h1>" in html and "電子自治体の推進" in html and "7-2-7" in html
    # breadcrumbs: plan › chapter › policy
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.DOTALL).group(0)
    assert crumbs.index("第5次茨木市総合計画") < crumbs.index("まちづくりを進めるための基盤") < crumbs.index("7-2")
    # the texts, verbatim
    assert "ICT利活用は社会的課題解決の鍵となるため" in html
    assert "情報システム全体の最適化により" in html
    # commitments as a table by actor, the empty ones said to be empty
    table = re.search(r'<table class="commitments">.*?</table>', html, re.DOTALL).group(0)
    assert table.count("<tr>") == 4
    assert "「次なる茨木のためのICTビジョン」" in table
    assert table.count("(記載なし)") == 2
    # glossary marks link to their terms
    assert '<a class="mark" href="/id/272116/5th/term/7-2-n6">※6</a>' in html
    assert '<a class="mark" href="/id/272116/5th/term/7-2-n7">※7</a>' in html


def test_policy_page_lists_initiatives_sector_plans_terms_and_suggestions(client):
    html = page(client, f"{DOC}/policy/7-5.html")
    assert "少子高齢化など、社会経済情勢の急速な変化に対応し" in html
    assert "/id/272116/5th/initiative/7-5-1" in html and "/id/272116/5th/initiative/7-5-2" in html
    assert "男女共同参画計画" in html
    assert "/id/272116/5th/term/7-5-n1" in html  # the glossary of the policy
    suggestions = re.search(r'<section class="suggestions".*?</section>', html, re.DOTALL).group(0)
    assert "提案" in suggestions and "市が示したSDGsの位置付けではありません" in suggestions
    assert "ジェンダー平等を実現しよう" in suggestions
    assert "男女共同参画" in suggestions  # the reason names the matched word


def test_suggestions_are_never_shown_as_the_city_text(client):
    html = page(client, f"{DOC}/policy/7-5.html")
    texts = re.search(r'<section class="texts".*?</section>\s*</section>', html, re.DOTALL).group(0)
    assert "SDG" not in texts and "提案" not in texts


def test_glossary_term_page_shows_where_it_is_used(client):
    html = page(client, f"{DOC}/term/7-2-n6.html")
    assert "ビッグデータ" in html and "ボリュームが膨大でかつ構造が複雑であるが" in html
    assert "/id/272116/5th/initiative/7-2-7" in html  # inverse link: what points here


def test_commitment_page(client):
    html = page(client, f"{DOC}/initiative/7-1-2/commitment/citizen.html")
    assert "市や市域の事業者が開催するイベント等に積極的に参加し" in html
    assert "/id/272116/5th/initiative/7-1-2" in html


def test_provenance_links_to_the_source_lines(client):
    html = page(client, f"{DOC}/initiative/7-2-7.html")
    assert 'href="/id/272116/5th/source#L88"' in html


def test_alternate_links_and_embedded_json_ld(client):
    html = page(client, f"{DOC}/initiative/7-1-2.html")
    for suffix in ("ttl", "nt", "jsonld", "rdf", "trig", "nq"):
        assert '<link rel="alternate" type="' in html and f'href="{DOC}/initiative/7-1-2.{suffix}"' in html
    assert '<script type="application/ld+json">' in html


def test_japanese_first_english_on_request(client):
    ja = page(client, f"{DOC}/initiative/7-1-2.html", lang="ja")
    assert outline(ja).lang == "ja" and "各主体が行うこと" in ja
    en = page(client, f"{DOC}/initiative/7-1-2.html", lang="en-US,en;q=0.9")
    assert outline(en).lang == "en" and "What each actor will do" in en
    assert "魅力発信力の強化" in en  # the city's text stays Japanese
    forced = client.get(f"{DOC}/initiative/7-1-2.html?lang=en", headers={"Accept-Language": "ja"})
    assert outline(forced.get_data(as_text=True)).lang == "en"
    assert "lang=en" in forced.headers["Set-Cookie"]
    # the switch on the page
    assert 'hreflang="en"' in ja and "lang=en" in ja


def test_the_language_switch_is_remembered(app):
    client = app.test_client()
    client.get("/?lang=en")
    html = client.get(f"{DOC}/policy/7-1.html", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert outline(html).lang == "en"


@pytest.mark.parametrize(
    "path",
    ["/", "/glossary", "/sector-plans", "/matrix", "/search?q=協働", f"{DOC}/initiative/7-1-2.html",
     f"{DOC}/policy/7-2.html", "/sparql", "/catalog.html", "/doc/def.html"],
)  # fmt: skip
def test_headings_are_in_order_and_pages_have_a_language(client, path):
    html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    parsed = outline(html)
    assert parsed.lang in ("ja", "en")
    assert parsed.headings[0] == 1 and parsed.headings.count(1) == 1
    for before, after in zip(parsed.headings, parsed.headings[1:], strict=False):
        assert after <= before + 1, (path, parsed.headings)


def test_home_page_shows_the_structure(client):
    html = page(client, "/")
    for notation in ("7-1", "7-7", "7-1-1", "7-2-7", "7-7-4"):
        assert f">{notation}<" in html
    assert html.count('href="/id/272116/5th/initiative/') == 23
    assert 'action="/search"' in html


def test_search_finds_japanese_text(client):
    html = page(client, "/search?q=ビッグデータ")
    assert "<mark>ビッグデータ</mark>" in html
    assert "/id/272116/5th/initiative/7-2-7" in html
    assert "/id/272116/5th/term/7-2-n6" in html
    assert "見つかりませんでした" in page(client, "/search?q=存在しない語句")


def test_search_folds_full_width_letters(client):
    assert "/id/272116/5th/initiative/7-2-7" in page(client, "/search?q=ＩＣＴガバナンス")


def test_glossary_and_sector_plan_indexes(client):
    glossary = page(client, "/glossary")
    assert glossary.count("<dt") == 11 and "プラットフォームビルダー" in glossary
    sector = page(client, "/sector-plans")
    assert sector.count('href="/id/272116/5th/sector-plan/') == 13
    assert "人材育成基本方針" in sector and "地域社会の発展に貢献できる職員をめざした" in sector


def test_actor_matrix(client):
    html = page(client, "/matrix")
    table = re.search(r'<table class="matrix">.*?</table>', html, re.DOTALL).group(0)
    assert table.count('<th scope="row"><a href="/id/272116/5th/initiative/') == 23
    assert table.count('class="yes"') == 50
    assert table.count('class="no"') == 23 * 3 - 50


@pytest.mark.parametrize(
    "path",
    [
        "/search?q=<script>alert(1)</script>",
        "/id/272116/5th/<script>alert(1)</script>",
        "/doc/272116/5th/<img src=x onerror=alert(1)>.html",
        "/browse?iri=<script>alert(1)</script>",
        "/glossary?x=<script>alert(1)</script>",
    ],
)
def test_nothing_from_the_request_is_reflected_unescaped(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "<img src=x" not in body
    assert response.status_code < 500
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_pages_have_no_inline_scripts(client):
    for path in ("/", f"{DOC}/initiative/7-1-2.html", "/sparql"):
        html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert outline(html).scripts == [], path


def test_pages_are_cached_and_revalidated(client):
    first = client.get("/glossary")
    assert client.get("/glossary", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_query_page_serves_its_vendored_editor_under_the_policy(client):
    """YASGUI comes from this server (no CDN), with licence and version; only its fixed inline styles are allowed."""
    from planlod.config import ROOT
    from server.query_page import INLINE_STYLES, csp_hash

    page = client.get("/sparql", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert "/static/vendor/yasgui/yasgui.min.js" in html and "/static/query.js" in html
    assert not re.search(r'(src|href)="https?://', html.split("<main", 1)[0])  # nothing from elsewhere
    vendored = ROOT / "server" / "static" / "vendor" / "yasgui"
    assert "MIT" in (vendored / "LICENSE").read_text() and (vendored / "VERSION").read_text().strip()
    script = client.get("/static/vendor/yasgui/yasgui.min.js")
    assert script.status_code == 200
    script.close()
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert all(csp_hash(text) in policy for text in INLINE_STYLES)
    # Every other page keeps the plain policy.
    assert "style-src 'self';" in client.get("/", headers={"Accept": "text/html"}).headers["Content-Security-Policy"]


def test_query_page_examples_are_plain_sparql_with_their_parameters_named(client):
    from server.query_page import examples

    with client.application.test_request_context():
        found = {e["name"]: e["text"] for e in examples()}
    # Measured: the examples showed grlc's internal names (?__plan_iri, ?_actor).
    assert [name for name, text in found.items() if re.search(r"[?$]_", text)] == []
    actor = found["actor-commitments"]
    assert "#   ?actor: required" in actor and "one of city, citizen, business" in actor
    assert 'VALUES (?actor) { ("city") }' in actor


# -- pages that read right ----------------------------------------------------------------------


def incoming_headers(html: str) -> list[str]:
    section = html.split('id="h-incoming"', 1)[1].split("</section>", 1)[0] if 'id="h-incoming"' in html else ""
    return re.findall(r'<th scope="row">([^<]+)</th>', section)


def test_incoming_links_are_headed_from_the_readers_side(client):
    # Measured: 「取組の属する施策: 7-1-1…」 on 7-1 and 「参照する用語: 7-2-4」 on a term.
    policy = page(client, f"{DOC}/policy/7-1.html")
    assert "取組の属する施策" not in incoming_headers(policy)
    term = page(client, f"{DOC}/term/7-2-n6.html")
    headers = incoming_headers(term)
    assert "この用語を参照するもの" in headers and "参照する用語" not in headers
    # The mention says which text it is in.
    assert '<span class="notation">7-2-7</span> 電子自治体の推進(現状と課題)' in term
    english = client.get(f"{DOC}/term/7-2-n6.html?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "mentioned by" in incoming_headers(english)


def test_terms_used_include_those_in_commitments(client):
    # Measured: 7-2-6 had no "terms used" section although ※4 and ※5 are linked in its commitment.
    html = page(client, f"{DOC}/initiative/7-2-6.html")
    section = html.split('id="h-terms"', 1)[1].split("</section>", 1)[0]
    assert "7-2-n4" in section and "7-2-n5" in section


def test_each_text_links_to_its_own_source_lines(client):
    # Measured: the page listed 「原資料 131行」「原資料 139–141行」 without saying which text each is.
    html = page(client, f"{DOC}/initiative/7-3-1.html")
    goal = re.search(r"<h3>目標 <small[^>]*><a class=\"lines\" href=\"([^\"]+)\">([^<]+)</a>", html)
    assert goal and goal.groups() == ("/id/272116/5th/source#L140", "原資料 140行")
    situation = re.search(r"<h3>現状と課題 <small[^>]*><a class=\"lines\" href=\"([^\"]+)\">", html)
    assert situation and situation.group(1) == "/id/272116/5th/source#L139"
    # Each commitment links to its lines too.
    assert html.count('class="lines"') == 2 + 1  # 7-3-1 has one commitment (the city's)


def test_search_hits_are_headed_by_labels(client):
    # Measured: hits were headed by raw property IRIs (…/def#goal, dcterms:title's IRI).
    html = page(client, "/search?q=%E5%8D%94%E5%83%8D")
    headings = set(re.findall(r"<li><small>([^<]+)</small>:", html))
    assert headings and not [h for h in headings if "://" in h]
    assert {"タイトル", "行うこと"} <= headings


def test_glossary_numbers_are_labelled(client):
    # Measured: 「(施策 7-2, 1)」, the number unlabelled.
    html = page(client, "/glossary")
    assert re.search(r"施策 7-2</a>、本文中 \d+ か所で使用\)", html)
    english = client.get("/glossary?lang=en").get_data(as_text=True)
    assert re.search(r"policy 7-2</a>, used in \d+ places?\)", english, re.IGNORECASE)


def test_a_large_site_lists_its_plans_on_the_home_page_and_each_plan_page_keeps_the_outline(
    two_plan_settings, two_plan_release
):
    """Measured: at 101 plans the outlined home page was 0.7 MB (12 MB extrapolated at 1,741)."""
    from server import create_app

    outlined = create_app(two_plan_settings)
    listed = create_app(two_plan_settings.with_(home_outline_plans=1))
    try:
        full = outlined.test_client().get("/?lang=en").get_data(as_text=True)
        short = listed.test_client().get("/?lang=en").get_data(as_text=True)
        assert "/initiative/7-2-7" in full and "/initiative/" not in short
        for plan in ("272116/5th", "999997/1st"):
            assert f'{plan}"' in short  # each plan still linked, with its counts
        assert "23 Initiatives" in short
        assert len(short) < len(full) / 2
        plan_page = listed.test_client().get("/doc/272116/5th.html").get_data(as_text=True)
        assert "/chapter/7" in plan_page
    finally:
        outlined.extensions["planlod"].close()
        listed.extensions["planlod"].close()
