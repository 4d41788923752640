"""Shared fixtures: the real plan, built once per session, and helpers to break a copy of it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    return Settings(site_dir=ROOT, build_dir=tmp_path_factory.mktemp("build"))


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


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def listener():
    """A local TCP listener (a real socket on 127.0.0.1) that records whether anyone connected to it."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield server
    server.close()


def connected(server, wait: float = 0.5) -> bool:
    """Whether a connection reached ``server`` (waiting up to ``wait`` s); accepted ones are closed."""
    server.settimeout(wait)
    try:
        conn, _ = server.accept()
    except (TimeoutError, BlockingIOError):
        return False
    conn.close()
    return True


def serve_command(port: int, workers: int = 2, *args: str) -> list[str]:
    """`planlod serve` as README.md runs it (settings from ``PLANLOD_*``), on 127.0.0.1."""
    import sys

    return [sys.executable, "-m", "planlod", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), *args]  # fmt: skip


@contextmanager
def running_oxigraph(location: Path) -> Iterator[str]:
    """A real Oxigraph server process (the `oxigraph` command from pip) on a free local port."""
    import subprocess
    import time
    import urllib.error
    import urllib.request

    binary = shutil.which("oxigraph")
    if binary is None:
        require_tool("the `oxigraph` command is not installed: pip install -e '.[test]'")
    port = free_port()
    log = open(location.parent / f"oxigraph-{port}.log", "wb")  # noqa: SIM115 — closed at teardown
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location / "db"), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph", "--timeout-s", "30"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None:
                    pytest.fail(f"oxigraph exited with {process.returncode}")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):
    """A real Oxigraph server for the session (the external store of the `app` fixture)."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(scope="session", params=["embedded", "external"])
def app(request, settings: Settings, release: Path):
    """The app on the real release, as `planlod serve` runs it, once per store backend.

    `external` publishes the release to a real Oxigraph server and serves from it, as
    stateless replicas in front of a shared store do. Query limit: 3 s for the tests.
    """
    from planlod.publish import StoreEndpoints, publish
    from server import create_app

    test_settings = settings.with_(query_timeout=3.0)
    if request.param == "external":
        url = request.getfixturevalue("oxigraph_server")
        store = f"sparql+{url}/query"
        publish(release, StoreEndpoints.from_setting(store), test_settings.base_iri)
        test_settings = test_settings.with_(store=store)
    application = create_app(test_settings)
    yield application
    application.extensions["planlod"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def serve_in_thread(app) -> Iterator[str]:
    """``app`` behind a real HTTP server on a free local port, for real clients; yields its URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def live_server(app):
    """The app behind a real HTTP server, for real clients (SPARQLWrapper, rdflib)."""
    yield from serve_in_thread(app)


# -- tools that .ci/run installs ------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-background-networking",  # the network is closed except localhost: no update or sync pings
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_tool(reason: str) -> None:
    """Skip a test whose tool is missing here, but fail it in CI (``PLANLOD_REQUIRE_ALL=1``).

    .ci/run installs every tool the tests need, so in CI a missing one is a failure.
    """
    if os.environ.get("PLANLOD_REQUIRE_ALL") == "1":
        pytest.fail(f"{reason} (PLANLOD_REQUIRE_ALL=1: .ci/run should have installed it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def java() -> None:
    """Java, for the OWL reasoner (HermiT, run by owlready2)."""
    from planlod.reason import java_available

    if not java_available():
        require_tool("no Java for the OWL reasoner (HermiT): apt-get install default-jre-headless")


@pytest.fixture(scope="session", autouse=True)
def proof_cache(tmp_path_factory: pytest.TempPathFactory):
    """Proofs of OWL consistency are kept for this session only, not in the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLANLOD_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (Playwright's own browser download cannot work here)."""
    executable = os.environ.get("PLANLOD_CHROMIUM") or "/usr/bin/chromium"
    if not Path(executable).is_file():
        require_tool(f"no Chromium at {executable}: apt-get install chromium, or set PLANLOD_CHROMIUM")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_tool("the playwright package is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# -- a site of two plans: the real one and the fictional fixture --------------------------

FICTIONAL_PLAN = ROOT / "tests" / "fixtures" / "999997-fictional-1st"
FICTIONAL_PERIOD = "period_start = 2025-04-01\nperiod_end = 2035-03-31"
ACCEPTED_LINK = """[[link]]
from = "2-1-1"
to = "https://w3id.org/jp-cityplan/id/272116/5th/initiative/7-2-7"
relation = "closeMatch"
status = "accepted"
method = "suggested by planlod link"
reviewed_by = "架空市 企画課"
reviewed_on = "2026-11-25"
"""
OPERATOR = {"operator_ja": "テスト運営者", "operator_en": "Test operator", "operator_url": "https://example.org/",
            "contact_email": "lod@example.org"}  # fmt: skip


@pytest.fixture(scope="session")
def two_plan_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a site that publishes both plans, with its operator named.

    Without the OWL reasoner: these builds are about what the site publishes, and the
    reasoner's checks of the same plans run in test_reason.py.
    """
    data = tmp_path_factory.mktemp("two-plans") / "data"
    for plan in (REAL_PLAN, FICTIONAL_PLAN):
        shutil.copytree(plan, data / plan.name)
    # The fictional plan, given a plan period, so that both datasets have a temporal coverage.
    toml = data / FICTIONAL_PLAN.name / "dataset.toml"
    text = toml.read_text(encoding="utf-8").replace("edition = 1\n", f"edition = 1\n{FICTIONAL_PERIOD}\n")
    toml.write_text(text, encoding="utf-8")
    # One accepted cross-plan link, so the site has a linkset to describe.
    (data / FICTIONAL_PLAN.name / "links.toml").write_text(ACCEPTED_LINK, encoding="utf-8")
    return Settings(data_dir=data, build_dir=data.parent / "build", reasoner=False, **OPERATOR)


@pytest.fixture(scope="session")
def two_plan_release(two_plan_settings: Settings) -> Path:
    return build.run(two_plan_settings).release


@pytest.fixture(scope="session")
def two_plan_app(two_plan_settings: Settings, two_plan_release: Path):
    from server import create_app

    application = create_app(two_plan_settings)
    yield application
    application.extensions["planlod"].close()


@pytest.fixture(scope="session")
def two_plan_server(two_plan_app):
    """The two-plan site behind a real HTTP server on a free local port."""
    yield from serve_in_thread(two_plan_app)
