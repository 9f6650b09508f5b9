"""Settings shared by every environment. Environment-specific modules import this."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "django_countries",
    "phonenumber_field",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # The partner API; its Swagger UI assets are served from static (self only, per the CSP).
    "ninja",
    "passage.core",
    "passage.accounts",
    "passage.audit",
    "passage.reference",
    "passage.people",
    "passage.cases",
    "passage.movements",
    "passage.messaging",
    "passage.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "passage.core.middleware.DutchByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "passage.audit.context.AuditContextMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "passage.urls"
WSGI_APPLICATION = "passage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "passage" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "passage.core.context_processors.navigation",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out users before anything else
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "case-list"
LOGOUT_REDIRECT_URL = "account_login"

# Sign-in: django-allauth with optional two-factor (TOTP + recovery codes), see docs/decisions/0002-sign-in.md.
# Staff accounts are created by administrators in Passage: no self sign-up, no e-mail verification.
ACCOUNT_ADAPTER = "passage.accounts.adapters.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False  # sessions end with the browser / SESSION_COOKIE_AGE, no "remember me"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_TOTP_ISSUER = "Passage"
# One 30-second step either side: phones drift, and a code typed at the edge of its step must still work.
MFA_TOTP_TOLERANCE = 1

# Dutch by default, English switchable (the language cookie / set_language view).
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "passage" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "passage" / "static"]
STORAGES = {
    # Attachments live outside the database tables and outside any served
    # directory; they are streamed by a view that checks access first.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private-media"), "base_url": "/nonexistent/"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# allauth posts the user name as "login" but authenticates with username=..., so axes' backend and the
# user_login_failed signal both see it under "username" (the default form field): no custom login form needed.
AXES_USERNAME_FORM_FIELD = "username"

PHONENUMBER_DEFAULT_REGION = "NL"
PHONENUMBER_DB_FORMAT = "E164"
COUNTRIES_FIRST = ["NL"]

CELERY_TASK_SERIALIZER = "json"
# How long a step recorded at the airport desk (reported, checked in, documents, cash, boarded, no-show) may
# be undone by the desk itself; after that it stays, and a correction is a new record (docs/decisions/0006).
DESK_UNDO_SECONDS = 300

CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# The outbox sweep (docs/decisions/0010): hands every due message to a worker, whatever a lost task left behind.
MESSAGING_SWEEP_SECONDS = 30
# A message handed to the broker is left to its task this long before the sweep hands it over again.
MESSAGING_SWEEP_GRACE_SECONDS = 60
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "messaging.sweep", "schedule": float(MESSAGING_SWEEP_SECONDS)},
    # The SMS reminder the day before a flight: hourly, once per booking and day whatever the hour.
    "sms-reminders": {"task": "messaging.sms_reminders", "schedule": 3600.0},
}

# Messages: the gateway per channel; attempts, back-off and the worker's lease on a message.
MESSAGING_GATEWAYS = {
    "sms": "passage.messaging.gateways.console.ConsoleGateway",
    "webhook": "passage.messaging.gateways.webhook.HttpWebhookGateway",
    "email": "passage.messaging.gateways.mail.EmailGateway",
}
# Partners' endpoints answer quickly or are tried again later.
WEBHOOK_TIMEOUT_SECONDS = 5.0
WEBHOOK_CONNECT_TIMEOUT_SECONDS = 3.0
# A rotated secret keeps signing beside the new one this long; endpoints must be https in production.
WEBHOOK_ROTATION_DAYS = 7
WEBHOOK_REQUIRE_HTTPS = False
MESSAGING_MAX_ATTEMPTS = 8
MESSAGING_BACKOFF_BASE_SECONDS = 30
MESSAGING_BACKOFF_CAP_SECONDS = 3600
MESSAGING_LEASE_SECONDS = 120
# The queue the delivery tasks go to (the workers consume it; a deployment may give messages their own workers).
MESSAGING_QUEUE = "celery"
# Channels whose messages a long-running connector process carries out itself, not the Celery workers: "sms"
# when SMS leave through SMPP (``manage.py smpp_connector``, one bind to the SMSC; docs/decisions/0012). The quick
# start sends everything through the console gateway and the workers.
MESSAGING_CONNECTOR_CHANNELS: set[str] = set()
# The SMPP 3.4 connector (production reads these from the environment, passage/settings/prod.py).
SMPP_HOST = "127.0.0.1"
SMPP_PORT = 2775
SMPP_SYSTEM_ID = ""
SMPP_PASSWORD = ""
SMPP_SYSTEM_TYPE = ""
SMPP_TLS = False  # production: on unless SMPP_TLS=false (an SMSC reached only through a VPN)
SMPP_TLS_CA_FILE = ""  # the SMSC's certificate authority, if not one the system trusts
SMPP_SOURCE_ADDR = "IOM"  # the sender the migrant sees: alphanumeric (up to 11 characters) or a number
SMPP_RATE = 20.0  # at most this many submit_sm per second (each part of a long message counts)
SMPP_WINDOW = 10  # submit_sm sent before their answers come back
SMPP_BATCH = 50  # due messages claimed at a time
SMPP_POLL_SECONDS = 1.0  # how often an idle connector looks for due messages
SMPP_ENQUIRE_LINK_SECONDS = 30.0
SMPP_RESPONSE_TIMEOUT_SECONDS = 10.0  # an answer later than this: the link is taken as dead, rebound
SMPP_RECONNECT_SECONDS = (1.0, 60.0)  # back-off between reconnections: first, longest (doubling)
SMPP_THROTTLE_SECONDS = (1.0, 30.0)  # pause after ESME_RTHROTTLED / ESME_RMSGQFUL: first, longest (doubling)
# SMS through a provider's HTTP API (SMS_GATEWAY=http; docs/decisions/0018): sent by the Celery workers, delivery
# receipts posted back to SMS_HTTP_RECEIPT_URL (/messages/receipts/http/), signed with SMS_HTTP_RECEIPT_SECRET
# (Standard Webhooks: "whsec_" + base64). Production reads these from the environment, passage/settings/prod.py.
SMS_HTTP_URL = ""
SMS_HTTP_TOKEN = ""
SMS_HTTP_AUTH_SCHEME = "Bearer"  # the Authorization header's word before the token ("AccessKey" for MessageBird)
SMS_HTTP_SENDER = "IOM"  # the sender the migrant sees: alphanumeric (up to 11 characters) or a number
SMS_HTTP_RECEIPT_URL = ""
SMS_HTTP_RECEIPT_SECRET = ""  # empty: the receipt endpoint answers 404
SMS_HTTP_TIMEOUT_SECONDS = 5.0
SMS_HTTP_CONNECT_TIMEOUT_SECONDS = 3.0
SMS_HTTP_RECEIPT_TOLERANCE_SECONDS = 300  # a receipt signed longer ago (or ahead) than this is refused
SMS_HTTP_RECEIPT_MAX_BYTES = 4096  # a receipt is a few hundred bytes

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
