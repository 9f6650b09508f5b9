"""One departing booking on the airport's board: its case, reference, status, cash and escorts, and per passenger
their name, special assistance, documents to hand over, what is still open, and the desk's taps (done steps with
their undo while the window is open; the steps still to tap), and the departure to confirm. The booking's no-show
form (rare: nobody of the booking showed) stays in the template.

The one part of the board built in Python (f-strings, every value escaped) rather than in the template: a peak
day has 1,400 passengers in 560 bookings, and through the template engine (~50 nodes a passenger) they alone took
~0.4 s of the board's 15-second poll; here they take ~20 ms (docs/benchmarks.md). The markup is the template's, element for element (ids, classes,
labels): the browser tests and the desk's tablets see no difference. The labels are translated and escaped once
per board (``RowText``), not once per row.
"""

import datetime
import html
import zoneinfo
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..enums import BookingStatus
from ..enums import DeskStep as S

# The taps offered per passenger, in the order the desk makes them.
DESK_STEPS = (S.REPORTED, S.CHECKED_IN, S.DOCUMENTS, S.CASH, S.BOARDED, S.NO_SHOW)


def url_maker(name: str, count: int):
    """``reverse(name, args=[...])`` for ``count`` integer arguments, resolved once: the URL is reversed with
    placeholder numbers no real id has (eleven digits), which are then filled in per row."""
    marks = [str(91_000_000_000 + i) for i in range(count)]
    pattern = reverse(name, args=marks).replace("{", "{{").replace("}", "}}")
    for i, mark in enumerate(marks):
        pattern = pattern.replace(mark, f"{{{i}}}")
    return lambda *args: pattern.format(*(int(a) for a in args))


@dataclass
class RowText:
    """What every row of one board shares, already escaped: labels in the user's language, the forms' hidden
    inputs (CSRF token, airport and day), the clock and the undo window."""

    tz: zoneinfo.ZoneInfo
    cutoff: datetime.datetime
    hidden: str
    steps: dict
    escort: str
    assistance: str
    documents: str
    still_open: str
    amount: str
    currency: str
    reason: str
    step_url: object
    undo_url: object
    journey_url: object
    depart_url: object
    case: str
    escorts: str
    statuses: dict
    departed_at: str
    confirm_departure: str

    @classmethod
    def for_board(cls, *, tz, cutoff, csrf_token: str, where: SafeString) -> "RowText":
        hidden = f'<input type="hidden" name="csrfmiddlewaretoken" value="{e(csrf_token)}">{where}'
        return cls(tz=tz, cutoff=cutoff, hidden=hidden, steps={step: e(str(step.label)) for step in DESK_STEPS},
                   escort=e(_("Escort")), assistance=e(_("Special assistance")),
                   documents=e(_("Documents to hand over")), still_open=e(_("Still open")), amount=e(_("Amount")),
                   currency=e(_("Currency")), reason=e(_("Reason")), step_url=url_maker("desk-step", 3),
                   undo_url=url_maker("desk-undo", 3), journey_url=url_maker("journey", 1),
                   depart_url=url_maker("departure-confirm", 2), case=e(_("Case")),
                   departed_at=e(_("Departed at (local time; empty: now)")),
                   confirm_departure=e(_("Confirm the departure")),
                   escorts=e(_("Escorts")), statuses={value: e(label) for value, label in BookingStatus.choices})


def e(value) -> str:
    """Escaped for HTML text and attributes: the same as Django's ``escape`` (``& < > " '``), without the lazy
    and safe-string wrapping that costs more than the escaping on 1,400 rows."""
    return html.escape(str(value), quote=True)


def passenger_html(p, row, text: RowText) -> SafeString:
    """The passenger's block (``p``: ``selectors.BoardPassenger``; ``row``: its ``BoardBooking`` with
    ``desk_open`` set by the view). Every value is escaped (``e``); the labels in ``text`` already are."""
    booking = row.booking
    pk = p.passenger.pk
    badge = f'<span class="badge text-bg-info">{text.escort}</span>' if p.is_escort else ""
    out = [f'<div class="border-top pt-2 mb-2" id="passenger-{pk}">\n'
           f'<div class="d-flex flex-wrap gap-2 align-items-baseline"><span class="fs-5 fw-semibold">{e(p.name)}</span>'
           f'{badge}</div>\n']
    if p.assistance:
        out.append(f'<p class="mb-1"><strong>{text.assistance}:</strong> {e("; ".join(p.assistance))}</p>\n')
    if p.documents:
        out.append(f'<p class="mb-1"><strong>{text.documents}:</strong> {e("; ".join(p.documents))}</p>\n')
    if p.open:
        out.append(f'<p class="mb-1 small text-body-secondary">{text.still_open}: {e(", ".join(p.open))}</p>\n')
    out.append('<div class="d-flex flex-wrap gap-2 mt-1">\n')
    taps, cash, no_show = [], None, None
    for step in DESK_STEPS:
        event = p.steps.get(step)
        label = text.steps[step]
        if event is not None:
            amount = f" {e(localize(event.amount))} {e(event.currency)}" if event.amount else ""
            out.append(f'<span class="btn btn-lg btn-success disabled" aria-disabled="true">✓ {label}{amount} '
                       f'<small>{event.at.astimezone(text.tz):%H:%M}</small></span>\n')
            if row.desk_open and event.at > text.cutoff:
                url = text.undo_url(booking.case_id, booking.pk, event.pk)
                undo = e(_("Undo “%(step)s”") % {"step": str(S(step).label)})
                out.append(f'<form method="post" action="{url}" hx-post="{url}">{text.hidden}<button class="btn btn-lg '
                           f'btn-outline-danger" type="submit" id="undo-{event.pk}">{undo}</button></form>\n')
            continue
        if not row.desk_open or (step == S.DOCUMENTS and not p.documents) or (
                step == S.CASH and (p.is_escort or row.cash_to_hand_over is None)):
            continue
        if step == S.CASH:
            cash = label
        elif step == S.NO_SHOW:
            no_show = label
        else:
            taps.append((step.value, label))
    url = text.step_url(booking.case_id, booking.pk, pk) if taps or cash or no_show else ""
    # The taps without an input share one form; the cash and the no-show (an amount, a reason) have their own,
    # so that Enter in their field sends that step.
    if taps:
        buttons = "".join(f'<button class="btn btn-lg btn-outline-primary" type="submit" name="step" value="{step}" '
                          f'id="step-{pk}-{step}">{label}</button>' for step, label in taps)
        out.append(f'<form method="post" class="d-flex flex-wrap gap-2" action="{url}" hx-post="{url}">{text.hidden}'
                   f'{buttons}</form>\n')
    if cash:
        amount, currency = row.cash_to_hand_over
        out.append(
            f'<form method="post" class="d-flex flex-wrap gap-1" action="{url}" hx-post="{url}">{text.hidden}'
            f'<input type="hidden" name="step" value="cash">'
            f'<label class="visually-hidden" for="cash-{pk}">{text.amount}</label>'
            f'<input class="form-control form-control-lg desk-amount" id="cash-{pk}" name="amount" inputmode="decimal" '
            f'value="{e(amount)}" hx-preserve>'
            f'<label class="visually-hidden" for="currency-{pk}">{text.currency}</label>'
            f'<input class="form-control form-control-lg desk-currency" id="currency-{pk}" name="currency" maxlength="3" '
            f'value="{e(currency)}" hx-preserve>'
            f'<button class="btn btn-lg btn-outline-primary" type="submit" id="step-{pk}-cash">{cash}</button></form>\n')
    if no_show:
        out.append(
            f'<form method="post" class="d-flex flex-wrap gap-1" action="{url}" hx-post="{url}">{text.hidden}'
            f'<input type="hidden" name="step" value="no_show">'
            f'<label class="visually-hidden" for="reason-{pk}">{text.reason}</label>'
            f'<input class="form-control form-control-lg desk-reason" id="reason-{pk}" name="reason" '
            f'placeholder="{text.reason}" hx-preserve>'
            f'<button class="btn btn-lg btn-outline-danger" type="submit" id="step-{pk}-no_show">{no_show}</button>'
            f'</form>\n')
    out.append("</div>\n</div>\n")
    return mark_safe("".join(out))  # noqa: S308 -- every value above is escaped with e()


def booking_html(row, text: RowText) -> SafeString:
    """The booking's head (case, reference, status, cash to hand over, escorts), its passengers' blocks and, once
    checked in, the departure to confirm (``row.can_depart``, set by the view)."""
    booking = row.booking
    out = [f'<div class="d-flex flex-wrap gap-2 align-items-center mb-2">'
           f'<a class="fw-semibold" href="{text.journey_url(booking.case_id)}">{text.case} {e(booking.case.number)}</a>']
    if booking.reference:
        out.append(f'<span class="font-monospace">{e(booking.reference)}</span>')
    out.append(f'<span class="badge text-bg-secondary">{text.statuses[booking.status]}</span>')
    if row.cash_to_hand_over:
        amount, currency = row.cash_to_hand_over
        cash = _("Cash to hand over: %(amount)s %(currency)s") % {"amount": localize(amount), "currency": currency}
        out.append(f'<span class="badge text-bg-warning">{e(cash)}</span>')
    out.append("</div>\n")
    if row.escorts:
        out.append(f'<p class="mb-2 small">{text.escorts}: {e(", ".join(row.escorts))}</p>\n')
    out.extend(passenger_html(p, row, text) for p in row.passengers)
    if row.can_depart:
        url = text.depart_url(booking.case_id, booking.pk)
        out.append(
            f'<form method="post" class="d-flex flex-wrap gap-2 align-items-end border-top pt-2" action="{url}" '
            f'hx-post="{url}">{text.hidden}'
            f'<div><label class="form-label mb-0 small" for="departed-{booking.pk}">{text.departed_at}</label>'
            f'<input class="form-control form-control-lg" type="datetime-local" id="departed-{booking.pk}" '
            f'name="departed_at" hx-preserve></div>'
            f'<button class="btn btn-lg btn-primary" type="submit" id="depart-{booking.pk}">{text.confirm_departure}'
            f'</button></form>\n')
    return mark_safe("".join(out))  # noqa: S308 -- every value above is escaped with e()
