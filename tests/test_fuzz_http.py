"""Fuzzed HTTP (hypothesis): hostile headers, paths, query strings and SPARQL never give a 500 or a reflection.

Every request carries a payload that would run as script if it reached a page unescaped.
The properties, for every answer:

- no 500 (a 503 with Retry-After is the one server-side status allowed, for a query that ran
  out of time or workers);
- no payload in an HTML or XML body as markup, and no header reflecting it raw;
- the security headers on everything, so even a text/plain error is never sniffed as HTML.

The query API (``/api``) is fuzzed from its OpenAPI description in ``test_fuzz_api.py``.
"""

from __future__ import annotations

import os
import string
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=int(os.environ.get("PLANLOD_FUZZ_EXAMPLES", 40)),
    deadline=None,  # a shared 2-core machine: time is not the property
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.too_slow],
)

# What a reflected input would need to do harm; none of it may come back as markup.
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</title><script>alert(1)</script>",
    "<!--<script>",
    "]]><x>",
    "javascript:alert(1)",
]
MARKUP = ["<script>alert(1)", "<img src=x", "<svg/onload", "</title><script", "<!--<script", "]]><x>"]

printable = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
anything = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
payload = st.sampled_from(PAYLOADS)
hostile = st.one_of(payload, st.tuples(anything, payload, anything).map("".join), anything)

MEDIA_TYPES = [
    "text/html", "application/xhtml+xml", "text/turtle", "application/ld+json", "application/json",
    "application/rdf+xml", "application/xml", "text/xml", "application/n-triples", "text/plain",
    "application/trig", "application/n-quads", "application/sparql-results+json",
    "application/sparql-results+xml", "text/csv", "text/tab-separated-values", "image/png", "*/*",
    "text/*", "application/*", "*/html", "", "garbage", "text/html;level=1", "a/b/c",
]  # fmt: skip
QUALITIES = ["", ";q=0", ";q=1", ";q=0.5", ";q=abc", ";q=-1", ";q=1e400", ";q=nan", ";q=", ";charset=utf-8"]
accept = st.one_of(
    st.lists(st.tuples(st.sampled_from(MEDIA_TYPES), st.sampled_from(QUALITIES)).map("".join), max_size=5).map(
        ", ".join
    ),
    printable,
)
LANGUAGES = ["ja", "en", "en-US", "ja-JP", "fr", "*", "", "x-klingon", "zh-Hant-TW", "i-default", "ja_JP"]
accept_language = st.one_of(
    st.lists(st.tuples(st.sampled_from(LANGUAGES), st.sampled_from(QUALITIES)).map("".join), max_size=4).map(", ".join),
    printable,
)

# Paths below the real IRIs, with hostile segments, dot segments, encodings and format suffixes.
SEGMENTS = ["272116", "5th", "policy", "initiative", "7-1", "7-1-2", "term", "source", "..", ".", "", "%2e%2e",
            "%2F", "%00", "~", "def", "commitment", "city"]  # fmt: skip
SUFFIXES = ["", ".html", ".ttl", ".jsonld", ".rdf", ".nt", ".nq", ".trig", ".txt", ".exe", ".", ".html.ttl"]
segment = st.one_of(st.sampled_from(SEGMENTS), hostile)
path_tail = st.tuples(st.lists(segment, max_size=5).map("/".join), st.sampled_from(SUFFIXES)).map("".join)
PARAMS = ["q", "lang", "format", "iri", "output", "query", "page", "default-graph-uri", "x"]
query_string = st.lists(st.tuples(st.sampled_from(PARAMS), hostile), max_size=4)

# SPARQL-ish text: real keywords and terms in any order, with payloads and unbalanced brackets.
SPARQL_PIECES = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "?s", "?p", "?o", "*", ".", ";",
    "FILTER", "REGEX", "OPTIONAL", "UNION", "GRAPH", "FROM", "NAMED", "SERVICE", "LOAD", "INSERT DATA", "DELETE",
    "LIMIT 5", "OFFSET 1", "ORDER BY", "GROUP BY", "COUNT(*)", "PREFIX jcp: <https://w3id.org/jp-cityplan/def#>",
    "jcp:Policy", "a", "<https://w3id.org/jp-cityplan/id/272116/5th/policy/7-1>", "<http://127.0.0.1:9/x>",
    '"市民"@ja', "'''", '"', "#", "\n", "VALUES ?s { }", "BIND(1 AS ?x)", "STR(", "1e999", "<>", "\\u0000",
]  # fmt: skip
sparql = st.one_of(
    st.lists(st.one_of(st.sampled_from(SPARQL_PIECES), hostile), max_size=25).map(" ".join),
    st.sampled_from(["SELECT * WHERE { ?s ?p ?o } LIMIT 3", "ASK {}", "(" * 2000 + ")" * 2000, "{" * 500]),
    anything,
)


def request_target(base: str, tail: str, query: list[tuple[str, str]]) -> str:
    # One leading slash: the test client reads "//x/…" as a URL with the host x, not as a path.
    path = "/" + (base + quote(tail, safe="/%.~")).lstrip("/")
    return f"{path}?{urlencode(query)}" if query else path


def check(response, *inputs: str) -> None:
    """What every answer must be, whatever was asked."""
    status = response.status_code
    asked = f"{response.request.method} {response.request.url} {dict(response.request.headers)}"
    assert status < 500 or (status == 503 and "Retry-After" in response.headers), (status, asked)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    for name, value in response.headers.items():
        assert not any(m in value for m in MARKUP), (name, value, asked)
    mimetype = response.mimetype or ""
    if "html" in mimetype or "xml" in mimetype:
        body = response.get_data(as_text=True)
        reflected = [m for m in MARKUP if m in body and any(m in i for i in inputs)]
        assert reflected == [], f"{mimetype} reflects {reflected}: {asked}"
    response.close()


@pytest.fixture(scope="module")
def web(app):
    # The client of the session's app, made here because hypothesis runs many examples per test.
    return app.test_client()


@FUZZ
@given(base=st.sampled_from(["/id/", "/doc/", "/id/272116/5th/", "/doc/272116/5th/", "/def/", "/"]),
       tail=path_tail, query=query_string, accept=accept, language=accept_language)  # fmt: skip
def test_resource_paths(web, base, tail, query, accept, language):
    target = request_target(base, tail, query)
    response = web.get(target, headers={"Accept": accept, "Accept-Language": language})
    check(response, tail, *(v for _, v in query))


@FUZZ
@given(iri=hostile, query=query_string, accept=accept, language=accept_language)
def test_browse(web, iri, query, accept, language):
    target = request_target("/browse", "", [("iri", iri), *query])
    check(web.get(target, headers={"Accept": accept, "Accept-Language": language}), iri, *(v for _, v in query))


@FUZZ
@given(
    page=st.sampled_from(
        [
            "/search",
            "/glossary",
            "/sector-plans",
            "/matrix",
            "/compare",
            "/",
            "/catalog",
            "/catalog.html",
            "/.well-known/void",
            "/sitemap.xml",
            "/changes",
            "/changes.json",
            "/robots.txt",
            "/data/dataset.ttl",
        ]
    ),  # fmt: skip
    q=hostile,
    query=query_string,
    accept=accept,
    language=accept_language,
)
def test_pages_and_search(web, page, q, query, accept, language):
    target = request_target(page, "", [("q", q), *query])
    check(web.get(target, headers={"Accept": accept, "Accept-Language": language}), q, *(v for _, v in query))


@FUZZ
@given(text=sparql, accept=accept, how=st.sampled_from(["get", "form", "direct"]), fmt=st.sampled_from(["", "html"]))
def test_sparql_bodies(web, text, accept, how, fmt):
    headers = {"Accept": accept}
    extra = {"format": fmt} if fmt else {}
    if how == "get":
        response = web.get("/sparql?" + urlencode({"query": text, **extra}), headers=headers)
    elif how == "form":
        response = web.post("/sparql", data={"query": text, **extra}, headers=headers)
    else:
        headers["Content-Type"] = "application/sparql-query"
        response = web.post("/sparql?" + urlencode(extra), data=text.encode("utf-8"), headers=headers)
    check(response, text)


OTHER_PATHS = ["/", "/sparql", "/id/272116/5th/policy/7-1", "/doc/272116/5th/policy/7-1.html", "/data/dataset.ttl"]
CONTENT_TYPES = ["", "application/json", "text/plain", "application/sparql-query", "x/y" + string.punctuation]


@FUZZ
@given(
    method=st.sampled_from(["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD"]),
    path=st.sampled_from(OTHER_PATHS),
    body=st.binary(max_size=200),
    content_type=st.sampled_from(CONTENT_TYPES),
)
def test_other_methods(web, method, path, body, content_type):
    response = web.open(path, method=method, data=body, headers={"Content-Type": content_type} if content_type else {})
    check(response)
