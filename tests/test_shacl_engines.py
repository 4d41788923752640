"""pyshacl-turbo, the default SHACL engine, agrees with pyshacl, the reference, finding for finding.

Both engines run over every mutation case of ``test_validate`` (each breaks the real plan in
one way) and over a sample of the synthetic corpus; their findings must be identical: the
verdict, and for each finding its severity, focus node, path, value, shape, constraint
component and messages in both languages. Any difference is a reason not to trust the fast
engine, so it fails here rather than in a city's build.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_validate import MUTATIONS, copy

from planlod import dataset, pipeline, synth, validate
from planlod.config import ConfigError, Settings
from planlod.shacl_engines import ENGINES, UnknownEngine, validator

BASE = "https://w3id.org/jp-cityplan/"


def findings(report: validate.Report) -> list[tuple[str, ...]]:
    return sorted(
        tuple(str(part) for part in (f.severity, f.focus, f.path, f.value, f.shape, f.component))
        + tuple(f"{lang}:{text}" for lang, text in sorted(f.messages.items()))
        for f in report.findings
    )


def assert_same(data) -> None:
    reference = validate.check(data, engine="pyshacl")
    fast = validate.check(data, engine="turbo")
    assert fast.conforms == reference.conforms
    assert findings(fast) == findings(reference)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_both_engines_report_each_mutation_alike(mutation, compiled):
    data = copy(compiled.dataset)
    mutation.apply(data)
    assert_same(data)


def test_both_engines_agree_on_a_synthetic_corpus_sample(tmp_path: Path):
    for folder in synth.generate(3, tmp_path):
        _, data = pipeline.compile_plan(dataset.load(folder), BASE)
        pipeline.add_vocabulary(data)
        assert_same(data)


def test_the_real_plan_conforms_under_both_engines(compiled):
    for engine in ENGINES:
        assert validate.check(copy(compiled.dataset), engine=engine).findings == []


def test_the_engine_is_a_setting_and_pyshacl_stays_selectable():
    assert Settings().shacl_engine == "turbo"
    assert Settings.from_env({"PLANLOD_SHACL_ENGINE": "pyshacl"}).shacl_engine == "pyshacl"
    with pytest.raises(ConfigError, match="shacl_engine"):
        Settings.from_env({"PLANLOD_SHACL_ENGINE": "topbraid"})
    with pytest.raises(UnknownEngine):
        validator("topbraid")
