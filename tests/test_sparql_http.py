"""The SPARQL endpoint over real sockets, against the `planlod serve` process as users start it."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from planlod.config import ROOT
from tests.conftest import free_port

LIMIT = 1_000_000  # the app's MAX_CONTENT_LENGTH


@pytest.fixture(scope="module")
def served(settings, release, tmp_path_factory):
    """`planlod serve` on a free local port, serving the session's release."""
    port = free_port()
    env = os.environ | {"PLANLOD_BUILD_DIR": str(settings.build_dir), "PYTHONPATH": str(ROOT)}
    log = tmp_path_factory.mktemp("serve") / "log.txt"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "planlod", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"{url}/robots.txt", timeout=2):
                break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"planlod serve exited: {log.read_text()}")
            time.sleep(0.1)
    yield port
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def chunked_post(port: int, content_type: str, body: bytes) -> tuple[int, str]:
    """POST ``body`` with Transfer-Encoding: chunked (no Content-Length) and read the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    pieces = (body[i : i + 65536] for i in range(0, len(body), 65536))
    try:
        connection.request("POST", "/sparql", body=pieces, encode_chunked=True,
                           headers={"Content-Type": content_type, "Accept": "*/*"})  # fmt: skip
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except (BrokenPipeError, ConnectionResetError):
        # A server may stop reading an oversized body and close: then its answer is lost in transit.
        pytest.fail("the server closed the connection without an answer")
    finally:
        connection.close()


def test_a_chunked_form_over_the_limit_is_413(served):
    # The query itself is small and valid: a server that silently cut the body would run it.
    form = urlencode({"query": "ASK {}", "padding": "x" * (LIMIT + 10_000)}).encode()
    status, body = chunked_post(served, "application/x-www-form-urlencoded", form)
    assert status == 413, body


def test_a_chunked_direct_query_over_the_limit_is_413(served):
    query = b"ASK {}\n#" + b"x" * (LIMIT + 10_000)
    status, body = chunked_post(served, "application/sparql-query", query)
    assert status == 413, body


def test_a_chunked_form_within_the_limit_is_answered(served):
    status, body = chunked_post(served, "application/x-www-form-urlencoded", urlencode({"query": "ASK {}"}).encode())
    assert status == 200 and "true" in body


def test_vary_accept_on_the_query_page_over_http(served):
    request = urllib.request.Request(f"http://127.0.0.1:{served}/sparql", headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert "Accept" in response.headers.get("Vary", "")
    with pytest.raises(urllib.error.HTTPError) as not_acceptable:
        urllib.request.urlopen(
            urllib.request.Request(
                f"http://127.0.0.1:{served}/sparql?query=ASK%7B%7D", headers={"Accept": "image/png"}
            ),
            timeout=30,
        )
    not_acceptable.value.close()
    assert not_acceptable.value.code == 406 and "Accept" in not_acceptable.value.headers.get("Vary", "")
