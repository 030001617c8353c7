"""One blueprint per area of the site, and what every response shares."""

import logging

from flask import Flask, current_app

from kb import indexing
from kb.extensions import search_index
from kb.views import (
    account,
    admin,
    api,
    auth,
    community,
    compare,
    experiences,
    main,
    meetings,
    network_questions,
    networks,
    search,
    survey,
    systems,
)
from kb.views.common import IdConverter

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    for module in (main, auth, systems, experiences, compare, api, search, account, admin,
                   community, networks, meetings, network_questions, survey):
        app.register_blueprint(module.bp)
    app.after_request(_merge_index_after_response)


def _merge_index_after_response(response):
    """Index segments piled up by drains are merged once the response has been sent, so
    the member who submitted never waits for it."""
    store = search_index.find()
    if store is not None and store.merge_wanted:
        store.merge_wanted = False
        app = current_app._get_current_object()

        def merge() -> None:
            with app.app_context():
                try:
                    indexing.merge_segments()
                except Exception:  # a later request tries again
                    log.exception("Merging index segments failed.")

        response.call_on_close(merge)
    return response
