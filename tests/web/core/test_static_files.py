"""Static files under names that change with their content, kept by browsers for a
year; pages compressed for browsers that accept it."""

import gzip
import re


def stylesheet_url(page: str) -> str:
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)


def test_the_stylesheet_has_a_name_that_changes_with_its_content(client, app):
    url = stylesheet_url(client.get("/systems").text)
    assert re.fullmatch(r"/static/kb\.[0-9a-f]{12}\.css", url)
    with client.get(url) as response, open(f"{app.static_folder}/kb.css", "rb") as f:
        assert response.status_code == 200
        assert response.data == f.read()
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable


def test_a_plain_or_outdated_name_gets_todays_file_cached_briefly(client):
    with client.get(stylesheet_url(client.get("/").text)) as response:
        current = response.data
    for url in ("/static/kb.css", "/static/kb.0123456789ab.css"):
        with client.get(url) as response:
            assert response.status_code == 200 and response.data == current
            assert response.cache_control.max_age == 3600
            assert not response.cache_control.immutable
    for url in ("/static/nothing-here.css", "/static/../kb/config.py"):
        with client.get(url) as response:
            assert response.status_code == 404


def test_pages_are_compressed_for_browsers_that_accept_it(client):
    plain = client.get("/systems", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    packed = client.get("/systems", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    with client.get("/static/kb.css", headers={"Accept-Encoding": "gzip"}) as css, \
            client.get("/static/kb.css") as raw:
        assert css.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(css.data) == raw.data


def test_compression_can_be_left_to_a_proxy(app_with):
    client = app_with(COMPRESS_RESPONSES=False).test_client()
    response = client.get("/systems", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert "<html" in response.text


def test_a_fingerprinted_name_outside_the_folder_reads_nothing(client, app):
    from kb.web.static_files import Fingerprints

    fingerprints = Fingerprints(app.static_folder)
    for name in ("../config.py", "../../setup.cfg", "/etc/hostname"):
        assert fingerprints.hash_of(name) is None
    assert fingerprints.resolve("../config.0123456789ab.py") == (
        "../config.0123456789ab.py", False)
    assert fingerprints._hashes == {}  # nothing remembered for names that are not files
    with client.get("/static/..%2Fconfig.0123456789ab.py") as response:
        assert response.status_code == 404
