"""Production: every setting from the environment, read strictly.

Required: SECRET_KEY, DATABASE_URL (postgres://...), CELERY_BROKER_URL
(amqp://... or redis://...), ALLOWED_HOSTS (comma-separated).
Optional: CSRF_TRUSTED_ORIGINS, MEDIA_ROOT, STATIC_ROOT, SECURE_HSTS_SECONDS.
"""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import STORAGES
from .env import env_bool, env_int, env_list, env_str, env_url

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
