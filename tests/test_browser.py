"""The pages as people see them: Debian's Chromium driven by Playwright against a real HTTP server.

Every test watches the browser for console errors, uncaught exceptions, failed requests and
HTTP errors, follows every link of the pages it visits, and runs axe-core (the copy bundled by
``axe-playwright-python``, so nothing is downloaded) for WCAG 2.1 A/AA and best practices:
``lang`` attributes, heading order, labels, colour contrast. Screenshots of the pages go to
``docs/screenshots/``; the README shows two of them.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

import pytest

from planlod.config import ROOT

pytestmark = [
    pytest.mark.browser,
    # What a page shows does not depend on the store (the server suite runs on both); one is enough here.
    pytest.mark.parametrize("app", ["embedded"], indirect=True),
]

SCREENSHOTS = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

DOC = "/doc/272116/5th"
POLICY = f"{DOC}/policy/7-1.html"
INITIATIVE = f"{DOC}/initiative/7-1-1.html"  # its 市 commitment mentions ※1 (三つの基本方向)
TERM = f"{DOC}/term/7-1-n1.html"


@dataclass
class Watch:
    """Everything that went wrong in a page, as a person's browser would show it (console, network)."""

    problems: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text} {m.location}"))
        page.on("pageerror", lambda e: self.problems.append(f"uncaught: {e}"))
        page.on("requestfailed", self.request_failed)
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def request_failed(self, request) -> None:
        # ERR_ABORTED is the browser cancelling a request itself, when a click leaves the page
        # while its icon is still loading: not a failure of the server.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed: {request.url} {request.failure}")


class Browser:
    """One browser context (cookies, JavaScript on or off) and its pages, all watched."""

    def __init__(self, chromium, base: str, javascript: bool = True, locale: str = "ja-JP") -> None:
        self.base = base
        self.javascript = javascript
        self.watch = Watch()
        self.context = chromium.new_context(java_script_enabled=javascript, locale=locale, viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.watch.attach(self.page)

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, path

    @property
    def path(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def html_lang(self) -> str:
        return self.page.get_attribute("html", "lang")

    def screenshot(self, name: str, down_to: str | None = None) -> None:
        """The first screen of the page, or down to the end of the element ``down_to``."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # The endpoint's address shows this test server's random port: masked, so the committed
        # screenshots do not change with every run.
        masked = [self.page.locator(".endpoint"), self.page.locator(".yasgui input.autocomplete")]
        if down_to is None:
            self.page.screenshot(path=SCREENSHOTS / f"{name}.png", mask=masked, mask_color="#dde3ea")
            return
        self.page.evaluate("() => window.scrollTo(0, 0)")
        box = self.page.locator(down_to).bounding_box()
        clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": box["y"] + box["height"] + 24}
        self.page.screenshot(
            path=SCREENSHOTS / f"{name}.png", full_page=True, clip=clip, mask=masked, mask_color="#dde3ea"
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def browser(chromium, live_server):
    opened: list[Browser] = []

    def open_browser(**options) -> Browser:
        b = Browser(chromium, live_server, **options)
        opened.append(b)
        return b

    yield open_browser
    for b in opened:
        b.close()


# -- what every visited page must pass ----------------------------------------------------

_checked_links: dict[str, int] = {}  # URL → status, shared by the tests (pages link to each other)


def fetch(url: str) -> tuple[int, str]:
    """A link followed as a browser would, but without the browser's cookies (the language switch sets one)."""
    request = urllib.request.Request(url, headers={"Accept": "text/html,*/*;q=0.8"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, ""


def links_resolve(b: Browser) -> None:
    """Every link of the page leads to a page of this server that answers, and its #fragment exists."""
    hrefs = b.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    # The network is closed here and the data's own IRIs are served locally (foreign ones through
    # /browse), so a link elsewhere would be a link nobody here can check: there must be none.
    assert [h for h in hrefs if not h.startswith(b.base)] == []
    broken = []
    here = urldefrag(b.page.url)[0]
    for url in sorted(set(hrefs)):
        target, fragment = urldefrag(url)
        if target == here and fragment:
            # A place in this page, which a script may have drawn (YASGUI's tabs): look in the live page.
            if b.page.evaluate("id => document.getElementById(id) === null", fragment):
                broken.append(f"404 {url}")
            continue
        if url not in _checked_links:
            target, fragment = urldefrag(url)
            status, text = fetch(target)
            if fragment and status < 400 and f'id="{fragment}"' not in text:
                status = 404  # the page is there, but not the place the link points at
            _checked_links[url] = status
        if _checked_links[url] >= 400:
            broken.append(f"{_checked_links[url]} {url}")
    assert broken == [], f"broken links on {b.path}"


def accessible(b: Browser) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(b.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert found == [], f"axe-core on {b.path}"


def healthy(b: Browser) -> None:
    """No console errors or failed requests so far, every link resolves, and axe-core finds nothing."""
    b.page.wait_for_load_state("load")
    links_resolve(b)
    if b.javascript:  # axe-core is a script
        accessible(b)
    assert b.watch.problems == [], b.path


# -- the pages ------------------------------------------------------------------------------


def test_home_page(browser):
    b = browser()
    b.open("/")
    assert b.html_lang() == "ja"
    assert b.page.locator("h1").inner_text() == "総合計画 Linked Open Data"
    # Every policy 7-1 … 7-7 and its initiatives are a click away.
    policies = b.page.locator("a.policy .notation").all_inner_texts()
    assert policies == [f"7-{n}" for n in range(1, 8)]
    assert b.page.locator("ol.initiatives a").count() == 23
    b.screenshot("home")
    healthy(b)


def test_policy_page_links_down_to_its_initiatives(browser):
    b = browser()
    b.open("/")
    b.page.locator("a.policy", has_text="7-1").first.click()
    assert b.path == POLICY
    assert "まちの魅力を市内外に発信する" in b.page.locator("h1").inner_text()
    children = b.page.locator("ol.children a .notation").all_inner_texts()
    assert ["7-1-1", "7-1-2", "7-1-3"] == [c for c in children if c.startswith("7-1-")][:3]
    b.screenshot("policy")
    healthy(b)


def test_initiative_page_with_its_commitments_table(browser):
    b = browser()
    b.open(POLICY)
    b.page.locator("ol.children a", has_text="戦略的なシティプロモーションの構築と展開").click()
    assert b.path == INITIATIVE
    table = b.page.locator("table.commitments")
    actors = table.locator("tbody th[scope=row] a").all_inner_texts()  # "city 市": the notation, then the label
    assert [a.split()[-1] for a in actors] == ["市", "市民", "事業者・団体"]
    cells = table.locator("tbody td")
    assert "三つの基本方向" in cells.nth(0).inner_text()
    assert "市民レベルでのシティプロモーションを行います。" in cells.nth(1).inner_text()
    # The breadcrumbs lead back up: plan › chapter › policy.
    crumbs = b.page.locator("nav.breadcrumbs li").all_inner_texts()
    assert crumbs[0].endswith("第5次茨木市総合計画") and crumbs[-1] == "戦略的なシティプロモーションの構築と展開"
    b.screenshot("initiative", down_to="table.commitments")
    healthy(b)


def test_glossary_term_reached_from_its_mark_in_the_text(browser):
    b = browser()
    b.open(INITIATIVE)
    mark = b.page.locator("table.commitments a.mark", has_text="※1")
    assert mark.count() == 1
    mark.click()
    assert b.path == TERM
    assert "三つの基本方向" in b.page.locator("h1").inner_text()
    # The term's page shows its definition, the city's word, and where it is used.
    assert b.page.locator("section.texts p[lang=ja]").count() >= 1
    assert b.page.get_by_role("link", name=re.compile("7-1-1")).count() >= 1
    b.screenshot("glossary-term")
    healthy(b)


def test_language_switch_is_remembered_across_pages(browser):
    b = browser()
    b.open(INITIATIVE)
    assert b.page.locator("#h-commitments").inner_text() == "各主体が行うこと"
    b.page.locator("a.lang-switch").click()
    assert b.html_lang() == "en"
    assert b.page.locator("#h-commitments").inner_text() == "What each actor will do"
    # The city's text stays Japanese, and says so.
    assert b.page.locator("table.commitments td p[lang=ja]").count() >= 3
    healthy(b)  # the English page too: contrast and labels do not depend on the language
    b.page.locator("nav.breadcrumbs a").last.click()
    assert b.path == POLICY and b.html_lang() == "en"
    b.page.locator("a.lang-switch").click()
    assert b.html_lang() == "ja"
    b.open("/")
    assert b.html_lang() == "ja"


def test_search_from_the_header(browser):
    b = browser()
    b.open("/")
    b.page.get_by_role("searchbox").fill("シティプロモーション")
    b.page.get_by_role("searchbox").press("Enter")
    b.page.wait_for_url(re.compile(r"/search\?q="))
    marks = b.page.locator("main mark").all_inner_texts()
    assert marks and set(marks) == {"シティプロモーション"}
    b.screenshot("search")
    healthy(b)
    b.page.locator("main li a").first.click()
    assert b.path.startswith(f"{DOC}/")


def run_in_editor(b: Browser):
    """Press YASGUI's run button and wait for its results table; its rows."""
    b.page.locator(".yasqe_queryButton").click()
    rows = b.page.locator(".yasr_results table.dataTable tbody tr")
    rows.first.wait_for()
    return rows


def test_query_editor_runs_an_example_and_its_shared_link_reopens_it(browser):
    b = browser()
    b.open("/sparql")
    assert b.page.locator("#query-form").is_hidden()  # YASGUI takes the form's place
    b.page.locator("a.example", has_text="plan-structure").click()
    editor = b.page.locator(".yasqe .CodeMirror")
    assert "jcp:hasChapter" in editor.inner_text()
    # Highlighting: the editor knows SPARQL's keywords and variables.
    assert editor.locator(".cm-keyword", has_text="SELECT").count() == 1
    assert editor.locator(".cm-atom, .cm-variable-2", has_text="?initiativeNotation").count() >= 1
    rows = run_in_editor(b)
    assert rows.count() == 23  # one row per initiative of chapter 7
    table = b.page.locator(".yasr_results table.dataTable")
    assert "7-1-1" in table.inner_text()
    # The data's IRIs lead to this server's pages, not to w3id.org.
    first = table.locator("tbody a").first.get_attribute("href")
    assert first.startswith("/browse?iri=https%3A%2F%2Fw3id.org%2Fjp-cityplan%2Fid%2F")
    # The raw answer and its download are there too.
    assert b.page.locator(".yasr_btnGroup", has_text="応答").count() == 1
    assert b.page.locator(".yasr_downloadIcon").count() == 1
    b.screenshot("query", down_to=".yasr_results table.dataTable")
    healthy(b)
    # The share button gives a link; a fresh browser opening it sees the query and the same results.
    b.page.locator(".yasqe_share").click()
    link = b.page.locator(".yasqe_sharePopup input").input_value()
    assert link.startswith(f"{b.base}/sparql#") and "query=" in link
    fresh = browser()
    fresh.page.goto(link)
    again = fresh.page.locator(".yasr_results table.dataTable tbody tr")
    again.first.wait_for()
    assert "jcp:hasChapter" in fresh.page.locator(".yasqe .CodeMirror").inner_text()
    assert again.all_inner_texts() == rows.all_inner_texts()
    healthy(fresh)


def test_query_editor_speaks_the_page_language(browser):
    # Measured: the script's table said "7 rows" in English on the Japanese page.
    b = browser()
    b.open("/sparql")
    run_in_editor(b)
    header = b.page.locator(".yasr_header").inner_text()
    assert re.search(r"\d+ 件", header) and "result" not in header
    assert b.page.locator(".dt-info").inner_text().startswith("全 ")
    assert b.page.locator(".yasqe_queryButton").get_attribute("title") == "クエリを実行"
    english = browser(locale="en-US")
    english.open("/sparql?lang=en")
    run_in_editor(english)
    assert re.search(r"\d+ results? in", english.page.locator(".yasr_header").inner_text())
    assert english.page.locator(".dt-info").inner_text().endswith("rows")
    healthy(english)


def test_query_editor_completes_the_data_prefixes(browser):
    b = browser()
    b.open("/sparql")
    b.page.evaluate("() => { planlodYasgui.getTab().setQuery('SELECT * WHERE { ?s a '); }")
    b.page.locator(".yasqe .CodeMirror").click()
    b.page.keyboard.press("Control+End")
    b.page.keyboard.type("jcp:Poli", delay=20)
    hints = b.page.locator(".CodeMirror-hints li")
    hints.first.wait_for()
    assert "jcp:Policy" in hints.all_inner_texts()
    # The prefix declaration was written in for the prefix used.
    query = b.page.evaluate("() => planlodYasgui.getTab().getQuery()")
    assert "PREFIX jcp: <https://w3id.org/jp-cityplan/def#>" in query


def test_ontology_page_documents_each_term_at_its_anchor(browser):
    b = browser()
    b.open("/def")
    b.screenshot("ontology", down_to="#h-diagram + p")
    b.open("/def#Initiative")
    section = b.page.locator("section.term#Initiative")
    assert "取組" in section.locator("h3").inner_text() and "Initiative" in section.locator("h3").inner_text()
    assert section.locator("p[lang=ja]").count() == 1 and section.locator("p[lang=en]").count() == 1
    assert "dcterms:title" in section.inner_text()  # the properties of other vocabularies it carries
    # The diagram is drawn, and its boxes and the domain/range links lead to the terms' sections.
    diagram = b.page.locator("img.diagram")
    assert diagram.evaluate("img => img.complete && img.naturalWidth > 0")
    b.page.locator("section.term#goal a", has_text="jcp:Initiative").click()
    assert b.page.url.endswith("/doc/def.html#Initiative")
    healthy(b)


# -- without JavaScript ------------------------------------------------------------------


def test_everything_but_the_query_page_works_without_javascript(browser):
    """The same journey with scripts off: pages, the glossary mark, the switch and the search are plain HTML."""
    b = browser(javascript=False)
    b.open("/")
    b.page.locator("a.policy", has_text="7-1").first.click()
    assert b.path == POLICY
    b.page.locator("ol.children a", has_text="戦略的なシティプロモーションの構築と展開").click()
    assert b.page.locator("table.commitments tbody tr").count() == 3
    b.page.locator("table.commitments a.mark", has_text="※1").click()
    assert b.path == TERM
    b.page.locator("a.lang-switch").click()
    assert b.html_lang() == "en"
    b.page.get_by_role("searchbox").fill("協働")
    b.page.get_by_role("button", name="Search").click()
    assert b.path.startswith("/search?q=") and b.page.locator("main mark").count() > 0
    healthy(b)
    # The query page without YASGUI: its form runs a query, and each example is a link that runs it.
    b.open("/sparql")
    b.page.get_by_role("button", name="Run").click()
    assert b.page.locator("table.results tbody tr").count() > 0
    b.page.locator("a.example", has_text="plan-structure").click()
    assert b.page.locator("table.results tbody tr").count() == 23
    assert "?_" not in b.page.locator("#query").input_value()
