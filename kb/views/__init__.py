"""One blueprint per area of the site."""

from flask import Flask


def register(app: Flask) -> None:
    from kb.views import auth, experiences, main, systems

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(systems.bp)
    app.register_blueprint(experiences.bp)
