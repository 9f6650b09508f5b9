"""Costs of every booking are recorded against the case and its project: the project is one of the mission's,
running today, and the mission's costs add up per project and currency."""

import datetime
from decimal import Decimal

import pytest

from passage.core.errors import ServiceError
from passage.movements import services
from passage.movements.models import Booking
from passage.movements.selectors import booking_costs, costs_per_project
from passage.testing.factories import MissionFactory, ProjectFactory

from .conftest import ready_household

pytestmark = pytest.mark.django_db


def test_a_booking_names_a_running_project_of_its_mission(counsellor_a, movements_officer, ready_case):
    ProjectFactory(mission=MissionFactory(code="GE", name="Georgia mission", country="GE", is_host=False),
                   code="GE-RETURN-1")
    ProjectFactory(mission=ready_case.mission, code="AVRR-NL-2024",
                   starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2024, 12, 31))
    for code, message in (
        ("AVRR-XX-1", "“AVRR-XX-1” is not a project of this mission."),
        ("GE-RETURN-1", "“GE-RETURN-1” is not a project of this mission."),
        ("AVRR-NL-2024", "The project AVRR-NL-2024 runs from 2024-01-01 to 2024-12-31: costs cannot be recorded "
                         "against it today."),
    ):
        with pytest.raises(ServiceError) as exc:
            services.booking_request(actor=counsellor_a, case=ready_case, project_code=code)
        assert exc.value.field_errors == {"project_code": message}
    assert not Booking.objects.exists()
    booking = services.booking_request(actor=counsellor_a, case=ready_case)
    assert booking.project is None
    running = ProjectFactory(mission=ready_case.mission, code="AVRR-NL-2026")
    updated = services.booking_update(actor=movements_officer, booking=booking, version=1,
                                      project_code="avrr-nl-2026")
    assert (updated.project, updated.project_code) == (running, "AVRR-NL-2026")
    with pytest.raises(ServiceError):
        services.booking_update(actor=movements_officer, booking=booking, version=2, project_code="AVRR-NL-2024")
    assert Booking.objects.get(pk=booking.pk).project == running


def test_the_missions_costs_add_up_per_project_and_currency(movements_officer, counsellor_a, work_post_a,
                                                            ready_case):
    ProjectFactory(mission=ready_case.mission, code="AVRR-NL-2026")
    ProjectFactory(mission=ready_case.mission, code="MED-NL-2026", name="Medical returns")
    first = services.booking_request(actor=movements_officer, case=ready_case, project_code="AVRR-NL-2026")
    second = services.booking_request(actor=movements_officer, project_code="MED-NL-2026",
                                      case=ready_household(counsellor_a, work_post_a, family_name="Kapanadze"))
    third = services.booking_request(actor=movements_officer,
                                     case=ready_household(counsellor_a, work_post_a, family_name="Lomidze"))
    serial = iter(range(2351234567890, 2351234567990))
    for booking, fare in ((first, "245.50"), (second, "300.00"), (third, "100.00")):
        for p in booking.passengers.order_by("pk"):
            services.passenger_ticket_record(actor=movements_officer, passenger=p, ticket_number=str(next(serial)),
                                             fare=fare, taxes="61.20", currency="EUR")
    services.escort_add(actor=movements_officer, booking=second, kind="medical", external_name="Dr. Jansen",
                        cost="850.00", cost_currency="EUR", travels_with_passengers=False)
    services.escort_add(actor=movements_officer, booking=second, kind="social", external_name="A. Kaya",
                        cost="120.00", cost_currency="TRY", travels_with_passengers=False)

    assert booking_costs(first) == {"EUR": Decimal("613.40")}
    assert costs_per_project(ready_case.mission_id) == {
        None: {"EUR": Decimal("322.40")},
        "AVRR-NL-2026": {"EUR": Decimal("613.40")},
        "MED-NL-2026": {"EUR": Decimal("1572.40"), "TRY": Decimal("120.00")},
    }
    assert costs_per_project(MissionFactory(code="TR", name="Türkiye", country="TR", is_host=False).pk) == {}
