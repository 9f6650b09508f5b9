"""The quick start: SQLite, a SQLite-backed Celery broker, no services needed."""

import os

from .base import *  # noqa: F401,F403
from .base import VAR_DIR
from .env import env_str

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY", "dev-only-not-secret-3f6c1b0e2a9d4c7f8e5b")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "passage.sqlite3")),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_RESULT_BACKEND = None

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Password-reset and other mails are printed by the web process in the quick start.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
