"""The wheel is the whole tool: installed alone into a fresh venv, it makes, builds and serves a site.

.ci/run builds the wheel from the checkout and passes its path as ``PLANLOD_WHEEL``. The test
installs it into a new venv (dependencies from the package index or pip's cache) and runs
every step as a city would, in an empty temporary folder: the current folder is elsewhere,
``PYTHONPATH`` is unset and no ``PLANLOD_*`` variable leaks in, so nothing comes from the
checkout but the two plans' files the test itself writes into the site (the fictional fixture
plan's source, and a copy of Ibaraki's plan folder to link against).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from email.message import Message
from pathlib import Path
from urllib.parse import urljoin

import pytest

from planlod.config import ROOT
from tests.conftest import free_port, require_tool

pytestmark = pytest.mark.wheel

FIXTURE = ROOT / "tests" / "fixtures" / "999997-fictional-1st"
IBARAKI = ROOT / "data" / "272116-ibaraki-5th"
# new-plan refuses the fixture's code (prefecture 99 does not exist): the fixture's source goes into
# a plan folder new-plan makes for a valid code in a city block no real municipality uses (800-999).
LGCODE = "278017"
INITIATIVE = f"/id/{LGCODE}/1st/initiative/2-1-1"


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheel = os.environ.get("PLANLOD_WHEEL")
    if not wheel:
        require_tool("PLANLOD_WHEEL is not set: .ci/run builds the wheel and sets it")
    home = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(home)], check=True)
    subprocess.run(
        # --no-compile: byte-compiling every dependency up front costs more than compiling what runs
        [str(home / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-compile", wheel],
        check=True, env=clean_env(home), cwd=home,
    )  # fmt: skip
    return home


def clean_env(venv: Path, cache: Path | None = None) -> dict[str, str]:
    """The user's environment without anything that points back at the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PLANLOD_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    if cache is not None:
        env["PLANLOD_CACHE_DIR"] = str(cache)  # proofs of this run only, not the user's cache
    return env


def wheel_files() -> list[str]:
    wheel = os.environ.get("PLANLOD_WHEEL")
    if not wheel:
        require_tool("PLANLOD_WHEEL is not set: .ci/run builds the wheel and sets it")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_the_wheel_carries_the_tools_files_and_no_site_data():
    names = set(wheel_files())
    for folder, pattern in (("ontology", "*.ttl"), ("shapes", "*.ttl"), ("queries", "*.rq")):
        expected = {f"planlod/_data/{folder}/{p.name}" for p in (ROOT / folder).glob(pattern)}
        assert expected and expected <= names, folder
    assert "planlod/_data/data/sdg-keywords.toml" in names
    assert {"planlod/_data/docs/ja/site.md", "planlod/_data/docs/source-format.md"} <= names
    assert {"server/templates/base.html", "server/static/style.css"} <= names
    # Ibaraki's plan is this repository's site data, not the tool's.
    assert not [name for name in names if "272116" in name or name.startswith(("data/", "ontology/"))]


def test_the_wheel_alone_makes_builds_checks_serves_and_links_a_site(venv, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    env = clean_env(venv, cache)

    def planlod(*args: str) -> str:
        done = subprocess.run(
            ["planlod", *args], cwd=site, env=env, capture_output=True, text=True, timeout=120
        )  # fmt: skip
        assert done.returncode == 0, f"planlod {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    # The command and the package both come from the venv, and the tool's files with them.
    assert shutil.which("planlod", path=env["PATH"]) == str(venv / "bin" / "planlod")
    where = subprocess.run(
        ["python", "-c", "import planlod.config as c, server; print(c.__file__, c.QUERIES_DIR, server.__file__)"],
        cwd=site, env=env, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert all(Path(path).is_relative_to(venv) for path in where), where

    planlod("new-plan", "--lgcode", LGCODE, "--name-ja", "架空市", "--name-en", "Fictional City")
    assert (site / "planlod.toml").is_file() and (site / "README.md").is_file()
    plan = site / "data" / f"{LGCODE}-fictional-city-1st"
    shutil.copyfile(FIXTURE / "source.txt", plan / "source.txt")
    toml = plan / "dataset.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("draft = true", "draft = false"), encoding="utf-8")
    shutil.copytree(IBARAKI, site / "data" / IBARAKI.name)

    built = planlod("build")
    assert f"{LGCODE}/1st" in built and "272116/5th" in built
    assert "conforms" in planlod("validate")

    answer = json.loads(planlod("query", "plans", "--format", "json"))
    titles = {row["title"]["value"] for row in answer["results"]["bindings"]}
    assert {"架空市総合計画", "第5次茨木市総合計画"} <= titles, titles

    planlod("link", "--from", f"{LGCODE}/1st", "--to", "272116/5th")
    review = tomllib.loads((plan / "links.toml").read_text(encoding="utf-8"))
    assert any(link["to"].startswith("https://w3id.org/jp-cityplan/id/272116/5th/") for link in review["link"])

    port = free_port()
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 — closed below
    server = subprocess.Popen(
        ["planlod", "serve", "--port", str(port)], cwd=site, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, server)
        status, headers, _ = get(base + INITIATIVE, "text/html")
        assert status == 303, status
        status, headers, body = get(urljoin(base + INITIATIVE, headers["Location"]), "text/html")
        assert status == 200 and "電子自治体の推進" in body
        # The site's planlod.toml (made by new-plan) and the plan's dataset.toml speak, nobody else.
        assert "架空市 総合計画データ" in body and "公開者:架空市" in body and "公式な公開物では" not in body
        status, _, body = get(base + "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", "application/sparql-results+json")
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the 303 itself is what is tested
        return None


def get(url: str, accept: str) -> tuple[int, Message, str]:
    """Status, headers (by any case: granian sends them in lower case) and body."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"planlod serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    pytest.fail(f"planlod serve did not answer within {seconds} s")
