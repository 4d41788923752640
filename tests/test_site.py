"""A site is the folder a city owns: found from the current folder upward or by --site, made by new-plan."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from planlod import dataset, site
from planlod.cli import cli
from planlod.config import ROOT, ConfigError, Settings
from planlod.site import SITE_FILE, SiteError, find

NEW_PLAN = ("new-plan", "--lgcode", "271004", "--name-ja", "大阪市", "--name-en", "Osaka City")


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def empty(tmp_path, monkeypatch):
    """An empty current folder outside any site, with no PLANLOD_* setting pointing anywhere."""
    folder = tmp_path / "empty"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for name in ("PLANLOD_SITE_DIR", "PLANLOD_DATA_DIR", "PLANLOD_BUILD_DIR", "PLANLOD_BASE_IRI"):
        monkeypatch.delenv(name, raising=False)
    assert find(folder) is None
    return folder


@pytest.mark.parametrize("command", [("build",), ("validate",), ("query", "ASK {}"), ("serve", "--get", "/")])
def test_a_command_outside_any_site_says_so_and_how_to_make_one(empty, command):
    result = invoke(*command)
    assert result.exit_code == 1
    assert f"no {SITE_FILE} in {empty}" in result.output and "planlod new-plan" in result.output
    assert list(empty.iterdir()) == []  # nothing built, nothing written


def test_new_plan_in_an_empty_folder_makes_the_site_there(empty, monkeypatch):
    made = invoke(*NEW_PLAN)
    assert made.exit_code == 0, made.output
    assert sorted(p.name for p in empty.iterdir()) == ["README.md", "data", SITE_FILE]
    folder = empty / "data" / "271004-osaka-city-1st"
    assert dataset.load(folder).municipality.name_ja == "大阪市"
    assert "planlod.toml" in (empty / "README.md").read_text(encoding="utf-8")
    settings = Settings.from_env()
    assert (settings.site_dir, settings.data_dir, settings.build_dir) == (empty, empty / "data", empty / "build")
    assert (settings.site_title_ja, settings.operator_ja) == ("大阪市 総合計画データ", "大阪市")
    # From a folder inside the site, every command finds it, as git finds .git.
    monkeypatch.chdir(folder)
    again = invoke(*NEW_PLAN, "--plan", "2nd")
    assert again.exit_code == 0, again.output
    assert (empty / "data" / "271004-osaka-city-2nd" / "dataset.toml").is_file()
    assert sorted(p.name for p in empty.iterdir()) == ["README.md", "data", SITE_FILE]


def test_new_plan_never_makes_a_site_in_a_folder_holding_other_things(empty):
    (empty / "notes.txt").write_text("mine", encoding="utf-8")
    result = invoke(*NEW_PLAN)
    assert result.exit_code == 1 and "not empty" in result.output
    assert sorted(p.name for p in empty.iterdir()) == ["notes.txt"]


def test_site_option_points_at_a_site_from_anywhere(empty, tmp_path):
    made = invoke("--site", tmp_path / "city", *NEW_PLAN)
    assert made.exit_code == 0, made.output
    assert (tmp_path / "city" / SITE_FILE).is_file() and list(empty.iterdir()) == []
    built = invoke("--site", tmp_path / "city", "build", "--no-reasoner")
    assert built.exit_code == 0, built.output
    assert (tmp_path / "city" / "build" / "current").is_dir()


def test_this_repository_is_a_site():
    assert find(ROOT / "planlod") == ROOT
    settings = Settings.from_env(site_dir=ROOT, environ={})
    assert settings.data_dir == ROOT / "data" and settings.operator_en == "planlod contributors"


def test_settings_come_from_defaults_then_site_then_environment_then_flags(tmp_path):
    (tmp_path / SITE_FILE).write_text(
        '[site]\ntitle_en = "Our plans"\nbase_iri = "https://site.example/"\n'
        '[operator]\nemail = "open@city.example"\n[settings]\nquery_timeout = 4\nbuild_dir = "out"\n',
        encoding="utf-8",
    )
    from_site = Settings.from_env(site_dir=tmp_path, environ={})
    assert (from_site.site_title_en, from_site.base_iri, from_site.contact_email) == (
        "Our plans", "https://site.example/", "open@city.example"
    )  # fmt: skip
    assert from_site.query_timeout == 4.0 and from_site.build_dir == tmp_path / "out"
    assert from_site.site_title_ja == Settings().site_title_ja  # not in planlod.toml: the default
    env = {"PLANLOD_BASE_IRI": "https://env.example/", "PLANLOD_QUERY_TIMEOUT": "5"}
    from_env = Settings.from_env(site_dir=tmp_path, environ=env)
    assert (from_env.base_iri, from_env.query_timeout) == ("https://env.example/", 5.0)
    flagged = Settings.from_env(site_dir=tmp_path, environ=env, base_iri="https://flag.example/")
    assert flagged.base_iri == "https://flag.example/" and flagged.query_timeout == 5.0


@pytest.mark.parametrize(
    ("text", "line", "en", "ja"),
    [
        ("[site]\ntitle_en = 'x'\n\ntitel_ja = 'x'\n", 4, "[site] has no setting titel_ja; those of [site] are",
         "[site] に titel_ja という設定はありません。"),
        ("[operator]\nphone = '1'\n", 2, "[operator] has no setting phone; those of [operator] are email, name_en",
         "[operator] で使えるのは email、name_en、name_ja、url です。"),
        ("# times\n[settings]\nquery_timeout = 'soon'\n", 3,
         "[settings] query_timeout is written as a number, but it reads \"soon\". For example: query_timeout = 2.5",
         "[settings] の query_timeout は数で書きますが、\"soon\" と書かれています。例: query_timeout = 2.5"),
        ("[site]\n[sites]\n", 2, "has a table [sites], which planlod does not know; the tables are [site], [operator]",
         "[sites] という表は使えません。使える表は [site]、[operator]、[settings]、[new-plan] です。"),
        ("[site\n", 1, "is not valid TOML (", "TOML の決まりに合いません("),
        ("[new-plan]\nofficial = 'no'\n", 2, "[new-plan] official is written as true or false, but it reads \"no\"",
         "[new-plan] の official はtrue か falseで書きますが"),
    ],
)
def test_a_bad_planlod_toml_names_the_file_the_line_and_the_fix(tmp_path, text, line, en, ja):
    # Before: English only, no line ("planlod.toml: [site] titel_ja is not a setting; known: …").
    (tmp_path / SITE_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        Settings.from_env(site_dir=tmp_path, environ={})
        site.new_plan_defaults(tmp_path)
    where = f"{tmp_path / SITE_FILE}:{line}: "
    assert caught.value.render("en").startswith(where) and en in caught.value.render("en")
    assert caught.value.render("ja").startswith(where) and ja in caught.value.render("ja")


@pytest.mark.parametrize(
    ("environ", "en", "ja"),
    [
        ({"PLANLOD_QUERY_TIMEOUT": "soon"}, "PLANLOD_QUERY_TIMEOUT is set to 'soon', but it takes a number, e.g. "
         "PLANLOD_QUERY_TIMEOUT=10", "環境変数 PLANLOD_QUERY_TIMEOUT は数で指定しますが、「soon」になっています。"),
        ({"PLANLOD_REASONER": "maybe"}, "takes 1 or 0 (or true/false", "PLANLOD_REASONER は1 か 0"),
        ({"PLANLOD_BASE_IRI": "w3id.org/x"}, "the base IRI (base_iri) 'w3id.org/x' cannot be used",
         "IRI の基点(base_iri)「w3id.org/x」は使えません。"),
        ({"PLANLOD_QUERY_WORKERS": "1"}, "query_workers must be 2 or more (one worker is always kept",
         "設定 query_workers は 2 以上にしますが、1 になっています"),
        ({"PLANLOD_QUERY_TIMEOUT": "0"}, "the setting query_timeout must be more than 0, but it is 0.0. Correct "
         "query_timeout under [settings] in planlod.toml, or PLANLOD_QUERY_TIMEOUT.", "0 より大きい数にします"),
    ],
)
def test_a_setting_that_cannot_be_used_says_what_to_set(tmp_path, environ, en, ja):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(site_dir=tmp_path, environ=environ)
    assert en in caught.value.render("en") and ja in caught.value.render("ja")


def test_the_cli_words_a_bad_planlod_toml_in_the_locales_language(tmp_path):
    (tmp_path / SITE_FILE).write_text("[settings]\nreasoner = 'yes'\n", encoding="utf-8")
    ja = CliRunner(env={"LANG": "ja_JP.UTF-8", "LC_ALL": ""}).invoke(cli, ["--site", str(tmp_path), "build"])
    assert ja.exit_code == 1
    assert f"エラー: {tmp_path / SITE_FILE}:2: planlod.toml の [settings] の reasoner はtrue か false" in ja.output
    en = CliRunner(env={"LANG": "ja_JP.UTF-8", "LC_ALL": ""}).invoke(cli, ["--lang", "en", "--site", str(tmp_path),
                                                                           "build"])  # fmt: skip
    assert en.exit_code == 1 and "Error: " in en.output and "reasoner is written as true or false" in en.output


def test_new_plan_takes_the_sites_defaults(tmp_path):
    (tmp_path / SITE_FILE).write_text('[new-plan]\nofficial = false\nplan = "6th"\n', encoding="utf-8")
    made = invoke("--site", tmp_path, *NEW_PLAN)
    assert made.exit_code == 0, made.output
    info = dataset.load(tmp_path / "data" / "271004-osaka-city-6th")
    assert info.plan.id == "6th" and info.publication.official is False
