"""The bench's year of movements (``bench_seed_movements``) on a small scale: consistent rows (passengers are the
case's household, desk steps belong to the current journey, documents' custody matches their log), the peak day
on the board, and a second run that changes nothing. PostgreSQL only, like the seed."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from passage.accounts.models import User
from passage.core.management.commands import bench_seed_movements as seed
from passage.movements.models import Booking, DeskEvent, Movement, MovementPassenger, Passenger
from passage.movements.selectors import airport_day

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the case seed vacuums outside a transaction
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench seeds PostgreSQL only"),
]
SCALE = 0.01  # 14 passengers on the peak day, ~460 departures, ~1,000 transits and arrivals


def scalar(sql, params=()):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


@pytest.fixture
def seeded():
    # The seeds mark what they seeded with a comment on a table, which outlives the test database's flush.
    with connection.cursor() as cur:
        cur.execute("COMMENT ON TABLE cases_case IS NULL")
        cur.execute("COMMENT ON TABLE movements_booking IS NULL")
    call_command("bench_seed", cases=3000, skip_checks=True, stdout=io.StringIO())
    call_command("bench_seed_movements", scale=SCALE, skip_checks=True, stdout=io.StringIO())


def test_the_year_of_movements_is_consistent_the_peak_day_is_on_the_board_and_a_second_run_changes_nothing(
    seeded, capsys
):
    peak = round(seed.PEAK_PASSENGERS * SCALE)
    board = airport_day(User.objects.get(username="movements"), seed.PEAK_DAY, "AMS")
    assert sum(f.passenger_count for f in board.departures) == peak
    assert Booking.objects.filter(status__in=["ticketed", "checked_in"]).count() >= 1
    # Passengers are members of their booking's case, each once; escorts are the only passengers without one.
    assert scalar("""
        SELECT count(*) FROM movements_passenger p JOIN movements_booking b ON b.id = p.booking_id
        WHERE p.person_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM cases_casemember m WHERE m.case_id = b.case_id AND m.person_id = p.person_id)""") == 0
    assert Passenger.objects.filter(person__isnull=True, escort__isnull=True).count() == 0
    # Every desk step belongs to its booking's current main journey.
    assert scalar("""
        SELECT count(*) FROM movements_deskevent e JOIN movements_itinerary i ON i.id = e.itinerary_id
        WHERE i.booking_id <> e.booking_id OR i.leg <> 'main' OR i.superseded_at IS NOT NULL""") == 0
    assert DeskEvent.objects.filter(step="boarded", booking__status="departed").exists()
    # A document's custody is where its latest custody event left it.
    assert scalar("""
        SELECT count(*) FROM people_traveldocument d JOIN LATERAL (
            SELECT custody FROM movements_custodyevent c WHERE c.document_id = d.id ORDER BY c.id DESC LIMIT 1
        ) latest ON true WHERE latest.custody <> d.custody""") == 0
    assert Movement.objects.filter(kind="transit").exists() and Movement.objects.filter(kind="arrival").exists()
    assert MovementPassenger.objects.count() == round(seed.TRANSITS * SCALE) + round(seed.ARRIVALS * SCALE)

    before = (Booking.objects.count(), Passenger.objects.count(), MovementPassenger.objects.count(),
              scalar("SELECT max(id) FROM movements_deskevent"))
    call_command("bench_seed_movements", scale=SCALE, skip_checks=True)
    assert "nothing to do" in capsys.readouterr().out
    assert before == (Booking.objects.count(), Passenger.objects.count(), MovementPassenger.objects.count(),
                      scalar("SELECT max(id) FROM movements_deskevent"))
