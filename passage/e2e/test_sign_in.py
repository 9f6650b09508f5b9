import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_in_in_dutch_then_switch_to_english(page, counsellor_a, case_a):
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", level=1).inner_text() == "Inloggen"
    sign_in(page, "counsellor_a")
    assert page.url.endswith("/cases/")
    page.get_by_role("button", name="English", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_wrong_password_is_refused_with_a_message(page, counsellor_a):
    sign_in(page, "counsellor_a", "not the password")
    assert "/login/" in page.url
    assert page.get_by_role("alert").is_visible()


def _codes_around_now(secret: str) -> list[str]:
    """The authenticator app's code now, then those of the neighbouring time steps."""
    now = int(time.time()) // mfa_settings.TOTP_PERIOD
    return [format_hotp_value(hotp_value(secret, counter)) for counter in (now, now - 1, now + 1)]


def test_enrol_an_authenticator_then_sign_in_with_a_recovery_code(page, counsellor_a, case_a):
    sign_in(page, "counsellor_a")
    page.locator("nav a[href='/accounts/2fa/']").click()
    page.wait_for_load_state()
    assert "/accounts/2fa/" in page.url
    page.locator("a[href='/accounts/2fa/totp/activate/']").click()
    page.wait_for_load_state()
    # allauth asks for the password again before changing sign-in settings.
    page.locator("#id_password").fill("correct horse battery")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    qr = page.locator("main img")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(_codes_around_now(secret)[0])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/2fa/recovery-codes/" in page.url
    recovery_code = page.locator("#recovery_codes").input_value().split()[0]

    page.get_by_role("button", name="Uitloggen").or_(page.get_by_role("button", name="Sign out")).click()
    page.wait_for_load_state()
    sign_in(page, "counsellor_a")
    assert page.url.endswith("/accounts/2fa/authenticate/")
    valid_now = _codes_around_now(secret)
    page.locator("#id_code").fill(next(c for c in ("000000", "111111", "222222", "333333") if c not in valid_now))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/2fa/authenticate/")
    assert page.locator("#id_code_errors").is_visible()
    page.locator("#id_code").fill(recovery_code)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/cases/")
