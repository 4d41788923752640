"""dataset.toml: what the source does not say, checked before anything is built."""

from __future__ import annotations

import pytest

from planlod.dataset import DatasetError, lgcode_check_digit, load


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


def test_wrong_check_digit_is_refused(data_copy):
    folder = data_copy() / "272116-ibaraki-5th"
    path = folder / "dataset.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"272116"', '"272117"'), encoding="utf-8")
    with pytest.raises(DatasetError, match="272117.*not a six-digit local government code"):
        load(folder)


def test_missing_key_names_it(data_copy):
    folder = data_copy() / "272116-ibaraki-5th"
    path = folder / "dataset.toml"
    text = path.read_text(encoding="utf-8").replace('title_ja = "第5次茨木市総合計画"\n', "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match=r"missing \[plan\] title_ja"):
        load(folder)


def test_not_toml(tmp_path):
    with pytest.raises(DatasetError, match="not valid TOML"):
        load(write(tmp_path, "[municipality\ncode = 1"))


def test_missing_file(tmp_path):
    with pytest.raises(DatasetError, match="not found"):
        load(tmp_path)
