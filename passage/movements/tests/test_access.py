"""Who may request, book and see a booking: the actor's right (deny unless listed) and the case's scope."""

import pytest
from django.http import Http404

from passage.audit.models import AuditEvent
from passage.core.errors import ServiceError
from passage.movements import selectors, services
from passage.movements.enums import BookingStatus as B
from passage.movements.models import Booking
from passage.movements.tests.conftest import journey, ready_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_at_b(counsellor_b, work_post_b):
    return ready_household(counsellor_b, work_post_b, family_name="Bravo")


@pytest.fixture
def booking_at_b(movements_officer, case_at_b):
    return services.booking_request(actor=movements_officer, case=case_at_b)


def test_a_counsellor_of_another_work_post_cannot_request_a_booking(counsellor_a, case_at_b):
    with pytest.raises(ServiceError) as exc:
        services.booking_request(actor=counsellor_a, case=case_at_b)
    assert exc.value.message == "This case does not exist or you may not see it."
    assert not Booking.objects.exists()


def test_a_counsellor_of_another_work_post_does_not_see_the_booking(counsellor_a, counsellor_b, booking_at_b):
    assert list(selectors.bookings_visible_to(counsellor_a)) == []
    with pytest.raises(Http404):
        selectors.booking_get_for_user(counsellor_a, booking_at_b.pk)
    assert list(selectors.bookings_visible_to(counsellor_b)) == [booking_at_b]
    assert selectors.booking_get_for_user(counsellor_b, booking_at_b.pk) == booking_at_b


def test_a_counsellor_cannot_book_not_even_their_own_case(counsellor_b, booking_at_b):
    with pytest.raises(ServiceError) as exc:
        services.booking_transition(actor=counsellor_b, booking=booking_at_b, to_status=B.BOOKED)
    assert exc.value.message == "You are not allowed to do this."
    with pytest.raises(ServiceError):
        services.booking_update(actor=counsellor_b, booking=booking_at_b, version=1, reference="K7Q2XB")


def test_movements_staff_of_another_mission_cannot_touch_the_booking(movements_ge, booking_at_b):
    assert list(selectors.bookings_visible_to(movements_ge)) == []
    for call in (
        lambda: services.booking_transition(actor=movements_ge, booking=booking_at_b, to_status=B.CANCELLED,
                                            reason="x"),
        lambda: services.itinerary_set(actor=movements_ge, booking=booking_at_b, segments=journey()),
        lambda: services.booking_update(actor=movements_ge, booking=booking_at_b, version=1, reference="K7Q2XB"),
    ):
        with pytest.raises(ServiceError) as exc:
            call()
        assert exc.value.message == "This booking does not exist or you may not see it."
    assert Booking.objects.get(pk=booking_at_b.pk).status == B.REQUESTED


def test_a_booking_of_a_sensitive_case_is_hidden_from_a_colleague_at_the_same_work_post(
    counsellor_a, counsellor_a2, work_post_a, movements_officer
):
    from passage.cases.models import Case

    case = ready_household(counsellor_a2, work_post_a, family_name="Secret")
    booking = services.booking_request(actor=counsellor_a2, case=case)
    Case.objects.filter(pk=case.pk).update(is_trafficking=True)
    assert list(selectors.bookings_visible_to(counsellor_a)) == []
    assert list(selectors.bookings_visible_to(counsellor_a2)) == [booking]
    assert list(selectors.bookings_visible_to(movements_officer)) == []  # not cleared for trafficking


@pytest.mark.parametrize("role", ["dpo", "admin_user"])
def test_roles_without_booking_rights_see_and_do_nothing(request, role, booking_at_b, case_at_b):
    actor = request.getfixturevalue(role)
    assert list(selectors.bookings_visible_to(actor)) == []
    with pytest.raises(ServiceError) as exc:
        services.booking_request(actor=actor, case=case_at_b)
    assert exc.value.message == "You are not allowed to do this."


def test_a_manager_sees_bookings_but_cannot_book(manager, booking_at_b):
    assert list(selectors.bookings_visible_to(manager)) == [booking_at_b]
    with pytest.raises(ServiceError) as exc:
        services.booking_transition(actor=manager, booking=booking_at_b, to_status=B.CANCELLED, reason="x")
    assert exc.value.message == "You are not allowed to do this."


def test_every_change_leaves_an_audit_row_with_case_and_mission(movements_officer, booking_at_b, case_at_b):
    services.itinerary_set(actor=movements_officer, booking=booking_at_b, segments=journey())
    services.booking_update(actor=movements_officer, booking=booking_at_b, version=2, reference="K7Q2XB")
    passenger = booking_at_b.passengers.first()
    services.special_assistance_add(actor=movements_officer, passenger=passenger, code="WCHR")
    services.passenger_ticket_record(actor=movements_officer, passenger=passenger, ticket_number="2351234567890")
    rows = list(AuditEvent.objects.filter(case_id=case_at_b.pk).order_by("id").values_list(
        "object_type", "action", "mission_id", "actor"))
    assert rows == [
        ("movements.booking", "create", case_at_b.mission_id, movements_officer.pk),
        ("movements.itinerary", "create", case_at_b.mission_id, movements_officer.pk),
        ("movements.booking", "update", case_at_b.mission_id, movements_officer.pk),
        ("movements.specialassistance", "create", case_at_b.mission_id, movements_officer.pk),
        ("movements.passenger", "update", case_at_b.mission_id, movements_officer.pk),
    ]


def test_the_booking_actions_are_held_by_exactly_these_roles():
    from passage.accounts.enums import Role
    from passage.accounts.permissions import ROLE_ACTIONS, Action

    def holders(action):
        return sorted(role for role, actions in ROLE_ACTIONS.items() if action in actions)

    assert holders(Action.BOOKING_MANAGE) == sorted([Role.MOVEMENTS, Role.OPERATIONS])
    assert holders(Action.BOOKING_REQUEST) == sorted([Role.COUNSELLOR, Role.SUPERVISOR, Role.MOVEMENTS,
                                                      Role.OPERATIONS])
    assert holders(Action.BOOKING_VIEW) == sorted([Role.COUNSELLOR, Role.SUPERVISOR, Role.MOVEMENTS, Role.OPERATIONS,
                                                   Role.REINTEGRATION, Role.MANAGER])
    assert holders(Action.ASSISTANCE_RESPOND) == sorted([Role.MOVEMENTS, Role.OPERATIONS, Role.REINTEGRATION])
    # the right to move a case by hand stays with counselling: movements staff move it only with a booking
    assert holders(Action.CASE_TRANSITION) == sorted([Role.COUNSELLOR, Role.SUPERVISOR])


def test_factory_bookings_are_scoped_like_service_bookings(counsellor_a, counsellor_b, case_a):
    from passage.testing.factories import BookingFactory, EscortFactory, SegmentFactory

    booking = BookingFactory(case=case_a)
    segment = SegmentFactory(itinerary__booking=booking)
    escort = EscortFactory(booking=booking)
    assert list(selectors.bookings_visible_to(counsellor_a)) == [booking]
    assert list(selectors.bookings_visible_to(counsellor_b)) == []
    assert ([p.person_id for p in booking.passengers.all()], segment.itinerary.booking_id, escort.booking_id,
            segment.mission_id) == ([case_a.members.get().person_id], booking.pk, booking.pk, case_a.mission_id)
    assert selectors.booking_warnings(booking) == []
