"""The JSON API does what /api/v1/openapi.json says, as Schemathesis finds it: every
check (server errors, status codes, content types, response schemas, headers,
schema-valid requests accepted and schema-violating ones refused, undeclared
methods answered 405 with Allow, ...) over the examples, coverage and fuzzing
phases, at a bounded number of examples per operation (in-process WSGI)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from kb.web.openapi import openapi_document
from tests.support.budget import examples

EXAMPLES_PER_OPERATION = examples(40)  # 40; fewer under `make test-fast`

CONFIG = SchemathesisConfig.from_dict({
    "checks": {"enabled": True},
    "generation": {"max-examples": EXAMPLES_PER_OPERATION},
})


schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)


@pytest.fixture
def api(app, factory):
    factory.figures_world()  # systems with figures and experiences of every visibility
    return app


def test_the_document_tested_is_the_one_served(client):
    assert client.get("/api/v1/openapi.json").get_json() == openapi_document()


@schema.parametrize()
# The API only reads: one app and its data serve every generated request.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_does_what_its_document_says(case, api):
    # The WSGI transport does not decode compressed bodies (compression has tests of
    # its own, tests/web/core/test_static_files.py): ask for them plain.
    case.call_and_validate(app=api, headers={"Accept-Encoding": "identity"})
