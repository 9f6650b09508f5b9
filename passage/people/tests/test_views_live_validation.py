"""Live (inline) validation with htmx: one field's error placeholder, from the same form as on submit.

POST /people/register/validate/ (and the edit and document variants) binds the whole form, validates it and
answers only the placeholder ``<div id="id_<field>_live">`` of the field named by the HX-Trigger-Name header,
empty when that field is valid. It stores nothing and runs no duplicate check.
"""

import datetime
import html as html_lib
import re

import pytest
from django.utils import timezone

from passage.people.tests.test_views_register import counts, walk_in
from passage.people.tests.test_views_urls import login, td3_mrz, with_case_detail  # noqa: F401
from passage.testing.factories import TravelDocumentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("with_case_detail")]

URL = "/people/register/validate/"


def live(client, field, data, url=URL):
    return client.post(url, data, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME=field)


def placeholder(html, field):
    """The text of the field's placeholder, and whether it is shown (d-block)."""
    match = re.search(rf'<div id="id_{field}_live" class="([^"]*)"[^>]*>(.*?)</div>', html, re.S)
    assert match, html
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(2))).strip()
    return text, "d-block" in match.group(1).split()


def empty_answer(html, field):
    """The field's own placeholder comes first and is empty; related ones (out of band) are empty too."""
    assert html.startswith(f'<div id="id_{field}_live" class="invalid-feedback"></div>'), html
    assert "d-block" not in html and "<span" not in html, html
    return True


def _bad_mrz():
    line1, line2 = td3_mrz("PA1234567").split("\n")
    wrong_digit = str((int(line2[9]) + 1) % 10)  # position 9 of line 2: check digit of the document number
    return line1 + "\n" + line2[:9] + wrong_digit + line2[10:]


BAD_MRZ_MESSAGE = ("The MRZ is not valid: the final (composite) check digit is wrong; "
                   "the check digit of the document number is wrong.")


def _cases():
    today = timezone.localdate()
    return [
        pytest.param("document_mrz", {"document_mrz": _bad_mrz()},
                     BAD_MRZ_MESSAGE, id="mrz-check-digit"),
        pytest.param("document_mrz", {"document_mrz": "P<AFGAHMADI"},
                     "The MRZ must be two lines of 44 characters (passport) or three lines of 30 characters "
                     "(ID card), exactly as printed.", id="mrz-length"),
        pytest.param("document_expires_on",
                     {"document_expires_on": (today - datetime.timedelta(days=1)).isoformat()},
                     "This document has expired: the expiry date is in the past.", id="expired"),
        pytest.param("document_number", {"document_number": "PA7654321"},
                     "The document number does not match the number in the MRZ (PA1234567).", id="number-vs-mrz"),
        pytest.param("mobile", {"mobile": "+31 20 123 4567"},
                     "This number cannot be a mobile number, so it cannot receive SMS.", id="landline"),
        pytest.param("foreigner_number", {"foreigner_number": "12345"},
                     "A foreigner's number has exactly 10 digits.", id="foreigner-number"),
        pytest.param("birth_year", {"birth_year": str(today.year + 1)},
                     "The year of birth must be between 1900 and this year.", id="birth-year-future"),
        pytest.param("birth_day", {"birth_year": "1990", "birth_month": "2", "birth_day": "30"},
                     "This day does not exist in that month.", id="impossible-day"),
        pytest.param("birth_month", {"birth_year": "1990", "birth_month": "13", "birth_day": ""},
                     "The month of birth must be between 1 and 12.", id="month-13"),
    ]


@pytest.mark.parametrize(("field", "overrides", "message"), _cases())
def test_a_bad_value_shows_its_own_message_and_a_good_value_an_empty_placeholder(
    client, counsellor_a, work_post_a, field, overrides, message
):
    login(client, counsellor_a)
    before = counts()

    bad = live(client, field, walk_in(work_post_a, **overrides))
    good = live(client, field, walk_in(work_post_a))

    assert bad.status_code == 200
    assert placeholder(bad.content.decode(), field) == (message, True)
    assert f'<span id="id_{field}_error">' in bad.content.decode()  # what aria-describedby names
    assert good.status_code == 200
    assert empty_answer(good.content.decode(), field)
    assert counts() == before


def test_only_the_named_field_is_answered_even_when_others_are_wrong(client, counsellor_a, work_post_a):
    data = walk_in(work_post_a, family_name="", mobile="+31 20 123 4567", foreigner_number="12")
    html = live(login(client, counsellor_a), "foreigner_number", data).content.decode()
    assert placeholder(html, "foreigner_number") == ("A foreigner's number has exactly 10 digits.", True)
    assert "id_mobile_live" not in html and "id_family_name_live" not in html


def test_a_related_field_with_a_value_is_refreshed_out_of_band(client, counsellor_a, work_post_a):
    # Fixing the MRZ so it matches the typed number clears the number's stale message too.
    data = walk_in(work_post_a, document_number="PA1234567")
    html = live(login(client, counsellor_a), "document_mrz", data).content.decode()
    assert placeholder(html, "document_mrz") == ("", False)
    assert '<div id="id_document_number_live" class="invalid-feedback" hx-swap-oob="true"></div>' in html
    # A related field left empty is not checked (no "give the number" before the user got there).
    html = live(client, "document_mrz", walk_in(work_post_a, document_number="")).content.decode()
    assert "id_document_number_live" not in html


def test_no_duplicate_check_and_nothing_about_other_persons(client, counsellor_a, work_post_a, case_b):
    # Someone in another work post already holds this passport: the live check says nothing about it.
    TravelDocumentFactory(person=case_b.members.get().person, number="PA1234567")
    login(client, counsellor_a)
    before = counts()
    for field in ("document_number", "foreigner_number", "family_name"):
        response = live(client, field, walk_in(work_post_a))
        assert empty_answer(response.content.decode(), field)
    assert counts() == before


def test_requires_case_create(client, manager, work_post_a):
    response = live(login(client, manager), "mobile", walk_in(work_post_a))
    assert response.status_code == 403


def test_requires_login(client, work_post_a):
    response = live(client, "mobile", walk_in(work_post_a))
    assert response.status_code == 302
    assert "/people/register/validate/" not in response.get("Location", "").split("?")[0]


def test_only_post_and_a_known_field(client, counsellor_a, work_post_a):
    login(client, counsellor_a)
    assert client.get(URL).status_code == 405
    assert live(client, "no_such_field", walk_in(work_post_a)).status_code == 400
    assert client.post(URL, walk_in(work_post_a)).status_code == 400  # no HX-Trigger-Name


def test_register_page_wires_every_field_to_the_live_check(client, counsellor_a, work_post_a):
    html = login(client, counsellor_a).get("/people/register/").content.decode()
    mrz = re.search(r"<textarea[^>]*name=\"document_mrz\"[^>]*>", html).group(0)
    assert 'hx-post="/people/register/validate/"' in mrz
    assert 'hx-trigger="change, keyup changed delay:600ms"' in mrz
    assert 'hx-target="#id_document_mrz_live"' in mrz and 'hx-swap="outerHTML"' in mrz
    assert 'aria-describedby="id_document_mrz_helptext id_document_mrz_error"' in mrz
    mobile = re.search(r"<input[^>]*name=\"mobile\"[^>]*>", html).group(0)
    assert 'hx-trigger="change"' in mobile and 'hx-include="closest form"' in mobile
    assert '<div aria-live="polite"><div id="id_mobile_live" class="invalid-feedback"></div></div>' in html


def test_submit_errors_appear_in_the_same_placeholder(client, counsellor_a, work_post_a):
    response = login(client, counsellor_a).post("/people/register/", walk_in(work_post_a, foreigner_number="1"))
    assert response.status_code == 422
    assert placeholder(response.content.decode(), "foreigner_number") == (
        "A foreigner's number has exactly 10 digits.", True)


def test_person_edit_live_check(client, counsellor_a, manager, case_a):
    person = case_a.members.get().person
    page = login(client, counsellor_a).get(f"/people/{person.pk}/edit/").content.decode()
    assert 'hx-post="/people/edit/validate/"' in page
    data = {"family_name": "Beridze", "sex": "F", "nationalities": ["GE"], "residence_kind": "unknown",
            "birth_year": "1985", "birth_month": "4", "birth_day": "31"}
    html = live(client, "birth_day", data, url="/people/edit/validate/").content.decode()
    assert placeholder(html, "birth_day") == ("This day does not exist in that month.", True)
    html = live(client, "birth_day", {**data, "birth_day": "30"}, url="/people/edit/validate/").content.decode()
    assert placeholder(html, "birth_day") == ("", False)
    assert live(login(client, manager), "birth_day", data, url="/people/edit/validate/").status_code == 403


def test_document_live_check_and_the_form_shows_the_shared_checks_on_submit(client, counsellor_a, manager, case_a):
    person = case_a.members.get().person
    url = "/people/documents/validate/"
    page = login(client, counsellor_a).get(f"/people/{person.pk}/documents/new/").content.decode()
    assert f'hx-post="{url}"' in page
    future = (timezone.localdate() + datetime.timedelta(days=900)).isoformat()
    data = {"kind": "passport", "status": "held", "number": "PA1234567", "issuing_country": "AF",
            "expires_on": future, "custody": "with_holder", "mrz": _bad_mrz()}
    html = live(client, "mrz", data, url=url).content.decode()
    assert placeholder(html, "mrz") == (BAD_MRZ_MESSAGE, True)
    html = live(client, "mrz", {**data, "mrz": td3_mrz("PA1234567")}, url=url).content.decode()
    assert placeholder(html, "mrz") == ("", False)
    past = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    html = live(client, "expires_on", {**data, "expires_on": past}, url=url).content.decode()
    assert placeholder(html, "expires_on") == ("This document has expired: the expiry date is in the past.", True)
    assert not person.documents.exists()
    assert live(login(client, manager), "mrz", data, url=url).status_code == 403
