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
# Cookies only over HTTPS; a local `make run` turns this off in instance/config.py.
SESSION_COOKIE_SECURE = True
REMEMBER_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
MIN_PASSWORD_LENGTH = 10
PASSWORD_HASH_METHOD = "scrypt"
WTF_I18N_ENABLED = False  # WTForms' own Swedish messages (Meta.locales)
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_ENABLED = True
# Login attempts allowed, per e-mail address and per client address.
LOGIN_LIMIT_PER_ACCOUNT = "5 per minute;20 per hour"
LOGIN_LIMIT_PER_ADDRESS = "20 per minute;100 per hour"
# How many reverse proxies in front of kb set X-Forwarded-For/-Proto (0: none).
TRUSTED_PROXIES = 0
# Each web process runs its timed jobs (kb.background) in a thread of its own.
BACKGROUND_JOBS = True
# How often (seconds) a server with no traffic applies the change log to its index.
INDEX_FOLLOW_SECONDS = 2.0
