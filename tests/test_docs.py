"""The documentation keeps up with the code."""

from __future__ import annotations

import dataclasses

from planlod.config import ROOT, Settings


def test_every_setting_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f.name for f in dataclasses.fields(Settings) if f"PLANLOD_{f.name.upper()}" not in readme]
    assert missing == []


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(block) == 2
    assert "planlod serve" in block[0]
    assert block[1].split()[0] == "./.ci/run"
    assert "python3 -m pytest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_key_of_planlod_toml_is_in_the_guide_for_city_staff():
    from planlod.site import NEW_PLAN_TABLE, RENAMED, NewPlanDefaults

    guide = (ROOT / "docs" / "ja" / "site.md").read_text(encoding="utf-8")
    keys = {(table, key) for table, renamed in RENAMED.items() for key in renamed}
    keys |= {(NEW_PLAN_TABLE, f.name) for f in dataclasses.fields(NewPlanDefaults)}
    keys |= {("site", "base_iri")}
    missing = [f"[{t}] {k}" for t, k in sorted(keys) if f"`[{t}]`" not in guide or f"`{k}`" not in guide]
    assert missing == []
