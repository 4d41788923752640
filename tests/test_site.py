"""A site is the folder a city owns: found from the current folder upward or by --site, made by new-plan."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from planlod import dataset
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
    ("text", "message"),
    [
        ("[site]\ntitel_ja = 'x'\n", r"\[site\] titel_ja is not a setting"),
        ("[operator]\nphone = '1'\n", r"\[operator\] phone is not a setting"),
        ("[settings]\nquery_timeout = 'soon'\n", r"\[settings\] query_timeout must be a float"),
        ("[sites]\n", r"unknown table \[sites\]"),
        ("[site\n", "not valid TOML"),
    ],
)
def test_a_bad_planlod_toml_names_the_file_and_the_key(tmp_path, text, message):
    (tmp_path / SITE_FILE).write_text(text, encoding="utf-8")
    with pytest.raises((SiteError, ConfigError), match=message) as caught:
        Settings.from_env(site_dir=tmp_path, environ={})
    assert str(tmp_path / SITE_FILE) in str(caught.value)


def test_new_plan_takes_the_sites_defaults(tmp_path):
    (tmp_path / SITE_FILE).write_text('[new-plan]\nofficial = false\nplan = "6th"\n', encoding="utf-8")
    made = invoke("--site", tmp_path, *NEW_PLAN)
    assert made.exit_code == 0, made.output
    info = dataset.load(tmp_path / "data" / "271004-osaka-city-6th")
    assert info.plan.id == "6th" and info.publication.official is False
