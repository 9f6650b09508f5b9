"""Sign-in with django-allauth: password, then a TOTP code for staff who enrolled two-factor sign-in."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from passage.accounts.models import User

PASSWORD = "correct horse battery"


def current_code(user) -> str:
    """The code an authenticator app shows now, computed from the secret allauth stored for the user."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def wrong_code(user) -> str:
    """A well-formed code that is valid in no accepted time step."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    now = int(time.time()) // mfa_settings.TOTP_PERIOD
    window = range(now - mfa_settings.TOTP_TOLERANCE - 1, now + mfa_settings.TOTP_TOLERANCE + 2)
    valid = {format_hotp_value(hotp_value(secret, counter)) for counter in window}
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if code not in valid)


@pytest.fixture
def enrolled(counsellor_a):
    TOTP.activate(counsellor_a, generate_totp_secret())
    RecoveryCodes.activate(counsellor_a)
    return counsellor_a


def post_password(client, username, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": username, "password": password})


@pytest.mark.django_db
def test_enrolled_user_must_give_a_valid_code_after_the_password_before_reaching_cases(client, enrolled):
    response = post_password(client, "counsellor_a")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # The password alone does not sign in: the case list still sends to the sign-in page.
    assert client.get(reverse("case-list"))["Location"].startswith(reverse("account_login"))

    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert '<label class="form-label" for="id_code">' in page

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(enrolled)})
    assert response.status_code == 302
    assert response["Location"] == reverse("case-list")
    assert client.get(reverse("case-list")).status_code == 200


@pytest.mark.django_db
def test_wrong_code_is_refused_and_the_user_stays_signed_out(client, enrolled):
    post_password(client, "counsellor_a")
    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code(enrolled)})
    assert response.status_code == 200
    assert 'class="invalid-feedback" id="id_code_errors"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("case-list"))["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_a_recovery_code_also_completes_the_sign_in(client, enrolled):
    code = RecoveryCodes(Authenticator.objects.get(user=enrolled, type=Authenticator.Type.RECOVERY_CODES))
    post_password(client, "counsellor_a")
    response = client.post(reverse("mfa_authenticate"), {"code": code.get_unused_codes()[0]})
    assert response["Location"] == reverse("case-list")


@pytest.mark.django_db
def test_user_without_mfa_signs_in_with_the_password_alone(client, counsellor_a):
    response = post_password(client, "counsellor_a")
    assert response.status_code == 302
    assert response["Location"] == reverse("case-list")
    assert client.get(reverse("case-list")).status_code == 200


@pytest.mark.django_db
def test_wrong_password_shows_an_alert_on_the_labelled_sign_in_form(client, counsellor_a):
    response = post_password(client, "counsellor_a", "not the password")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<div class="alert alert-danger" role="alert">' in page
    assert '<label class="form-label" for="id_login">' in page
    assert '<label class="form-label" for="id_password">' in page
    assert "signup" not in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_self_sign_up_is_not_possible(client):
    before = User.objects.count()
    response = client.post(
        "/accounts/signup/",
        {"username": "intruder", "password1": "a long enough pass 123", "password2": "a long enough pass 123"},
    )
    assert response.status_code == 200
    assert "signup_closed" in [t.name.split("/")[-1].removesuffix(".html") for t in response.templates]
    assert User.objects.count() == before
    assert not User.objects.filter(username="intruder").exists()


@pytest.mark.django_db
def test_old_login_address_redirects_to_the_allauth_sign_in_keeping_next(client):
    response = client.get("/login/?next=/cases/")
    assert response.status_code == 301
    assert response["Location"] == "/accounts/login/?next=/cases/"


@pytest.mark.django_db
def test_signed_in_user_sees_the_two_factor_page_and_can_sign_out(client, counsellor_a):
    post_password(client, "counsellor_a")
    page = client.get(reverse("case-list")).content.decode()
    assert f'href="{reverse("mfa_index")}"' in page
    assert client.get(reverse("mfa_index")).status_code == 200
    # Activating an authenticator asks for the password again first (allauth's reauthentication).
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate = client.get(response["Location"]).content.decode()
    assert '<label for="id_password">' in reauthenticate
    client.post(response["Location"], {"password": PASSWORD})
    activate = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'src="data:image/svg+xml' in activate
    assert "<script" not in activate.split("</nav>", 1)[1].replace('<script src="', "")
    assert "style=" not in activate
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, ACCOUNT_RATE_LIMITS=False)
def test_axes_locks_out_the_user_name_after_repeated_failures_even_with_the_right_password(client, counsellor_a):
    for _ in range(3):
        post_password(client, "counsellor_a", "not the password")
    assert AccessAttempt.objects.get(username="counsellor_a").failures_since_start == 3
    response = post_password(client, "counsellor_a")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
