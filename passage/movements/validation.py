"""Checks on booking data shared by services and (later) forms and imports. Each returns a message or None."""

import datetime
import re
import zoneinfo
from decimal import Decimal, InvalidOperation

import pycountry
from django.utils.translation import gettext as _

from passage.reference.validation import project_code_error  # noqa: F401 - the booking forms check it here

_PNR = re.compile(r"[A-Z0-9]{6}")
_TICKET = re.compile(r"\d{13}")
# An IATA airline designator is two characters, letters or digits but not two digits.
_AIRLINE = re.compile(r"(?![0-9]{2})[A-Z0-9]{2}")
_FLIGHT = re.compile(r"(?P<airline>(?![0-9]{2})[A-Z0-9]{2})(?P<number>[0-9]{1,4})(?P<suffix>[A-Z]?)")
MAX_AMOUNT = Decimal("99999999.99")


def clean_code(value) -> str:
    return re.sub(r"\s+", "", str(value or "")).upper()


def pnr_error(value: str) -> str | None:
    if not _PNR.fullmatch(value):
        return _("A booking reference (PNR) is six letters or digits, e.g. K7Q2XB.")
    return None


def ticket_error(value: str) -> str | None:
    if not _TICKET.fullmatch(value):
        return _("A ticket number is 13 digits: the airline's 3-digit code and a 10-digit serial number.")
    return None


def airline_error(value: str) -> str | None:
    if not _AIRLINE.fullmatch(value):
        return _("An airline is its two-character IATA designator, e.g. KL or TK.")
    return None


def flight_number_error(value: str, airline: str) -> str | None:
    match = _FLIGHT.fullmatch(value)
    if not match:
        return _("A flight number is the airline's designator, 1 to 4 digits and at most one letter, e.g. KL1385.")
    if airline and match["airline"] != airline:
        return _("The flight number %(flight)s is not a flight of the airline %(airline)s.") % {
            "flight": value, "airline": airline}
    return None


def currency_error(value: str) -> str | None:
    if not re.fullmatch(r"[A-Z]{3}", value) or pycountry.currencies.get(alpha_3=value) is None:
        return _("“%(code)s” is not a currency: use its ISO 4217 code, e.g. EUR.") % {"code": value}
    return None


def amount_error(value) -> str | None:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return _("Give an amount, e.g. 245.50.")
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        return _("Give an amount of zero or more, with at most two decimals.")
    return None


class LocalTimeError(ValueError):
    pass


def to_utc(value: datetime.datetime, tz_name: str) -> datetime.datetime:
    """A time as given at an airport (naive: the airport's local clock) as an aware UTC datetime.

    A local time that does not exist (clocks go forward) or happens twice (clocks go back) is refused: give it
    as an aware datetime to say which one is meant."""
    utc = datetime.UTC
    if value.tzinfo is not None:
        return value.astimezone(utc)
    tz = zoneinfo.ZoneInfo(tz_name)
    first, second = value.replace(tzinfo=tz, fold=0), value.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        # fold=0 and fold=1 differ on both a skipped and a repeated hour; a round trip tells them apart.
        if first.astimezone(utc).astimezone(tz).replace(tzinfo=None) != value:
            raise LocalTimeError(_("%(time)s does not exist in %(tz)s: the clocks go forward then.") % {
                "time": value.strftime("%Y-%m-%d %H:%M"), "tz": tz_name})
        raise LocalTimeError(_("%(time)s happens twice in %(tz)s (the clocks go back): give the UTC offset.") % {
            "time": value.strftime("%Y-%m-%d %H:%M"), "tz": tz_name})
    return first.astimezone(utc)
