"""Errors that help: where the mistake is, what may come there, the prefix to declare; ja and en.

The same account on the HTML query page, in the Protocol's text answer and in the CLI.
"""

from __future__ import annotations

import re
from itertools import pairwise

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from planlod.cli import cli
from planlod.querypool import QueryFailed
from planlod.sparql_errors import data_prefixes, from_engine
from planlod.vocab import SKOS
from server.sparql import public_message

NO_PREFIX = "SELECT ?s WHERE { ?s a skos:Concept }"
MISSPELT = "SELEC ?x WHERE { ?x ?y ?z }"
LATE = "PREFIX jcp: <https://w3id.org/jp-cityplan/def#>\nSELECT ?p WHERE {\n  ?p a jcp:Policy .\n}\nLIMIT ten"


def protocol_error(client, query: str, language: str = "en") -> str:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept-Language": language})
    assert response.status_code == 400
    assert response.content_type.startswith("text/plain")
    return response.get_data(as_text=True)


def test_an_undeclared_prefix_is_named_with_its_namespace(client):
    body = protocol_error(client, NO_PREFIX)
    assert '"skos:"' in body and f"PREFIX skos: <{SKOS}>" in body
    assert f"column {NO_PREFIX.index('skos:') + 1}" in body
    assert "\\u{" not in body and "Prefix not found" not in body  # no list of Unicode ranges
    japanese = protocol_error(client, NO_PREFIX, "ja")
    assert "接頭辞「skos:」" in japanese and f"<{SKOS}>" in japanese


def test_an_unknown_prefix_lists_the_prefixes_the_data_uses(client):
    body = protocol_error(client, "SELECT ?s WHERE { ?s a nothing:Here }")
    assert '"nothing:"' in body
    assert all(f"{prefix}:" in body for prefix in data_prefixes())


def test_a_misspelt_query_form_says_what_may_come_there(client):
    body = protocol_error(client, MISSPELT)
    assert "line 1, column 1" in body and '"SELEC"' in body
    assert all(form in body for form in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"))
    japanese = protocol_error(client, MISSPELT, "ja")
    assert "1行1列" in japanese and "「SELEC」" in japanese


def test_a_mistake_late_in_a_long_query_is_placed_with_the_text_around_it(client):
    body = protocol_error(client, LATE)
    assert "line 5, column 7" in body and '"ten"' in body
    assert "5 | LIMIT ten" in body
    caret = body.splitlines()[body.splitlines().index("5 | LIMIT ten") + 1]
    assert caret.index("^") == "5 | LIMIT ten".index("ten")


def test_an_error_only_the_engine_sees_is_told_the_same_way(client):
    # rdflib's grammar reads this; Oxigraph refuses it (a projected variable not grouped): the worker's error
    query = "SELECT (COUNT(?x) AS ?n) ?y WHERE { ?x ?y ?z }"
    body = protocol_error(client, query)
    assert re.search(r"line 1, column \d+", body) and "1 | " + query in body


def test_a_protocol_client_that_names_no_language_gets_both(client):
    body = client.get("/sparql", query_string={"query": MISSPELT}).get_data(as_text=True)
    assert "SPARQL syntax error" in body and "SPARQL の構文エラー" in body


def test_the_page_keeps_the_form_and_shows_the_error_above_it(client):
    japanese = client.post("/sparql", data={"query": NO_PREFIX, "format": "html"},
                           headers={"Accept": "text/html", "Accept-Language": "ja"})  # fmt: skip
    assert "接頭辞「skos:」" in japanese.get_data(as_text=True)
    response = client.post("/sparql?lang=en", data={"query": NO_PREFIX, "format": "html"},
                           headers={"Accept": "text/html"})  # fmt: skip
    assert response.status_code == 400 and response.content_type.startswith("text/html")
    page = response.get_data(as_text=True)
    assert '<form id="query-form"' in page
    assert page.index("query-error") < page.index('<form id="query-form"')
    assert f"PREFIX skos: &lt;{SKOS}&gt;" in page
    assert "SELECT ?s WHERE { ?s a skos:Concept }</textarea>" in page  # the query stays to be fixed


def test_the_engines_own_message_is_read(tmp_path):
    try:
        ox.Store().query(NO_PREFIX)
    except SyntaxError as exc:
        message = str(exc)
    problem = from_engine(NO_PREFIX, message)
    assert problem is not None and problem.prefix == "skos" and problem.namespace == str(SKOS)


def test_remote_detail_is_never_echoed():
    failed = QueryFailed("error", "HTTP error 500 from http://10.0.0.1/internal: secret body")
    for language in ("en", "ja"):
        message = public_message(failed, "ASK {}", language)
        assert "10.0.0.1" not in message and "secret" not in message


@pytest.mark.parametrize(("locale", "expected"), [("C.UTF-8", "line 1, column 1"), ("ja_JP.UTF-8", "1行1列")])
def test_the_cli_explains_too(settings, release, locale, expected):
    result = CliRunner().invoke(cli, ["--build-dir", str(settings.build_dir), "query", MISSPELT],
                                env={"LC_ALL": locale, "LANG": locale})  # fmt: skip
    assert result.exit_code == 1
    assert expected in result.output and "SELEC" in result.output and "Traceback" not in result.output


def test_a_long_one_line_query_is_shown_around_the_mistake(client):
    triples = " ".join(f"?s <urn:ex:p{i}> ?o{i} ." for i in range(200))
    query = f"SELECT * WHERE {{ {triples} }} LIMIT x"
    body = protocol_error(client, query)
    assert len(body) < 1000  # not the whole 5 KB line, twice
    excerpt, caret = next((a, b) for a, b in pairwise(body.splitlines()) if b.endswith("^"))
    assert excerpt.endswith("LIMIT x") and caret.index("^") == len(excerpt) - 1
