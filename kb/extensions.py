"""Unbound extension objects; create_app binds them to the app."""

from flask import current_app, has_app_context
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints so Alembic can alter them on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Logga in för att fortsätta."
login_manager.login_message_category = "info"
mail = Mail()
# Pages, CSS and JSON compressed (zstd, brotli or gzip, as the browser accepts) unless
# COMPRESS_RESPONSES is off: behind a proxy that compresses, it would only cost CPU.
compress = Compress()
# Storage comes from RATELIMIT_STORAGE_URI: kb's own database by default (kb.throttling),
# Redis when configured. The 429 handler (kb.views.errors) sends Retry-After itself.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)


class AppService:
    """One object per app that kb's own layers share (the search index on disk, the
    figure caches), reached like `db.session`: through the app in use, so the search
    and figures packages never import Flask themselves."""

    def __init__(self, name: str):
        self.name = name

    def init_app(self, app, service) -> None:
        app.extensions[self.name] = service

    @property
    def current(self):
        """The app's object (inside an app context)."""
        return current_app.extensions[self.name]

    def find(self):
        """The app's object, or None outside an app context or before init_app."""
        if not has_app_context():
            return None
        return current_app.extensions.get(self.name)


# The search index directory and this process's searcher (a kb.search.IndexStore).
search_index = AppService("kb_search")
# The figure snapshot and profile cache of this process (kb.stats.cache.FigureCaches).
figure_caches = AppService("kb_figures")
# Each network's questions as a small in-memory index (kb.network_questions.QuestionIndexes).
network_search = AppService("kb_network_search")


def configure_engine(engine) -> None:
    """SQLite needs foreign keys switched on, WAL and a busy timeout for several workers."""
    if engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
