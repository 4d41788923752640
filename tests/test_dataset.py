"""dataset.toml: what the source does not say, checked before anything is built."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planlod.config import ROOT
from planlod.dataset import DatasetError, discover, lgcode_check_digit, load

FICTIONAL = ROOT / "tests" / "fixtures" / "999997-fictional-1st"


def test_real_dataset(info):
    assert info.municipality.code == "272116"
    assert info.municipality.name_ja == "茨木市"
    assert info.plan.id == "5th"
    assert info.key == "272116/5th"
    assert info.source.file.name == "source.txt"


@pytest.mark.parametrize("code", ["272116", "131016", "011002", "010006", "130001"])
def test_check_digit_of_real_codes(code):
    assert lgcode_check_digit(code[:5]) == int(code[5])


def write(tmp_path, text):
    (tmp_path / "dataset.toml").write_text(text, encoding="utf-8")
    return tmp_path


def edited(data_copy, old: str, new: str) -> Path:
    """A copy of the real plan folder whose dataset.toml has ``old`` replaced by ``new``."""
    folder = data_copy() / "272116-ibaraki-5th"
    path = folder / "dataset.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def line_of(folder: Path, start: str) -> int:
    lines = (folder / "dataset.toml").read_text(encoding="utf-8").split("\n")
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(start))


def error_of(folder: Path) -> DatasetError:
    with pytest.raises(DatasetError) as caught:
        load(folder)
    return caught.value


def test_wrong_check_digit_says_so_and_gives_the_right_one(data_copy):
    # Before: "'272117' is not a six-digit local government code", whatever was wrong with it.
    folder = edited(data_copy, '"272116"', '"272117"')
    error = error_of(folder)
    assert (error.message.id, error.line) == ("dataset.check_digit", line_of(folder, "code ="))
    assert "wrong check digit: 6, not 7" in error.render("en") and "272116" in error.render("en")
    assert "検査数字が違います(7 ではなく 6)" in error.render("ja") and "コードは 272116 です" in error.render("ja")


def test_a_code_that_is_no_number_names_its_line_in_plain_words(data_copy):
    # Before: "[municipality] code must be a str, got 272051".
    folder = edited(data_copy, 'code = "272116"', "code = 272116")
    error = error_of(folder)
    assert (error.message.id, error.line) == ("dataset.wrong_type", line_of(folder, "code ="))
    assert f"{folder / 'dataset.toml'}:{error.line}: " in error.render("ja")
    assert '文字列(" で囲む)で書きますが、272116 と書かれています。例: code = "272116"' in error.render("ja")
    assert 'written as text (in double quotes ")' in error.render("en")


def test_missing_key_names_it(data_copy):
    folder = edited(data_copy, 'title_ja = "第5次茨木市総合計画"\n', "")
    error = error_of(folder)
    assert error.message.id == "dataset.missing_key" and error.line == line_of(folder, "[plan]")
    assert "missing [plan] title_ja" in error.render("en") and "[plan] に title_ja がありません" in error.render("ja")


def test_not_toml_names_the_line(tmp_path):
    error = error_of(write(tmp_path, "[municipality]\ncode = 1\nname_ja = 茨木市\n"))
    assert (error.message.id, error.line) == ("dataset.not_toml", 3)


def test_missing_file(tmp_path):
    assert error_of(tmp_path).message.id == "dataset.not_found"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("license", "javascript:alert(7)"),
        ("license", "data:text/html,<script>alert(1)</script>"),
        ("license", "https://example.org/a b"),
        ("license", "creativecommons.org/licenses/by/4.0/"),
        ("publisher_homepage", "javascript:alert(7)"),
        ("publisher_homepage", "mailto:a@example.org"),  # a homepage is a web page
        ("homepage", "file:///etc/passwd"),
        ("homepage", "https:"),
    ],
)
def test_links_must_be_web_addresses(data_copy, key, value):
    # Before, `license = "javascript:alert(7)"` became a link on /catalog.html.
    line = {"license": "license = ", "publisher_homepage": "publisher_homepage = ", "homepage": "homepage = "}[key]
    folder = data_copy() / "272116-ibaraki-5th"
    path = folder / "dataset.toml"
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(n for n, text in enumerate(lines) if text.startswith(line))
    lines[at] = f'{line}"{value}"'
    path.write_text("\n".join(lines), encoding="utf-8")
    error = error_of(folder)
    assert (error.message.id, error.line) == ("dataset.iri_scheme", at + 1)
    assert value in error.render("en") and "http" in error.render("ja")


@pytest.mark.parametrize("contact", ["mailto:opendata@city.example.lg.jp", "https://www.city.example.lg.jp/form"])
def test_a_contact_may_be_mail_or_web(data_copy, contact):
    folder = edited(data_copy, "official = false", f'official = false\ncontact = "{contact}"')
    assert load(folder).publication.contact == contact


def test_a_contact_is_no_script(data_copy):
    folder = edited(data_copy, "official = false", 'official = false\ncontact = "javascript:alert(7)"')
    assert error_of(folder).message.id == "dataset.iri_scheme"


@pytest.mark.parametrize("file", ["../../etc/passwd", "/etc/passwd", "sub/../../x.txt", "link/source.txt"])
def test_the_source_stays_inside_its_plan_folder(data_copy, file):
    # Before, `file = "../../etc/passwd"` was opened and parsed.
    folder = edited(data_copy, 'file = "source.txt"', f'file = "{file}"')
    (folder / "link").symlink_to("/etc")
    error = error_of(folder)
    assert (error.message.id, error.line) == ("dataset.source_outside", line_of(folder, "file ="))


def test_a_symlinked_source_inside_the_folder_is_fine(data_copy):
    folder = edited(data_copy, 'file = "source.txt"', 'file = "export/source.txt"')
    (folder / "export").mkdir()
    (folder / "export" / "source.txt").symlink_to(folder / "source.txt")
    assert load(folder).source.file == folder / "export" / "source.txt"


def fictional_copy(data: Path, name: str, changes: dict[str, str]) -> Path:
    folder = data / name
    shutil.copytree(FICTIONAL, folder)
    path = folder / "dataset.toml"
    text = path.read_text(encoding="utf-8")
    for old, new in changes.items():
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return folder


def test_a_folder_named_after_another_code_is_refused(data_copy):
    # Copying Ibaraki's code into another plan passed, and /id/272116 had two Japanese names.
    data = data_copy()
    fictional_copy(data, "271004-osaka-city-1st", {'"999997"': '"272116"'})
    error = discover_error(data)
    assert error.message.id == "dataset.folder_code" and "271004-osaka-city-1st" in error.render("en")


def test_one_code_has_one_name_in_every_plan(data_copy):
    data = data_copy()
    fictional_copy(data, "272116-copy-1st", {'"999997"': '"272116"'})
    error = discover_error(data)
    assert error.message.id == "dataset.code_names_differ"
    assert "架空市" in error.render("ja") and "茨木市" in error.render("ja")
    # Both files are named, each at the line of its name_ja.
    for name in ("272116-copy-1st", "272116-ibaraki-5th"):
        assert f"{data / name / 'dataset.toml'}:{line_of(data / name, 'name_ja')}" in error.render("en")


def test_one_plan_in_one_folder(data_copy):
    data = data_copy()
    shutil.copytree(data / "272116-ibaraki-5th", data / "272116-ibaraki-5th-again")
    assert discover_error(data).message.id == "dataset.duplicate_plan"


def test_plans_of_one_city_share_its_names(data_copy):
    data = data_copy()
    shutil.copytree(data / "272116-ibaraki-5th", data / "272116-ibaraki-6th")
    path = data / "272116-ibaraki-6th" / "dataset.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('id = "5th"', 'id = "6th"'), encoding="utf-8")
    assert [info.key for info in discover(data)] == ["272116/5th", "272116/6th"]


def discover_error(data: Path) -> DatasetError:
    with pytest.raises(DatasetError) as caught:
        discover(data)
    return caught.value
