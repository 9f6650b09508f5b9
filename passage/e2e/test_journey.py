"""A journey booked in a real browser, in Dutch and in English: a movements officer books a ready-to-depart
family of four from Amsterdam through Istanbul to Kabul, one of them in a wheelchair (WCHR), sees the
connection time in Istanbul, and the case shows "Departure booked"."""

import datetime
import re

import pytest
from django.utils import timezone

from passage.accounts.enums import Role
from passage.cases.enums import CaseStatus
from passage.cases.models import Case
from passage.movements.enums import BookingStatus
from passage.movements.models import Booking, SpecialAssistance
from passage.movements.tests.conftest import ready_household
from passage.testing.factories import UserFactory

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "nl": {"journey": "Reis", "request": "Vertrek aanvragen", "connection": "Overstap in", "time": "1 u 25 min",
           "booked": "Vertrek geboekt", "wchr": "Rolstoel tot de vliegtuigdeur"},
    "en": {"journey": "Journey", "request": "Request the departure", "connection": "Connection in",
           "time": "1 h 25 min", "booked": "Departure booked", "wchr": "Wheelchair to the aircraft door"},
}


@pytest.fixture
def officer(mission):
    return UserFactory(username="movements_e2e", mission=mission, role=Role.MOVEMENTS)


@pytest.fixture
def family(counsellor_a, work_post_a):
    return ready_household(counsellor_a, work_post_a, family_name="Rahimi", children=("Omid", "Sara", "Ali"))


def submit(page):
    page.locator("main form button.btn-primary").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_family_of_four_is_booked_through_istanbul_with_a_wheelchair(page, language, officer, family):
    words = TEXT[language]
    sign_in(page, "movements_e2e")
    if language == "en":
        page.get_by_role("button", name="English", exact=True).click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language

    # The case page loads its journey panel; the family is ready to depart, so the request is offered.
    page.goto(f"/cases/{family.pk}/")
    panel = page.locator("#journey")
    assert panel.locator("h2").inner_text() == words["journey"]
    panel.locator("#journey-request").click()
    page.wait_for_load_state()
    boxes = page.locator("input[name=persons]")
    assert boxes.count() == 4 and all(boxes.nth(i).is_checked() for i in range(4))
    submit(page)
    assert re.search(rf"/cases/{family.pk}/journey/$", page.url)

    # The flights, on each airport's own clock; a bad flight number is flagged as the officer leaves the field.
    page.locator("#itinerary-set").click()
    page.wait_for_load_state()
    day = timezone.localdate() + datetime.timedelta(days=10)
    next_day = day + datetime.timedelta(days=1)
    rows = [("TK", "TK1952", "AMS", "IST", f"{day}T10:00", f"{day}T14:35"),
            ("TK", "TK706", "IST", "KBL", f"{day}T16:00", f"{next_day}T00:35")]
    page.locator("#id_segments-0-flight_number").fill("TK19522")
    page.locator("#id_segments-0-origin").focus()
    page.locator("#id_segments-0-flight_number_error").wait_for(state="visible")
    for i, (airline, flight, origin, destination, departs, arrives) in enumerate(rows):
        page.locator(f"#id_segments-{i}-airline").fill(airline)
        page.locator(f"#id_segments-{i}-flight_number").fill(flight)
        page.locator(f"#id_segments-{i}-origin").fill(origin)
        page.locator(f"#id_segments-{i}-destination").fill(destination)
        page.locator(f"#id_segments-{i}-departs").fill(departs)
        page.locator(f"#id_segments-{i}-arrives").fill(arrives)
    page.locator("#id_segments-0-flight_number_error").wait_for(state="detached")
    submit(page)
    connection = page.locator("tr.segment-connection")
    assert words["connection"] in connection.inner_text() and "Istanbul" in connection.inner_text()
    assert words["time"] in connection.inner_text()

    # The first passenger needs a wheelchair to the aircraft door.
    page.locator("#booking-passengers tbody tr").first.locator("a[href*='/assistance/add/']").click()
    page.wait_for_load_state()
    page.locator("#id_code").select_option("WCHR")
    submit(page)
    assert words["wchr"] in page.locator("#booking-passengers").inner_text()

    # The airline's booking reference, then the booking move.
    page.locator("a[href$='/details/']").click()
    page.wait_for_load_state()
    page.locator("#id_reference").fill("K7Q2XB")
    submit(page)
    page.locator("#booking-move-booked button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"/cases/{family.pk}/")
    assert words["booked"] in page.locator("#case-header .status-badge").inner_text()
    booking = Booking.objects.get(case=family)
    assert booking.status == BookingStatus.BOOKED and booking.reference == "K7Q2XB"
    assert booking.passengers.count() == 4
    assert SpecialAssistance.objects.filter(passenger__booking=booking, code="WCHR").count() == 1
    assert Case.objects.get(pk=family.pk).status == CaseStatus.BOOKED
