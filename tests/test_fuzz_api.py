"""The query API fuzzed from its own OpenAPI description (schemathesis), in process through WSGI.

Schemathesis generates valid and invalid parameters for every ``/api/{name}`` operation
from ``/api/openapi.json``. Whatever it sends, the API answers without a server error, in
the status codes, content types and schemas it documents, and never reflects the input as
markup. The rest of the server is fuzzed by ``test_fuzz_http.py``.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

# What a reflected input would need to do harm (as in test_fuzz_http.py).
MARKUP = ["<script", "<img", "<svg", "<!--"]


# The operations are the same on both stores (the HTTP fuzz tests and the API's own tests run on both);
# schemathesis's examples are the slow part, so they go to one.
pytestmark = pytest.mark.parametrize("app", ["embedded"], indirect=True)


@pytest.fixture
def api_schema(app):
    # Examples and random fuzzing; the coverage phase (every boundary of every parameter) takes a minute.
    config = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("PLANLOD_FUZZ_EXAMPLES", 10)),
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=list(HealthCheck),
)
def test_api(case):
    response = case.call_and_validate(
        # Uncompressed: the in-process WSGI transport does not undo Content-Encoding (compression has its tests).
        headers={"Accept-Encoding": "identity"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
    # No parameter value comes back as markup in an HTML answer.
    if "html" in response.headers.get("Content-Type", [""])[0]:
        sent = " ".join(str(v) for v in (case.query or {}).values())
        assert not [m for m in MARKUP if m in response.text and m in sent]
