"""The serving benchmark's quick mode runs, so the benchmark cannot rot between full runs.

Only that it ran and produced every ratio is asserted, never a time or a ratio's size: the
machine running the tests is not a benchmark machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("construct", "count-by-type", "text-search", "sparql-mix", "page-html", "page-ttl", "home", "page-304")


def test_the_serving_benchmark_runs_in_quick_mode():
    for tool, package in (("wrk", "wrk"), ("oxigraph", "pyoxigraph's oxigraph command")):
        if shutil.which(tool) is None:
            require_tool(f"{tool} is not installed ({package})")
    results = ROOT / "bench" / "RESULTS.md"
    before = results.read_bytes()
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "serve.py"), "--quick"], cwd=ROOT,
                          env=os.environ | {"PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| planlod serve |")]
    for scenario in SCENARIOS:
        row = next((r for r in rows if f"| {scenario} |" in r), None)
        assert row is not None, f"no row for {scenario}:\n{done.stdout}"
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert int(cells[2]) > 0 and cells[3] == "0", row  # requests answered, none failed
        assert re.fullmatch(r"\d+\.\d\d×", cells[7]), row  # a ratio against its peer
    assert results.read_bytes() == before  # the quick mode never records
