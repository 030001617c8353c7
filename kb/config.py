"""Default settings. Override in instance/config.py or with KB_* environment variables.

A setting whose default here (or Flask's) is True or False is a boolean, read by
kb.core.parsing.boolean wherever it comes from: true/false, 1/0, ja/nej, on/off or
yes/no, in any case (KB_PREMODERATION=nej is off). One whose default is a number is
read as a number. create_app refuses to start with anything else.
"""

from datetime import timedelta

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
# Longer passwords are refused: hashing them costs the server, and nobody types more.
MAX_PASSWORD_LENGTH = 128
# zxcvbn's score (0–4) a new password needs: 3 is "safely unguessable" for an online attack
# and hard for an offline one.
MIN_PASSWORD_SCORE = 3
# "Håll mig inloggad" keeps a member logged in this long on that browser.
REMEMBER_COOKIE_DURATION = timedelta(days=30)
PASSWORD_HASH_METHOD = "scrypt"
WTF_I18N_ENABLED = False  # WTForms' own Swedish messages (Meta.locales)
WTF_CSRF_ENABLED = True  # Flask-WTF's default; named here so it is read as a boolean
# Where throttled forms count attempts: "database://" is kb's own database, shared by
# every worker and server (kb.accounts.throttling); "redis://host:6379/0" works too;
# "memory://" counts per process, so only for a single process. Whichever, a counter is
# keyed by a fixed-length hash of the address and a refused attempt stores nothing
# (kb.accounts.views.throttle).
RATELIMIT_STORAGE_URI = "database://"
# Compress pages, CSS and JSON for browsers that accept it; turn off behind a reverse
# proxy that compresses (it would only cost the app CPU twice).
COMPRESS_RESPONSES = True
# Streamed responses are left alone (Flask-Compress 1.25 would not close what they
# stream from); static files are sent whole (kb.static_files), so they are compressed.
COMPRESS_STREAMS = False
RATELIMIT_ENABLED = True
# Login attempts allowed, per e-mail address and per client address.
LOGIN_LIMIT_PER_ACCOUNT = "5 per minute;20 per hour"
LOGIN_LIMIT_PER_ADDRESS = "20 per minute;100 per hour"
# Registrations per e-mail address (each sends a mail to it) and per client address.
REGISTER_LIMIT_PER_ACCOUNT = "3 per hour;10 per day"
REGISTER_LIMIT_PER_ADDRESS = "10 per hour;50 per day"
# "Glömt lösenordet?" requests per e-mail address and per client address.
RESET_LIMIT_PER_ACCOUNT = "3 per hour;10 per day"
RESET_LIMIT_PER_ADDRESS = "10 per hour;50 per day"
# Confirmation links sent again, per member.
CONFIRM_RESEND_LIMIT = "3 per hour;10 per day"
# How long the links in mail work.
CONFIRM_LINK_HOURS = 48
RESET_LINK_MINUTES = 60

# The site's own address: every link in a mail starts with it.
BASE_URL = "http://127.0.0.1:5000"
# Mail. Without MAIL_SERVER, messages are written to the console and to MAIL_DIR
# (instance/mail/ by default) instead of being sent.
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False  # STARTTLS, usually with port 587
MAIL_USE_SSL = False  # TLS from the start, usually with port 465
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_FROM = "kb <kb@localhost>"
MAIL_TIMEOUT = 10  # seconds per SMTP connection step
MAIL_DIR = None
# Where shared requirement documents are kept (kb.procurement); None: instance/procurement/.
PROCUREMENT_DIR = None
MAIL_BACKEND = None  # chosen from MAIL_SERVER unless set (a Flask-Mailman backend)
# How often (seconds) each process looks for due mail when nothing woke it.
MAIL_SEND_SECONDS = 10.0
# A failed mail is tried again after this many seconds, doubling up to the maximum,
# at most MAIL_MAX_ATTEMPTS times (some 14 hours) before it is marked failed.
MAIL_RETRY_SECONDS = 30.0
MAIL_RETRY_MAX_SECONDS = 3600.0
MAIL_MAX_ATTEMPTS = 20
# A process that claimed a mail has this long to send it before another may.
MAIL_LEASE_SECONDS = 300.0
# Sent mail is kept this many days (failed mail longer, for `kb mail-status`).
MAIL_KEEP_SENT_DAYS = 30
MAIL_KEEP_FAILED_DAYS = 90
# Weekly digests: the days between two, and how often (seconds) a process checks.
MAIL_DIGEST_DAYS = 7
MAIL_DIGEST_CHECK_SECONDS = 600.0
# Shown on /integritet as where to turn with questions about personal data.
CONTACT_EMAIL = None
# How many reverse proxies in front of kb set X-Forwarded-For/-Proto (0: none).
TRUSTED_PROXIES = 0
# Each web process runs its timed jobs (kb.background) in a thread of its own.
BACKGROUND_JOBS = True
# How often (seconds) a server with no traffic applies the change log to its index.
INDEX_FOLLOW_SECONDS = 2.0
# Megabytes each process may keep of decoded search postings, masks, columns and
# orders (kb.search.docsets: one budget per process, however many segments). At
# 300,000 experiences the benchmark's searches keep about 190 MB; with less, they
# decode postings again and again (docs/benchmarks.md).
SEARCH_CACHE_MB = 256
# /healthz answers 503 when the oldest change the index has not applied is older.
INDEX_LAG_LIMIT_SECONDS = 30.0
# /healthz counts experiences and index documents at most this often (seconds).
HEALTH_COUNT_SECONDS = 5.0
# How often each process deletes change-log rows every live follower has applied ...
CHANGE_LOG_PRUNE_SECONDS = 300.0
# ... and how long a follower (a server's index) may go unheard before it is
# forgotten: its rows may then be pruned, and it rebuilds its index when it returns.
CHANGE_LOG_FORGET_AFTER_SECONDS = 3 * 24 * 3600.0
