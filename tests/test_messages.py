"""Messages for a city's staff: one catalogue, Japanese or English by locale or --lang, with file and line."""

from __future__ import annotations

import pickle
import re
import shutil
import string

import pytest
from click.testing import CliRunner

from planlod.catalogue import CATALOGUE
from planlod.cli import cli
from planlod.config import ROOT
from planlod.messages import Message, PlanError, language, phrase
from planlod.source import SourceError

NO_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}


@pytest.mark.parametrize(
    ("environ", "explicit", "expected"),
    [
        ({}, None, "en"),
        ({"LANG": "ja_JP.UTF-8"}, None, "ja"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}, None, "ja"),
        ({"LANG": "ja_JP.UTF-8", "LC_ALL": "C"}, None, "en"),  # LC_ALL overrides the others
        ({"LANG": "ja_JP.UTF-8"}, "en", "en"),  # --lang overrides the locale
        ({"LANG": "C"}, "ja", "ja"),
    ],
)
def test_the_language_follows_the_option_then_the_locale(environ, explicit, expected):
    assert language(explicit, environ) == expected


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("id", sorted(CATALOGUE))
def test_every_message_has_both_languages_with_the_same_parameters(id):
    templates = CATALOGUE[id]
    assert set(templates) == {"ja", "en"} and all(t.strip() for t in templates.values())
    assert fields(templates["ja"]) == fields(templates["en"]), id


def test_every_message_the_code_raises_is_in_the_catalogue():
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "planlod").glob("*.py"))
    prefixes = "source|ingest|dataset|scaffold|site|config|build|link|reason|finding|progress|cli|term"
    quoted = set(re.findall(rf'"((?:{prefixes})\.[a-z_.]+)"', code))
    used = {id for id in quoted if not re.search(r"\.(txt|toml|nq|nt|gz|trig|ttl|md|jsonld|json)$", id)}
    assert len(used) > 60
    assert used <= set(CATALOGUE), used - set(CATALOGUE)


def test_an_error_survives_the_trip_from_a_worker_process():
    error = SourceError.of("ingest.row_twice", "/x/source.txt", 12, number=4, first=11)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is SourceError and again.message == error.message
    expected = "/x/source.txt:12: row 4 appears twice (first at line 11); correct or remove one of them."
    assert again.render("en") == expected


def test_pieces_and_lists_are_worded_in_the_message_language():
    markers = [phrase("ingest.marker_at", label="市", line=24), phrase("ingest.marker_at", label="市民", line=25)]
    message = Message("ingest.missing_marker", {"label": "事業者・団体", "column": "各主体が行うこと",
                                                "notation": "7-1-1", "found": markers}, "s.txt", 24)  # fmt: skip
    assert "《市》 (line 24), 《市民》 (line 25)" in message.render("en")
    assert "《市》(24行目)、《市民》(25行目)" in message.render("ja")
    assert isinstance(PlanError(message), ValueError)


def run(args, env=None):
    return CliRunner(env={**NO_LOCALE, **(env or {})}).invoke(cli, [str(a) for a in args])


def broken_heading(lines):
    lines[20] = "## 3 評価指標"
    return lines


def test_a_japanese_locale_gets_japanese_errors(tmp_path, data_copy):
    # Before, LANG=ja_JP.UTF-8 changed nothing: "source.txt:21: unknown section header …".
    data = data_copy(broken_heading)
    result = run(["--data-dir", data, "--build-dir", tmp_path / "b", "build"], {"LANG": "ja_JP.UTF-8"})
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if line.startswith("エラー: ")]
    assert "source.txt:21: 見出し「## 3 評価指標」は読めません。" in line and "先頭の # を消してください" in line


@pytest.mark.parametrize("args", [["--lang", "en"], []])
def test_lang_overrides_the_locale_on_every_command(tmp_path, data_copy, args):
    data = data_copy(broken_heading)
    env = {"LANG": "ja_JP.UTF-8"} if args else {}
    result = run([*args, "--data-dir", data, "--build-dir", tmp_path / "b", "build"], env)
    assert "Error: " in result.output and "source.txt:21: unknown section header" in result.output
    made = run([*args, "--data-dir", tmp_path / "d", "new-plan", "--lgcode", "271005", "--name-ja", "大阪市",
                "--name-en", "Osaka City"], env)  # fmt: skip
    assert made.exit_code == 1 and "the code is 271004" in made.output


def test_new_plan_speaks_japanese(tmp_path):
    result = run(["--lang", "ja", "--data-dir", tmp_path, "new-plan", "--lgcode", "271004", "--name-ja", "大阪市",
                  "--name-en", "Osaka City"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "を作りました" in result.output and "source-format.md" in result.output


def test_warnings_name_the_file_and_line_in_the_language_asked(tmp_path, data_copy):
    # 7-2-1's current situation (line 62) gets a ※9 that no footnote of policy 7-2 explains.
    def unresolved_mark(lines):
        lines[61] = lines[61].replace("必要があります。</p>", "必要があります※9。</p>", 1)
        return lines

    data = data_copy(unresolved_mark)
    base = ["--data-dir", data, "--build-dir", tmp_path / "b"]
    built = run(["--lang", "ja", *base, "build", "--no-reasoner"])
    assert built.exit_code == 0, built.output
    source = data / "272116-ibaraki-5th" / "source.txt"
    (warning,) = [line for line in built.output.splitlines() if "※9" in line]
    assert warning.startswith(f"{source}:62: 警告: ")
    validated = run([*base, "validate", "--no-reasoner", "--lang", "ja"])  # validate's own --lang still works
    assert validated.exit_code == 0 and "警告" in validated.output and "検査: 適合" in validated.output


def test_a_violation_that_stops_the_build_names_its_file(tmp_path, data_copy):
    # A period that ends before it starts: said of the plan, so the message points at its dataset.toml.
    data = data_copy()
    toml = data / "272116-ibaraki-5th" / "dataset.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("period_end = 2030-03-31", "period_end = 2019-03-31"))
    result = run(["--lang", "ja", "--data-dir", data, "--build-dir", tmp_path / "b", "build", "--no-reasoner"])
    assert result.exit_code == 1
    assert "違反が 1 件見つかったので、何も公開していません" in result.output
    assert f"{toml}: 違反: " in result.output


def fullwidth_chapter(lines):
    # Chapter 7 typed in full-width digits (７, ７-1, ７-1-1 …): the reader takes them, the shapes refuse them.
    return [re.sub(r"(?<![0-9０-９-])7-(?=[0-9])", "７-", line).replace("\t7\t", "\t７\t") for line in lines]


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ([], {"LANG": "ja_JP.UTF-8"}, "{source}:24: 違反: 各主体が行うことの記号(skos:notation)は「取組の記号-主体」"),
        (["--lang", "en"], {"LANG": "ja_JP.UTF-8"}, "{source}:24: Violation: A commitment's notation (skos:notation)"),
    ],
)
def test_a_violation_in_the_source_that_stops_the_build_names_its_line(tmp_path, data_copy, args, env, expected):
    # Before: no store, so the findings about the source's resources showed an IRI and no file.
    data = data_copy(fullwidth_chapter)
    source = data / "272116-ibaraki-5th" / "source.txt"
    assert "《市》" in source.read_text(encoding="utf-8").split("\n")[23]  # line 24: what 7-1-1 says the city does
    result = run([*args, "--data-dir", data, "--build-dir", tmp_path / "b", "build", "--no-reasoner"], env)
    assert result.exit_code == 1 and not (tmp_path / "b" / "current").exists()
    (line,) = [line for line in result.output.splitlines() if line.endswith("/initiative/７-1-1/commitment/city)")]
    assert line.startswith(expected.format(source=source)), line
    located = [line for line in result.output.splitlines() if line.startswith(f"{source}:")]
    assert len(located) == 20  # every finding shown names its line, none just an IRI


def test_what_build_validate_and_serve_print_follows_the_language(tmp_path, data_copy):
    # Before: the progress bar ("publish", "validate plans") and serve's "no build yet" were English only.
    data = data_copy()
    base = ["--data-dir", data, "--build-dir", tmp_path / "b"]
    ja = {"LANG": "ja_JP.UTF-8"}
    served = run([*base, "serve", "--get", "/"], ja)
    assert served.exit_code == 0 and "まだ公開したデータがないので、先に planlod build を実行します。" in served.output
    built = run([*base, "build", "--no-reasoner"], ja)
    assert built.exit_code == 0 and "公開中" in built.output and "公開しました" in built.output
    assert "publish" not in built.output.replace("公開しました", "")
    validated = run([*base, "validate", "--no-reasoner"], ja)
    assert "計画を検査中" in validated.output and "validate plans" not in validated.output
    english = run(["--lang", "en", *base, "validate", "--no-reasoner"], ja)
    assert "validate plans" in english.output and "validation: conforms" in english.output


def test_link_speaks_the_language_of_the_command(tmp_path, data_copy):
    # Before: "Error: no plan 999999/1st under …", "the build has no initiatives of …", "… suggestion(s) to review".
    data = data_copy()
    base = ["--data-dir", data, "--build-dir", tmp_path / "b"]
    ja = {"LANG": "ja_JP.UTF-8"}
    assert run([*base, "build", "--no-reasoner"]).exit_code == 0
    unknown = run([*base, "link", "--from", "999999/1st", "--to", "272116/5th"], ja)
    assert unknown.exit_code == 1
    assert f"エラー: --from の計画 999999/1st は {data} にありません。" in unknown.output
    assert "ある計画: 272116/5th" in unknown.output
    unbuilt = run([*base, "link", "--from", "272116/5th", "--to", "999997/1st"], ja)
    assert unbuilt.exit_code == 1 and "--to の計画 999997/1st の取組がありません。" in unbuilt.output
    english = run(["--lang", "en", *base, "link", "--from", "272116/5th", "--to", "999997/1st"], ja)
    assert "Error: the build has no initiatives of 999997/1st (--to)" in english.output
    shutil.copytree(ROOT / "tests" / "fixtures" / "999997-fictional-1st", data / "999997-fictional-1st")
    assert run([*base, "build", "--no-reasoner"]).exit_code == 0
    linked = run([*base, "link", "--from", "999997/1st", "--to", "272116/5th"], ja)
    assert linked.exit_code == 0, linked.output
    assert re.search(r"links\.toml: 確認待ちのリンク候補 \d+ 件、判断済み 0 件。", linked.output), linked.output


def test_an_uncatalogued_text_is_still_an_error_a_user_sees():
    # Code that raises ConfigError("…") as before the catalogue keeps working, its text as it is.
    from planlod.config import ConfigError

    error = ConfigError("public_url must end with '/'")
    assert error.render("ja") == error.render("en") == str(error) == "public_url must end with '/'"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "エラー: {file}:7: 2 番目のリンク([[link]])の relation「sameAs」か status「accepted」が使えません。"),
        (["--lang", "en"], "Error: {file}:7: link 2 ([[link]]) has relation 'sameAs' or status 'accepted'"),
    ],
)
def test_a_bad_link_review_file_names_its_line(tmp_path, data_copy, args, expected):
    # Before: English only and no line ("links.toml: link 2: relation must be closeMatch or …").
    data = data_copy()
    review = data / "272116-ibaraki-5th" / "links.toml"
    review.write_text('# reviewed\n[[link]]\nfrom = "7-1-1"\nto = "https://example.org/x"\nstatus = "rejected"\n\n'
                      '[[link]]\nfrom = "7-1-2"\nto = "https://example.org/y"\nrelation = "sameAs"\n'
                      'status = "accepted"\n', encoding="utf-8")  # fmt: skip
    result = run([*args, "--data-dir", data, "--build-dir", tmp_path / "b", "build", "--no-reasoner"],
                 {"LANG": "ja_JP.UTF-8"})  # fmt: skip
    assert result.exit_code == 1
    assert expected.format(file=review) in result.output, result.output
