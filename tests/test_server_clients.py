"""Who a request counts against in the fair shares of the query workers."""

from __future__ import annotations

from flask import Flask, request

from planlod.config import Settings
from server.clients import client_of

APP = Flask(__name__)


def client(settings: Settings, headers: dict[str, str]) -> str:
    with APP.test_request_context("/sparql", headers=headers, environ_base={"REMOTE_ADDR": "192.0.2.9"}):
        return client_of(request, settings)


def test_the_connection_address_counts_and_forwarding_headers_are_ignored_by_default():
    assert client(Settings(), {"X-Forwarded-For": "10.0.0.1"}) == "192.0.2.9"


def test_behind_a_trusted_proxy_the_address_it_saw_counts():
    behind = Settings(client_header="X-Forwarded-For")
    assert client(behind, {"X-Forwarded-For": "10.0.0.1"}) == "10.0.0.1"
    # What the client wrote itself comes first; the proxy appends the address it saw.
    assert client(behind, {"X-Forwarded-For": "6.6.6.6, 10.0.0.1"}) == "10.0.0.1"
    assert client(behind, {}) == "192.0.2.9"
