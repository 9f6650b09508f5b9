"""The manifest PDF itself (ReportLab): names in any script drawn in a font that has them, the header row and the
running header on every page of a long flight, "n / N", and columns wide enough for their labels."""

import datetime
import io
import unicodedata

import pytest
from django.utils import translation
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from passage.movements import manifest_pdf as pdf
from passage.movements.enums import DeskStep
from passage.movements.manifests import Manifest, ManifestFlight, ManifestRow, column_labels, manifest_pdf
from passage.reference.models import Airport

pytestmark = pytest.mark.django_db

PRINTED = datetime.datetime(2026, 3, 29, 5, 0, tzinfo=datetime.UTC)


def row(name, n=1, **extra):
    values = {"name": name, "sex": "F", "birth_year": "1990", "nationality": "Georgia",
              "case_number": f"NL-2026-{n:06d}", "reference": "ABC123", "ticket": f"2351234{n:06d}",
              "assistance": [], "escort": "", "documents": [], "cash": "", "state": ""}
    return ManifestRow(**(values | extra))


def manifest(*flights):
    return Manifest(airport=Airport.objects.get(pk="AMS"), day=datetime.date(2026, 3, 29), flights=list(flights))


def flight(number, rows, hh=9):
    return ManifestFlight(airline=number[:2], flight_number=number, rows=rows, destination="IST",
                          local_time=datetime.datetime(2026, 3, 29, hh, 5, tzinfo=datetime.UTC))


def render(m, language="nl"):
    with translation.override(language):
        content = manifest_pdf(m, mission="Nederland", printed_at=PRINTED)
    reader = PdfReader(io.BytesIO(content))
    fonts = {str(f["/BaseFont"]).split("+")[-1] for page in reader.pages
             for f in page["/Resources"]["/Font"].get_object().values()}
    return [" ".join(p.extract_text().split()) for p in reader.pages], fonts


def test_names_in_other_scripts_are_drawn_in_a_font_that_has_them():
    georgian, cyrillic, arabic = "ბერიძე ნინო", "МЕЛЬНИК Олена", "محمد علي"
    pages, fonts = render(manifest(flight("TK1952", [row(georgian, 1), row(cyrillic, 2), row(arabic, 3),
                                                     row("ÖZTÜRK Çağla", 4)])))
    assert {"NotoSans-Regular", "NotoSans-Bold", "NotoSansGeorgian-Bold", "NotoSansArabic-Bold"} <= fonts
    text = pages[0]
    assert georgian in text and cyrillic in text and "ÖZTÜRK Çağla" in text
    # Arabic is drawn joined (its letters in their presentation forms) and in visual order, right to left: pypdf
    # reads it back in logical order, so the name comes back once the forms are folded to letters.
    assert arabic not in text and arabic in unicodedata.normalize("NFKC", text)


def test_font_runs_split_a_name_by_script():
    assert pdf.font_runs("BERIDZE Nino") == (("NotoSans", "BERIDZE Nino"),)
    assert pdf.font_runs("Ельцин Ølstad") == (("NotoSans", "Ельцин Ølstad"),)
    assert pdf.font_runs("ბერიძე Nino") == (("NotoSansGeorgian", "ბერიძე "), ("NotoSans", "Nino"))
    assert pdf.font_runs("") == ()


def test_a_long_flight_repeats_the_header_row_and_says_where_it_is_on_every_page():
    rows = [row(f"PASSENGER{n:04d} Nino", n) for n in range(1, 121)]
    pages, _fonts = render(manifest(flight("KL1234", rows), flight("TK1952", [row("BERIDZE Luka", 999)], hh=14)))
    assert len(pages) >= 4
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert page.endswith(f"{number} / {total}")
        assert "Ticketnummer Ticket number" in page  # the header row
        assert "Vertrekmanifest / Departure manifest · Nederland · AMS · 2026-03-29 ·" in page
    kl_pages = [p for p in pages if "KL1234 (KL) — 09:05 AMS → IST" in p]
    assert len(kl_pages) == total - 1 and "TK1952" not in "".join(kl_pages)
    assert "BERIDZE Luka" in pages[-1] and "PASSENGER" not in pages[-1]  # the next flight on a page of its own
    found = [int(n) for p in pages for n in p.split("PASSENGER")[1:] for n in [n[:4]]]
    assert found == list(range(1, 121))  # every passenger once, in order


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_columns_are_wide_enough_for_every_word_of_their_label(language):
    pdf.base_font()
    with translation.override(language):
        labels = column_labels()[3:]
    for label, width_mm in zip(labels, pdf.WIDTHS_MM[1:], strict=True):
        room = width_mm * 72 / 25.4 - 2 * pdf.PADDING
        for word in f"{label['local']} {label['en']}".split():
            assert stringWidth(word, "NotoSans-Bold", 7) <= room, (word, width_mm)
    # The desk state (the last column) holds a step's label: no word of one is broken either.
    with translation.override(language):
        states = [str(label) for _value, label in DeskStep.choices]
    room = pdf.WIDTHS_MM[-1] * 72 / 25.4 - 2 * pdf.PADDING
    for word in " ".join(states).split():
        assert stringWidth(word, "NotoSans", pdf.FONT_SIZE) <= room, word
    ticket_column = [label["en"] or label["local"] for label in labels].index("Ticket number")
    room = pdf.WIDTHS_MM[1 + ticket_column] * 72 / 25.4 - 2 * pdf.PADDING
    assert stringWidth("2351234567890", "NotoSans", pdf.FONT_SIZE) <= room
