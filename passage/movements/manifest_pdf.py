"""The manifest as a PDF, drawn with ReportLab's platypus: A4 landscape, the day's header, a section per flight
starting on a new page, one table per flight with fixed column widths and its header row repeated on every page,
a running header (title, airport, day, flight) and "n / N" on every page.

WeasyPrint laid out the bench's 1,400-passenger day in ~20 s (HTML table layout costs ~15 ms a row whatever the
CSS; ~64 s in the run the issue reports); this draws it in well under a second (docs/benchmarks.md). ReportLab does no font fallback and no shaping of its own, so names in any script are
prepared here: every character goes to the first Noto font of Debian's ``fonts-noto-core`` that has it (Latin,
Greek and Cyrillic in Noto Sans; Arabic, Hebrew, Georgian, Armenian, Ethiopic, the Indic scripts, Thai, ... in
their own Noto font), DejaVu Sans is the last resort, and right-to-left text is joined (Arabic letters in their
presentation forms) and put in visual order (Unicode bidi) before it is drawn. Not done: the conjuncts of the Indic
scripts (their letters print one by one) and CJK (no TrueType font in fonts-noto-core: empty boxes)."""

import functools
import io
import os
from dataclasses import dataclass
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

FONT_DIRS = [os.environ.get("PASSAGE_FONT_DIR", ""), "/usr/share/fonts/truetype/noto",
             "/usr/share/fonts/truetype/dejavu"]
BASE_FONT = "NotoSans"
# Scripts outside Noto Sans: (first code point, last code point, font family), Debian's fonts-noto-core file names.
SCRIPT_FONTS = [
    (0x0530, 0x058F, "NotoSansArmenian"),
    (0x0590, 0x05FF, "NotoSansHebrew"),
    (0x0600, 0x06FF, "NotoSansArabic"),
    (0x0750, 0x077F, "NotoSansArabic"),
    (0x08A0, 0x08FF, "NotoSansArabic"),
    (0x0900, 0x097F, "NotoSansDevanagari"),
    (0x0980, 0x09FF, "NotoSansBengali"),
    (0x0A00, 0x0A7F, "NotoSansGurmukhi"),
    (0x0A80, 0x0AFF, "NotoSansGujarati"),
    (0x0B80, 0x0BFF, "NotoSansTamil"),
    (0x0C00, 0x0C7F, "NotoSansTelugu"),
    (0x0C80, 0x0CFF, "NotoSansKannada"),
    (0x0D00, 0x0D7F, "NotoSansMalayalam"),
    (0x0D80, 0x0DFF, "NotoSansSinhala"),
    (0x0E00, 0x0E7F, "NotoSansThai"),
    (0x0E80, 0x0EFF, "NotoSansLao"),
    (0x1000, 0x109F, "NotoSansMyanmar"),
    (0x10A0, 0x10FF, "NotoSansGeorgian"),
    (0x1200, 0x139F, "NotoSansEthiopic"),
    (0x1780, 0x17FF, "NotoSansKhmer"),
    (0x1C90, 0x1CBF, "NotoSansGeorgian"),
    (0x2D00, 0x2D2F, "NotoSansGeorgian"),
    (0x2D80, 0x2DDF, "NotoSansEthiopic"),
    (0xAB00, 0xAB2F, "NotoSansEthiopic"),
    (0xFB1D, 0xFB4F, "NotoSansHebrew"),
    (0xFB50, 0xFDFF, "NotoSansArabic"),
    (0xFE70, 0xFEFF, "NotoSansArabic"),
]
LAST_RESORT = "DejaVuSans"
_FILES = {"DejaVuSans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")}
_RTL = [(0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF)]

FONT_SIZE = 7.5
LEADING = 9


class FontMissing(RuntimeError):
    """The manifest's font is not installed (Debian's fonts-noto-core, see docs/deploy.md)."""


def _font_path(filename: str) -> str | None:
    for folder in FONT_DIRS:
        if folder and os.path.exists(path := os.path.join(folder, filename)):
            return path
    return None


@functools.cache
def _family(name: str) -> bool:
    """Register ``name`` (regular and bold) with ReportLab once; False when its files are not installed."""
    regular, bold = _FILES.get(name, (f"{name}-Regular.ttf", f"{name}-Bold.ttf"))
    regular_path, bold_path = _font_path(regular), _font_path(bold)
    if regular_path is None:
        return False
    pdfmetrics.registerFont(TTFont(name, regular_path))
    pdfmetrics.registerFont(TTFont(f"{name}-Bold", bold_path or regular_path))
    addMapping(name, 0, 0, name)
    addMapping(name, 1, 0, f"{name}-Bold")
    addMapping(name, 0, 1, name)
    addMapping(name, 1, 1, f"{name}-Bold")
    return True


def base_font() -> str:
    if not _family(BASE_FONT):
        raise FontMissing(f"{BASE_FONT}-Regular.ttf is not installed (apt-get install fonts-noto-core)")
    return BASE_FONT


@functools.cache
def _covers(name: str, char: str) -> bool:
    return _family(name) and ord(char) in pdfmetrics.getFont(name).face.charToGlyph


def _font_for(char: str) -> str:
    code = ord(char)
    if code < 0x0250 or char.isspace():  # Latin, its supplements and extensions: always in Noto Sans
        return BASE_FONT
    for first, last, name in SCRIPT_FONTS:
        if first <= code <= last:
            if _covers(name, char):
                return name
            break
    if _covers(BASE_FONT, char):
        return BASE_FONT
    return LAST_RESORT if _covers(LAST_RESORT, char) else BASE_FONT


def _is_rtl(text: str) -> bool:
    return any(first <= ord(c) <= last for c in text for first, last in _RTL)


@functools.lru_cache(maxsize=20_000)
def font_runs(text: str) -> tuple[tuple[str, str], ...]:
    """``text`` ready to draw: (font family, piece) in visual order, each piece in a font that has its glyphs."""
    if text.isascii():
        return ((BASE_FONT, text),) if text else ()
    if _is_rtl(text):

        text = get_display(arabic_reshaper.reshape(text), base_dir="L")  # the table reads left to right
    runs: list[list[str]] = []
    for char in text:
        font = _font_for(char)
        if char.isspace() and runs:
            font = runs[-1][0]  # a space stays with the run it is in
        if runs and runs[-1][0] == font:
            runs[-1][1] += char
        else:
            runs.append([font, char])
    return tuple((font, piece) for font, piece in runs)


def markup(text: str, *, bold: bool = False) -> str:
    """Paragraph markup of ``text``: a ``<font>`` per run outside the base font (``<b>`` would not reach into it,
    so a bold run names its bold face)."""
    if bold:
        return "".join(f'<font face="{font}-Bold">{escape(piece)}</font>' for font, piece in font_runs(text))
    return "".join(escape(piece) if font == BASE_FONT else f'<font face="{font}">{escape(piece)}</font>'
                   for font, piece in font_runs(text))


# --- the document ----------------------------------------------------------------------------------------------

# Column widths in millimetres, the same order as manifests.COLUMNS from "name" on, after a "#" column: the 277 mm
# between the margins of A4 landscape, each wide enough for the longest word of its label (and of a desk state in
# the last, a ticket number in its own).
WIDTHS_MM = [7, 34, 14, 19, 19, 23, 27, 23, 26, 20, 27, 17, 21]
PADDING = 2  # points, each side of a cell


@dataclass
class _Styles:
    cell: object
    header: object
    header_en: object
    title: object
    meta: object
    flight: object


@functools.cache
def _styles(font: str) -> _Styles:

    cell = ParagraphStyle("cell", fontName=font, fontSize=FONT_SIZE, leading=LEADING)
    return _Styles(
        cell=cell,
        header=ParagraphStyle("header", parent=cell, fontName=f"{font}-Bold", fontSize=7, leading=8.5),
        header_en=ParagraphStyle("header_en", parent=cell, fontSize=6, leading=7, textColor="#444444"),
        title=ParagraphStyle("title", fontName=f"{font}-Bold", fontSize=14, leading=17, spaceAfter=2),
        meta=ParagraphStyle("meta", fontName=font, fontSize=8.5, leading=11, spaceAfter=6),
        flight=ParagraphStyle("flight", fontName=f"{font}-Bold", fontSize=12, leading=15, spaceAfter=4),
    )


def _label_markup(label: dict, *, size: float = 6, between: str = "<br/>") -> str:
    """A bilingual label: the user's language in bold, then (when that is not English) English, smaller."""
    text = markup(label["local"], bold=True)
    if label["en"]:
        text += f'{between}<font size="{size}" color="#444444">{markup(label["en"])}</font>'
    return text


def _cell(text: str, width: float, style, *, bold: bool = False):
    """A plain string when it fits on one line in the column's font (the table's style sets it), else a wrapping
    Paragraph, one line per item: most cells are short, and a plain string costs a fraction of a Paragraph."""

    if not text:
        return ""
    items = text.split("\n")
    runs = font_runs(text)
    if len(items) == 1 and len(runs) == 1 and runs[0][0] == BASE_FONT and stringWidth(
            text, f"{BASE_FONT}-Bold" if bold else BASE_FONT, FONT_SIZE) <= width - 2 * PADDING:
        return text
    return Paragraph("<br/>".join(markup(item, bold=bold) for item in items), style)


def render(manifest, *, mission, printed_at, labels, title, empty) -> bytes:
    """The PDF of ``manifest`` (``manifests.Manifest``). ``labels``, ``title`` and ``empty`` are bilingual labels
    (``{"local": ..., "en": ...}``); ``printed_at`` is on the airport's clock."""

    font = base_font()
    styles = _styles(font)
    page_w, page_h = landscape(A4)
    left, right, top, bottom = 10 * mm, 10 * mm, 14 * mm, 14 * mm
    widths = [w * mm for w in WIDTHS_MM]
    airport = manifest.airport
    day = manifest.day.isoformat()
    running = f"{title['local']}" + (f" / {title['en']}" if title["en"] else "") + f" · {mission} · {airport.pk} · {day}"
    printed = _("Printed at") + " " + printed_at.strftime("%Y-%m-%d %H:%M %Z")

    class _FlightMark(Flowable):
        """Zero-sized: tells the running header which flight the page is in."""

        def __init__(self, text):
            super().__init__()
            self.text = text
            self.width = self.height = 0

        def draw(self):
            self.canv._manifest_flight = self.text

    def page_end(canv, doc):
        canv.saveState()
        canv.setFont(font, 7.5)
        line = running + (f" · {canv._manifest_flight}" if getattr(canv, "_manifest_flight", "") else "")
        _draw_runs(canv, left, page_h - 8 * mm, line, 7.5)
        canv.setFont(font, 7.5)
        canv.drawString(left, 7 * mm, printed)
        canv.restoreState()

    class _NumberedCanvas(Canvas):
        """Keeps every page until the end, so each can say "n / N"."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(font, 8)
                self.drawRightString(page_w - right, 7 * mm, f"{number} / {total}")
                Canvas.showPage(self)
            Canvas.save(self)

    story = [Paragraph(_label_markup(title, size=9, between=" / "), styles.title)]
    meta = [(_("Mission"), str(mission)), (_("Airport"), f"{airport.pk} {airport.name}"),
            (_("Day"), _long_date(manifest.day))]
    if manifest.flight:
        meta.append((_("Flight"), manifest.flight))
    meta += [(_("Passengers"), str(manifest.passenger_count)), (_("Printed at"), printed_at.strftime(
        "%Y-%m-%d %H:%M %Z"))]
    story.append(Paragraph("&nbsp;&nbsp;&nbsp; ".join(f"{markup(k, bold=True)} {markup(v)}" for k, v in meta),
                           styles.meta))

    header = [Paragraph(markup("#", bold=True), styles.header)] + [Paragraph(_label_markup(label), styles.header)
                                                        for label in labels[3:]]
    table_style = TableStyle([
        ("FONT", (0, 0), (-1, -1), font, FONT_SIZE, LEADING),
        ("FONT", (1, 1), (1, -1), f"{font}-Bold", FONT_SIZE, LEADING),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e5e5e5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ])
    for index, flight in enumerate(manifest.flights):
        if index:
            story.append(PageBreak())
        heading = (f"{flight.flight_number} ({flight.airline}) — {flight.local_time:%H:%M} {airport.pk} → "
                   f"{flight.destination}")
        count = ngettext("%(counter)s passenger", "%(counter)s passengers", len(flight.rows)) % {
            "counter": len(flight.rows)}
        story.append(_FlightMark(heading))
        story.append(Paragraph(f"{markup(heading)} <font size=\"9\" face=\"{font}\">{markup(count)}</font>",
                               styles.flight))
        rows = [header]
        for number, row in enumerate(flight.rows, start=1):
            values = [str(number), row.name, row.sex, row.birth_year, row.nationality, row.case_number,
                      row.reference, row.ticket, "\n".join(row.assistance), row.escort, "\n".join(row.documents),
                      row.cash, row.state]
            rows.append([_cell(value, width, styles.cell, bold=col == 1)
                         for col, (value, width) in enumerate(zip(values, widths, strict=True))])
        story.append(Table(rows, colWidths=widths, repeatRows=1, style=table_style, hAlign="LEFT"))
    if not manifest.flights:
        story.append(Paragraph(_label_markup(empty, size=8), styles.meta))

    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=(page_w, page_h), leftMargin=left, rightMargin=right, topMargin=top,
                          bottomMargin=bottom, title=f"{title['local']} {airport.pk} {day}", author=str(mission),
                          subject=f"{airport.pk} {day}" + (f" {manifest.flight}" if manifest.flight else ""))
    frame = Frame(left, bottom, page_w - left - right, page_h - top - bottom, id="body", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="manifest", frames=[frame], onPageEnd=page_end)])
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def _draw_runs(canv, x: float, y: float, text: str, size: float) -> None:
    """Draw one line of ``text`` on the canvas, each run in its own font."""
    for font, piece in font_runs(text):
        _family(font)
        canv.setFont(font, size)
        canv.drawString(x, y, piece)
        x += stringWidth(piece, font, size)


def _long_date(day) -> str:
    return date_format(day, "l j F Y")
