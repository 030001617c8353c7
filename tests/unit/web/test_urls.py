"""URLs kept between requests are the URLs werkzeug would build for that request."""

from flask import url_for


def test_kept_urls_follow_arguments_mount_point_and_scheme(app):
    with app.test_request_context("/"):
        first = url_for("systems.detail", slug="heroma")
        assert first == "/systems/heroma"
        assert url_for("systems.detail", slug="hogia") == "/systems/hogia"
        assert url_for("search.search_page", q="lön", page=2) == "/search?q=l%C3%B6n&page=2"
        assert url_for("search.search_page", q="lön", page="2") == "/search?q=l%C3%B6n&page=2"
        assert url_for("compare.index", s=["a", "b"]) == "/compare?s=a&s=b"
        assert url_for("systems.detail", slug="heroma", _anchor="figurer") == \
            "/systems/heroma#figurer"
        assert url_for("systems.detail", slug="heroma", _external=True) == \
            "http://localhost/systems/heroma"
    # The same arguments in a request to the app mounted elsewhere, or over https.
    with app.test_request_context("/", base_url="http://localhost/kb"):
        assert url_for("systems.detail", slug="heroma") == "/kb/systems/heroma"
    with app.test_request_context("/", base_url="https://kb.example.se"):
        assert url_for("systems.detail", slug="heroma", _external=True) == \
            "https://kb.example.se/systems/heroma"


def test_pages_link_the_same_with_kept_urls(client, factory):
    author = factory.user()
    system = factory.system(slug="heroma", name="Heroma")
    experience_id = factory.experience(author, system, title="Stabil lönekörning")
    for _ in range(2):
        page = client.get("/search?q=lönekörning").text
        assert f'href="/experiences/{experience_id}"' in page
        assert 'href="/systems/heroma"' in page
