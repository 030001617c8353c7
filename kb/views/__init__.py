"""One blueprint per area of the site."""

from flask import Flask


def register(app: Flask) -> None:
    from kb.paging import IdConverter

    app.url_map.converters["int"] = IdConverter
    from kb.views import auth, experiences, main, systems

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(systems.bp)
    app.register_blueprint(experiences.bp)

    from kb.views import api, compare

    app.register_blueprint(compare.bp)
    app.register_blueprint(api.bp)

    from kb.views import search

    app.register_blueprint(search.bp)

    from kb.views import account, admin

    app.register_blueprint(account.bp)
    app.register_blueprint(admin.bp)

    from kb.views import community

    app.register_blueprint(community.bp)
