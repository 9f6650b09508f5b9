"""Checks on personal data shared by forms, services and imports. Each returns messages per field."""

import datetime
import re

import phonenumbers
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td3 import TD3CodeChecker

from .enums import DocumentKind, DocumentStatus, IdentifierKind

_MRZ_ERRORS = {
    "false document number hash": gettext_noop("the check digit of the document number is wrong"),
    "false birth date hash": gettext_noop("the check digit of the date of birth is wrong"),
    "false expiry date hash": gettext_noop("the check digit of the expiry date is wrong"),
    "false optional data hash": gettext_noop("the check digit of the optional data is wrong"),
    "false final hash": gettext_noop("the final (composite) check digit is wrong"),
}


def validate_birth(year, month, day) -> dict[str, str]:
    errors = {}
    today = timezone.localdate()
    if year is None:
        if month or day:
            errors["birth_year"] = _("Give the year of birth when you give a month or day.")
        return errors
    if year < 1900 or year > today.year:
        errors["birth_year"] = _("The year of birth must be between 1900 and this year.")
        return errors
    if day and not month:
        errors["birth_month"] = _("Give the month of birth when you give a day.")
        return errors
    if month and not 1 <= month <= 12:
        errors["birth_month"] = _("The month of birth must be between 1 and 12.")
        return errors
    if day:
        try:
            born = datetime.date(year, month, day)
        except ValueError:
            errors["birth_day"] = _("This day does not exist in that month.")
            return errors
        if born > today:
            errors["birth_day"] = _("The date of birth cannot be in the future.")
    elif month and (year, month) > (today.year, today.month):
        errors["birth_month"] = _("The date of birth cannot be in the future.")
    return errors


def normalise_mobile(raw: str, region: str = "NL") -> tuple[str | None, str | None]:
    """Return (E.164, None) for a valid mobile number, or (None, message)."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None, _("This is not a phone number. Use the international form, e.g. +31 6 12345678.")
    if not phonenumbers.is_valid_number(number):
        return None, _("This phone number does not exist in the numbering plan of its country.")
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return None, _("This number cannot be a mobile number, so it cannot receive SMS.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def validate_identifier(kind: str, value: str) -> str | None:
    if kind == IdentifierKind.FOREIGNER_NUMBER and not re.fullmatch(r"\d{10}", value or ""):
        return _("A foreigner's number has exactly 10 digits.")
    if not (value or "").strip():
        return _("Give the number.")
    return None


def normalise_document_number(number: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (number or "").upper())


def validate_document(
    *, kind: str, status: str, number: str, expires_on, issued_on, mrz: str, issuing_country: str = ""
) -> dict[str, str]:
    """Per-field errors of a travel or identity document; an empty dict means it is valid."""
    errors = {}
    today = timezone.localdate()
    if status == DocumentStatus.HELD:
        if not number:
            errors["number"] = _("Give the document number of a document that is held.")
        if not expires_on:
            errors["expires_on"] = _("Give the expiry date of a document that is held.")
        elif expires_on < today:
            errors["expires_on"] = _("This document has expired: the expiry date is in the past.")
    if issued_on and issued_on > today:
        errors["issued_on"] = _("The issue date cannot be in the future.")
    if issued_on and expires_on and expires_on <= issued_on:
        errors["expires_on"] = _("The expiry date must be after the issue date.")
    if mrz:
        errors.update(_validate_mrz(kind=kind, mrz=mrz, number=number))
    return errors


def _validate_mrz(*, kind: str, mrz: str, number: str) -> dict[str, str]:
    lines = [line.strip().upper() for line in mrz.replace("\r", "").split("\n") if line.strip()]
    text = "\n".join(lines)
    if len(lines) == 2 and all(len(line) == 44 for line in lines):
        checker = TD3CodeChecker(text, check_expiry=False)
    elif len(lines) == 3 and all(len(line) == 30 for line in lines):
        checker = TD1CodeChecker(text, check_expiry=False)
    else:
        return {
            "mrz": _(
                "The MRZ must be two lines of 44 characters (passport) or three lines of 30 characters "
                "(ID card), exactly as printed."
            )
        }
    if kind == DocumentKind.PASSPORT and len(lines) != 2:
        return {"mrz": _("A passport has a two-line MRZ of 44 characters each.")}
    if not checker:
        problems = [_(_MRZ_ERRORS.get(err, err)) for err in checker.report.errors] or [_("the MRZ is not valid")]
        return {"mrz": _("The MRZ is not valid: %(problems)s.") % {"problems": "; ".join(problems)}}
    mrz_number = normalise_document_number(checker.fields().document_number)
    if number and mrz_number != normalise_document_number(number):
        return {"number": _("The document number does not match the number in the MRZ (%(mrz)s).") % {"mrz": mrz_number}}
    return {}
