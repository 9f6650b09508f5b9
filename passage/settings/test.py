"""Test settings: PostgreSQL when DATABASE_URL is set (CI), SQLite otherwise."""

import os
import tempfile

import dj_database_url

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

if os.environ.get("DATABASE_URL"):
    # Tests close every connection at once; the outbox benchmark's workers keep theirs as production does.
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"],
                                                  conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
                                                  conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(tempfile.gettempdir(), "passage-test-unused.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE"},
            "TEST": {"NAME": os.path.join(tempfile.gettempdir(), f"passage-test-{os.getpid()}.sqlite3")},
        }
    }

STATIC_ROOT = os.path.join(tempfile.gettempdir(), "passage-test-static")
os.makedirs(STATIC_ROOT, exist_ok=True)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
AXES_ENABLED = False
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.path.join(tempfile.gettempdir(), "passage-test-media"), "base_url": "/nonexistent/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A real Celery worker started by a test (passage/messaging/tests/test_worker.py) works on the test's database
# through a real broker, and sweeps every second.
if os.environ.get("PASSAGE_TEST_WORKER"):
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    DATABASES["default"]["NAME"] = os.environ["PASSAGE_TEST_DATABASE"]
    CELERY_TASK_DEFAULT_QUEUE = MESSAGING_QUEUE = os.environ["PASSAGE_TEST_QUEUE"]  # its own: no other run takes them
    MESSAGING_SWEEP_SECONDS = 1
    # A fault test may shorten how long a claimed message is held and a handed-over one left to its task.
    MESSAGING_LEASE_SECONDS = int(os.environ.get("PASSAGE_TEST_LEASE_SECONDS", MESSAGING_LEASE_SECONDS))  # noqa: F405
    MESSAGING_SWEEP_GRACE_SECONDS = int(os.environ.get("PASSAGE_TEST_SWEEP_GRACE_SECONDS",
                                                       MESSAGING_SWEEP_GRACE_SECONDS))  # noqa: F405
    CELERY_BEAT_SCHEDULE = {"outbox-sweep": {"task": "messaging.sweep", "schedule": 1.0}}  # noqa: F405

# A real SMPP connector process started by a test (passage/messaging/tests/test_smpp.py) works on the test's
# database against the test's SMSC, with short timings.
if os.environ.get("PASSAGE_TEST_SMSC_PORT"):
    DATABASES["default"]["NAME"] = os.environ["PASSAGE_TEST_DATABASE"]
    MESSAGING_CONNECTOR_CHANNELS = {"sms"}
    MESSAGING_GATEWAYS = {**MESSAGING_GATEWAYS, "sms": "passage.messaging.smpp.SmppGateway"}  # noqa: F405
    MESSAGING_BACKOFF_BASE_SECONDS = 0
    SMPP_PORT = int(os.environ["PASSAGE_TEST_SMSC_PORT"])
    SMPP_SYSTEM_ID, SMPP_PASSWORD = "passage", "secret"
    SMPP_RATE = float(os.environ.get("PASSAGE_TEST_SMPP_RATE", "200"))
    SMPP_WINDOW = int(os.environ.get("PASSAGE_TEST_SMPP_WINDOW", "10"))
    SMPP_BATCH = int(os.environ.get("PASSAGE_TEST_SMPP_BATCH", "50"))
    SMPP_POLL_SECONDS = 0.05
    SMPP_RESPONSE_TIMEOUT_SECONDS = 2.0
    SMPP_RECONNECT_SECONDS = (0.1, 0.5)
    SMPP_THROTTLE_SECONDS = (0.05, 0.2)

# A real Celery worker started by a test (passage/messaging/tests/test_http_sms.py) sends SMS through the test's HTTP
# provider, which posts the receipts back to the test's live server.
if os.environ.get("PASSAGE_TEST_SMS_HTTP_URL"):
    MESSAGING_GATEWAYS = {**MESSAGING_GATEWAYS, "sms": "passage.messaging.gateways.http.HttpSmsGateway"}  # noqa: F405
    SMS_HTTP_URL = os.environ["PASSAGE_TEST_SMS_HTTP_URL"]
    SMS_HTTP_TOKEN = "test-provider-token"
    SMS_HTTP_RECEIPT_URL = os.environ["PASSAGE_TEST_SMS_RECEIPT_URL"]
