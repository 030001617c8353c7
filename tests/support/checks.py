"""Assertions several test folders share: an API answer checked against the OpenAPI
document, and a followed figure snapshot compared with a fresh one."""

from __future__ import annotations

import numpy as np
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.test import EnvironBuilder


def checked_get(client, spec, url):
    """GET url, and check the request and the response against the OpenAPI document."""
    response = client.get(url)
    request = EnvironBuilder(path=url.split("?")[0],
                             query_string=url.split("?", 1)[1] if "?" in url else "").get_request()
    openapi_request = WerkzeugOpenAPIRequest(request)
    if response.status_code < 400:
        spec.validate_request(openapi_request)
    spec.validate_response(openapi_request, WerkzeugOpenAPIResponse(response))
    return response


def assert_same_snapshot(followed, fresh):
    """Two figure snapshots (kb.stats.snapshot) hold the same columns and reasons."""
    assert followed.columns.keys() == fresh.columns.keys()
    for name in followed.columns:
        if name != "reason":
            assert np.array_equal(followed.columns[name], fresh.columns[name]), name

    def reasons(s):
        return [s.reasons[code] if code >= 0 else None for code in s.columns["reason"]]

    assert reasons(followed) == reasons(fresh)
