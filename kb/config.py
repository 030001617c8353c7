"""Default settings. Override in instance/config.py or with KB_* environment variables."""

DEV_SECRET_KEY = "dev"

SECRET_KEY = DEV_SECRET_KEY
# None means: an SQLite file and an index directory inside the instance folder.
SQLALCHEMY_DATABASE_URI = None
INDEX_DIR = None
REGISTRATION = "open"
PREMODERATION = False
EXPERIENCES_PER_PAGE = 20
MAX_CONTENT_LENGTH = 512 * 1024
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
MIN_PASSWORD_LENGTH = 10
