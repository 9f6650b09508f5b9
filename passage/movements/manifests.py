"""Manifests of the airport's day: the departures of one local day (or one flight) as rows per passenger, as a
PDF (ReportLab, ``manifest_pdf``) and as an XLSX workbook (XlsxWriter), printable for the gate.

Built on ``airport_day``: the same scope (only what the user may see) and a fixed number of queries whatever the
number of passengers (one more for the nationalities of all passengers at once)."""

import datetime
import io
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passage.people.models import Nationality

from .enums import DeskStep
from .selectors import airport_day

# The columns of a manifest, in order: (key, label, width in the XLSX).
COLUMNS = [
    ("flight", gettext_lazy("Flight"), 9),
    ("departs", gettext_lazy("Departure (local)"), 16),
    ("destination", gettext_lazy("Destination"), 11),
    ("name", gettext_lazy("Name (as on the document)"), 30),
    ("sex", gettext_lazy("Sex"), 5),
    ("birth_year", gettext_lazy("Year of birth"), 8),
    ("nationality", gettext_lazy("Nationality"), 18),
    ("case_number", gettext_lazy("Case number"), 16),
    ("reference", gettext_lazy("Booking reference"), 10),
    ("ticket", gettext_lazy("Ticket number"), 15),
    ("assistance", gettext_lazy("Special assistance"), 26),
    ("escort", gettext_lazy("Escort"), 22),
    ("documents", gettext_lazy("Documents to hand over"), 30),
    ("cash", gettext_lazy("Cash to hand over"), 14),
    ("state", gettext_lazy("Desk state"), 18),
]


@dataclass
class ManifestRow:
    name: str
    sex: str
    birth_year: str
    nationality: str
    case_number: str
    reference: str
    ticket: str
    assistance: list[str]
    escort: str
    documents: list[str]
    cash: str
    state: str


@dataclass
class ManifestFlight:
    airline: str
    flight_number: str
    local_time: datetime.datetime
    destination: str
    rows: list[ManifestRow] = field(default_factory=list)


@dataclass
class Manifest:
    airport: object
    day: datetime.date
    flights: list[ManifestFlight]
    flight: str | None = None

    @property
    def passenger_count(self) -> int:
        return sum(len(f.rows) for f in self.flights)


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:.2f} {currency}"


def manifest_rows(user, day: datetime.date, airport, flight: str | None = None) -> Manifest:
    """The departures of ``airport`` on the local ``day`` (only ``flight`` if given), a row per passenger that
    ``user`` may see: name as on the document, sex, year of birth, nationality, case number, booking reference,
    ticket number, special assistance, escort, documents and cash to hand over, and the desk state."""
    board = airport_day(user, day, airport, departures_only=True)
    flights = [f for f in board.departures if flight is None or f.flight_number == flight]
    person_ids = {bp.passenger.person_id for f in flights for b in f.bookings for bp in b.passengers
                  if bp.passenger.person_id}
    nationalities: dict[int, list[str]] = {}
    for n in Nationality.objects.filter(person_id__in=person_ids).order_by("person_id", "country"):
        nationalities.setdefault(n.person_id, []).append(str(n.country.name))
    result = []
    for f in flights:
        out = ManifestFlight(airline=f.flight_number[:2], flight_number=f.flight_number, local_time=f.local_time,
                             destination=f.other_airport)
        for b in f.bookings:
            booking = b.booking
            cash = _money(*b.cash_to_hand_over) if b.cash_to_hand_over else ""
            for i, bp in enumerate(b.passengers):
                p = bp.passenger
                person = p.person if p.person_id else None
                if bp.is_escort:
                    escort = _("Escort (%(kind)s)") % {"kind": p.escort.get_kind_display()}
                else:
                    escort = "; ".join(b.escorts)
                out.rows.append(ManifestRow(
                    name=bp.name,
                    sex=person.sex if person else "",
                    birth_year=str(person.birth_year) if person and person.birth_year else "",
                    nationality=", ".join(nationalities.get(p.person_id, [])),
                    case_number=booking.case.number,
                    reference=booking.reference,
                    ticket=p.ticket_number,
                    assistance=bp.assistance,
                    escort=escort,
                    documents=bp.documents,
                    # The cash is the booking's (the case's contribution): shown once, on its first passenger.
                    cash=cash if i == 0 else "",
                    state=str(DeskStep(bp.state).label) if bp.state else "",
                ))
        result.append(out)
    return Manifest(airport=board.airport, day=day, flights=result, flight=flight)


def local_now(manifest: Manifest, at: datetime.datetime | None = None) -> datetime.datetime:
    """When the manifest is printed, on the airport's clock."""
    return (at or timezone.now()).astimezone(zoneinfo.ZoneInfo(manifest.airport.tz))


def _label(text) -> dict:
    """A label in the user's language and, when that is not English, in English too (for the airline)."""
    local = str(text)
    with translation.override("en"):
        english = str(text)
    return {"local": local, "en": english if english != local else ""}


def column_labels() -> list[dict]:
    return [_label(label) for _key, label, _width in COLUMNS]


def manifest_pdf(manifest: Manifest, *, mission, printed_at=None) -> bytes:
    """A4 landscape, a section per flight on a new page, the header row on every page, "n / N" (``manifest_pdf``
    module: ReportLab, Debian's Noto fonts)."""
    from . import manifest_pdf as pdf

    return pdf.render(manifest, mission=mission, printed_at=local_now(manifest, printed_at), labels=column_labels(),
                      title=_label(gettext_lazy("Departure manifest")),
                      empty=_label(gettext_lazy("No departures on this day.")))


def _row_values(flight: ManifestFlight, row: ManifestRow) -> list[str]:
    return [flight.flight_number, flight.local_time.strftime("%Y-%m-%d %H:%M"), flight.destination, row.name,
            row.sex, row.birth_year, row.nationality, row.case_number, row.reference, row.ticket,
            "; ".join(row.assistance), row.escort, "; ".join(row.documents), row.cash, row.state]


def manifest_xlsx(manifest: Manifest, *, mission, printed_at=None) -> bytes:
    """One sheet for the day: a header row (frozen), a row per passenger. Every cell is written as a string
    (``write_string``): a name that looks like a formula stays text."""
    import xlsxwriter

    printed_at = local_now(manifest, printed_at)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"title": f"{mission} {manifest.airport.pk} {manifest.day.isoformat()}",
                         "created": printed_at.replace(tzinfo=None)})
    sheet = book.add_worksheet(manifest.day.isoformat())
    bold = book.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for col, (label, (_key, _text, width)) in enumerate(zip(column_labels(), COLUMNS, strict=True)):
        header = label["local"] + (f" / {label['en']}" if label["en"] else "")
        sheet.write_string(0, col, header, bold)
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    row_no = 0
    for flight in manifest.flights:
        for row in flight.rows:
            row_no += 1
            for col, value in enumerate(_row_values(flight, row)):
                sheet.write_string(row_no, col, value, wrap)
    if row_no == 0:
        sheet.write_string(1, 0, _("No departures on this day."))
    else:
        sheet.autofilter(0, 0, row_no, len(COLUMNS) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(0)
    sheet.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()
