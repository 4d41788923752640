"""A bounded load test: 32 concurrent visitors against the production command (`planlod serve`), no errors.

The visitors are ``bench/locustfile.py`` run headless by locust, as ``python bench/load.py``
does for its longer, recorded run; only 127.0.0.1 is contacted and the run stops by itself.
Latencies are measured there, not asserted here: this machine is shared.
"""

from __future__ import annotations

import importlib.util
import os
import sys

from planlod.config import ROOT

USERS = 32
SECONDS = int(os.environ.get("PLANLOD_LOAD_SECONDS", 15))


def bench_load():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_32_concurrent_visitors_get_no_errors(settings, release, tmp_path):
    load = bench_load()
    with load.serve(settings.build_dir, workers=2, log=tmp_path / "serve.log") as url:
        rows = load.run_locust(url, USERS, SECONDS, tmp_path)
    total = rows[-1]
    assert load.failures(tmp_path) == []
    assert total.name == "all requests" and total.failures == 0 and total.requests > USERS
    # Every kind of visit in the mix was made at least once: the run really covered the server.
    visited = {row.name for row in rows[:-1]}
    assert {"/", "/search?q=[word]", "/sparql?query=[q]", "/api/plan-structure", "/data/dataset.ttl"} <= visited
    assert any("If-None-Match" in name for name in visited)
