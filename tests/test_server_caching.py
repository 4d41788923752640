"""Every response says how long it may be kept (``Cache-Control``), from one policy."""

from __future__ import annotations

import pytest

from server import caching, create_app

FRESH, STATIC, FEED, MISSING = (f"public, max-age={s}" for s in (caching.FRESH, caching.STATIC, caching.FEED,
                                                                   caching.MISSING))  # fmt: skip

# A real value for each variable part of the URL map; a new variable name fails the test below
# until it is given one here, so a new route cannot go untested.
SAMPLE_ARGS = {
    "rest": "272116/5th/initiative/7-1-2",
    "filename": "style.css",
    "name": "dataset.ttl",
    "lgcode": "272116",
    "plan": "5th",
}
# Endpoints whose <name> is not a dump's (the variable name is shared with /data/<name>).
NAMES = {"api.run": "plan-structure", "catalog.sitemap_file": "272116/5th-1"}


def sample_urls(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        missing = rule.arguments - SAMPLE_ARGS.keys()
        assert not missing, f"give {rule.rule} a sample value for {missing} in SAMPLE_ARGS"
        args = {k: SAMPLE_ARGS[k] for k in rule.arguments}
        if rule.endpoint in NAMES:
            args["name"] = NAMES[rule.endpoint]
        urls.append(rule.build(args, append_unknown=False)[1])
    return urls


@pytest.fixture(scope="module")
def embedded(settings, release):
    app = create_app(settings)
    yield app
    app.extensions["planlod"].close()


def test_every_route_answers_with_cache_control(embedded):
    client = embedded.test_client()
    missing = {}
    for url in sample_urls(embedded):
        response = client.get(url)
        response.close()
        if "Cache-Control" not in response.headers:
            missing[url] = response.status_code
    assert missing == {}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", FRESH),
        ("/doc/272116/5th/initiative/7-1-2.ttl", FRESH),
        ("/data/dataset.ttl", FRESH),  # send_file's own no-cache is replaced
        ("/static/style.css", STATIC),
        ("/changes", FEED),
        ("/id/272116/5th/initiative/no-such-thing", MISSING),  # a 404 may be built later
        ("/sparql?query=SELEC", "no-store"),  # a 400 is about one request
        ("/?lang=en", "no-store"),  # sets a cookie: no shared cache may keep it
    ],
)
def test_the_policy(embedded, path, expected):
    response = embedded.test_client().get(path)
    response.close()
    assert response.headers["Cache-Control"] == expected
    assert "Expires" not in response.headers


def test_revalidations_and_posts(embedded):
    client = embedded.test_client()
    etag = client.get("/catalog").headers["ETag"]
    revalidated = client.get("/catalog", headers={"If-None-Match": etag})
    assert revalidated.status_code == 304 and revalidated.headers["Cache-Control"] == FRESH
    posted = client.post("/sparql", data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"})
    assert posted.status_code == 200 and posted.headers["Cache-Control"] == "no-store"
