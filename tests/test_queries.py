"""queries/*.rq: every file loads and runs, each answers its question as checked by hand against the source,
and the API, the pages and the CLI all use the same files."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from openapi_spec_validator import validate

from planlod.cli import cli
from planlod.config import QUERIES_DIR
from planlod.queries import ParameterError, QueryFileError, load, load_all

QUERIES = load_all()
PLAN = "https://w3id.org/jp-cityplan/id/272116/5th"


def api(client, name, **params):
    response = client.get(f"/api/{name}", query_string=params, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data())


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_has_a_header_and_runs(client, name):
    query = QUERIES[name]
    assert query.summary and "/" in query.summary  # Japanese / English
    assert set(query.description) == {"ja", "en"}
    assert query.tags
    body = api(client, name)
    assert body["count"] > 0, name


def test_initiatives_per_policy(client):
    # The overview tables of the source list 3, 7, 2, 3, 2, 2 and 4 initiatives.
    rows = api(client, "initiatives-per-policy")["results"]
    assert [(r["policyNotation"], r["initiatives"]) for r in rows] == [
        ("7-1", 3), ("7-2", 7), ("7-3", 2), ("7-4", 3), ("7-5", 2), ("7-6", 2), ("7-7", 4),
    ]  # fmt: skip


def test_chapter_contents(client):
    rows = api(client, "chapter-contents", chapter="7")["results"]
    assert len(rows) == 23
    assert rows[0]["initiativeNotation"] == "7-1-1" and rows[-1]["initiativeNotation"] == "7-7-4"
    assert api(client, "chapter-contents", chapter="3")["results"] == []


@pytest.mark.parametrize(("actor", "count"), [("city", 23), ("citizen", 14), ("business", 13)])
def test_actor_commitments(client, actor, count):
    # Counted in the source: every initiative has a 《市》 text; policy 7-2 and 7-3 leave 《市民》 and
    # 《事業者・団体》 empty, and 7-7 ② has no 《事業者・団体》 text.
    rows = api(client, "actor-commitments", actor=actor)["results"]
    assert len(rows) == count
    assert all(r["actor"] == actor for r in rows)


def test_term_usage(client):
    rows = api(client, "term-usage", term="7-2-n6")["results"]  # ビッグデータ, ※6 of 7-2
    assert [r["resourceNotation"] for r in rows] == ["7-2-7"]
    rows = api(client, "term-usage", term="7-6-n1")["results"]  # 地域自治組織, in 7-6's direction
    assert [r["resourceNotation"] for r in rows] == ["7-6"]


def test_sector_plan_initiatives(client):
    rows = api(client, "sector-plan-initiatives", sectorplan="7-2-s2")["results"]  # 次なる茨木のためのICTビジョン
    assert {r["name"] for r in rows} == {"次なる茨木のためのICTビジョン"}
    assert [r["initiativeNotation"] for r in rows] == [f"7-2-{n}" for n in range(1, 8)]
    assert len(api(client, "sector-plan-initiatives", limit="1000")["results"]) == 3 + 6 * 7 + 2 + 2 * 3 + 2 + 2 + 4


def test_sdg_suggestions_with_reasons(client):
    rows = api(client, "sdg-suggestions", goal="5")["results"]
    assert {r["notation"] for r in rows} >= {"7-5", "7-5-1", "7-5-2"}
    assert all("機械的な提案" in r["reasonJa"] and "not Ibaraki City's" in r["reasonEn"] for r in rows)


def test_search_and_plan_structure(client):
    rows = api(client, "search", q="ビッグデータ")["results"]
    assert {r["notation"] for r in rows} >= {"7-2-7", "7-2-n6"}
    assert len(api(client, "plan-structure")["results"]) == 23


def test_initiative_across_plans(client):
    rows = api(client, "initiative-across-plans", title="電子自治体")["results"]
    assert [(r["municipalityName"], r["notation"]) for r in rows] == [("茨木市", "7-2-7")]


def test_bad_parameters_are_400_with_the_reason(client):
    for params, reason in [
        ({"actor": "mayor"}, "must be one of city, citizen, business"),
        ({"actor": "city", "colour": "red"}, "unknown parameter(s): colour"),
        ({"limit": "many"}, "limit and offset must be integers"),
        ({"limit": "0"}, "limit must be"),
        ({"plan": "not an iri"}, "must be iri"),
    ]:
        response = client.get("/api/actor-commitments", query_string=params)
        assert response.status_code == 400, params
        assert reason in json.loads(response.get_data())["error"]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_no_column_carries_a_parameter_prefix(client, name):
    header = client.get(f"/api/{name}?format=csv").get_data(as_text=True).splitlines()[0].split(",")
    assert [c for c in header if c.startswith("_")] == []
    assert "?_" not in QUERIES[name].plain_text


def test_the_initiative_table_as_json_and_csv(client):
    rows = api(client, "initiative-table")["results"]
    assert len(rows) == 23
    first = rows[0]
    assert (first["notation"], first["policyNotation"], first["plan"]) == ("7-1-1", "7-1", PLAN)
    assert first["title"] == "戦略的なシティプロモーションの構築と展開"
    goal = next(r for r in rows if r["notation"] == "7-3-1")
    assert goal["currentSituation"] and goal["goal"] and goal["currentSituation"] != goal["goal"]
    table = client.get("/api/initiative-table?format=csv")
    assert table.content_type.startswith("text/csv")
    records = list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))
    columns = ["plan", "notation", "title", "policyNotation", "policyTitle", "currentSituation", "goal"]
    assert list(records[0])[:7] == columns
    assert [r["notation"] for r in records] == [r["notation"] for r in rows]


def test_a_missing_parameter_says_where_to_find_values(client):
    # Measured: `?title=` answered "parameter 'title' is required" with nothing that lists plans.
    response = client.get("/api/initiative-across-plans?title=")
    assert response.status_code == 400
    message = json.loads(response.get_data())["error"]
    assert "/api/initiative-table" in message and "電子自治体" in message
    term = json.loads(client.get("/api/term-usage?term=").get_data())["error"]
    assert "/api/glossary" in term


def test_an_unknown_format_is_406_with_the_list(client):
    # Measured: format=foo silently returned JSON.
    response = client.get("/api/plans?format=foo")
    assert response.status_code == 406
    message = json.loads(response.get_data())["error"]
    assert "'foo'" in message and all(f"format={key}" in message for key in ("json", "csv", "tsv", "html"))


def test_parameters_are_bound_not_pasted(client):
    # A value that would break out of a string literal if it were spliced into the query text.
    hostile = '") } } SELECT * WHERE { ?s ?p ?o } #'
    body = api(client, "search", q=hostile)
    assert body["results"] == []


def test_pagination_with_link_headers(client):
    first = client.get("/api/actor-commitments", query_string={"actor": "city", "limit": 10})
    records = json.loads(first.get_data())
    assert records["count"] == 10 and records["next"] is True
    assert 'rel="next"' in first.headers["Link"] and "offset=10" in first.headers["Link"]
    last = client.get("/api/actor-commitments", query_string={"actor": "city", "limit": 10, "offset": 20})
    assert json.loads(last.get_data())["count"] == 3
    assert 'rel="next"' not in last.headers["Link"] and 'rel="prev"' in last.headers["Link"]
    everything = [r["initiativeNotation"] for r in api(client, "actor-commitments", actor="city", limit=100)["results"]]
    pages = []
    for offset in (0, 10, 20):
        page = api(client, "actor-commitments", actor="city", limit=10, offset=offset)["results"]
        pages += [r["initiativeNotation"] for r in page]
    assert pages == everything


def test_formats_by_negotiation(client):
    sparql = client.get("/api/initiatives-per-policy", headers={"Accept": "application/sparql-results+json"})
    # Measured: the columns were headed by grlc's variable spelling (__plan_iri) in every format but JSON.
    assert json.loads(sparql.get_data())["head"]["vars"][0] == "plan"
    table = client.get("/api/initiatives-per-policy", headers={"Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(table.get_data(as_text=True))))
    assert rows[0][:3] == ["plan", "policy", "policyNotation"] and len(rows) == 8
    tsv = client.get("/api/initiatives-per-policy", headers={"Accept": "text/tab-separated-values"})
    assert tsv.get_data(as_text=True).splitlines()[1].startswith(f"<{PLAN}>\t")
    html = client.get("/api/initiatives-per-policy?format=html")
    assert html.content_type.startswith("text/html") and "7-7" in html.get_data(as_text=True)


def test_etags(client):
    first = client.get("/api/glossary")
    assert client.get("/api/glossary", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get("/api/glossary?limit=3").headers["ETag"] != first.headers["ETag"]


def test_openapi_document_validates_and_covers_every_query(client):
    document = json.loads(client.get("/api/openapi.json").get_data())
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {f"/api/{name}" for name in QUERIES}
    actor = next(
        p for p in document["paths"]["/api/actor-commitments"]["get"]["parameters"] if p.get("name") == "actor"
    )
    assert actor["schema"]["enum"] == ["city", "citizen", "business"]


def test_docs_page_lists_every_query_with_a_form(client):
    html = client.get("/api/").get_data(as_text=True)
    for name in QUERIES:
        assert f'action="/api/{name}"' in html
    assert 'name="actor"' in html and "<label" in html


def test_unknown_query_is_404(client):
    assert client.get("/api/drop-all").status_code == 404


def test_cli_runs_the_same_files(settings, release):
    runner = CliRunner()
    base = ["--build-dir", str(settings.build_dir)]
    result = runner.invoke(cli, [*base, "query", "actor-commitments", "--param", "actor=citizen", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == 1 + 14
    bad = runner.invoke(cli, [*base, "query", "actor-commitments", "--param", "actor=mayor"])
    assert bad.exit_code == 1 and "must be one of" in bad.output


def test_pages_use_the_same_files(client):
    # The home page runs plan-structure.rq; the search page runs search.rq.
    assert QUERIES["plan-structure"].path.parent == QUERIES_DIR
    html = client.get("/search?q=ビッグデータ").get_data(as_text=True)
    resources = {r["resource"] for r in api(client, "search", q="ビッグデータ")["results"]}
    # the situation of 7-2-7 (with ※6), the city's commitment of 7-2-7, and the glossary term itself
    assert resources == {f"{PLAN}/initiative/7-2-7", f"{PLAN}/initiative/7-2-7/commitment/city", f"{PLAN}/term/7-2-n6"}
    for resource in resources:
        assert f'href="{resource.removeprefix("https://w3id.org/jp-cityplan")}"' in html


def test_a_parameter_missing_from_the_projection_is_refused_at_load(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ summary: x\nSELECT ?s WHERE { ?s ?p ?_value }\n", encoding="utf-8")
    with pytest.raises(QueryFileError, match=r"\?_value must be in the SELECT projection"):
        load(bad)


def test_parameter_types():
    query = QUERIES["actor-commitments"]
    with pytest.raises(ParameterError):
        query.bindings({"plan": "javascript alert(1)"})
    assert str(query.bindings({"plan": PLAN})["__plan_iri"]) == PLAN
