"""Manifests of the airport's day (PDF and XLSX): the day's passengers and nothing else, formula-looking names
stored as text, movements staff and managers only, one audit row per download, an empty day still a file."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from passage.audit.models import AuditEvent
from passage.movements import services
from passage.movements.enums import CustodyParty, SpecialService
from passage.movements.manifests import COLUMNS, manifest_pdf, manifest_rows
from passage.movements.tests.conftest import approve_cash, ready_household
from passage.testing.factories import ItineraryFactory, SegmentFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA = '=HYPERLINK("http://example.invalid","x")'


def departing(case, officer, departs_at, flight="TK1952"):
    booking = services.booking_request(actor=officer, case=case)
    booking.reference = "ABC123"
    booking.save(update_fields=["reference"])
    itinerary = ItineraryFactory(booking=booking, created_by=officer)
    SegmentFactory(itinerary=itinerary, flight_number=flight, airline=flight[:2], departs_at=departs_at)
    return booking


@pytest.fixture
def day():
    return timezone.localdate() + datetime.timedelta(days=1)


def at(day, hh):
    return datetime.datetime.combine(day, datetime.time(hh), tzinfo=datetime.UTC)


@pytest.fixture
def two_flights(day, movements_officer, operations_officer, counsellor_a, work_post_a):
    """Two departures on ``day`` (TK1952 with Nino and Luka BERIDZE; KL1234 with a formula-looking family name),
    and one the next day that no manifest of ``day`` shows."""
    beridze = ready_household(counsellor_a, work_post_a)
    first = departing(beridze, movements_officer, at(day, 9))
    nino = first.passengers.order_by("pk").first()
    services.special_assistance_add(actor=movements_officer, passenger=nino, code=SpecialService.WCHR)
    services.document_receive(actor=movements_officer, document=nino.person.documents.get(),
                              party=CustodyParty.HOLDER, held_at="Airport desk safe")
    approve_cash(operations_officer, beridze, "300")
    odd = ready_household(counsellor_a, work_post_a, family_name=FORMULA, children=())
    departing(odd, movements_officer, at(day, 14), flight="KL1234")
    later = ready_household(counsellor_a, work_post_a, family_name="Tomorrow", children=())
    departing(later, movements_officer, at(day + datetime.timedelta(days=1), 9), flight="TK1954")
    return {"beridze": beridze, "first": first}


def url(kind, day, flight=None, airport="AMS"):
    if flight:
        return reverse(f"manifest-flight-{kind}", args=[airport, day.isoformat(), flight])
    return reverse(f"manifest-day-{kind}", args=[airport, day.isoformat()])


def sheet_rows(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    [sheet] = book.worksheets
    return sheet, [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_rows_per_flight_and_passenger(two_flights, day, movements_officer):
    manifest = manifest_rows(movements_officer, day, "AMS")
    assert [(f.airline, f.flight_number, f.destination) for f in manifest.flights] == [
        ("TK", "TK1952", "IST"), ("KL", "KL1234", "IST")]
    nino, luka = manifest.flights[0].rows
    assert (nino.name, nino.sex, nino.nationality, nino.case_number, nino.reference) == (
        "BERIDZE Nino", "F", "Georgia", two_flights["beridze"].number, "ABC123")
    assert nino.assistance[0].startswith("WCHR: ")
    assert nino.documents and "Airport desk safe" in nino.documents[0]
    assert (nino.cash, luka.cash) == ("300.00 EUR", "")
    assert (luka.name, luka.birth_year) == ("BERIDZE Luka", "2015")
    assert [r.name for r in manifest_rows(movements_officer, day, "AMS", flight="KL1234").flights[0].rows] == [
        f"{FORMULA.upper()} Nino"]


def test_a_fixed_number_of_queries_whatever_the_number_of_passengers(two_flights, day, movements_officer,
                                                                     counsellor_a, work_post_a):
    with CaptureQueriesContext(connection) as few:
        manifest_rows(movements_officer, day, "AMS")
    for i in range(3):
        case = ready_household(counsellor_a, work_post_a, family_name=f"Extra{i}", children=("A", "B"))
        departing(case, movements_officer, at(day, 10), flight="TK1960")
    with CaptureQueriesContext(connection) as many:
        manifest = manifest_rows(movements_officer, day, "AMS")
    assert manifest.passenger_count == 3 + 9
    assert len(many) == len(few)


def test_the_xlsx_has_the_header_and_exactly_the_days_passengers(client, two_flights, day, movements_officer):
    client.force_login(movements_officer)
    client.cookies["django_language"] = "nl"
    response = client.get(url("xlsx", day))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f'attachment; filename="manifest-AMS-{day.isoformat()}.xlsx"'
    sheet, rows = sheet_rows(response.content)
    assert sheet.title == day.isoformat() and sheet.freeze_panes == "A2"
    assert len(rows[0]) == len(COLUMNS) and rows[0][0] == "Vlucht / Flight"
    names = [r[3] for r in rows[1:]]
    assert names == ["BERIDZE Nino", "BERIDZE Luka", f"{FORMULA.upper()} Nino"]
    assert "Tomorrow" not in str(rows)
    assert [r[0] for r in rows[1:]] == ["TK1952", "TK1952", "KL1234"]


def test_a_formula_looking_name_is_stored_as_text(client, two_flights, day, movements_officer):
    client.force_login(movements_officer)
    sheet, rows = sheet_rows(client.get(url("xlsx", day, flight="KL1234")).content)
    cell = sheet.cell(row=2, column=4)
    assert cell.value == f"{FORMULA.upper()} Nino" and cell.data_type == "s"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_the_pdf_lists_each_flight_and_passenger(client, two_flights, day, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "nl"
    response = client.get(url("pdf", day))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="manifest-AMS-{day.isoformat()}.pdf"'
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 2  # a page break between the flights
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)  # a name may wrap
    for expected in ("TK1952", "KL1234", "BERIDZE Nino", "BERIDZE Luka", "HYPERLINK", "Vertrekmanifest"):
        assert expected in text
    assert "TK1954" not in text and "TOMORROW" not in text


def test_the_flight_pdf_has_only_that_flight(client, two_flights, day, movements_officer):
    client.force_login(movements_officer)
    response = client.get(url("pdf", day, flight="TK1952"))
    assert response["Content-Disposition"] == f'attachment; filename="manifest-AMS-{day.isoformat()}-TK1952.pdf"'
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "TK1952" in text and "KL1234" not in text


def pdf_pages(content) -> list[str]:
    """The text of each page, whitespace folded (a name may wrap)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def test_the_pdf_is_bilingual_and_has_the_header(two_flights, day, movements_officer):
    manifest = manifest_rows(movements_officer, day, "AMS")
    printed = datetime.datetime(2026, 7, 1, 6, 30, tzinfo=datetime.UTC)
    with translation.override("nl"):
        pages = pdf_pages(manifest_pdf(manifest, mission=movements_officer.mission, printed_at=printed))
    first = pages[0]
    assert "Vertrekmanifest" in first and "Departure manifest" in first
    assert str(movements_officer.mission) in first and "AMS" in first and "Passagiers 3" in first
    assert "Afgedrukt op 2026-07-01 08:30 CEST" in first  # printed at on the airport's clock (CEST)
    # Every column label in Dutch and, for the airline, in English.
    for local, english in (("Ticketnummer", "Ticket number"), ("Speciale assistentie", "Special assistance"),
                           ("Uit te reiken documenten", "Documents to hand over")):
        assert local in first and english in first
    # One section per flight, each on its own page.
    assert len(pages) == 2
    assert "TK1952 (TK)" in pages[0] and "KL1234" not in pages[0]
    assert "KL1234 (KL)" in pages[1] and "BERIDZE" not in pages[1]
    assert [p.split()[-3:] for p in pages] == [["1", "/", "2"], ["2", "/", "2"]]


def test_an_empty_day_is_a_valid_file_that_says_so(client, movements_officer, day):
    client.force_login(movements_officer)
    client.cookies["django_language"] = "nl"
    sheet, rows = sheet_rows(client.get(url("xlsx", day)).content)
    assert rows[1][0] == "Geen vertrekken op deze dag."
    pdf = client.get(url("pdf", day)).content
    assert pdf.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Geen vertrekken op deze dag." in text and "No departures on this day." in text
    client.cookies["django_language"] = "en"
    _sheet, rows = sheet_rows(client.get(url("xlsx", day)).content)
    assert rows[0][0] == "Flight" and rows[1][0] == "No departures on this day."


def test_counsellors_and_operations_get_403_and_nothing_is_audited(client, two_flights, day, counsellor_a,
                                                                    operations_officer):
    before = AuditEvent.objects.count()
    for user in (counsellor_a, operations_officer):
        client.force_login(user)
        for kind in ("pdf", "xlsx"):
            assert client.get(url(kind, day)).status_code == 403
            assert client.get(url(kind, day, flight="TK1952")).status_code == 403
    assert AuditEvent.objects.count() == before


def test_another_missions_movements_staff_see_an_empty_manifest(client, two_flights, day, movements_ge):
    client.force_login(movements_ge)
    _sheet, rows = sheet_rows(client.get(url("xlsx", day)).content)
    assert len(rows) == 2 and "BERIDZE" not in str(rows)


def test_every_download_is_audited_once(client, two_flights, day, movements_officer):
    client.force_login(movements_officer)
    before = AuditEvent.objects.count()
    client.get(url("xlsx", day))
    client.get(url("pdf", day, flight="TK1952"))
    events = list(AuditEvent.objects.order_by("-pk")[:2])
    assert AuditEvent.objects.count() == before + 2
    flight, whole_day = events
    assert (whole_day.action, whole_day.object_type, whole_day.object_id, whole_day.actor) == (
        "download", "movements.manifest", f"AMS/{day.isoformat()}", movements_officer)
    assert whole_day.changes == {"flights": ["TK1952", "KL1234"], "passengers": 3}
    assert flight.object_id == f"AMS/{day.isoformat()}/TK1952" and "PDF" in flight.summary


def test_bad_addresses_are_404_and_post_is_405(client, movements_officer, day):
    client.force_login(movements_officer)
    assert client.get(reverse("manifest-day-pdf", args=["AMS", "2026-13-40"])).status_code == 404
    assert client.get(reverse("manifest-day-pdf", args=["ZZZ", day.isoformat()])).status_code == 404
    assert client.get(url("xlsx", day, flight="not-a-flight")).status_code == 404
    assert client.post(url("xlsx", day)).status_code == 405
