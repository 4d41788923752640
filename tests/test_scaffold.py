"""`planlod new-plan`: another municipality's folder that builds, validates and shows as it is."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from planlod import build, dataset
from planlod.cli import cli
from planlod.config import ROOT, Settings
from planlod.scaffold import NewPlan, ScaffoldError, create


def test_new_plan_builds_validates_and_is_listed(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "272116-ibaraki-5th", data / "272116-ibaraki-5th")
    runner = CliRunner()
    base = ["--data-dir", str(data), "--build-dir", str(tmp_path / "build")]
    made = runner.invoke(
        cli, [*base, "new-plan", "--lgcode", "271004", "--name-ja", "大阪市", "--name-en", "Osaka City"]
    )
    assert made.exit_code == 0, made.output
    folder = data / "271004-osaka-city-1st"
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "dataset.toml", "source-format.md", "source.txt"]
    info = dataset.load(folder)
    assert (info.municipality.prefecture_ja, info.municipality.prefecture_en) == ("大阪府", "Osaka Prefecture")
    assert info.plan.draft and info.key == "271004/1st"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "planlod build" in readme and "原資料" in readme
    # Every file the README points the city's staff to is in the folder (before: docs/source-format.md, which is not).
    for named in set(re.findall(r"`([\w.-]+\.(?:md|toml|txt))`", readme)) - {"links.toml"}:  # links: made by link
        assert (folder / named).is_file(), named
    assert "`source-format.md`" in readme
    guide = (folder / "source-format.md").read_text(encoding="utf-8")
    assert "## 日本語" in guide and "## English" in guide and "## 小さな例 / A small example" in guide
    built = runner.invoke(cli, [*base, "build"])
    assert built.exit_code == 0, built.output
    validated = runner.invoke(cli, [*base, "validate", "--lang", "ja"])
    assert validated.exit_code == 0, validated.output

    from server import create_app

    app = create_app(Settings(data_dir=data, build_dir=tmp_path / "build"))
    try:
        client = app.test_client()
        home = client.get("/", headers={"Accept-Language": "ja"}).get_data(as_text=True)
        assert "大阪市総合計画" in home and "作成中" in home and "第5次茨木市総合計画" in home
        assert client.get("/id/271004/1st", headers={"Accept": "text/turtle"}).status_code == 303
    finally:
        app.extensions["planlod"].close()


def test_filled_draft_must_say_so(tmp_path):
    folder = create(NewPlan("271004", "大阪市", "Osaka City"), tmp_path)
    toml = folder / "dataset.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("draft = true", "draft = false"), encoding="utf-8")
    with pytest.raises(Exception, match="draft = true"):
        build.run(Settings(data_dir=tmp_path, build_dir=tmp_path / "build"))


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (NewPlan("271005", "大阪市", "Osaka City"), "scaffold.check_digit"),
        (NewPlan("27100", "大阪市", "Osaka City"), "scaffold.code_format"),
        (NewPlan("991007", "x", "X"), "scaffold.prefecture"),
        (NewPlan("271004", "大阪市", "Osaka City", plan_id="First Plan"), "scaffold.plan_id"),
        (NewPlan("271004", "大阪市", " "), "scaffold.names"),
    ],
)
def test_bad_input_is_refused(tmp_path, new, message):
    with pytest.raises(ScaffoldError) as caught:
        create(new, tmp_path)
    assert caught.value.message.id == message
    assert not any(tmp_path.iterdir())


def test_a_wrong_check_digit_gives_the_right_code(tmp_path):
    # Before: "'271005' is not a six-digit local government code with its check digit".
    with pytest.raises(ScaffoldError) as caught:
        create(NewPlan("271005", "大阪市", "Osaka City"), tmp_path)
    assert "the code is 271004" in caught.value.render("en")
    assert "コードは 271004 です" in caught.value.render("ja")


def test_an_existing_plan_is_never_overwritten(tmp_path):
    create(NewPlan("271004", "大阪市", "Osaka City"), tmp_path)
    with pytest.raises(ScaffoldError) as caught:
        create(NewPlan("271004", "大阪市", "Osaka City"), tmp_path)
    assert caught.value.message.id == "scaffold.plan_exists" and caught.value.path.name == "271004-osaka-city-1st"
