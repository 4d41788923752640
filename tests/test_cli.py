"""The `planlod` command as a user runs it: clear output, one-line errors, exit codes."""

from __future__ import annotations

import json

from click.testing import CliRunner

from planlod.cli import cli


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_build_prints_a_summary(tmp_path, data_copy):
    result = invoke("--data-dir", data_copy(), "--build-dir", tmp_path / "b", "build")
    assert result.exit_code == 0, result.output
    assert "272116/5th" in result.output and "23" in result.output
    assert (tmp_path / "b" / "current" / "dataset.ttl").exists()


def test_build_out_option(tmp_path, data_copy):
    result = invoke("--data-dir", data_copy(), "build", "--out", tmp_path / "elsewhere")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere" / "current" / "dataset.nt").exists()


def test_malformed_source_is_one_clear_line(tmp_path, data_copy):
    def break_it(lines):
        lines[20] = "## 3 評価指標"
        return lines

    result = invoke("--data-dir", data_copy(break_it), "--build-dir", tmp_path / "b", "build")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    error_lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1
    assert "source.txt:21: unknown section header" in error_lines[0]
    assert not (tmp_path / "b" / "current").exists()


def test_query_needs_a_build(tmp_path):
    result = invoke("--build-dir", tmp_path / "nothing", "query", "ASK {}")
    assert result.exit_code == 1
    assert "run `planlod build` first" in result.output


def test_query_string_and_file(settings, release, tmp_path):
    base = ("--build-dir", settings.build_dir)
    q = "PREFIX jcp: <https://w3id.org/jp-cityplan/def#> SELECT (COUNT(*) AS ?n) { ?p a jcp:Policy }"
    result = invoke(*base, "query", q, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"]["bindings"][0]["n"]["value"] == "7"
    rq = tmp_path / "count.rq"
    rq.write_text(q.replace("Policy", "SectorPlan"), encoding="utf-8")
    result = invoke(*base, "query", rq, "--format", "csv")
    assert result.output.splitlines() == ["n", "13"]
    table = invoke(*base, "query", q)
    assert "1 row(s)" in table.output


def test_bad_sparql_is_one_line(settings, release):
    result = invoke("--build-dir", settings.build_dir, "query", "SELEC nothing")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.output.startswith("Error:")


def test_validate_on_the_built_data(settings, release, tmp_path):
    report = tmp_path / "report.ttl"
    result = invoke("--build-dir", settings.build_dir, "validate", "--report", report)
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output
    assert report.exists()
