"""/sparql answers kept per release, and whole responses replayed in front of Flask.

Each test runs on both store backends (the ``app`` fixture). A query is made unique per test
by a comment, so what other tests cached cannot answer it. Runs are counted with a spy that
calls the real query workers.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from planlod import build
from planlod.config import Settings
from server import create_app

ROOT = Path(__file__).resolve().parent.parent
INITIATIVE = "https://w3id.org/jp-cityplan/id/272116/5th/initiative/7-2-7"
COUNT = "PREFIX jcp: <https://w3id.org/jp-cityplan/def#> SELECT (COUNT(?i) AS ?n) WHERE { ?i a jcp:Initiative }"
CONSTRUCT = f"CONSTRUCT {{ <{INITIATIVE}> ?p ?o }} WHERE {{ <{INITIATIVE}> ?p ?o }}"
JSON = {"Accept": "application/sparql-results+json"}


def fresh(query: str) -> str:
    return f"# {uuid.uuid4()}\n{query}"


@pytest.fixture
def runs(app, monkeypatch) -> list[str]:
    """The query texts the query workers were given, in order (the real workers still answer)."""
    backend = app.extensions["planlod"]
    seen: list[str] = []
    real = backend.run_query

    def counted(request, client=""):
        seen.append(request.text)
        return real(request, client)

    monkeypatch.setattr(backend, "run_query", counted)
    return seen


def test_a_repeated_query_is_answered_with_the_same_bytes_without_a_worker(client, runs):
    query = fresh(COUNT)
    first = client.get("/sparql", query_string={"query": query}, headers=JSON)
    again = client.get("/sparql", query_string={"query": query}, headers=JSON)
    assert first.status_code == again.status_code == 200
    assert first.json["results"]["bindings"][0]["n"]["value"] != "0"
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert runs == [query]


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "text/html"])
def test_each_format_and_language_is_its_own_answer(client, runs, accept):
    query = fresh(CONSTRUCT)
    answers = {lang: client.get("/sparql", query_string={"query": query, "lang": lang}, headers={"Accept": accept})
               for lang in ("ja", "en")}  # fmt: skip
    assert all(a.status_code == 200 and a.mimetype == accept for a in answers.values())
    if accept == "text/html":  # the page is in its language; data is the same in both
        assert answers["ja"].headers["ETag"] != answers["en"].headers["ETag"]
        assert len(runs) == 2
    else:
        assert answers["ja"].data == answers["en"].data
        assert len(runs) == 1


def test_post_form_and_direct_share_the_answer_of_a_get(client, runs):
    query = fresh(COUNT)
    get = client.get("/sparql", query_string={"query": query}, headers=JSON)
    form = client.post("/sparql", data={"query": query}, headers=JSON)
    direct = client.post("/sparql", data=query.encode(), headers={**JSON, "Content-Type": "application/sparql-query"})
    assert get.data == form.data == direct.data
    assert form.status_code == direct.status_code == 200
    assert runs == [query]


def test_dataset_is_part_of_the_key(client, runs):
    query = fresh(COUNT)
    union = client.get("/sparql", query_string={"query": query}, headers=JSON)
    empty = client.get("/sparql", query_string={"query": query, "default-graph-uri": "urn:x-none"}, headers=JSON)
    assert union.json["results"]["bindings"][0]["n"]["value"] != "0"
    assert empty.json["results"]["bindings"][0]["n"]["value"] == "0"
    assert len(runs) == 2


def test_revalidation_is_304_before_anything_runs(client, runs):
    query = fresh(COUNT)
    first = client.get("/sparql", query_string={"query": query}, headers=JSON)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong
    revalidated = client.get("/sparql", query_string={"query": query}, headers={**JSON, "If-None-Match": etag})
    assert revalidated.status_code == 304 and revalidated.data == b""
    assert revalidated.headers["ETag"] == etag
    assert {"Accept", "Accept-Language"} <= set(revalidated.headers["Vary"].replace(" ", "").split(","))
    stale = client.get("/sparql", query_string={"query": query}, headers={**JSON, "If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.data == first.data
    assert runs == [query]


def test_errors_are_never_cached(app, client, runs, monkeypatch):
    # An answer over the response limit fails in the worker; asked twice, it runs twice.
    backend = app.extensions["planlod"]
    monkeypatch.setattr(backend, "settings", backend.settings.with_(max_response_bytes=2_000))
    query = fresh("SELECT * WHERE { ?s ?p ?o } LIMIT 500")
    answers = [client.get("/sparql", query_string={"query": query}, headers=JSON) for _ in range(2)]
    assert [a.status_code for a in answers] == [413, 413]
    assert "ETag" not in answers[1].headers
    assert runs == [query, query]


def test_fast_path_answers_exactly_as_flask_does(app, client):
    """The same request, answered by Flask and then replayed: same status, headers (but Date) and body."""
    fast = app.wsgi_app
    client.get("/")  # warm the release's pages
    etag = client.get("/doc/272116/5th/initiative/7-2-7.html").headers["ETag"]
    requests = [
        ("/", {"Accept-Language": "en"}),
        ("/doc/272116/5th/initiative/7-2-7.html", {"Accept-Language": "ja"}),
        ("/doc/272116/5th/initiative/7-2-7.ttl", {}),
        ("/doc/272116/5th/initiative/7-2-7.html", {"If-None-Match": etag}),
        ("/doc/272116/5th/initiative/7-2-7.ttl", {"Accept-Encoding": "gzip"}),
        ("/sparql?" + urlencode({"query": fresh(CONSTRUCT)}), {"Accept": "text/turtle", "Origin": "https://example.org"}),
    ]
    for path, headers in requests:
        by_flask = answer(fast.app, environ_of(path, headers))
        answer(fast, environ_of(path, headers))  # kept
        kept = len(fast.responses)
        replayed = answer(fast, environ_of(path, headers))
        assert len(fast.responses) == kept and kept > 0
        assert replayed == by_flask, path
        assert replayed[0] in ("200 OK", "304 NOT MODIFIED")


def environ_of(path: str, headers: dict[str, str]) -> dict:
    return EnvironBuilder(path=path, headers=headers).get_environ()


def answer(wsgi, environ) -> tuple[str, list[tuple[str, str]], bytes]:
    body, status, headers = run_wsgi_app(wsgi, environ, buffered=True)
    return status, [(k, v) for k, v in headers.items() if k != "Date"], b"".join(body)


def test_fast_path_keeps_no_errors_cookies_or_posts(app, client):
    fast = app.wsgi_app
    before = len(fast.responses)
    client.get("/doc/272116/5th/initiative/no-such-thing.html")
    client.get("/doc/272116/5th/initiative/7-2-7.html?lang=en")  # sets the language cookie
    client.post("/sparql", data={"query": fresh(COUNT)}, headers=JSON)
    client.get("/sparql", query_string={"query": "SELEC nothing"}, headers=JSON)
    assert len(fast.responses) == before


@pytest.fixture
def own_site(tmp_path: Path, data_copy) -> Settings:
    """A site of its own (a copy of the real plan, built without the reasoner), to rebuild at will."""
    settings = Settings(site_dir=ROOT, data_dir=data_copy(), build_dir=tmp_path / "build", reasoner=False,
                        query_timeout=3.0)  # fmt: skip
    build.run(settings)
    return settings


def test_a_new_release_is_never_answered_from_the_old_cache(own_site: Settings):
    app = create_app(own_site)
    sentence = "地域色を積極的に取り込みます"
    query = {"query": f'ASK {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{sentence}")) }}'}
    try:
        client = app.test_client()
        old = client.get("/sparql", query_string=query, headers=JSON)
        page = client.get("/doc/272116/5th/initiative/7-2-7.html")
        assert old.status_code == page.status_code == 200 and old.json["boolean"] is True
        source = own_site.data_dir / "272116-ibaraki-5th" / "source.txt"  # the city edits a sentence
        edited = source.read_text(encoding="utf-8").replace(sentence, "地域色を取り込みます")
        source.write_text(edited, encoding="utf-8")
        build.run(own_site)
        new = client.get("/sparql", query_string=query, headers=JSON)
        assert new.status_code == 200 and new.json["boolean"] is False
        assert new.headers["ETag"] != old.headers["ETag"]
        stale = client.get("/sparql", query_string=query, headers={**JSON, "If-None-Match": old.headers["ETag"]})
        assert stale.status_code == 200 and stale.json["boolean"] is False
        again = client.get("/doc/272116/5th/initiative/7-2-7.html", headers={"If-None-Match": page.headers["ETag"]})
        assert again.status_code == 200 and again.headers["ETag"] != page.headers["ETag"]
    finally:
        app.extensions["planlod"].close()


def test_the_caches_stay_within_their_bytes(own_site: Settings):
    bound = 40_000
    app = create_app(own_site.with_(result_cache_bytes=bound, fast_path_bytes=bound))
    try:
        client = app.test_client()
        backend, fast = app.extensions["planlod"], app.wsgi_app
        for n in range(40):
            query = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {20 + n}"
            assert client.post("/sparql", data={"query": query}, headers=JSON).status_code == 200
            assert client.get("/sparql", query_string={"query": query}, headers=JSON).status_code == 200
            assert backend.results.bytes <= bound and fast.responses.bytes <= bound
        assert 3 <= len(backend.results) < 40 and 3 <= len(fast.responses) < 40
        # An answer bigger than a quarter of the bound is served, never kept.
        kept = len(backend.results)
        big = client.post("/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2000"}, headers=JSON)
        assert big.status_code == 200 and len(big.data) > bound
        assert len(backend.results) == kept
    finally:
        app.extensions["planlod"].close()
