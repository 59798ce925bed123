"""All settings in one module, read from environment variables (see .env.example)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/wegwijzer
BASE_DIR = PACKAGE_DIR.parent.parent  # the repository root


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines from .env into the environment; real environment variables win."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _sep, value = line.partition("=")
            os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


_load_dotenv(BASE_DIR / ".env")


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("WEGWIJZER_DEBUG", False)
# A fixed development key is only acceptable in DEBUG or tests; production must set SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", "insecure-dev-key-change-me-" + "x" * 32)
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

VAR_DIR = Path(env("WEGWIJZER_VAR_DIR", str(BASE_DIR / "var")))
# Versioned content (social map, search synonyms, route rules, vignettes): the seed of the database.
CONTENT_DIR = Path(env("WEGWIJZER_CONTENT_DIR", str(BASE_DIR / "content")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # backup codes
    "two_factor",  # the login and set-up wizards (accounts.views subclasses them)
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "pgtrigger",
    "django_tasks_db",  # the task queue table (TASKS below), installed with either backend
    "wegwijzer.core",
    "wegwijzer.accounts",
    "wegwijzer.audit",
    "wegwijzer.socialmap",
    "wegwijzer.routeguide",
    "wegwijzer.gezinsplan",
    "wegwijzer.providers",
    "wegwijzer.ouders",
    "wegwijzer.leren",
    "wegwijzer.inzicht",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "wegwijzer.core.middleware.LegacyApiPathMiddleware",  # /api/v1/cases… → /api/v1/gezinsplannen…
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wegwijzer.core.middleware.ApiMethodMiddleware",  # 405 before CSRF's 403
    "wegwijzer.core.middleware.ServiceUnavailableMiddleware",  # database down: 503
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wegwijzer.conf.urls"
WSGI_APPLICATION = "wegwijzer.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],  # project-level overrides of libraries' templates (the admin's)
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wegwijzer.core.context_processors.site",
                "wegwijzer.core.context_processors.main_nav",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'wegwijzer.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates the file but not its folder; every command (even `content check`, through Django's
    # system checks) opens it, so the embedded default makes its own folder on first use.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the threaded server read while a write is in flight.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Persistent connections on SQLite too (DB_CONN_MAX_AGE, as on PostgreSQL): a new connection per request
    # re-parsed the whole schema on its first query and, as the last one to close, checkpointed and removed
    # the WAL file, ≈ 3 ms of every request that touched the database (docs/performance.md).
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "gezinsplan:my-gezinsplannen"
LOGOUT_REDIRECT_URL = "core:home"

# Idle sessions expire: every request renews the window.
SESSION_COOKIE_AGE = int(env("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "30")))
# Per username (guessing one account from many addresses stays blocked) AND per client address (one address
# guessing many usernames), the address with its own, higher limit: many people may share one NAT address.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_ADDRESS_FAILURE_LIMIT = int(env("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_HANDLER = "wegwijzer.accounts.lockout.UsernameAndAddressHandler"
# The same client address as the access log (right-most X-Forwarded-For only with TRUST_X_FORWARDED_FOR).
AXES_CLIENT_IP_CALLABLE = "wegwijzer.audit.context.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "wegwijzer.accounts.views.lockout_response"
# One-time codes an administrator gives for setting up two-factor login expire after this many days.
OTP_ENROLMENT_DAYS = int(env("OTP_ENROLMENT_DAYS", "7"))
# The admin keeps its own two-factor gate (accounts.admin_site), so django-two-factor-auth leaves it alone.
TWO_FACTOR_PATCH_ADMIN = False
# Only behind a proxy you run: the access log then records the right-most X-Forwarded-For address.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

API_TOKEN_DAYS = int(env("API_TOKEN_DAYS", "90"))
RETENTION_DAYS_AFTER_CLOSE = int(env("RETENTION_DAYS_AFTER_CLOSE", str(365)))

CSRF_FAILURE_VIEW = "wegwijzer.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Pinned npm assets are served from node_modules: only the few dist folders we use, so that static-file
# scans (WhiteNoise, collectstatic) stay small. A deployment may add its own theme folder.
NODE_MODULES = BASE_DIR / "node_modules"
_VENDOR_DIRS = [
    "@utrecht/component-library-css/dist",
    "@nl-design-system-unstable/voorbeeld-design-tokens/dist",
    "htmx.org/dist",
]
STATICFILES_DIRS: list = [(f"vendor/{d}", NODE_MODULES / d) for d in _VENDOR_DIRS if (NODE_MODULES / d).is_dir()]
if env("WEGWIJZER_THEME_DIR"):
    STATICFILES_DIRS.append(("theme", Path(env("WEGWIJZER_THEME_DIR"))))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# The NL Design System theme is swappable per deployment: a stylesheet (static path) and its root class.
# Default: the neutral "voorbeeld" theme. Utrecht's own tokens are licensed to the municipality only.
THEME_CSS = env("WEGWIJZER_THEME_CSS", "vendor/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css")
THEME_CLASS = env("WEGWIJZER_THEME_CLASS", "voorbeeld-theme")

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "wegwijzer@localhost")
# Side effects (the feedback mail) run as Django Tasks, enqueued on commit; see docs/architecture.md.
# database (default): django-tasks-db stores each task as a row and a worker process runs it (`wegwijzer
# db_worker`; `wegwijzer serve` starts one beside gunicorn), so a slow mail server never stalls a request.
# immediate: the task runs in the same process right after the commit (no worker; the tests use it).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env("TASKS_BACKEND").strip().lower() or "database"
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND moet 'database' of 'immediate' zijn, niet '{TASKS_BACKEND}'.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# The parents' view (issue 12): how long an invitation link and a mailed login code stay valid, how many wrong
# codes lock the view for PARENT_LOCK_MINUTES, and how many codes one parent may ask for per hour.
# The address mailed links start with (the parents' invitation link).
SITE_URL = env("SITE_URL", "http://localhost:8000")
PARENT_INVITE_HOURS = int(env("PARENT_INVITE_HOURS", "72"))
PARENT_CODE_MINUTES = int(env("PARENT_CODE_MINUTES", "10"))
PARENT_CODE_ATTEMPTS = int(env("PARENT_CODE_ATTEMPTS", "5"))
PARENT_LOCK_MINUTES = int(env("PARENT_LOCK_MINUTES", "30"))
PARENT_CODES_PER_HOUR = int(env("PARENT_CODES_PER_HOUR", "5"))
# How long an e-mailed invitation for a colleague not yet registered works (once).
COLLEAGUE_INVITE_HOURS = int(env("COLLEAGUE_INVITE_HOURS", "72"))

# Social map freshness (issue 10): a record last checked longer ago than this is shown as possibly stale
# and listed for editors. "Klopt er iets niet?": at most this many reports per client address per hour.
REVIEW_CYCLE_DAYS = int(env("REVIEW_CYCLE_DAYS", "180"))
CORRECTION_RATE_PER_HOUR = int(env("CORRECTION_RATE_PER_HOUR", "5"))
# Waiting times (issue 10): a figure measured longer ago than this is shown as "verouderd". The norm in weeks
# above which a contracted provider must refer on (zorgplicht) is the city's to set: empty means no norm.
WAIT_TIME_STALE_DAYS = int(env("WAIT_TIME_STALE_DAYS", "31"))
_norm = env("WAIT_TIME_NORM_WEEKS").strip()
if _norm and not (_norm.isdigit() and int(_norm) >= 0):
    raise ImproperlyConfigured(f"WAIT_TIME_NORM_WEEKS moet leeg of een heel aantal weken zijn, niet '{_norm}'.")
WAIT_TIME_NORM_WEEKS: int | None = int(_norm) if _norm else None

# How often (seconds) a process checks whether another process changed the social map (search index).
SEARCH_STAMP_SECONDS = float(env("SEARCH_STAMP_SECONDS", "1"))
# The host's on-disk search index (docs/search.md): one writer (`wegwijzer search_index --follow`, started by
# `serve`), every process reads it. Without a running indexer a process builds it itself (tests, CLI).
SEARCH_INDEX_DIR = Path(env("SEARCH_INDEX_DIR", str(VAR_DIR / "search-index")))
SEARCH_BUILD_IN_PROCESS = env_bool("SEARCH_BUILD_IN_PROCESS", True)
SEARCH_FOLLOW_SECONDS = float(env("SEARCH_FOLLOW_SECONDS", "0.25"))  # the indexer's poll of the counter
SEARCH_INDEXER_NICE = int(env("SEARCH_INDEXER_NICE", "10"))  # the indexer yields the CPU to searches (0: off)
SEARCH_GC_FREEZE = env_bool("SEARCH_GC_FREEZE", True)  # after opening the index: gc.freeze() (lifecycle._settle_heap)
SEARCH_WAIT_SECONDS = float(env("SEARCH_WAIT_SECONDS", "60"))  # a reader waits this long for a first index
SEARCH_UPDATE_MAX_RECORDS = int(env("SEARCH_UPDATE_MAX_RECORDS", "2000"))  # more changed: rebuild aside
SEARCH_CHANGELOG_KEEP = int(env("SEARCH_CHANGELOG_KEEP", "100000"))  # counter values of change log kept

# The anonymous advice tally: rows wait in a per-process spool file; a file this many seconds old is handed
# to the task worker, which stores its rows in one INSERT (0: one INSERT per advice, at once). routeguide/tally.py.
ADVICE_TALLY_FLUSH_SECONDS = float(env("ADVICE_TALLY_FLUSH_SECONDS", "5"))
# how often a worker asks the database which content release is live (issue 15: publishing without a restart)
CONTENT_LIVE_CHECK_SECONDS = float(env("CONTENT_LIVE_CHECK_SECONDS", "1"))
ADVICE_TALLY_SPOOL_DIR = Path(env("ADVICE_TALLY_SPOOL_DIR", str(VAR_DIR / "tally")))

# Search figures (issue 14, socialmap/search_stats.py): a normalised query is kept in plain text only once this many
# different visitors searched it; everything is dropped after SEARCH_STATS_KEEP_DAYS. Searches wait in a
# per-process buffer, written once it is FLUSH_SECONDS old or holds FLUSH_RECORDS searches (0 seconds: at once);
# a visitor's query that extends their previous one within TYPING_SECONDS replaces it (search as you type).
SEARCH_STATS_MIN_VISITORS = int(env("SEARCH_STATS_MIN_VISITORS", "5"))
SEARCH_STATS_KEEP_DAYS = int(env("SEARCH_STATS_KEEP_DAYS", "90"))
SEARCH_STATS_FLUSH_SECONDS = float(env("SEARCH_STATS_FLUSH_SECONDS", "60"))
SEARCH_STATS_FLUSH_RECORDS = int(env("SEARCH_STATS_FLUSH_RECORDS", "200"))
SEARCH_STATS_TYPING_SECONDS = float(env("SEARCH_STATS_TYPING_SECONDS", "10"))

# Insight (inzicht): published counts under this are hidden, with complementary cells (inzicht/suppression.py).
INSIGHT_MIN_CELL = int(env("INSIGHT_MIN_CELL", "5"))
# The advice figures read a summary table; a read of the insight section queues its refresh (the Django Task
# insight_refresh) when the last one is older than this many seconds (inzicht/summary.py).
INSIGHT_REFRESH_SECONDS = float(env("INSIGHT_REFRESH_SECONDS", "900"))

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Standard error, always: a command's standard output is its answer (scripts read it), never log lines.
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}},
    "loggers": {
        "wegwijzer": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO"), "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}
