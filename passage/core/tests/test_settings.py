"""Production settings read the environment strictly and pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD_ENV = {
    "DJANGO_SETTINGS_MODULE": "passage.settings.prod",
    "SECRET_KEY": "k" * 20 + "3f9a1c7e5b2d8f0a6c4e1b9d7f3a5c8e0b2d4f6a",
    "DATABASE_URL": "postgres://passage:secret@127.0.0.1:5432/passage",
    "CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//",
    "ALLOWED_HOSTS": "passage.example.org",
    "MEDIA_ROOT": "/tmp/passage-media",
}


def run_manage(*args, env_overrides=None, drop=()):
    # The test process itself allows async-unsafe ORM calls (for Playwright); a deployment must not.
    skip = {*GOOD_ENV, "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(GOOD_ENV)
    env.update(env_overrides or {})
    for key in drop:
        env.pop(key, None)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_missing_secret_key_fails_loudly():
    result = run_manage("check", drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "Environment variable SECRET_KEY is required" in result.stderr


def test_database_url_of_another_kind_fails_loudly():
    result = run_manage("check", env_overrides={"DATABASE_URL": "mysql://root@127.0.0.1/passage"})
    assert result.returncode != 0
    assert "DATABASE_URL must be a URL with scheme" in result.stderr


def test_malformed_boolean_fails_loudly():
    result = run_manage("check", env_overrides={"SECURE_SSL_REDIRECT": "perhaps"})
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT must be true or false" in result.stderr


def test_collectstatic_works_with_production_storage(tmp_path):
    """Whitenoise's manifest storage fails on a missing referenced file (e.g. a .map): catch it here."""
    result = run_manage("collectstatic", "--noinput", env_overrides={"STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/bootstrap/bootstrap.min.*.css"))


SMPP_ENV = {"SMS_GATEWAY": "smpp", "SMPP_HOST": "smsc.example.net", "SMPP_SYSTEM_ID": "passage",
            "SMPP_PASSWORD": "secret", "SMPP_RATE": "50", "SMPP_SOURCE_ADDR": "IOM NL"}


def test_the_smpp_gateway_makes_sms_the_connectors_channel():
    code = ("from django.conf import settings as s; print(sorted(s.MESSAGING_CONNECTOR_CHANNELS), "
            "s.MESSAGING_GATEWAYS['sms'], s.SMPP_HOST, s.SMPP_PORT, s.SMPP_RATE, s.SMPP_SOURCE_ADDR)")
    result = run_manage("shell", "-c", code, env_overrides=SMPP_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == ("['sms'] passage.messaging.smpp.SmppGateway smsc.example.net 2775 50.0 "
                                             "IOM NL")
    console = run_manage("shell", "-c", code)
    assert console.stdout.split("\n")[-2].startswith("[] passage.messaging.gateways.console.ConsoleGateway")


def test_smpp_settings_fail_loudly():
    missing = run_manage("check", env_overrides={**SMPP_ENV, "SMPP_PASSWORD": ""})
    assert missing.returncode != 0 and "Environment variable SMPP_PASSWORD is required" in missing.stderr
    rate = run_manage("check", env_overrides={**SMPP_ENV, "SMPP_RATE": "fast"})
    assert rate.returncode != 0 and "SMPP_RATE must be a number, not 'fast'" in rate.stderr
    sender = run_manage("check", env_overrides={**SMPP_ENV, "SMPP_SOURCE_ADDR": "International Org"})
    assert sender.returncode != 0 and "SMPP_SOURCE_ADDR must be up to 11 letters" in sender.stderr
    gateway = run_manage("check", env_overrides={"SMS_GATEWAY": "pigeon"})
    assert gateway.returncode != 0 and "SMS_GATEWAY must be console, smpp or http, not 'pigeon'" in gateway.stderr


def test_smpp_goes_over_tls_unless_the_operator_says_the_link_is_protected_otherwise(tmp_path):
    code = "from django.conf import settings as s; print(s.SMPP_TLS, repr(s.SMPP_TLS_CA_FILE))"
    default = run_manage("shell", "-c", code, env_overrides=SMPP_ENV)
    assert default.returncode == 0, default.stderr
    assert default.stdout.split("\n")[-2] == "True ''"
    ca = tmp_path / "smsc-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    own = run_manage("shell", "-c", code, env_overrides={**SMPP_ENV, "SMPP_TLS_CA_FILE": str(ca)})
    assert own.stdout.split("\n")[-2] == f"True '{ca}'"
    vpn = run_manage("shell", "-c", code, env_overrides={**SMPP_ENV, "SMPP_TLS": "false"})
    assert vpn.stdout.split("\n")[-2] == "False ''"
    unsure = run_manage("check", env_overrides={**SMPP_ENV, "SMPP_TLS": "perhaps"})
    assert unsure.returncode != 0 and "SMPP_TLS must be true or false, not 'perhaps'" in unsure.stderr
    nowhere = run_manage("check", env_overrides={**SMPP_ENV, "SMPP_TLS_CA_FILE": str(tmp_path / "none.pem")})
    assert nowhere.returncode != 0 and "SMPP_TLS_CA_FILE names no file" in nowhere.stderr


HTTP_ENV = {"SMS_GATEWAY": "http", "SMS_HTTP_URL": "https://rest.provider.example/messages",
            "SMS_HTTP_TOKEN": "live_8dF3kQ9zX2", "SMS_HTTP_SENDER": "IOM NL",
            "SMS_HTTP_RECEIPT_SECRET": "whsec_" + "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ=="}


def test_the_http_gateway_sends_sms_through_the_workers_with_receipts_to_the_first_host():
    code = ("from django.conf import settings as s; print(sorted(s.MESSAGING_CONNECTOR_CHANNELS), "
            "s.MESSAGING_GATEWAYS['sms'], s.SMS_HTTP_URL, s.SMS_HTTP_AUTH_SCHEME, s.SMS_HTTP_SENDER, "
            "s.SMS_HTTP_RECEIPT_URL)")
    result = run_manage("shell", "-c", code, env_overrides=HTTP_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        "[] passage.messaging.gateways.http.HttpSmsGateway https://rest.provider.example/messages Bearer IOM NL "
        "https://passage.example.org/messages/receipts/http/")
    check = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=HTTP_ENV)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize(("override", "error"), [
    ({"SMS_HTTP_URL": ""}, "Environment variable SMS_HTTP_URL is required"),
    ({"SMS_HTTP_URL": "http://rest.provider.example/messages"}, "SMS_HTTP_URL must be a URL with scheme https"),
    ({"SMS_HTTP_URL": "https:///messages"}, "SMS_HTTP_URL and SMS_HTTP_RECEIPT_URL must name a host"),
    ({"SMS_HTTP_TOKEN": ""}, "Environment variable SMS_HTTP_TOKEN is required"),
    ({"SMS_HTTP_TOKEN": "two words"}, "SMS_HTTP_TOKEN must be 8 to 500 printable characters"),
    ({"SMS_HTTP_AUTH_SCHEME": "Bearer x"}, "SMS_HTTP_AUTH_SCHEME must be one word"),
    ({"SMS_HTTP_SENDER": ""}, "Environment variable SMS_HTTP_SENDER is required"),
    ({"SMS_HTTP_SENDER": "International Org"}, "SMS_HTTP_SENDER must be up to 11 letters"),
    ({"SMS_HTTP_RECEIPT_SECRET": ""}, "Environment variable SMS_HTTP_RECEIPT_SECRET is required"),
    ({"SMS_HTTP_RECEIPT_SECRET": "hunter2hunter2"}, "SMS_HTTP_RECEIPT_SECRET must be whsec_ followed by"),
    ({"SMS_HTTP_RECEIPT_SECRET": "whsec_c2hvcnQ="}, "SMS_HTTP_RECEIPT_SECRET must be whsec_ followed by"),
    ({"SMS_HTTP_RECEIPT_URL": "http://passage.example.org/r/"}, "SMS_HTTP_RECEIPT_URL must be a URL with scheme"),
    ({"ALLOWED_HOSTS": ".example.org"}, "Environment variable SMS_HTTP_RECEIPT_URL is required"),
    ({"SMS_HTTP_TIMEOUT_SECONDS": "60"}, "SMS_HTTP_TIMEOUT_SECONDS must be between 0 and 30"),
])
def test_http_gateway_settings_fail_loudly(override, error):
    result = run_manage("check", env_overrides={**HTTP_ENV, **override})
    assert result.returncode != 0 and error in result.stderr, result.stderr[-500:]
