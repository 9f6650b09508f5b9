"""Production: every setting from the environment, read strictly.

Required: SECRET_KEY, DATABASE_URL (postgres://...), CELERY_BROKER_URL
(amqp://... or redis://...), ALLOWED_HOSTS (comma-separated).
Optional: CSRF_TRUSTED_ORIGINS, MEDIA_ROOT, STATIC_ROOT, SECURE_HSTS_SECONDS; SMS_GATEWAY=smpp with the SMPP_*
variables, or SMS_GATEWAY=http with the SMS_HTTP_* variables (docs/deploy.md).
"""

import base64
import os
import re
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import STORAGES
from .env import env_bool, env_float, env_int, env_list, env_str, env_url

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-", "test-", "django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [f"https://{h}" for h in ALLOWED_HOSTS if h != "*"])

DATABASES = {
    "default": dj_database_url.parse(
        env_url("DATABASE_URL", {"postgres", "postgresql", "pgsql"}),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", {"amqp", "amqps", "pyamqp", "redis", "rediss"})

STATIC_ROOT = env_str("STATIC_ROOT", str(STATIC_ROOT))  # noqa: F405
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env_str("MEDIA_ROOT"), "base_url": "/nonexistent/"},
    },
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Mail (password reset): an SMTP relay, normally the local MTA.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Passage <noreply@{ALLOWED_HOSTS[0]}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Partners' webhook endpoints: https only.
WEBHOOK_REQUIRE_HTTPS = True

# SMS: "console" keeps them in the outbox page only; "smpp" sends them through one bind to the operator's SMSC,
# held by the one `manage.py smpp_connector` process, which then carries out the SMS channel instead of the
# Celery workers (docs/decisions/0012); "http" through a provider's HTTP API, by the Celery workers (0018).
SMS_GATEWAY = env_str("SMS_GATEWAY", "console")
if SMS_GATEWAY == "smpp":
    MESSAGING_GATEWAYS = {**MESSAGING_GATEWAYS, "sms": "passage.messaging.smpp.SmppGateway"}  # noqa: F405
    MESSAGING_CONNECTOR_CHANNELS = {"sms"}
    SMPP_HOST = env_str("SMPP_HOST")
    SMPP_PORT = env_int("SMPP_PORT", 2775)
    SMPP_SYSTEM_ID = env_str("SMPP_SYSTEM_ID")
    SMPP_PASSWORD = env_str("SMPP_PASSWORD")
    SMPP_SYSTEM_TYPE = env_str("SMPP_SYSTEM_TYPE", "")
    # The texts and numbers cross the network to the SMSC: over TLS, with the certificate and host name checked,
    # unless the operator says the link is protected otherwise.
    SMPP_TLS = env_bool("SMPP_TLS", True)
    SMPP_TLS_CA_FILE = env_str("SMPP_TLS_CA_FILE", "")
    if SMPP_TLS_CA_FILE and not os.path.isfile(SMPP_TLS_CA_FILE):
        raise ImproperlyConfigured(f"Environment variable SMPP_TLS_CA_FILE names no file: {SMPP_TLS_CA_FILE!r}.")
    SMPP_SOURCE_ADDR = env_str("SMPP_SOURCE_ADDR", SMPP_SOURCE_ADDR)  # noqa: F405
    SMPP_RATE = env_float("SMPP_RATE", SMPP_RATE)  # noqa: F405
    SMPP_WINDOW = env_int("SMPP_WINDOW", SMPP_WINDOW)  # noqa: F405
    SMPP_ENQUIRE_LINK_SECONDS = env_float("SMPP_ENQUIRE_LINK_SECONDS", SMPP_ENQUIRE_LINK_SECONDS)  # noqa: F405
    if not 0 < SMPP_RATE <= 10000:
        raise ImproperlyConfigured(f"Environment variable SMPP_RATE must be between 0 and 10000, not {SMPP_RATE}.")
    if not 1 <= SMPP_WINDOW <= 100:
        raise ImproperlyConfigured(f"Environment variable SMPP_WINDOW must be between 1 and 100, not {SMPP_WINDOW}.")
    if not re.fullmatch(r"[A-Za-z0-9 ]{1,11}|\+?[0-9]{1,15}", SMPP_SOURCE_ADDR):
        raise ImproperlyConfigured("Environment variable SMPP_SOURCE_ADDR must be up to 11 letters and digits, or "
                                   f"a number of up to 15 digits, not {SMPP_SOURCE_ADDR!r}.")
elif SMS_GATEWAY == "http":
    # A provider's HTTP API, sent by the Celery workers; its receipts come back signed (docs/decisions/0018).
    MESSAGING_GATEWAYS = {**MESSAGING_GATEWAYS, "sms": "passage.messaging.gateways.http.HttpSmsGateway"}  # noqa: F405
    SMS_HTTP_URL = env_url("SMS_HTTP_URL", {"https"})
    SMS_HTTP_TOKEN = env_str("SMS_HTTP_TOKEN")
    SMS_HTTP_AUTH_SCHEME = env_str("SMS_HTTP_AUTH_SCHEME", SMS_HTTP_AUTH_SCHEME)  # noqa: F405
    SMS_HTTP_SENDER = env_str("SMS_HTTP_SENDER")
    SMS_HTTP_RECEIPT_SECRET = env_str("SMS_HTTP_RECEIPT_SECRET")
    # Where the provider posts receipts: by default on the first allowed host, if that is a plain host name.
    _host = ALLOWED_HOSTS[0]
    _receipts = ([f"https://{_host}/messages/receipts/http/"] if re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*", _host)
                 else [])
    SMS_HTTP_RECEIPT_URL = env_url("SMS_HTTP_RECEIPT_URL", {"https"}, *_receipts)
    SMS_HTTP_TIMEOUT_SECONDS = env_float("SMS_HTTP_TIMEOUT_SECONDS", SMS_HTTP_TIMEOUT_SECONDS)  # noqa: F405
    if not urlparse(SMS_HTTP_URL).hostname or not urlparse(SMS_HTTP_RECEIPT_URL).hostname:
        raise ImproperlyConfigured("Environment variables SMS_HTTP_URL and SMS_HTTP_RECEIPT_URL must name a host.")
    if not re.fullmatch(r"[\x21-\x7e]{8,500}", SMS_HTTP_TOKEN):
        raise ImproperlyConfigured("Environment variable SMS_HTTP_TOKEN must be 8 to 500 printable characters "
                                   "without spaces.")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{0,30}", SMS_HTTP_AUTH_SCHEME):
        raise ImproperlyConfigured("Environment variable SMS_HTTP_AUTH_SCHEME must be one word (e.g. Bearer), not "
                                   f"{SMS_HTTP_AUTH_SCHEME!r}.")
    if not re.fullmatch(r"[A-Za-z0-9 ]{1,11}|\+?[0-9]{1,15}", SMS_HTTP_SENDER):
        raise ImproperlyConfigured("Environment variable SMS_HTTP_SENDER must be up to 11 letters and digits, or "
                                   f"a number of up to 15 digits, not {SMS_HTTP_SENDER!r}.")
    try:
        _key = base64.b64decode(SMS_HTTP_RECEIPT_SECRET.removeprefix("whsec_"), validate=True)
    except ValueError:
        _key = b""
    if not SMS_HTTP_RECEIPT_SECRET.startswith("whsec_") or len(_key) < 24:
        raise ImproperlyConfigured("Environment variable SMS_HTTP_RECEIPT_SECRET must be whsec_ followed by the "
                                   "base64 of at least 24 random bytes (docs/deploy.md says how to make one).")
    if not 0 < SMS_HTTP_TIMEOUT_SECONDS <= 30:
        raise ImproperlyConfigured("Environment variable SMS_HTTP_TIMEOUT_SECONDS must be between 0 and 30, not "
                                   f"{SMS_HTTP_TIMEOUT_SECONDS}.")
elif SMS_GATEWAY != "console":
    raise ImproperlyConfigured(f"Environment variable SMS_GATEWAY must be console, smpp or http, not {SMS_GATEWAY!r}.")
