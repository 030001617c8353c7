"""kb: which payroll system Swedish organisations run, and how satisfied they are."""

import os
import weakref

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from kb import config as default_config
from kb.core import parsing


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, instance/config.py, KB_* environment, then test_config."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates"),
    )
    app.config.from_object(default_config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(prefix="KB")
    _rename_environment_settings(app)
    if test_config is not None:
        app.config.from_mapping(test_config)
    _read_settings(app)
    os.makedirs(app.instance_path, exist_ok=True)
    _resolve_paths(app)
    _refuse_dev_secret_in_production(app)

    if app.config["TRUSTED_PROXIES"]:
        # Behind a reverse proxy: the client's address and scheme come from X-Forwarded-*.
        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def _rename_environment_settings(app: Flask) -> None:
    """KB_DATABASE_URL and KB_RATELIMIT_STORAGE_URL name the extensions' own settings."""
    renames = {"DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
               "RATELIMIT_STORAGE_URL": "RATELIMIT_STORAGE_URI"}
    for ours, theirs in renames.items():
        if app.config.get(ours):
            app.config[theirs] = app.config.pop(ours)


def _read_settings(app: Flask) -> None:
    """Every boolean and number setting read through kb.core.parsing, however it was
    given (kb/config.py, instance/config.py, a KB_* variable – JSON where it parses,
    else the text – or test_config): a setting whose default (kb/config.py, or Flask's
    own) is True or False is a boolean in any of parsing.boolean's spellings, so
    KB_PREMODERATION=nej is off; one whose default is a number is a number. Anything
    else stops the start with an error naming the setting."""
    defaults = {**app.default_config, **vars(default_config)}
    for name, default in defaults.items():
        if not name.isupper() or name not in app.config:
            continue
        value = app.config[name]
        if isinstance(default, bool):
            read = parsing.boolean(value)
            wanted = f"true or false ({parsing.BOOLEAN_SPELLINGS}, in any case)"
        elif isinstance(default, int | float) and value is not None:
            read = _number(value, whole=isinstance(default, int))
            wanted = "a whole number" if isinstance(default, int) else "a number"
        else:
            continue
        if read is None:
            raise RuntimeError(f"The setting {name} must be {wanted}, not {value!r}: check "
                               f"KB_{name} in the environment and {name} in "
                               "instance/config.py.")
        app.config[name] = read


def _number(value, whole: bool) -> int | float | None:
    """A number setting: a number, or text kb.core.parsing reads as one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = parsing.whole_number(value) if whole else parsing.decimal_number(value)
    if isinstance(value, float) and whole:
        return int(value) if value.is_integer() else None
    return value if isinstance(value, int | float) else None


def _resolve_paths(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "kb.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not app.config.get("INDEX_DIR"):
        app.config["INDEX_DIR"] = os.path.join(app.instance_path, "index")
    if not app.config.get("MAIL_DIR"):
        app.config["MAIL_DIR"] = os.path.join(app.instance_path, "mail")
    if not app.config.get("MAIL_BACKEND"):
        # With a server, SMTP; without one, the console and one .eml file per mail.
        app.config["MAIL_BACKEND"] = "smtp" if app.config.get("MAIL_SERVER") else (
            "kb.mail.files.EmailBackend")


def _refuse_dev_secret_in_production(app: Flask) -> None:
    if app.testing or app.debug:
        return
    if app.config["SECRET_KEY"] in (None, "", default_config.DEV_SECRET_KEY):
        raise RuntimeError(
            "Refusing to start with the development secret key: set KB_SECRET_KEY "
            "or SECRET_KEY in instance/config.py."
        )
    if app.config.get("MAIL_SERVER") and app.config["BASE_URL"] == default_config.BASE_URL:
        app.logger.warning("KB_MAIL_SERVER is set but KB_BASE_URL is not: links in mail "
                           "point to %s.", default_config.BASE_URL)


def register_extensions(app: Flask) -> None:
    from kb import models  # noqa: F401  (registers the tables)
    from kb.extensions import (
        compress,
        configure_engine,
        csrf,
        db,
        figure_caches,
        limiter,
        login_manager,
        mail,
        migrate,
    )

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    from kb.accounts import throttling  # noqa: F401  (the storage behind RATELIMIT_STORAGE_URI=database://)

    limiter.init_app(app)
    mail.init_app(app)
    app.config.setdefault("COMPRESS_REGISTER", bool(app.config["COMPRESS_RESPONSES"]))
    compress.init_app(app)
    from kb.web import security

    security.init_app(app)
    register_projections(app)
    register_mail(app)
    from kb.stats.cache import FigureCaches

    figure_caches.init_app(app, FigureCaches())
    from kb.extensions import network_search
    from kb.networks.questions import QuestionIndexes

    network_search.init_app(app, QuestionIndexes())


def register_projections(app: Flask) -> None:
    """The search index of this server, following the change log after every commit."""
    from kb import changelog, indexing
    from kb.extensions import db, search_index
    from kb.search import IndexStore

    store = IndexStore(app.config["INDEX_DIR"],
                       cache_budget_bytes=int(float(app.config["SEARCH_CACHE_MB"]) * 2**20))
    try:
        store.ensure()
    except OSError as error:  # reported by /healthz and at the first search
        app.logger.warning("The search index at %s is unavailable: %s", store.root, error)
    search_index.init_app(app, store)
    weakref.finalize(app, store.close)
    changelog.register_session_events()
    changelog.on_commit(indexing.after_commit)
    from kb import accounts
    from kb.operations import background, maintenance

    jobs = background.init_app(app)
    jobs.add("index", indexing.follow, every=float(app.config["INDEX_FOLLOW_SECONDS"]))
    jobs.add("prune", lambda: maintenance.prune(app.config),
             every=float(app.config["CHANGE_LOG_PRUNE_SECONDS"]))
    jobs.add("throttle-expiry", lambda: accounts.delete_expired_counters(db.engine),
             every=float(app.config["CHANGE_LOG_PRUNE_SECONDS"]))


def register_mail(app: Flask) -> None:
    """Mail leaves through the outbox: notifications queue theirs in their own
    transaction, and this process's "mail" job sends what waits, woken after each
    commit that queued some."""
    from kb import mail
    from kb.community import notification_mail, notifications
    from kb.operations import background

    mail.register_session_events()
    notifications.on_notify(notification_mail.notified)
    jobs = background.ticker(app)
    config = app.config
    jobs.add("mail", mail.send_due, every=float(config["MAIL_SEND_SECONDS"]), lane="mail")
    jobs.add("mail-digest", notification_mail.send_digests,
             every=float(config["MAIL_DIGEST_CHECK_SECONDS"]), lane="mail")
    jobs.add("mail-cleanup", mail.cleanup, every=3600.0, lane="mail")


def register_blueprints(app: Flask) -> None:
    """Each feature's blueprints, then the pages every visitor sees and the JSON API."""
    from kb.accounts.views import account, auth
    from kb.catalogue.views import compare, systems
    from kb.community import views as community
    from kb.experiences.views import experiences, freshness, search
    from kb.moderation import views as admin
    from kb.networks.views import meetings, networks, questions, survey
    from kb.procurement.views import outlook, partners, requirements
    from kb.web import api, pages
    from kb.web.common import IdConverter

    app.url_map.converters["int"] = IdConverter
    for module in (pages, auth, systems, experiences, freshness, compare, api, search, account,
                   admin, community, networks, meetings, questions, survey, outlook, partners,
                   requirements):
        for blueprint in getattr(module, "blueprints", (module.bp,)):
            app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from kb.web.errors import register as register_errors

    register_errors(app)


def register_template_helpers(app: Flask) -> None:
    from kb.web.templating import register as register_templating

    register_templating(app)


def register_commands(app: Flask) -> None:
    from kb.cli import register as register_cli
    from kb.indexing.commands import register as register_index_commands

    register_cli(app)
    register_index_commands(app)
