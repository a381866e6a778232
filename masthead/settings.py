"""Masthead's one settings module.

Every knob comes from the environment through the small typed helpers below,
which fail loudly on a value they cannot read. The defaults run the demo: an
embedded SQLite database, a local-memory cache, and media stored on disk.
``MASTHEAD_ENV=production`` switches on the production checks and refuses to
start while an insecure default would still be in use.
"""

import datetime
import ipaddress
import json
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


ENVIRONMENT = env_str("MASTHEAD_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("MASTHEAD_ENV must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"

# Where the embedded database, collected static files and uploads live.
DATA_DIR = Path(env_str("MASTHEAD_DATA_DIR", str(Path.cwd() / "var"))).resolve()

if PRODUCTION:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Production mode needs DJANGO_SECRET_KEY: at least 50 random characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Production mode needs ALLOWED_HOSTS: the site's host names, comma-separated."
        )
else:
    # Safe only because a development site answers on loopback names alone.
    SECRET_KEY = env_str(
        "DJANGO_SECRET_KEY", "development-only-key-never-use-in-production-7f3a9c1e5b2d8f4a6c0e"
    )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

DEBUG = env_bool("MASTHEAD_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("MASTHEAD_DEBUG cannot be on in production mode.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "simple_history",
    "masthead.publishing",
    "masthead.citations",
    # Before django_tasks: its `db_worker` is replaced by one that outlasts a locked database.
    "masthead.server",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the others, so it also explains their empty refusals (WhiteNoise's 405).
    "masthead.errors.ExplainEmptyRefusalsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # django-csp's middleware, keeping the header it builds (masthead/content_security.py).
    "masthead.content_security.BuiltOnceCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Tells the post history who saved a version (it reads the user only when one is saved).
    "simple_history.middleware.HistoryRequestMiddleware",
    # A view that meets the database restarting answers 503, "try again in a moment".
    "masthead.errors.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "masthead.urls"
WSGI_APPLICATION = "masthead.wsgi.application"
ASGI_APPLICATION = "masthead.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "masthead.publishing.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "masthead.sqlite3"
# Every SQLite database gets these, however it is named (the default path or a
# DATABASE_URL): WAL lets readers carry on while a comment is being written;
# IMMEDIATE takes the write lock up front so concurrent writers queue on the busy
# timeout instead of failing mid-transaction with "database is locked".
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": env_int("MASTHEAD_SQLITE_TIMEOUT", 20),
}
# Persistent connections: `masthead serve` runs Django's code in a fixed pool of
# threads that live as long as the process (masthead/server/asgi.py), so each
# thread keeps its connection between requests instead of opening one (and, on
# SQLite, running the PRAGMAs above) for every request. Django's request signals
# retire a connection older than this or found broken (the health check).
DATABASE_CONNECTION_SECONDS = env_int("MASTHEAD_DB_CONNECTION_SECONDS", 600)
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=DATABASE_CONNECTION_SECONDS, conn_health_checks=True
        )
    }
else:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "TEST": {"NAME": None},
            "CONN_MAX_AGE": DATABASE_CONNECTION_SECONDS,
            "CONN_HEALTH_CHECKS": True,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **SQLITE_OPTIONS}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
MASTHEAD_CACHE_TIMEOUT_SECONDS = env_int("MASTHEAD_CACHE_TIMEOUT_MS", 500) / 1000
if MASTHEAD_CACHE_TIMEOUT_SECONDS <= 0:
    raise ImproperlyConfigured("MASTHEAD_CACHE_TIMEOUT_MS must be at least 1.")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "masthead",
            # A Redis that is down or unreachable must cost a request a moment, not
            # the operating system's connect timeout: every call then counts as a miss
            # (masthead/caching.py) and pages are made from the database.
            "OPTIONS": {
                "socket_connect_timeout": MASTHEAD_CACHE_TIMEOUT_SECONDS,
                "socket_timeout": MASTHEAD_CACHE_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "masthead",
            # Django's default of 300 entries is less than one page fragment per post of
            # a modest archive; nothing a reader sends can fill it (rate limits are
            # counted in the database, not here).
            "OPTIONS": {"MAX_ENTRIES": env_int("MASTHEAD_LOCAL_CACHE_ENTRIES", 20_000)},
        }
    }

# --- Passwords, sessions ------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Logins: throttled by django-axes -------------------------------------------------
# Every login form (the admin's, which moderators use too) authenticates through
# these backends, so axes sees every attempt before Django checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Who may read or change one post (publishing/permissions.py): asked with an object.
    "masthead.publishing.permissions.PostPermissionBackend",
]
AXES_FAILURE_LIMIT = env_int("MASTHEAD_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("MASTHEAD_LOGIN_LOCKOUT_MINUTES", 15))
# Per username and address together: someone guessing at one account cannot lock
# its owner out from everywhere else, and one address cannot keep guessing at it.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "masthead.lockout.locked_out"
AXES_USERNAME_CALLABLE = "masthead.lockout.attempted_username"
# The same notion of the client's address as the comment rate limits.
AXES_CLIENT_IP_CALLABLE = "masthead.client_limits.client_ip"

# --- Language and time ----------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("MASTHEAD_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files and uploads -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MASTHEAD_MEDIA_ROOT", str(DATA_DIR / "media"))).resolve()
# Uploaded media is served by the app itself unless a front server does it.
MASTHEAD_SERVE_MEDIA = env_bool("MASTHEAD_SERVE_MEDIA", not PRODUCTION)
# Pictures of posts that are not public yet: never served by the front server, only by the
# app to who may read the post (default: MEDIA_ROOT's sibling "<name>-private").
MASTHEAD_PRIVATE_MEDIA_ROOT = env_str("MASTHEAD_PRIVATE_MEDIA_ROOT", "")

# --- Pictures in post bodies (the editor's "Insert image") -------------------------
# An upload larger than this, or with more pixels than this, is refused before it is
# decoded (a "decompression bomb" declares a huge canvas in a small file).
MASTHEAD_BODY_IMAGE_MAX_BYTES = env_int("MASTHEAD_BODY_IMAGE_MAX_BYTES", 10_000_000)
MASTHEAD_BODY_IMAGE_MAX_PIXELS = env_int("MASTHEAD_BODY_IMAGE_MAX_PIXELS", 40_000_000)
# import_wxr --fetch-media: how long one picture may take, and the hosts allowed although
# they resolve to private or loopback addresses (an intranet site; a test's local server).
MASTHEAD_MEDIA_FETCH_SECONDS = env_int("MASTHEAD_MEDIA_FETCH_SECONDS", 30)
# import_wxr --fetch-media: the largest document (PDF, audio, office file) a body links to
# that is brought home; a larger one keeps its old address.
MASTHEAD_DOCUMENT_FETCH_MAX_BYTES = env_int("MASTHEAD_DOCUMENT_FETCH_MAX_BYTES", 50_000_000)
MASTHEAD_MEDIA_FETCH_ALLOWED_HOSTS = env_list("MASTHEAD_MEDIA_FETCH_ALLOWED_HOSTS", [])
# Every pandoc run (Word and WordPress imports, citations) is killed past these bounds.
MASTHEAD_PANDOC_SECONDS = env_int("MASTHEAD_PANDOC_SECONDS", 120)
MASTHEAD_PANDOC_MEMORY_MB = env_int("MASTHEAD_PANDOC_MEMORY_MB", 1024)

# Hashed, compressed file names once `collectstatic` has run (the demo and
# `masthead serve` run it); straight from the apps' folders otherwise (tests).
MASTHEAD_COLLECTED_STATIC = env_bool("MASTHEAD_COLLECTED_STATIC", PRODUCTION)
STORAGES = {
    "default": {"BACKEND": "masthead.publishing.media.MediaStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if MASTHEAD_COLLECTED_STATIC
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not MASTHEAD_COLLECTED_STATIC

# Uploads beyond this are refused before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MASTHEAD_MAX_REQUEST_BYTES", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The largest request body `masthead serve` reads (an image uploaded in the admin);
# beyond it the request is refused with a 413 before it is read.
MASTHEAD_MAX_UPLOAD_BYTES = env_int("MASTHEAD_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# A request body must arrive within this many seconds, or it is refused with a 408:
# a client trickling its body cannot keep a connection open for ever.
MASTHEAD_REQUEST_BODY_SECONDS = env_int("MASTHEAD_REQUEST_BODY_SECONDS", 60)
if MASTHEAD_REQUEST_BODY_SECONDS < 1 or MASTHEAD_MAX_UPLOAD_BYTES < 1:
    raise ImproperlyConfigured(
        "MASTHEAD_REQUEST_BODY_SECONDS and MASTHEAD_MAX_UPLOAD_BYTES must be at least 1."
    )

# --- Security ---------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Every script and style comes from our own static files: no inline <script>, no
# event-handler attributes, no style="" (JSON-LD data blocks are not run, so they
# need no exception). No nonces either: reader pages are cached whole, and a nonce
# would have to differ per response. frame-ancestors repeats X-Frame-Options.
# Images load from this site only, so readers are not tracked by other hosts;
# MASTHEAD_IMAGE_SOURCES adds hosts a post body may show images from (e.g. an
# imported blog's old media host), comma-separated, like "https://media.example.org".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", *env_list("MASTHEAD_IMAGE_SOURCES", [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("MASTHEAD_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("MASTHEAD_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MASTHEAD_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("MASTHEAD_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading commits the whole domain to HTTPS in browsers for months;
        # that consent belongs to the domain's owner, so it is opt-in here.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("MASTHEAD_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS]

# --- Logging ------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("MASTHEAD_LOG_LEVEL", "WARNING")},
}

# --- Masthead -----------------------------------------------------------------------
MASTHEAD_POSTS_PER_PAGE = env_int("MASTHEAD_POSTS_PER_PAGE", 10)
# Addresses per sitemap file; past this /sitemap.xml is an index of section files,
# one per this many post ids. Small files render in about the time of a small
# site's whole sitemap (the protocol allows up to 50,000).
MASTHEAD_SITEMAP_LIMIT = env_int("MASTHEAD_SITEMAP_LIMIT", 200)
if not 1 <= MASTHEAD_SITEMAP_LIMIT <= 50_000:
    raise ImproperlyConfigured(
        "MASTHEAD_SITEMAP_LIMIT must be between 1 and 50,000 (the sitemaps protocol's limit)."
    )
# How long a reviewer's preview link works unless revoked sooner.
MASTHEAD_PREVIEW_LINK_DAYS = env_int("MASTHEAD_PREVIEW_LINK_DAYS", 7)
# Granian's own guidance for WSGI: at most two threads per core, plus one.
MASTHEAD_SERVER_WORKERS = env_int("MASTHEAD_SERVER_WORKERS", os.cpu_count() or 1)
# Requests running Django's code at once, per process (the pool of threads in
# masthead/server/asgi.py); requests whose body is still arriving, or waiting for a
# turn, hold none. Two: Django's work is mostly Python holding the GIL, and more threads
# per process only queue for it (comment intake, `bench/comment_intake.py --threads`:
# 391/s with 1, 365/s with 2, 256/s with 5); the second lets a quick request pass one
# that waits on the database or builds a PDF. More cores: more workers.
MASTHEAD_SERVER_THREADS = env_int("MASTHEAD_SERVER_THREADS", 2)

# --- Discussion (masthead.discussion) ---------------------------------------------------
INSTALLED_APPS += ["masthead.discussion"]
INSTALLED_APPS += ["django_tasks", "django_tasks.backends.database"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}

INSTALLED_APPS += ["masthead.importers"]
# Old WordPress addresses of imported posts (permalinks, /?p=ID) answer 301s to the new ones.
MIDDLEWARE += ["masthead.importers.middleware.OldWordPressLinksMiddleware"]

# Absolute links in mails (the published note, the moderators' digest).
# In production it defaults to HTTPS on the first allowed host.
MASTHEAD_SITE_URL = env_str(
    "MASTHEAD_SITE_URL",
    f"https://{ALLOWED_HOSTS[0].lstrip('.')}" if PRODUCTION else "http://127.0.0.1:8000",
).rstrip("/")
MASTHEAD_COMMENTS_PER_PAGE = env_int("MASTHEAD_COMMENTS_PER_PAGE", 50)
# Comments close by themselves this many days after a post's publish time; 0 = never.
MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS = env_int("MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS", 0)
# Rendered comment pages stay in the cache this long (keyed on the thread's version).
MASTHEAD_COMMENT_CACHE_SECONDS = env_int("MASTHEAD_COMMENT_CACHE_SECONDS", 3600)
# Rate limits: more than LIMIT submissions per window answers 429; more than FLAG_AFTER flags.
MASTHEAD_COMMENT_RATE_WINDOW_SECONDS = env_int("MASTHEAD_COMMENT_RATE_WINDOW_SECONDS", 600)
MASTHEAD_COMMENT_RATE_LIMIT_PER_IP = env_int("MASTHEAD_COMMENT_RATE_LIMIT_PER_IP", 10)
# Proxies in front of the app servers (nginx, a load balancer): addresses or networks.
# Only a connection from one of these has its X-Forwarded-For read, from the right.
MASTHEAD_TRUSTED_PROXIES = env_list("MASTHEAD_TRUSTED_PROXIES", [])
for _proxy in MASTHEAD_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"MASTHEAD_TRUSTED_PROXIES: “{_proxy}” is not an IP address or network."
        ) from None
MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL = env_int("MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL", 5)
MASTHEAD_COMMENT_RATE_FLAG_AFTER = env_int("MASTHEAD_COMMENT_RATE_FLAG_AFTER", 2)
# A form sent sooner than this after it was rendered is flagged "too fast".
MASTHEAD_COMMENT_MIN_SECONDS = env_int("MASTHEAD_COMMENT_MIN_SECONDS", 3)
# A form shown longer ago than this is sent back (text kept) with a fresh timestamp.
MASTHEAD_COMMENT_FORM_MAX_AGE_HOURS = env_int("MASTHEAD_COMMENT_FORM_MAX_AGE_HOURS", 24)
# Salt for the stored IP hashes; changing it makes old hashes unmatchable (by design).
MASTHEAD_IP_HASH_SALT = env_str("MASTHEAD_IP_HASH_SALT", "ip-hash:" + SECRET_KEY)
# Minutes between moderators' digests of new pending comments; 0 turns the digest off.
MASTHEAD_MODERATION_DIGEST_MINUTES = env_int("MASTHEAD_MODERATION_DIGEST_MINUTES", 60)
MASTHEAD_MAILS_PER_ADDRESS_PER_DAY = env_int("MASTHEAD_MAILS_PER_ADDRESS_PER_DAY", 10)
# Rejected and spam comments are erased after this many days; 0 (the default) keeps them.
MASTHEAD_COMMENT_RETENTION_DAYS = env_int("MASTHEAD_COMMENT_RETENTION_DAYS", 0)

# Outgoing mail: SMTP when MASTHEAD_EMAIL_HOST is set, else printed to the console.
EMAIL_HOST = env_str("MASTHEAD_EMAIL_HOST")
EMAIL_PORT = env_int("MASTHEAD_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("MASTHEAD_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("MASTHEAD_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("MASTHEAD_EMAIL_STARTTLS", False)
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("MASTHEAD_EMAIL_FROM", "Masthead <comments@localhost>")

# --- Citations (masthead.citations) -------------------------------------------------
# django-tasks and MASTHEAD_SITE_URL (the site's public address, which stored
# references are formatted with, at edit time, without a request) are set above.
# Formatted when a post is saved and shown on the post page and in its dialog.
MASTHEAD_CITATION_STYLES = env_list(
    "MASTHEAD_CITATION_STYLES",
    ["modern-language-association", "apa", "chicago-author-date", "chicago-notes-bibliography"],
)
# The reference in the footer of a printed post and its PDF.
MASTHEAD_PRINT_CITATION_STYLE = env_str(
    "MASTHEAD_PRINT_CITATION_STYLE", "chicago-notes-bibliography"
)
# Any other style is formatted in the background when a reader asks for it. One
# reader (one address; an IPv6 /64) may have this many new styles prepared per
# window, and no one may add to the queue while this many styles wait in it:
# more answers 429, so a few clients cannot keep the worker busy.
MASTHEAD_STYLE_REQUESTS_PER_CLIENT = env_int("MASTHEAD_STYLE_REQUESTS_PER_CLIENT", 10)
MASTHEAD_STYLE_REQUEST_WINDOW_SECONDS = env_int("MASTHEAD_STYLE_REQUEST_WINDOW_SECONDS", 600)
MASTHEAD_STYLE_QUEUE_LIMIT = env_int("MASTHEAD_STYLE_QUEUE_LIMIT", 50)

# --- Content API (masthead.api) ---------------------------------------------------------
# Read-only JSON under /api/v1/, open to pages on any site (CORS) for reading alone.
INSTALLED_APPS += ["corsheaders", "masthead.api"]
# High up, so that preflights are answered before any other middleware sees them.
MIDDLEWARE.insert(MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware"),
                  "corsheaders.middleware.CorsMiddleware")  # fmt: skip
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag"]

# --- Search (masthead.search) ---------------------------------------------------------
INSTALLED_APPS += ["masthead.search"]
MASTHEAD_SEARCH_RESULTS_PER_PAGE = env_int("MASTHEAD_SEARCH_RESULTS_PER_PAGE", 10)
# --- DOIs (masthead.citations.dois) -------------------------------------------------
# With a prefix, every post gets a DOI at its first publication (`register_dois`
# gives one to posts that were public before). Deposits to Crossref need the
# credentials; without them DOIs are assigned and shown but not deposited.
MASTHEAD_DOI_PREFIX = env_str("MASTHEAD_DOI_PREFIX", "")
if MASTHEAD_DOI_PREFIX and not re.fullmatch(r"10\.\d{4,9}", MASTHEAD_DOI_PREFIX):
    raise ImproperlyConfigured(
        f"MASTHEAD_DOI_PREFIX must look like 10.12345, not {MASTHEAD_DOI_PREFIX!r}."
    )
MASTHEAD_CROSSREF_DEPOSIT_URL = env_str(
    "MASTHEAD_CROSSREF_DEPOSIT_URL", "https://doi.crossref.org/servlet/deposit"
)
MASTHEAD_CROSSREF_USERNAME = env_str("MASTHEAD_CROSSREF_USERNAME", "")
MASTHEAD_CROSSREF_PASSWORD = env_str("MASTHEAD_CROSSREF_PASSWORD", "")
MASTHEAD_CROSSREF_DEPOSITOR_NAME = env_str("MASTHEAD_CROSSREF_DEPOSITOR_NAME", "")
MASTHEAD_CROSSREF_DEPOSITOR_EMAIL = env_str("MASTHEAD_CROSSREF_DEPOSITOR_EMAIL", "")
# The licence posts are published under, deposited with each DOI (a URL; optional).
MASTHEAD_CONTENT_LICENSE_URL = env_str("MASTHEAD_CONTENT_LICENSE_URL", "")

# --- Static publishing (masthead.static_site) ----------------------------------------
# `masthead publish_static DIR` writes the public site into DIR for nginx and keeps it
# current from the changes the app records (only while this is on, in every process
# that changes content: app servers, the worker, imports).
INSTALLED_APPS += ["masthead.static_site"]
MASTHEAD_STATIC_PUBLISHING = env_bool("MASTHEAD_STATIC_PUBLISHING", False)
# A full pass (rewriting only files that differ) catches what no change record announces.
MASTHEAD_STATIC_FULL_PASS_MINUTES = env_int("MASTHEAD_STATIC_FULL_PASS_MINUTES", 60)
# --- Rendering: cached fragments of public pages (issue 11) ----------------------
# The navigation and a post's article, metadata and references are cached under the
# content version (a database row every edit changes), so they are never stale; this
# only bounds how long an unused fragment stays in the cache.
MASTHEAD_FRAGMENT_CACHE_SECONDS = env_int("MASTHEAD_FRAGMENT_CACHE_SECONDS", 24 * 3600)
# --- Anonymous page cache (masthead.pagecache) -------------------------------------------
# Readers without a session get whole stored answers, served before Django is involved
# under `masthead serve`; any change to public content is visible within a second.
INSTALLED_APPS += ["masthead.pagecache"]
# First: a stored answer already carries every other middleware's headers.
MIDDLEWARE.insert(0, "masthead.pagecache.middleware.PageCacheMiddleware")
MASTHEAD_PAGE_CACHE = env_bool("MASTHEAD_PAGE_CACHE", True)
# The longest one process keeps a page (also how old a stored comment form may be).
MASTHEAD_PAGE_CACHE_SECONDS = env_int("MASTHEAD_PAGE_CACHE_SECONDS", 300)
# Room for stored pages in each server process.
MASTHEAD_PAGE_CACHE_MEGABYTES = env_int("MASTHEAD_PAGE_CACHE_MEGABYTES", 64)
# Cache-Control of stored pages: browsers (max-age) and CDNs (s-maxage, and as long again
# stale-while-revalidate) keep them this many seconds.
MASTHEAD_PAGE_CACHE_MAX_AGE = env_int("MASTHEAD_PAGE_CACHE_MAX_AGE", 0)
MASTHEAD_PAGE_CACHE_SHARED_MAX_AGE = env_int("MASTHEAD_PAGE_CACHE_SHARED_MAX_AGE", 30)
if MASTHEAD_PAGE_CACHE_SECONDS < 1 or MASTHEAD_PAGE_CACHE_MEGABYTES < 1:
    raise ImproperlyConfigured(
        "MASTHEAD_PAGE_CACHE_SECONDS and MASTHEAD_PAGE_CACHE_MEGABYTES must be at least 1."
    )
if MASTHEAD_PAGE_CACHE_MAX_AGE < 0 or MASTHEAD_PAGE_CACHE_SHARED_MAX_AGE < 0:
    raise ImproperlyConfigured(
        "MASTHEAD_PAGE_CACHE_MAX_AGE and MASTHEAD_PAGE_CACHE_SHARED_MAX_AGE cannot be negative."
    )
# --- Newsletter (masthead.newsletter) --------------------------------------------------
# Readers follow blogs, authors and topics by email (double opt-in); each post is mailed
# from the background worker at its publication time. DESIGN.md "A newsletter mail".
INSTALLED_APPS += ["anymail", "masthead.newsletter"]
# A provider through django-anymail instead of SMTP, e.g. "anymail.backends.mailgun.EmailBackend";
# its keys go in MASTHEAD_ANYMAIL (JSON, Anymail's own setting names).
if env_str("MASTHEAD_EMAIL_BACKEND"):
    EMAIL_BACKEND = env_str("MASTHEAD_EMAIL_BACKEND")
try:
    ANYMAIL = json.loads(env_str("MASTHEAD_ANYMAIL", "{}"))
except ValueError:
    raise ImproperlyConfigured("MASTHEAD_ANYMAIL must be a JSON object.") from None
if not isinstance(ANYMAIL, dict):
    raise ImproperlyConfigured("MASTHEAD_ANYMAIL must be a JSON object.")
# The address newsletter mail comes from (the display name is the blog's).
MASTHEAD_NEWSLETTER_FROM_EMAIL = env_str("MASTHEAD_NEWSLETTER_FROM_EMAIL", "")
# The institution's postal address, printed in the footer of every newsletter mail.
MASTHEAD_NEWSLETTER_POSTAL_ADDRESS = env_str("MASTHEAD_NEWSLETTER_POSTAL_ADDRESS", "")
# Mails handed to the mail server per second; 0 sends as fast as it takes them.
MASTHEAD_NEWSLETTER_RATE = env_int("MASTHEAD_NEWSLETTER_RATE", 0)
# Connections to the mail server a mailing is sent over side by side, and how many mails
# each hands over per round. Each accepted mail is recorded before its connection hands
# over the next, so a worker killed mid-send may send at most one mail a connection twice.
# Eight: sending is bound by waiting for the server's replies, and four left the
# worker idle about 40 % of the time (bench/newsletter_send.py, docs/newsletter.md).
MASTHEAD_NEWSLETTER_CONNECTIONS = env_int("MASTHEAD_NEWSLETTER_CONNECTIONS", 8)
MASTHEAD_NEWSLETTER_BATCH = env_int("MASTHEAD_NEWSLETTER_BATCH", 25)
# One worker keeps a mailing this long at most per turn; a worker that dies mid-send is
# taken over after it (so this is also the longest pause before a resumed send).
MASTHEAD_NEWSLETTER_LEASE_SECONDS = env_int("MASTHEAD_NEWSLETTER_LEASE_SECONDS", 60)
# A temporary failure (4xx) is tried again after this, then 4, 16, 64 times as long.
MASTHEAD_NEWSLETTER_RETRY_SECONDS = env_int("MASTHEAD_NEWSLETTER_RETRY_SECONDS", 60)
MASTHEAD_NEWSLETTER_MAX_ATTEMPTS = env_int("MASTHEAD_NEWSLETTER_MAX_ATTEMPTS", 5)
# Only posts whose publish time is at most this many hours ago are mailed when they are
# saved public: an imported archive or an old post edited today is never mailed.
MASTHEAD_NEWSLETTER_RECENT_HOURS = env_int("MASTHEAD_NEWSLETTER_RECENT_HOURS", 24)
# How long a confirmation link works.
MASTHEAD_NEWSLETTER_CONFIRM_DAYS = env_int("MASTHEAD_NEWSLETTER_CONFIRM_DAYS", 3)
# Subscribe forms one client (an address; an IPv6 /64) may send per hour, counted in the
# database so that no cache eviction resets it.
MASTHEAD_NEWSLETTER_SUBSCRIBES_PER_CLIENT = env_int("MASTHEAD_NEWSLETTER_SUBSCRIBES_PER_CLIENT", 5)
# The weekly digest goes out on this weekday (0 = Monday) at this hour (UTC).
MASTHEAD_NEWSLETTER_DIGEST_WEEKDAY = env_int("MASTHEAD_NEWSLETTER_DIGEST_WEEKDAY", 0)
MASTHEAD_NEWSLETTER_DIGEST_HOUR = env_int("MASTHEAD_NEWSLETTER_DIGEST_HOUR", 7)
# DKIM: with a private key file (PEM), every newsletter mail is signed for DOMAIN/SELECTOR.
MASTHEAD_DKIM_KEY_FILE = env_str("MASTHEAD_DKIM_KEY_FILE", "")
MASTHEAD_DKIM_SELECTOR = env_str("MASTHEAD_DKIM_SELECTOR", "masthead")
MASTHEAD_DKIM_DOMAIN = env_str("MASTHEAD_DKIM_DOMAIN", "")
if MASTHEAD_DKIM_KEY_FILE and not MASTHEAD_DKIM_DOMAIN:
    raise ImproperlyConfigured("MASTHEAD_DKIM_KEY_FILE needs MASTHEAD_DKIM_DOMAIN (the d= domain).")

# --- Standing pages (masthead.pages) ---------------------------------------------------
INSTALLED_APPS += ["masthead.pages"]
# Innermost, inside the old-links middleware: an address no route answered is looked up
# as a page first, and only then as an old WordPress link.
MIDDLEWARE += ["masthead.pages.views.StandingPagesMiddleware"]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("masthead.pages.menus.menus")

# --- The desk (masthead.desk) --------------------------------------------------------------
# Writers' and editors' room at /desk/. Its editor (EasyMDE) and the converter that turns
# pasted rich text into Markdown (turndown) come prebuilt from npm (`make install` runs
# `npm ci` in masthead/desk/vendor); their dist folders are served as they are, no build.
INSTALLED_APPS += ["masthead.desk"]
DESK_VENDOR = BASE_DIR / "desk" / "vendor" / "node_modules"
STATICFILES_DIRS += [
    ("desk/easymde", DESK_VENDOR / "easymde" / "dist"),
    ("desk/turndown", DESK_VENDOR / "turndown" / "dist"),
    ("desk/turndown-plugin-gfm", DESK_VENDOR / "turndown-plugin-gfm" / "dist"),
]
