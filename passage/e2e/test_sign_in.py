import pytest

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
