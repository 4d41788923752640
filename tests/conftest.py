"""Shared fixtures: the real plan, built once per session, and helpers to break a copy of it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from planlod import build, dataset
from planlod.config import ROOT, Settings
from planlod.ingest import parse

REAL_PLAN = ROOT / "data" / "272116-ibaraki-5th"
SOURCE = REAL_PLAN / "source.txt"


@pytest.fixture(scope="session")
def source_lines() -> list[str]:
    return SOURCE.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="session")
def info() -> dataset.DatasetInfo:
    return dataset.load(REAL_PLAN)


@pytest.fixture(scope="session")
def plan():
    return parse(SOURCE)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(build_dir=tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def compiled(settings: Settings) -> build.Compiled:
    return build.compile_all(settings)


@pytest.fixture(scope="session")
def release(settings: Settings) -> Path:
    """The real data built and published once, as `planlod build` does."""
    return build.run(settings).release


PlanCopy = Callable[[Callable[[list[str]], list[str]]], Path]


@pytest.fixture
def data_copy(tmp_path: Path) -> Callable[..., Path]:
    """A data folder holding a copy of the real plan whose source lines can be edited.

    ``data_copy(edit)`` calls ``edit(lines)`` (1-based line n is ``lines[n - 1]``) and
    writes the result back; it returns the data folder (the parent of the plan folder).
    """

    def make(edit: Callable[[list[str]], list[str]] | None = None) -> Path:
        data_dir = tmp_path / "data"
        plan_dir = data_dir / REAL_PLAN.name
        if not plan_dir.exists():
            shutil.copytree(REAL_PLAN, plan_dir)
        if edit is not None:
            source = plan_dir / "source.txt"
            lines = source.read_text(encoding="utf-8").split("\n")
            source.write_text("\n".join(edit(list(lines))), encoding="utf-8")
        return data_dir

    return make


# -- the server -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def app(settings: Settings, release: Path):
    """The app on the real release, as `planlod serve` runs it (short query limit for the tests)."""
    from server import create_app

    application = create_app(settings.with_(query_timeout=3.0))
    yield application
    pool = application.extensions.get("planlod_pool")
    if pool is not None:
        pool.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(app):
    """The app behind a real HTTP server on a free local port, for real clients (SPARQLWrapper, rdflib)."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
