"""Settings for the CODITECT License Platform, all read from the environment.

With no variable set the platform runs embedded: SQLite and a SQL seat store in
``DATA_DIR`` (``./var``), a signing key generated there on first use.
``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to the Redis seat store.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from coditect_license.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_networks,
    env_str,
)
from coditect_license.production import check_mail

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent
DATA_DIR = Path(env_str("DATA_DIR", str(REPO_DIR / "var"))).resolve()
try:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError as exc:
    raise ImproperlyConfigured(f"DATA_DIR: cannot create {DATA_DIR}: {exc}") from exc

DEBUG = env_bool("DJANGO_DEBUG", False)


def _secret_key() -> str:
    configured = env_str("SECRET_KEY")
    if configured:
        return configured
    # Embedded default: one key per data folder, so restarts keep sessions valid.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
# Kubernetes: Prometheus scrapes http://<pod IP>:8000/metrics with that Host header.
if env_str("POD_IP"):
    ALLOWED_HOSTS.append(env_str("POD_IP"))

# Behind a TLS-terminating proxy (the NGINX ingress) that sets X-Forwarded-Proto.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
# Browsers of other origins may call the API only from these (comma-separated).
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/(api|\.well-known)/.*$"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: its `runserver` (core.chunked) replaces staticfiles' one.
    "core",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "django_guid",
    "corsheaders",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "users",
    "tenants",
    "projects",
    "licenses",
    "audit",
    "events",
    "analytics",
    "webhooks",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "core.logs.TraceMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "coditect_license.urls"
WSGI_APPLICATION = "coditect_license.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


# IMMEDIATE takes the write lock at BEGIN, so two seat transactions queue (up to
# the timeout) instead of failing at once on a lock upgrade.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": "PRAGMA synchronous=NORMAL;",
}


def _databases() -> dict:
    url = env_str("DATABASE_URL")
    if not url:
        return {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": DATA_DIR / "db.sqlite3",
                "OPTIONS": SQLITE_OPTIONS,
                # A file, not memory: test servers in other processes share it.
                "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
            }
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = SQLITE_OPTIONS
        config["CONN_MAX_AGE"] = 0
    elif config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"DATABASE_URL: unsupported database {config['ENGINE']}")
    return {"default": config}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# The dashboard's build (frontend/dist): whitenoise serves its files at /, and
# core.spa answers every other non-API path with its index.html.
FRONTEND_DIST = Path(env_str("FRONTEND_DIST", str(REPO_DIR / "frontend" / "dist")))
WHITENOISE_ROOT = FRONTEND_DIST if FRONTEND_DIST.is_dir() else None
# Vite names assets by content hash: they may be cached for ever.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^/assets/"

STATIC_URL = "static/"
# The API docs' Swagger UI comes from the installed drf-spectacular-sidecar
# package: found there, they are served however the server was started, with or
# without `collectstatic` (the Docker image collects them anyway).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(exist_ok=True)

# Seat path -----------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL: expected redis://, rediss:// or unix://, got {REDIS_URL!r}"
    )
REDIS_KEY_PREFIX = env_str("REDIS_KEY_PREFIX", "coditect:")
REDIS_CLUSTER = env_bool("REDIS_CLUSTER", False)
SEAT_STORE = env_choice("SEAT_STORE", "redis" if REDIS_URL else "sql", ("redis", "sql"))
if SEAT_STORE == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("SEAT_STORE: redis needs REDIS_URL")
# How long acquire may read a license from Redis (licenses/license_cache.py: changes
# reach it at once; this bounds staleness only if Redis failed during a change).
LICENSE_CACHE_SECONDS = env_int("LICENSE_CACHE_SECONDS", 60, minimum=0)

DEFAULT_HEARTBEAT_TTL = env_int("DEFAULT_HEARTBEAT_TTL", 360, minimum=2)
DEFAULT_OFFLINE_GRACE = env_int("DEFAULT_OFFLINE_GRACE", 86400, minimum=0)
REAPER_INTERVAL = env_int("REAPER_INTERVAL", 60, minimum=1)
REAPER_BATCH_SIZE = env_int("REAPER_BATCH_SIZE", 1000, minimum=1)
# How stale the database's last-heartbeat time may be (write-behind). A rebuilt
# Redis seat set keeps every session for this long past its last known
# heartbeat, so a Redis data loss never frees a seat a live client holds.
WRITE_BEHIND_MAX_LAG = env_int("WRITE_BEHIND_MAX_LAG", 2 * REAPER_INTERVAL, minimum=1)
# Hourly usage rollup (analytics): an hour is rolled up once it closed this long ago,
# and the open hour up to this long ago, checked every USAGE_ROLLUP_INTERVAL seconds.
USAGE_ROLLUP_LAG = env_int("USAGE_ROLLUP_LAG", 300, minimum=0)
USAGE_ROLLUP_INTERVAL = env_int("USAGE_ROLLUP_INTERVAL", 300, minimum=10)
# Run the reaper and the rollup in children of `manage.py serve` (no Celery there).
EMBEDDED_REAPER = env_bool("EMBEDDED_REAPER", not REDIS_URL)

LICENSE_KEY_PEPPER = env_str("LICENSE_KEY_PEPPER", SECRET_KEY)

# The bench's acquire ceiling (bench/README.md): POST /bench/acquire-budget does what
# an acquire's design requires and nothing else. Off everywhere but the bench.
BENCH_BUDGET_ENDPOINT = env_bool("BENCH_BUDGET_ENDPOINT", False)

# Where the signing root lives (DESIGN §7, docs/tokens.md): a key file, a PKCS#11
# token (an HSM; SoftHSM2 in tests) or Cloud KMS. Its only jobs are to certify the
# online keys that sign tokens and to be published in the JWKS.
# (Not named SIGNING_BACKEND inside Django: that setting is django.core.signing's.)
TOKEN_ROOT_BACKEND = env_choice("SIGNING_BACKEND", "file", ("file", "pkcs11", "gcp-kms"))
# The root's algorithm for the file and PKCS#11 backends (a Cloud KMS key version
# names its own): EdDSA (file only), RS256/PS256 (RSA-4096) or ES256 (P-256).
TOKEN_SIGNING_ALGORITHM = env_choice(
    "TOKEN_SIGNING_ALGORITHM", "EdDSA", ("EdDSA", "RS256", "PS256", "ES256")
)
# PEM of the token signing key (or SIGNING_KEY_FILE, a mounted secret). Unset: a key
# is generated under DATA_DIR/signing on first use.
SIGNING_KEY_PEM = env_str("SIGNING_KEY")
# PKCS#11: the module (shared library), the token and the root key's label; the PIN
# from PKCS11_PIN_FILE in production.
PKCS11_MODULE = env_str("PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so")
PKCS11_TOKEN_LABEL = env_str("PKCS11_TOKEN_LABEL")
PKCS11_KEY_LABEL = env_str("PKCS11_KEY_LABEL", "coditect-root")
PKCS11_PIN = env_str("PKCS11_PIN")
# Cloud KMS: the first root's key version
# (projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/N). GCP_KMS_ENDPOINT
# points the client elsewhere (tests: a local gRPC server, with GCP_KMS_INSECURE).
GCP_KMS_KEY_VERSION = env_str("GCP_KMS_KEY_VERSION")
GCP_KMS_ENDPOINT = env_str("GCP_KMS_ENDPOINT")
GCP_KMS_INSECURE = env_bool("GCP_KMS_INSECURE", False)
GCP_KMS_TIMEOUT = env_int("GCP_KMS_TIMEOUT", 10, minimum=1)
TOKEN_ISSUER = env_str("TOKEN_ISSUER", "coditect-license")
# Sign tokens with short-lived Ed25519 keys certified by the root (DESIGN §7):
# on by default when the root is RSA/EC or not a file, so the root is off the hot path.
TOKEN_ONLINE_KEYS = env_bool(
    "TOKEN_ONLINE_KEYS",
    TOKEN_SIGNING_ALGORITHM != "EdDSA" or TOKEN_ROOT_BACKEND != "file",  # noqa: S105
)
# How long an online key's certificate lasts; a process renews it a quarter of that
# (at most an hour) before the end, and keeps signing with it while the root is
# unreachable until the certificate no longer covers a token's issue time.
TOKEN_ONLINE_KEY_LIFETIME = env_int("TOKEN_ONLINE_KEY_LIFETIME", 24 * 3600, minimum=5)
# After the root failed to certify, ask it again at most this often (seconds).
SIGNING_RETRY_SECONDS = env_int("SIGNING_RETRY_SECONDS", 5, minimum=0)
# Each process looks for a rotated root this often (seconds; one indexed query).
SIGNING_ROOT_REFRESH_SECONDS = env_int("SIGNING_ROOT_REFRESH_SECONDS", 10, minimum=0)
# A next root is published this long before it may certify: longer than the JWKS's
# cache lifetime (300 s), so every client has it before a token depends on it.
SIGNING_ROOT_PUBLISH_SECONDS = env_int("SIGNING_ROOT_PUBLISH_SECONDS", 600, minimum=0)

# /metrics answers clients in these networks (the address after NUM_PROXIES, so a
# request through the ingress is its internet client, never the ingress pod), or
# anyone with `Authorization: Bearer <METRICS_TOKEN>`; everyone else gets a 404.
METRICS_ALLOWED_CIDRS = env_networks("METRICS_ALLOWED_CIDRS", ["127.0.0.0/8", "::1/128"])
METRICS_TOKEN = env_str("METRICS_TOKEN")

API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES

# Webhooks and notifications (webhooks app) ----------------------------------

# Deliveries go only to https URLs on public addresses; this also allows loopback
# addresses (and plain http to them): development and tests only.
WEBHOOK_ALLOW_LOOPBACK = env_bool("WEBHOOK_ALLOW_LOOPBACK", False)
WEBHOOK_CONNECT_TIMEOUT = env_int("WEBHOOK_CONNECT_TIMEOUT", 5, minimum=1)
WEBHOOK_READ_TIMEOUT = env_int("WEBHOOK_READ_TIMEOUT", 10, minimum=1)
# The whole response, whatever the receiver does: reading stops there.
WEBHOOK_TOTAL_TIMEOUT = env_int("WEBHOOK_TOTAL_TIMEOUT", 15, minimum=1)
WEBHOOK_RESPONSE_MAX_BYTES = env_int("WEBHOOK_RESPONSE_MAX_BYTES", 1024, minimum=0)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 5, minimum=0)
WEBHOOK_RETRY_MAX_DELAY_SECONDS = env_int("WEBHOOK_RETRY_MAX_DELAY_SECONDS", 6 * 3600, minimum=1)
WEBHOOK_RETRY_FOR_SECONDS = env_int("WEBHOOK_RETRY_FOR_SECONDS", 3 * 24 * 3600, minimum=0)
# A worker holds a delivery this long per attempt; longer than any attempt can take.
WEBHOOK_LEASE_SECONDS = env_int("WEBHOOK_LEASE_SECONDS", 60, minimum=1)
WEBHOOK_SWEEP_INTERVAL = env_int("WEBHOOK_SWEEP_INTERVAL", 5, minimum=1)
WEBHOOK_DISABLE_AFTER_SECONDS = env_int("WEBHOOK_DISABLE_AFTER_SECONDS", 3 * 24 * 3600, minimum=0)
WEBHOOK_DISABLE_MIN_FAILURES = env_int("WEBHOOK_DISABLE_MIN_FAILURES", 10, minimum=1)
# Events, deliveries and their log are kept this long (pending deliveries longer).
WEBHOOK_LOG_RETENTION_DAYS = env_int("WEBHOOK_LOG_RETENTION_DAYS", 30, minimum=1)
WEBHOOK_SECRET_OVERLAP_SECONDS = env_int("WEBHOOK_SECRET_OVERLAP_SECONDS", 24 * 3600, minimum=0)
# Encrypts endpoint signing secrets at rest (default: SECRET_KEY).
WEBHOOK_SECRETS_KEY = env_str("WEBHOOK_SECRETS_KEY")
# A process wakes the dispatcher at most this often (from a thread of its own).
WEBHOOK_PUBLISH_COALESCE_SECONDS = float(env_str("WEBHOOK_PUBLISH_COALESCE_SECONDS", "0.2"))
# How long a process trusts what it read of an organization's subscriptions to opt-in
# (session.*, seat.denied) events: a new subscription applies within this time.
EVENT_SUBSCRIPTIONS_CACHE_SECONDS = env_int("EVENT_SUBSCRIPTIONS_CACHE_SECONDS", 5, minimum=0)
UTILIZATION_THRESHOLDS = [int(t) for t in env_list("UTILIZATION_THRESHOLDS", ["80", "90", "100"])]
UTILIZATION_HYSTERESIS = env_int("UTILIZATION_HYSTERESIS", 5, minimum=0)
UTILIZATION_CHECK_INTERVAL = env_int("UTILIZATION_CHECK_INTERVAL", 60, minimum=5)
DENIALS_DIGEST_HOUR_UTC = env_int("DENIALS_DIGEST_HOUR_UTC", 7, minimum=0)
LICENSE_EXPIRING_DAYS = env_int("LICENSE_EXPIRING_DAYS", 14, minimum=1)

# Background work -------------------------------------------------------------

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_TASK_IGNORE_RESULT = True
# Deployments (or test runs) that share a broker keep their tasks apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_BEAT_SCHEDULE = {
    "reap-sessions": {
        "task": "licenses.tasks.reap_sessions",
        "schedule": timedelta(seconds=REAPER_INTERVAL),
    },
    "usage-rollup": {
        "task": "analytics.tasks.usage_rollup",
        "schedule": timedelta(seconds=USAGE_ROLLUP_INTERVAL),
    },
    "license-expiry-warnings": {
        "task": "licenses.tasks.expiry_warnings",
        "schedule": timedelta(hours=1),
    },
    "sessions-clear-expired": {
        "task": "users.tasks.sessions_clear_expired",
        "schedule": timedelta(hours=1),
    },
    "device-authorizations-clear-expired": {
        "task": "users.tasks.device_authorizations_clear_expired",
        "schedule": timedelta(hours=1),
    },
    "webhooks-sweep": {
        "task": "webhooks.tasks.sweep",
        "schedule": timedelta(seconds=WEBHOOK_SWEEP_INTERVAL),
    },
    "utilization-check": {
        "task": "webhooks.tasks.utilization_check",
        "schedule": timedelta(seconds=UTILIZATION_CHECK_INTERVAL),
    },
    "denials-digest": {
        "task": "webhooks.tasks.denials_digest",
        "schedule": crontab(hour=DENIALS_DIGEST_HOUR_UTC, minute=0),
    },
    "events-prune": {
        "task": "webhooks.tasks.events_prune",
        "schedule": timedelta(days=1),
    },
    "licenses-expiring": {
        "task": "webhooks.tasks.licenses_expiring",
        "schedule": timedelta(hours=1),
    },
}

# API -------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.authentication.ApiTokenAuthentication",
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ApiAutoSchema",
    # Client IPs come from REMOTE_ADDR, or from X-Forwarded-For behind this many
    # trusted proxies (1 behind the ingress): never trust a client's own header.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0, minimum=0) or None,
    # Rates of the throttle scopes (users/throttles.py, licenses/api/throttles.py).
    "DEFAULT_THROTTLE_RATES": {
        "login": env_str("THROTTLE_LOGIN", "10/min"),
        "register": env_str("THROTTLE_REGISTER", "10/min"),
        "password_reset": env_str("THROTTLE_PASSWORD_RESET", "5/min"),
        "sign_in_provider": env_str("THROTTLE_SIGN_IN_PROVIDER", "30/min"),
        # The CLI's device sign-in (users.device_flow): codes asked for per IP, and
        # user codes looked up or decided per IP and per person (against guessing).
        "device_code": env_str("THROTTLE_DEVICE_CODE", "20/min"),
        "device_verify": env_str("THROTTLE_DEVICE_VERIFY", "10/min"),
        "acquire_ip": env_str("THROTTLE_ACQUIRE_IP", "600/min"),
        "acquire_key": env_str("THROTTLE_ACQUIRE_KEY", "300/min"),
    },
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("ACCESS_TOKEN_MINUTES", 5, minimum=1)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("REFRESH_TOKEN_DAYS", 7, minimum=1)),
    # Rotation and revocation are users.services' (refresh-token families), not simplejwt's.
    "UPDATE_LAST_LOGIN": True,
    "USER_ID_FIELD": "id",
    "AUTH_HEADER_TYPES": ("Bearer",),
}
# A refresh token traded in this many seconds ago, presented again, gets the pair its
# rotation issued instead of ending the sign-in: its answer was lost (a navigation, a
# dropped connection). 0: any reuse ends the sign-in (docs/auth.md).
REFRESH_REUSE_LEEWAY_SECONDS = env_int("REFRESH_REUSE_LEEWAY_SECONDS", 10, minimum=0)

# Sign-in with other providers (docs/sign-in.md) ------------------------------
# A provider is offered only when its client id and secret are set (secrets also
# from <NAME>_FILE). Each becomes one entry of SIGN_IN_PROVIDERS (users/providers.py).


def _sign_in_providers() -> list[dict[str, str]]:
    providers = []
    if env_str("GOOGLE_CLIENT_ID") and env_str("GOOGLE_CLIENT_SECRET"):
        providers.append(
            {
                "id": "google",
                "name": "Google",
                "kind": "oidc",
                "issuer": "https://accounts.google.com",
                "client_id": env_str("GOOGLE_CLIENT_ID"),
                "client_secret": env_str("GOOGLE_CLIENT_SECRET"),
            }
        )
    if env_str("GITHUB_CLIENT_ID") and env_str("GITHUB_CLIENT_SECRET"):
        providers.append(
            {
                "id": "github",
                "name": "GitHub",
                "kind": "github",
                # Other values for GitHub Enterprise Server.
                "url": env_str("GITHUB_URL", "https://github.com").rstrip("/"),
                "api_url": env_str("GITHUB_API_URL", "https://api.github.com").rstrip("/"),
                "client_id": env_str("GITHUB_CLIENT_ID"),
                "client_secret": env_str("GITHUB_CLIENT_SECRET"),
            }
        )
    for provider_id in env_list("OIDC_PROVIDERS", []):
        prefix = f"OIDC_{provider_id.upper().replace('-', '_')}_"
        issuer = env_str(prefix + "ISSUER").rstrip("/")
        client_id, secret = env_str(prefix + "CLIENT_ID"), env_str(prefix + "CLIENT_SECRET")
        if provider_id in ("google", "github") or not provider_id.replace("-", "").isalnum():
            raise ImproperlyConfigured(f"OIDC_PROVIDERS: {provider_id!r} is not a usable id")
        if not (issuer and client_id and secret):
            raise ImproperlyConfigured(
                f"OIDC_PROVIDERS names {provider_id!r}: set {prefix}ISSUER, "
                f"{prefix}CLIENT_ID and {prefix}CLIENT_SECRET"
            )
        providers.append(
            {
                "id": provider_id,
                "name": env_str(prefix + "NAME", provider_id),
                "kind": "oidc",
                "issuer": issuer,
                "client_id": client_id,
                "client_secret": secret,
            }
        )
    return providers


SIGN_IN_PROVIDERS = _sign_in_providers()
# ID tokens that POST /auth/id-token trades for a sign-in (Identity Platform, or any
# issuer whose keys are published as a JWKS). IDENTITY_PLATFORM_PROJECT fills all three.
_identity_platform = env_str("IDENTITY_PLATFORM_PROJECT")
ID_TOKEN_ISSUER = env_str(
    "ID_TOKEN_ISSUER",
    f"https://securetoken.google.com/{_identity_platform}" if _identity_platform else "",
).rstrip("/")
ID_TOKEN_AUDIENCE = env_str("ID_TOKEN_AUDIENCE", _identity_platform)
ID_TOKEN_JWKS_URL = env_str(
    "ID_TOKEN_JWKS_URL",
    "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com"
    if _identity_platform
    else "",
)
if ID_TOKEN_ISSUER and not (ID_TOKEN_AUDIENCE and ID_TOKEN_JWKS_URL):
    raise ImproperlyConfigured("ID_TOKEN_ISSUER needs ID_TOKEN_AUDIENCE and ID_TOKEN_JWKS_URL")
# Clocks of providers and ours may differ this much when checking exp, iat and nbf.
ID_TOKEN_LEEWAY = env_int("ID_TOKEN_LEEWAY_SECONDS", 60, minimum=0)
# Two-factor (users/two_factor.py): the name authenticator apps show, how long the
# step between password and code may take, and the back-off after a wrong code
# (1, 2, 4, 8… seconds times this factor, per person).
OTP_TOTP_ISSUER = env_str("TWO_FACTOR_ISSUER", "CODITECT")
TWO_FACTOR_STEP_SECONDS = env_int("TWO_FACTOR_STEP_SECONDS", 300, minimum=30)
OTP_TOTP_THROTTLE_FACTOR = env_int("TWO_FACTOR_THROTTLE_FACTOR", 1, minimum=1)
# Django sessions only carry a started provider sign-in (state, PKCE verifier,
# nonce; Authlib lets them expire after an hour too).
SESSION_COOKIE_AGE = 3600

# The CLI's device sign-in (RFC 8628, users.device_flow): how long a code may wait
# for the person's approval, and the least seconds between two polls.
DEVICE_CODE_SECONDS = env_int("DEVICE_CODE_SECONDS", 900, minimum=10)
DEVICE_CODE_INTERVAL = env_int("DEVICE_CODE_INTERVAL", 5, minimum=1)
SESSION_COOKIE_HTTPONLY = True
# Seconds a call to a provider (discovery, token, user info, JWKS) may take.
SIGN_IN_PROVIDER_TIMEOUT = env_int("SIGN_IN_PROVIDER_TIMEOUT", 10, minimum=1)

# Rate-limit counters must be shared by every API process: in this cache when it is
# Redis; without Redis in the SQL database (core.ratelimit), never in a process's memory.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# SMTP relay (Django's defaults: localhost:25, no TLS; production sets a relay such as
# SendGrid or SES on 587 with STARTTLS, its password from Secret Manager as a file).
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds an SMTP connection may block: mail leaves from one background thread per
# process (core.mail), which a mail server that never answers must not hold forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
# Where django.core.mail.backends.filebased.EmailBackend writes each email as a file.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(DATA_DIR / "emails"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CODITECT Licensing <no-reply@coditect.local>")


def _public_url() -> str:
    """Where links in emails (password reset, invitations) point: the dashboard.

    Unset, it is the address this server was started on: HOST and PORT, which `serve`
    and gunicorn bind (a wildcard address is reached on loopback). Not the Host header
    of the request that sends the email: the client writes that header, and a reset
    link pointed at the attacker's host would hand them the victim's reset token; and
    emails sent outside a request (a worker, a command) have no request at all.
    """
    configured = env_str("PUBLIC_URL").strip().rstrip("/")
    if configured:
        if not configured.startswith(("http://", "https://")):
            raise ImproperlyConfigured(
                f"PUBLIC_URL: expected an http:// or https:// URL, got {configured!r}"
            )
        return configured
    host = env_str("HOST", "127.0.0.1").strip() or "127.0.0.1"
    if host in ("0.0.0.0", "::", "[::]"):  # noqa: S104 (read, not bound)
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{env_int('PORT', 8000, minimum=1)}"


PUBLIC_URL = _public_url()
# Production (DJANGO_DEBUG given and false, as in the image and the ConfigMap; unset
# keeps the embedded default working): no console email, no loopback links.
if env_str("DJANGO_DEBUG").strip() and not DEBUG:
    check_mail(
        email_backend=EMAIL_BACKEND,
        public_url=env_str("PUBLIC_URL").strip(),
        email_host=env_str("EMAIL_HOST").strip(),
    )

SPECTACULAR_SETTINGS = {
    "TITLE": "CODITECT License Platform API",
    "DESCRIPTION": "Floating-seat licensing: the seat protocol and the management API.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page loads its scripts from this server (drf-spectacular-sidecar), never
    # a CDN, under the dashboard's Content-Security-Policy (core/spa.py).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from validator.swagger.io: it would send it the schema's address.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"RoleEnum": "tenants.models.Membership.Role"},
    "TAGS": [
        {"name": "seats", "description": "The seat protocol clients speak (license key auth)."},
        {"name": "auth", "description": "Sign-in, tokens and the signed-in user."},
        {"name": "organizations", "description": "Organizations, members and invitations."},
        {"name": "api-tokens", "description": "Organization API tokens for automation."},
        {"name": "projects", "description": "Customer projects."},
        {
            "name": "groups",
            "description": "Groups of people: seats reserved for them or capped per license.",
        },
        {"name": "licenses", "description": "License administration and sessions."},
        {"name": "analytics", "description": "Seat utilization over time."},
        {"name": "audit", "description": "Who changed what."},
        {"name": "health", "description": "Probes."},
    ],
}

# LOG_FORMAT=json for production (one JSON object a line, with the request id);
# plain for a terminal. The request id comes from X-Request-ID or is made up,
# and is echoed in the response's X-Request-ID.
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "RETURN_HEADER": True, "EXPOSE_HEADER": True}
LOG_FORMAT = env_choice("LOG_FORMAT", "plain", ("plain", "json"))
# One access-log line per request (gunicorn's, see gunicorn_conf.py); `serve` turns it on.
ACCESS_LOG = env_bool("ACCESS_LOG", False)
DEMO_CREDENTIALS_FILE = DATA_DIR / "demo-credentials.json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {
            "()": "core.logs.RequestIdFilter",
            "placeholder": "-" if LOG_FORMAT == "plain" else None,
        },
        "trace": {"()": "core.logs.CloudTraceFilter", "project": env_str("GOOGLE_CLOUD_PROJECT")},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s %(message)s"},
        # The fields Cloud Logging reads (core/logs.py): severity, RFC 3339 time, message.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {"levelname": "severity", "correlation_id": "request_id"},
            "timestamp": "time",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "trace"],
            # Cloud Logging files stderr lines without a severity as errors.
            "stream": "ext://sys.stdout" if LOG_FORMAT == "json" else "ext://sys.stderr",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_guid": {"level": "WARNING"},
        # Their debug lines carry PKCE verifiers, codes and tokens, and URLs with them.
        "authlib": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
        # With the access log on, a 4xx is already its line there; 5xx keep their traceback.
        "django.request": {"level": "ERROR" if ACCESS_LOG else "WARNING"},
    },
}
