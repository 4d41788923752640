"""The production entry point: gunicorn serving the release, as `README.md` documents it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from planlod.config import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn_url(settings, release, tmp_path_factory):
    port = free_port()
    env = os.environ | {
        "PLANLOD_BUILD_DIR": str(settings.build_dir),
        "PLANLOD_BIND": f"127.0.0.1:{port}",
        "PLANLOD_HTTP_WORKERS": "2",
    }
    log = tmp_path_factory.mktemp("gunicorn") / "log.txt"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "server/gunicorn.conf.py", "server.wsgi:app"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/robots.txt", timeout=2):
                break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited: {log.read_text()}")
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=30)


def get(url: str, accept: str = "*/*") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_gunicorn_serves_pages_data_and_sparql(gunicorn_url):
    status, content_type, body = get(f"{gunicorn_url}/id/272116/5th/initiative/7-1-2", "text/turtle")
    assert status == 200 and content_type.startswith("text/turtle")  # urllib followed the 303
    assert "魅力発信力の強化".encode() in body
    status, _, body = get(f"{gunicorn_url}/", "text/html")
    assert status == 200 and b"7-7-4" in body
    query = urllib.request.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/jp-cityplan/def#Policy> }")
    status, content_type, body = get(f"{gunicorn_url}/sparql?query={query}", "application/sparql-results+json")
    assert status == 200 and b'"value":"7"' in body
