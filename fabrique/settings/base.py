"""Production settings. Every value that differs between deployments comes from the environment.

`dev.py` (the embedded default) and `test.py` adjust this module; nothing here assumes a developer machine.
A required variable that is missing or malformed stops the start with a message naming it.
"""

import ipaddress
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


class NamedEnv(environ.Env):
    """django-environ, but a malformed value stops the start with the variable's name."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (ValueError, TypeError, KeyError) as exc:
            raise ImproperlyConfigured(f"La variable d'environnement {var} est mal formée : {exc}") from exc

    def email_url(self, var="EMAIL_URL", default=environ.Env.NOTSET, backend=None):
        try:
            return super().email_url(var, default=default, backend=backend)
        except (ValueError, TypeError, KeyError, ImproperlyConfigured) as exc:
            raise ImproperlyConfigured(f"La variable d'environnement {var} est mal formée : {exc}") from exc


env = NamedEnv()


def required(name, cast=str):
    """Read a required variable; refuse to start with its name when it is missing or malformed."""
    raw = env.str(name, default="")
    if not raw.strip():
        raise ImproperlyConfigured(f"La variable d'environnement {name} est obligatoire (non définie).")
    try:
        return env.get_value(name, cast=cast)
    except (ValueError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"La variable d'environnement {name} est mal formée : {exc}") from exc


def database_from(name):
    """Parse a required database URL; only PostgreSQL (production) and SQLite (embedded) are accepted."""
    required(name)
    try:
        config = env.db_url(name)
    except (ValueError, KeyError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"La variable d'environnement {name} est mal formée : {exc}") from exc
    if config.get("ENGINE") not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured(
            f"La variable d'environnement {name} est mal formée : postgres://… ou sqlite:///… attendu."
        )
    return config


# --- Core -------------------------------------------------------------------------------------------
SECRET_KEY = required("SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "La variable d'environnement SECRET_KEY est trop courte : 50 caractères au moins."
    )
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = [host.strip() for host in required("ALLOWED_HOSTS", cast=list) if host.strip()]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("La variable d'environnement ALLOWED_HOSTS ne contient aucun nom d'hôte.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[f"https://{h}" for h in ALLOWED_HOSTS])
SITE_URL = env.str("SITE_URL", default=f"https://{ALLOWED_HOSTS[0]}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "widget_tweaks",
    "dsfr",
    "django_prose_editor",
    "django_filters",
    "import_export",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "csp",
    "fabrique",
    "accompagnement",
    "accompagnement.proconnect",
    "ateliers",
    "immersions",
]

MIDDLEWARE = [
    # X-Forwarded-* only from our proxies (read by SecurityMiddleware's HTTPS redirect, then the throttling).
    "fabrique.core.middleware.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on signed-in pages and downloads; Permissions-Policy (PERMISSIONS_POLICY).
    "fabrique.core.middleware.PrivateResponsesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff pass a second factor, then members accept the charter in force, before using the site (account
    # and legal pages stay open). After the messages: both explain why they redirect.
    "accompagnement.middleware.StaffSecondFactorMiddleware",
    "accompagnement.middleware.CharteAcceptanceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "fabrique.urls"
WSGI_APPLICATION = "fabrique.wsgi.application"

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
                "dsfr.context_processors.site_config",
                "fabrique.context_processors.navigation",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------------
DATABASES = {"default": database_from("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("La variable d'environnement REDIS_URL est mal formée : redis://… attendu.")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Files ------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Generated documents are never served from MEDIA_URL: downloads go through views that check permissions.
MEDIA_URL = "/media-non-servi/"
STORAGES = {
    "default": {
        "BACKEND": env.str("FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Stockage objet ---------------------------------------------------------------------------------
# Uploaded and generated files on an S3-compatible service (MinIO, Garage, OVH, Scaleway, AWS...) when
# FILE_STORAGE_BACKEND=storages.backends.s3.S3Storage (or OBJECT_STORAGE_BUCKET alone); the disk stays the
# embedded default. Objects stay private (no ACL): downloads are streamed by the permission-checking views,
# and any signed URL the storage makes expires within a minute.
S3_STORAGE_BACKEND = "storages.backends.s3.S3Storage"
OBJECT_STORAGE_BUCKET = env.str("OBJECT_STORAGE_BUCKET", default="").strip()
if not env.str("FILE_STORAGE_BACKEND", default="").strip():  # unset or empty (as docker-compose passes it)
    STORAGES["default"]["BACKEND"] = (
        S3_STORAGE_BACKEND if OBJECT_STORAGE_BUCKET else "django.core.files.storage.FileSystemStorage"
    )
if STORAGES["default"]["BACKEND"] == S3_STORAGE_BACKEND:
    _endpoint = env.str("OBJECT_STORAGE_ENDPOINT_URL", default="").strip() or None
    if _endpoint and not _endpoint.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            "La variable d'environnement OBJECT_STORAGE_ENDPOINT_URL est mal formée : "
            "https://… ou http://… attendu."
        )
    _addressing = env.str("OBJECT_STORAGE_ADDRESSING_STYLE", default="").strip() or None
    if _addressing not in (None, "path", "virtual"):
        raise ImproperlyConfigured(
            "La variable d'environnement OBJECT_STORAGE_ADDRESSING_STYLE est mal formée : path ou virtual."
        )
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": required("OBJECT_STORAGE_BUCKET"),
        "access_key": required("OBJECT_STORAGE_ACCESS_KEY"),
        "secret_key": required("OBJECT_STORAGE_SECRET_KEY"),
        "endpoint_url": _endpoint,
        "region_name": env.str("OBJECT_STORAGE_REGION", default="").strip() or None,
        "addressing_style": _addressing,
        "location": env.str("OBJECT_STORAGE_PREFIX", default="").strip().strip("/"),
        "default_acl": None,  # private objects: the bucket's policy, never public-read
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,  # a new name rather than replacing a file someone may be reading
        "signature_version": "s3v4",
        "max_memory_size": 5 * 1024 * 1024,  # a download past 5 MB spools to a temporary file
    }
elif OBJECT_STORAGE_BUCKET:
    raise ImproperlyConfigured(
        "La variable d'environnement OBJECT_STORAGE_BUCKET n'est lue qu'avec "
        f"FILE_STORAGE_BACKEND={S3_STORAGE_BACKEND} (retirez l'une ou l'autre)."
    )

# --- Auth -------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accompagnement.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "accompagnement.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Fabrique RH] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# Throttling (accompagnement.throttling, README « Production »). allauth limits each address (every login
# POST, failed logins); no per-account lock, which anyone knowing an address could turn against its owner.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "signup": "20/m/ip",
}
# Per (account, address) pair: `free_failures` failures, then a wait of `first_delay` seconds doubling with
# each failure up to `max_delay`; failures are forgotten `memory` seconds after the last one. The owner is
# emailed once per `notice_window` when their account reaches `notice_after` refused logins. The second
# factor gets the same growing wait per account (MFA_FORMS below).
LOGIN_THROTTLE = {
    "free_failures": 3,
    "first_delay": 2,
    "max_delay": env.int("LOGIN_THROTTLE_MAX_DELAY", default=15 * 60),
    "memory": 24 * 60 * 60,
    "notice_after": env.int("LOGIN_THROTTLE_NOTICE_AFTER", default=10),
    "notice_window": 24 * 60 * 60,
}
MFA_FORMS = {
    "authenticate": "accompagnement.forms.SecondFactorForm",
    "reauthenticate": "accompagnement.forms.SecondFactorReauthenticateForm",
    "activate_totp": "accompagnement.forms.ActivateSecondFactorForm",
}
ACCOUNT_FORMS = {
    "login": "accompagnement.forms.LoginForm",
    "reset_password": "accompagnement.forms.ResetPasswordForm",
    "reset_password_from_key": "accompagnement.forms.ResetPasswordKeyForm",
    "change_password": "accompagnement.forms.ChangePasswordForm",
    "reauthenticate": "accompagnement.forms.ReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Second factor (required of staff: accompagnement.second_factor): the recovery codes are shown once, at
# enrolment or when regenerated; staff cannot remove their TOTP (accompagnement.adapters.MFAAdapter).
MFA_ADAPTER = "accompagnement.adapters.MFAAdapter"
MFA_RECOVERY_CODES_SHOW_ONCE = True
MFA_TOTP_ISSUER = "Fabrique RH"
# Lifetime of the one-time link an invited member receives to set their password.
INVITATION_LINK_DAYS = env.int("INVITATION_LINK_DAYS", default=7)

SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Security ---------------------------------------------------------------------------------------
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=True)
# Behind the reverse proxy every request comes from its address: the login throttling reads the client's
# address from X-Forwarded-For, but only on requests whose connection comes from one of TRUSTED_PROXIES
# (addresses or CIDR networks) and only the entry TRUSTED_PROXY_COUNT places from the right, the one our
# outermost proxy wrote (fabrique.core.clientip). Anyone else's X-Forwarded-* headers are dropped
# (fabrique.core.middleware.ForwardedHeadersMiddleware). Default: a proxy on the same host.
TRUSTED_PROXIES = [p.strip() for p in env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"]) if p.strip()]
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"La variable d'environnement TRUSTED_PROXIES est mal formée : « {_proxy} » n'est ni une adresse "
            "IP ni un réseau (10.0.0.0/24)."
        ) from _exc
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("La variable d'environnement TRUSTED_PROXY_COUNT est mal formée : 0 ou plus.")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Browser features the site does not use, denied to its pages and to anything they could embed
# (fabrique.core.middleware.PrivateResponsesMiddleware writes the header). An empty list is "()". Only
# features Chromium knows: an unknown name ("bluetooth", "web-share") makes it log a warning on every page.
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
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# The <style> Tiptap injects (django-prose-editor 0.28's editor.js); a new editor version changes it, and
# the browser test of the CSP names the new hash.
PROSE_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # No inline styles: the DSFR's scripts set styles through the CSSOM, which CSP allows, and our
        # templates use classes. One exception, by hash: the stylesheet the rich-text editor
        # (django-prose-editor's Tiptap) injects as a <style> element. The booklet's previews set their
        # own policy (inline print styles, no script). tests/browser/test_csp.py records every violation.
        "style-src": [SELF, PROSE_EDITOR_STYLE_HASH],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- ProConnect (accompagnement.proconnect, README « ProConnect ») -----------------------------------
# The state's login for civil servants, through allauth's OpenID Connect provider. Configured when the three
# PROCONNECT_DISCOVERY_URL, PROCONNECT_CLIENT_ID and PROCONNECT_CLIENT_SECRET are set: the login page then
# shows « S'identifier avec ProConnect ». Integration:
# https://fca.integ01.dev-agentconnect.fr/api/v2/.well-known/openid-configuration
PROCONNECT_DISCOVERY_URL = env.str("PROCONNECT_DISCOVERY_URL", default="")
PROCONNECT_CLIENT_ID = env.str("PROCONNECT_CLIENT_ID", default="")
PROCONNECT_CLIENT_SECRET = env.str("PROCONNECT_CLIENT_SECRET", default="")
_proconnect = (PROCONNECT_DISCOVERY_URL, PROCONNECT_CLIENT_ID, PROCONNECT_CLIENT_SECRET)
if any(_proconnect) and not all(_proconnect):
    raise ImproperlyConfigured(
        "Les variables d'environnement PROCONNECT_DISCOVERY_URL, PROCONNECT_CLIENT_ID et "
        "PROCONNECT_CLIENT_SECRET vont ensemble : les trois ou aucune."
    )
if PROCONNECT_DISCOVERY_URL and not (PROCONNECT_DISCOVERY_URL.startswith("https://") or DEBUG):
    raise ImproperlyConfigured(
        "La variable d'environnement PROCONNECT_DISCOVERY_URL est mal formée : https://… attendu."
    )
# The issuer the discovery document and every token must name: the discovery URL without its suffix.
PROCONNECT_ISSUER = env.str(
    "PROCONNECT_ISSUER", default=PROCONNECT_DISCOVERY_URL.removesuffix("/.well-known/openid-configuration")
)
PROCONNECT_SCOPES = env.list(
    "PROCONNECT_SCOPES", default=["openid", "email", "given_name", "usual_name", "uid"]
)
# acr levels required of every ProConnect login (sent as essential in `claims`, checked in the ID token).
# Empty: any level. "eidas1-mfa,eidas2,eidas3" makes ProConnect ask everyone for a second factor.
PROCONNECT_ACR_VALUES = env.list("PROCONNECT_ACR_VALUES", default=[])
# acr levels that count as the second factor staff need (allauth's "mfa" record, no TOTP code asked):
# ProConnect's multi-factor levels. eidas1-mfa is a weak MFA (an email or SMS code); "eidas2,eidas3" keeps
# only strong ones (TOTP, passkey, agent card).
PROCONNECT_MFA_ACR_VALUES = env.list("PROCONNECT_MFA_ACR_VALUES", default=["eidas1-mfa", "eidas2", "eidas3"])
# Whom an agent without an account is told to ask (the DGAFP animation team); default: the first ADMIN_EMAILS.
NETWORK_CONTACT_EMAIL = env.str(
    "NETWORK_CONTACT_EMAIL", default=next(iter(env.list("ADMIN_EMAILS", default=[])), "")
)
SOCIALACCOUNT_ADAPTER = "accompagnement.adapters.SocialAccountAdapter"
# ProConnect's identity providers vouch for the address: no confirmation email at a ProConnect login.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {}
if PROCONNECT_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["proconnect"] = {
        "APPS": [
            {
                "provider_id": "proconnect",
                "name": "ProConnect",
                "client_id": PROCONNECT_CLIENT_ID,
                "secret": PROCONNECT_CLIENT_SECRET,
                "settings": {
                    "server_url": PROCONNECT_DISCOVERY_URL,
                    "issuer": PROCONNECT_ISSUER,
                    "scope": PROCONNECT_SCOPES,
                    "acr_values": PROCONNECT_ACR_VALUES,
                    "mfa_acr_values": PROCONNECT_MFA_ACR_VALUES,
                },
            }
        ]
    }
    # Browsers apply form-action to the redirect that follows the button's POST: allow ProConnect's origin.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        "/".join(PROCONNECT_DISCOVERY_URL.split("/")[:3])
    )

# --- Email ------------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Fabrique de l'accompagnement RH <ne-pas-repondre@fabrique-rh.gouv.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Spreadsheet exports (django-import-export) ------------------------------------------------------
# Admin exports drop a leading "=" so a cell typed by a member never runs as a formula in staff's Excel;
# the resources also quote "+", "-", "@" (fabrique.core.exports.spreadsheet_safe).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# --- Rôles (accompagnement.roles) --------------------------------------------------------------------
# Imports and exports in the admin ask Django's permissions, as every admin page: importing a list needs
# the right to add its rows (members, registrations), exporting the right to see them.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- Internationalisation ---------------------------------------------------------------------------
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Celery -----------------------------------------------------------------------------------------
# Without REDIS_URL (the embedded default) tasks run in-process; production sets it and runs a worker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None  # a job's state lives on its database row, never in the result backend
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
# Above the longest task's hard limit, so Redis never redelivers a task that is still running. A task
# whose worker died unacknowledged is redelivered after it (tests shorten it with CELERY_VISIBILITY_TIMEOUT).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT * 4)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="fabrique")
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Each app adds its periodic tasks here (name: {"task": ..., "schedule": ...}).
CELERY_BEAT_SCHEDULE = {}
# Ateliers: the reminder two days before a workshop (recorded per registration, never sent twice).
CELERY_BEAT_SCHEDULE["ateliers-send-due-reminders"] = {
    "task": "ateliers.send_due_reminders",
    "schedule": 60 * 60,
}
# Immersions: statuses that follow the calendar (start, end), then the reminders of the day.
CELERY_BEAT_SCHEDULE["immersions-advance-statuses"] = {
    "task": "immersions.advance_statuses",
    "schedule": crontab(hour=5, minute=30),
}
CELERY_BEAT_SCHEDULE["immersions-send-reminders"] = {
    "task": "immersions.send_reminders",
    "schedule": crontab(hour=7, minute=0),
}
# Livret: versions whose worker died are queued again (a bounded number of times) or failed.
CELERY_BEAT_SCHEDULE["ateliers-sweep-stuck-livrets"] = {
    "task": "ateliers.sweep_stuck_livrets",
    "schedule": 5 * 60,
}

# --- Livret de restitution -------------------------------------------------------------------------
# Time limits of one booklet render (a 40-participant booklet takes about a second).
LIVRET_SOFT_TIME_LIMIT = env.int("LIVRET_SOFT_TIME_LIMIT", default=90)
LIVRET_TIME_LIMIT = env.int("LIVRET_TIME_LIMIT", default=120)
# A version "en cours" longer than this lost its worker: the sweep queues it again.
LIVRET_STUCK_AFTER_SECONDS = env.int("LIVRET_STUCK_AFTER_SECONDS", default=LIVRET_TIME_LIMIT + 60)
LIVRET_LINK_DAYS = env.int("LIVRET_LINK_DAYS", default=30)  # signed download link without a password

# --- Immersions and Talent Exchange ------------------------------------------------------------------
IMMERSION_MAX_DAYS = env.int("IMMERSION_MAX_DAYS", default=90)
ECHANGE_MAX_DAYS = env.int("ECHANGE_MAX_DAYS", default=3 * 365)
# A tutor's or agent's signed link expires after this many days and works only once.
IMMERSION_LINK_MAX_AGE_DAYS = env.int("IMMERSION_LINK_MAX_AGE_DAYS", default=14)
IMMERSION_REMINDER_WORKING_DAYS = 5
ECHANGE_RETURN_REMINDER_DAYS = 61  # "two months before the end"

# --- Logging ----------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The demo accounts have a published password: `load_demo` refuses to run unless dev.py or test.py allow it.
DEMO_DATA_ALLOWED = False

# --- django-dsfr, admin -----------------------------------------------------------------------------
DSFR_MARK_OPTIONAL_FIELDS = True
ADMINS = [("DGAFP", a) for a in env.list("ADMIN_EMAILS", default=[])]
