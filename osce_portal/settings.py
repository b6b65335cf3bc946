"""Settings for the OSCE Portal.

One module for every environment: values come from environment variables (a `.env` file is
read when present, except while the tests run). See `.env.example` and docs/configuration.md
for the full list.
"""

import datetime
import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.text import format_lazy
from redis.backoff import NoBackoff
from redis.retry import Retry
from whitenoise.compress import Compressor

from osce_portal.security import check_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A test run never reads a developer's .env: only what the tests themselves set. pytest announces
# its run in PYTEST_VERSION, which the processes tests start (manage.py, gunicorn) inherit.
if (BASE_DIR / ".env").is_file() and "PYTEST_VERSION" not in os.environ:
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# The development key is only accepted while DEBUG is on; production must supply a real one
# (at least 50 characters, and not a placeholder from .env.example or the documentation).
INSECURE_DEV_SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
check_secret_key(SECRET_KEY, DEBUG)

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin: its TranslationAdmin and the translated fields must be registered first.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "reversion",
    "import_export",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "dbbackup",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "catalog",
    "participation",
    "background",
    "texts",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # NUL bytes in forms and over-long user names: 400 before anything reads them.
    "osce_portal.security.HostileInputMiddleware",
    # A streamed answer to an HTTP/1.0 client is sent whole, with its length.
    "osce_portal.security.Http10StreamMiddleware",
    # Compresses what is safe to compress (BREACH).
    "osce_portal.security.BreachSafeGZipMiddleware",
    "osce_portal.security.AreaCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "osce_portal.security.CrossOriginResourcePolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # ?lang= on the unprefixed API (after LocaleMiddleware, which reads Accept-Language).
    "osce_portal.i18n.QueryLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Whole anonymous public pages from the shared cache (catalog/pagecache.py). Above CSRF,
    # auth and messages, so it sees the cookies and tokens they add; a middleware whose header
    # must match the body (a CSP nonce) goes below it.
    "catalog.pagecache.PageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "osce_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "osce_portal.wsgi.application"

# SQLite file when DATABASE_URL is unset; PostgreSQL (or any dj-database-url style URL) when set.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis as the shared cache when REDIS_URL is set, per-process memory otherwise. While Redis
# is unreachable the cache answers as an empty one (osce_portal/cache.py): pages, the API and
# the exports come from the database. Short timeouts and no retries bound what a failing
# operation costs; after one, the process leaves Redis alone for RETRY_AFTER seconds.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "osce_portal.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "osce_portal",
            "RETRY_AFTER": 5,
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "retry": Retry(NoBackoff(), 0),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "osce-portal",
        }
    }
# Rendered fragments of the public pages (a result row, a facet block), in each worker's
# memory: they are keyed by the catalogue version, read from the shared cache once per request,
# so a worker never serves a fragment of an older catalogue; a per-process cache saves a network
# round trip per row.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "osce-portal-fragments",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": env.int("FRAGMENT_CACHE_ENTRIES", default=5000)},
}
# How long a worker keeps its catalogue version (catalog/caching.py): for ever in a shared
# cache, where every write replaces it for all; with per-process caches, the bound on how long
# another worker may show what a write has changed.
CATALOGUE_VERSION_TIMEOUT = None if REDIS_URL else env.int("CATALOGUE_VERSION_TIMEOUT", default=60)

# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one client address, that pair is locked for DJANGO_LOGIN_LOCKOUT_MINUTES. The lockout page
# says the same whether or not the user exists. Publishers and superusers unlock a pair by
# deleting its entry under Admin → Axes → Access attempts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("DJANGO_LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "osce_portal.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "osce_portal.security.client_ip"
AXES_VERBOSE = False

# Sessions (only staff have one): they end after DJANGO_SESSION_IDLE_SECONDS without a request
# (the expiry moves forward with every request) and when the browser closes.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_SECONDS", default=4 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The OSCE's six official languages. Public pages live under a language prefix (/en/, /fr/…;
# i18n_patterns in osce_portal/urls.py); the admin, the API, the sitemap and the health checks
# do not (the API reads ?lang= or Accept-Language: osce_portal/i18n.py). docs/translations.md.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("ru", "Русский"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content fields (titles, summaries, our vocabulary) have one column per language
# (django-modeltranslation: catalog/translation.py, texts/translation.py); a missing
# translation reads as the English text, which the pages mark lang="en" and label.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# The English column is the field itself ("title"); the others say their language ("title [fr]").
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = lambda verbose_name, language: (  # noqa: E731
    verbose_name if language == LANGUAGE_CODE else format_lazy("{} [{}]", verbose_name, language)
)
# Dates in each language's own format; the portal's house style where it differs from Django's.
FORMAT_MODULE_PATH = ["osce_portal.formats"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Europe/Vienna")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Database backups (django-dbbackup: make backup / make restore), gzip-compressed.
    "dbbackup": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("DJANGO_BACKUP_DIR", default=BASE_DIR / "backups")},
    },
    # Official texts (PDF, HTML): never a public folder; served only by the view that checks
    # publication (texts.views.TextFileView). TEXTS_STORAGE_BACKEND=storages.backends.s3.S3Storage
    # keeps them in S3-compatible storage (django-storages; AWS_* variables, see docs).
    "texts": {
        "BACKEND": env.str(
            "TEXTS_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": (
            {"location": env.path("TEXTS_ROOT", default=BASE_DIR / "texts-files"), "base_url": None}
            if not env.str("TEXTS_STORAGE_BACKEND", default="")
            else {
                "bucket_name": env.str("TEXTS_S3_BUCKET", default=""),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            }
        ),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# collectstatic keeps only the hashed names {% static %} writes: nginx serves /static/ as
# immutable for a year (deploy/nginx), which an unhashed name, changing in place, must not be.
# It compresses them (gzip beside each file, served by nginx's gzip_static and WhiteNoise), all
# but the source maps, which only a developer's tools fetch (7 of the 12.7 MB collected).
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# Security: safe defaults, relaxed only in DEBUG (local development).

# How many reverse proxies (nginx, a load balancer) stand between the clients and gunicorn.
# The one setting for the client address (API throttle, login lockout: see
# osce_portal.security.client_ip) and for trusting the proxy's X-Forwarded-Proto. With 0,
# X-Forwarded-* headers are ignored, so a client cannot forge its address or HTTPS.
TRUSTED_PROXIES = env.int("DJANGO_TRUSTED_PROXIES", default=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES > 0 else None
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers may probe gunicorn directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script needs to read the cookie
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"

# Content-Security-Policy (django-csp). Public pages load nothing but the site's own files: no
# inline script or style, no eval, no plug-ins, no frames; forms post only to the site.
_STRICT_CSP = {
    "default-src": [NONE],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF],
    "font-src": [SELF],
    "connect-src": [SELF],
    "manifest-src": [SELF],
    "form-action": [SELF],
    "base-uri": [NONE],
    "frame-ancestors": [NONE],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _STRICT_CSP}
# Pages whose front ends are third-party code served from the app get a policy of their own
# (still no unsafe-eval, nothing from other sites). See docs/security.md.
_WITH_INLINE_STYLES = {**_STRICT_CSP, "style-src": [SELF, "'unsafe-inline'"]}
CSP_AREA_POLICIES = [
    # (path prefix, directives, HTML answers only)
    # Django's admin: its scripts are files, but its widgets set inline styles and some icons
    # are data: URLs.
    ("/admin/", {**_WITH_INLINE_STYLES, "img-src": [SELF, "data:"]}, False),
    # The API guide is the site's own page: the strict policy.
    ("/api/v1/docs/", _STRICT_CSP, False),
    # Swagger UI: the init script is a file (SpectacularSwaggerSplitView); the UI sets inline
    # styles and draws icons as data: URLs.
    ("/api/v1/explorer/", {**_WITH_INLINE_STYLES, "img-src": [SELF, "data:"]}, False),
    # ReDoc: injects its styles at run time and parses the schema in a blob: web worker.
    (
        "/api/v1/redoc/",
        {**_WITH_INLINE_STYLES, "img-src": [SELF, "data:"], "worker-src": [SELF, "blob:"]},
        False,
    ),
    # The browsable API (HTML for browsers): Django REST framework's page has a <style> block
    # and style attributes. Its JSON and CSV answers keep the strict policy.
    ("/api/", _WITH_INLINE_STYLES, True),
]

# Permissions-Policy (django-permissions-policy): the portal uses no powerful browser feature.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
# Backups kept by `make backup` (older ones are deleted), named by database and time.
DBBACKUP_CLEANUP_KEEP = env.int("DJANGO_BACKUP_KEEP", default=14)
DBBACKUP_SEND_EMAIL = False
DBBACKUP_HOSTNAME = "osce-portal"

SILENCED_SYSTEM_CHECKS = env.list("DJANGO_SILENCED_SYSTEM_CHECKS", default=[])

REST_FRAMEWORK = {
    # Basic auth would let anyone try passwords unthrottled; the API is public and read-only.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "catalog.api.negotiation.StrictFormatNegotiation",
    # The throttle identifies clients with osce_portal.security.client_ip; this says the same.
    "NUM_PROXIES": TRUSTED_PROXIES,
}

# Editorial history and imports (django-reversion, django-import-export).
# Imports need the "add" permission of the model, exports the "view" permission; a confirmed
# import runs in one transaction, so one bad row imports nothing.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Uploaded files wait for their confirmation in the cache under a signed random key, never in
# a folder named by the request; abandoned previews expire (catalog/import_storage.py).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "catalog.import_storage.SignedCacheStorage"
IMPORT_PREVIEW_SECONDS = env.int("IMPORT_PREVIEW_SECONDS", default=60 * 60)

# Public API (/api/v1/): requests per address for anonymous clients ("60/minute", "1000/hour";
# empty turns throttling off) and how long shared caches may keep an answer, in seconds.
API_ANON_THROTTLE_RATE = env.str("API_ANON_THROTTLE_RATE", default="60/minute")
API_CACHE_MAX_AGE = env.int("API_CACHE_MAX_AGE", default=300)

# Page cache for anonymous visitors (catalog/pagecache.py). Pages are kept under the catalogue
# version, so they are never stale on the site itself; a CDN or proxy may keep them for
# PAGE_CACHE_S_MAXAGE seconds and serve them stale while it revalidates.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=3600)
PAGE_CACHE_BROWSER_MAX_AGE = env.int("PAGE_CACHE_BROWSER_MAX_AGE", default=0)
PAGE_CACHE_S_MAXAGE = env.int("PAGE_CACHE_S_MAXAGE", default=60)
PAGE_CACHE_STALE_WHILE_REVALIDATE = env.int("PAGE_CACHE_STALE_WHILE_REVALIDATE", default=300)
# Bounds: a page larger than this many bytes is not kept, and at most this many pages are kept
# per catalogue version.
PAGE_CACHE_MAX_ENTRY_BYTES = env.int("PAGE_CACHE_MAX_ENTRY_BYTES", default=1_000_000)
PAGE_CACHE_MAX_ENTRIES = env.int("PAGE_CACHE_MAX_ENTRIES", default=5000)
# Not public pages (the API's anonymous answers are kept by the same middleware, when the view
# marks them: catalog/api/answers.py).
PAGE_CACHE_EXCLUDED_PREFIXES = ["/admin/", "/preview/", "/api/", "/static/", "/health/", "/bench/"]

# Who publishes the catalogue and how to reach them (the About page, the API schema).
PORTAL_PUBLISHER = env.str("PORTAL_PUBLISHER", default="The OSCE Portal editorial team")
PORTAL_PUBLISHER_URL = env.str("PORTAL_PUBLISHER_URL", default="")
PORTAL_CONTACT_EMAIL = env.str("PORTAL_CONTACT_EMAIL", default="")
# The licence of the catalogue's data (records, exports, API): one fit for reuse, with credit.
DATA_LICENCE = {
    "name": "CC BY 4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "OSCE Portal API",
    "DESCRIPTION": (
        "Read-only access to the published catalogue of OSCE commitments on countering "
        "terrorist use of the internet and on cyber/ICT security, and to the institutions, "
        "organisations, themes and online-activity categories they are linked to. Records are "
        "identified by their slug (`id`). Lists are paginated (`page`, `page_size` up to 100) "
        "and also available as CSV (`format=csv` or `Accept: text/csv`). Invalid parameter "
        "values answer 400 with a body naming the parameter and what it accepts."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "LICENSE": {"name": DATA_LICENCE["name"], "url": DATA_LICENCE["url"]},
    "CONTACT": {
        key: value
        for key, value in (
            ("name", PORTAL_PUBLISHER),
            ("url", PORTAL_PUBLISHER_URL),
            ("email", PORTAL_CONTACT_EMAIL),
        )
        if value
    },
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    # The API is public: no security schemes in the schema.
    "AUTHENTICATION_WHITELIST": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "catalog.api.schema.link_to_the_site",
        "catalog.api.schema.match_the_behaviour",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CommitmentKindEnum": "catalog.models.Commitment.Kind",
        "InstitutionKindEnum": "catalog.models.Institution.Kind",
        "RelationKindEnum": "catalog.models.RelationKind",
    },
}

# CORS: any origin may read the API (GET), without cookies or credentials.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Link", "Retry-After", "X-Total-Count"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # django-axes logs every login at INFO; lockouts (WARNING) are what matters.
    "loggers": {"axes": {"level": "WARNING"}},
}

# E-mail: EMAIL_URL (django-environ: smtp://user:password@host:587, smtp+tls://…, smtp+ssl://…,
# consolemail://) or, without it, the console backend in development and SMTP on localhost:25
# otherwise. DEFAULT_FROM_EMAIL is the sender of every message the site sends.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OSCE Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The site's public address, for links in e-mails sent by management commands (no request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Suggested corrections: at most SUGGESTION_RATE_LIMIT sent per client address in
# SUGGESTION_RATE_WINDOW seconds (counted in the cache: use Redis with several app servers),
# at most SUGGESTION_MAX_LINKS web addresses in the text, and reply addresses erased
# SUGGESTION_RETENTION_DAYS after resolution (manage.py erase_suggestion_addresses).
SUGGESTION_RATE_LIMIT = env.int("SUGGESTION_RATE_LIMIT", default=5)
SUGGESTION_RATE_WINDOW = env.int("SUGGESTION_RATE_WINDOW", default=3600)
SUGGESTION_MAX_LINKS = env.int("SUGGESTION_MAX_LINKS", default=3)
SUGGESTION_RETENTION_DAYS = env.int("SUGGESTION_RETENTION_DAYS", default=30)

# Background work (Django's Tasks API through the django-tasks backport; see docs/operations.md).
# TASKS_BACKEND: "database" (default: tasks wait in the database for `manage.py db_worker`,
# which `make run` starts beside the site), "rq" (Redis with RQ workers, `manage.py rqworker
# --job-class django_tasks_rq.Job`, on TASKS_REDIS_URL or REDIS_URL) or "immediate" (run in the
# process that enqueues them, after its commit; no worker, no schedule of their own).
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database")
TASKS_REDIS_URL = env.str("TASKS_REDIS_URL", default="") or REDIS_URL
if TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL or "redis://127.0.0.1:6379/0"}}
RQ_SHOW_ADMIN_LINK = False
# The periodic schedule `manage.py run_scheduler` keeps (cron expressions in TIME_ZONE): each
# entry enqueues a task. Due publications and approvals are also enqueued for their own moment
# when they are scheduled; the minute sweep catches any whose task was lost.
TASK_SCHEDULE = [
    ("* * * * *", "catalog.tasks.publish_due"),
    ("* * * * *", "catalog.editorial.services.apply_due_approvals"),
    ("* * * * *", "catalog.tasks.count_search_vocabulary"),
    ("* * * * *", "catalog.tasks.index_facets"),
    ("*/5 * * * *", "texts.tasks.extract_queued"),
    ("5 * * * *", "participation.tasks.send_alert_digests"),
    ("17 3 * * *", "participation.tasks.erase_suggestion_addresses"),
    ("40 3 * * *", "background.tasks.prune_finished_tasks"),
    ("50 3 * * *", "catalog.tasks.prune_search_words"),
]
# Finished task results the database backend keeps (days); failed ones stay until retried.
TASK_RESULT_RETENTION_DAYS = env.int("TASK_RESULT_RETENTION_DAYS", default=7)
# Official texts (the `texts` app): limits for uploads and fetches, and the fetch's timeout.
TEXTS_MAX_BYTES = env.int("TEXTS_MAX_BYTES", default=20 * 1024 * 1024)
TEXTS_MAX_PAGES = env.int("TEXTS_MAX_PAGES", default=400)
TEXTS_FETCH_TIMEOUT = env.int("TEXTS_FETCH_TIMEOUT", default=20)
# A CA bundle the fetch trusts instead of the system's (tests use a throw-away CA).
TEXTS_FETCH_CA_FILE = env.str("TEXTS_FETCH_CA_FILE", default="") or None
