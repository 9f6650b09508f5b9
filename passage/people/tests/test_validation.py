"""Bad personal data is refused per field: check digits, dates, phone numbers, foreigner's numbers."""

import datetime

import pytest
from django.utils import timezone, translation
from mrz.generator.td1 import TD1CodeGenerator
from mrz.generator.td3 import TD3CodeGenerator

from passage.people import validation
from passage.people.enums import DocumentKind, DocumentStatus, IdentifierKind

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def td3(number="XP1234567") -> str:
    return str(TD3CodeGenerator("P", "GEO", "Beridze", "Nino", number, "GEO", "900517", "F", "300101", ""))


def td1(number="XA1234567") -> str:
    return str(TD1CodeGenerator("ID", "GEO", number, "900517", "F", "300101", "GEO", "Beridze", "Nino"))


def with_char(mrz: str, line: int, col: int, char: str) -> str:
    lines = mrz.split("\n")
    lines[line] = lines[line][:col] + char + lines[line][col + 1:]
    return "\n".join(lines)


def doc(**overrides) -> dict[str, str]:
    args = {"kind": DocumentKind.PASSPORT, "status": DocumentStatus.HELD, "number": "XP1234567",
            "expires_on": TODAY() + datetime.timedelta(days=400), "issued_on": datetime.date(2020, 1, 1), "mrz": ""}
    args.update(overrides)
    return validation.validate_document(**args)


# --- MRZ ------------------------------------------------------------------------------------------------------

def test_a_correct_passport_mrz_is_accepted_also_in_lower_case_and_with_blank_lines():
    assert doc(mrz=td3()) == {}
    assert doc(mrz="\n" + td3().lower() + "\n\n") == {}


def test_a_correct_id_card_mrz_is_accepted():
    assert doc(kind=DocumentKind.ID_CARD, number="XA1234567", mrz=td1()) == {}


def _flip_digit(ch: str) -> str:
    return "0" if ch != "0" else "1"


@pytest.mark.parametrize(("col", "problem"), [
    (9, "the check digit of the document number is wrong"),
    (19, "the check digit of the date of birth is wrong"),
    (27, "the check digit of the expiry date is wrong"),
    (43, "the final (composite) check digit is wrong"),
])
def test_a_wrong_passport_check_digit_is_named(col, problem):
    good = td3()
    bad = with_char(good, 1, col, _flip_digit(good.split("\n")[1][col]))
    errors = doc(mrz=bad)
    assert list(errors) == ["mrz"]
    assert errors["mrz"].startswith("The MRZ is not valid: ")
    assert problem in errors["mrz"]


def test_a_wrong_id_card_check_digit_is_refused():
    good = td1()
    bad = with_char(good, 0, 14, _flip_digit(good.split("\n")[0][14]))
    errors = doc(kind=DocumentKind.ID_CARD, number="XA1234567", mrz=bad)
    assert list(errors) == ["mrz"] and "document number is wrong" in errors["mrz"]


def test_an_mrz_of_the_wrong_shape_is_refused():
    assert doc(mrz=td3().split("\n")[0]) == {"mrz": "The MRZ must be two lines of 44 characters (passport) or three "
                                                    "lines of 30 characters (ID card), exactly as printed."}


def test_a_passport_with_an_id_card_mrz_is_refused():
    assert doc(number="XA1234567", mrz=td1()) == {"mrz": "A passport has a two-line MRZ of 44 characters each."}


def test_the_document_number_must_match_the_mrz():
    assert doc(number="XP7654321", mrz=td3()) == {
        "number": "The document number does not match the number in the MRZ (XP1234567)."}
    assert doc(number="xp 123 4567", mrz=td3()) == {}


# --- document dates -------------------------------------------------------------------------------------------

def test_an_expired_held_document_is_refused():
    assert doc(expires_on=TODAY() - datetime.timedelta(days=1)) == {
        "expires_on": "This document has expired: the expiry date is in the past."}
    assert doc(expires_on=TODAY()) == {}


def test_a_held_document_needs_number_and_expiry_but_a_requested_one_does_not():
    assert doc(number="", expires_on=None) == {
        "number": "Give the document number of a document that is held.",
        "expires_on": "Give the expiry date of a document that is held."}
    assert doc(status=DocumentStatus.REQUESTED, number="", expires_on=None, issued_on=None) == {}


def test_issue_date_in_the_future_or_after_expiry_is_refused():
    assert doc(issued_on=TODAY() + datetime.timedelta(days=1)) == {
        "issued_on": "The issue date cannot be in the future."}
    assert doc(issued_on=datetime.date(2020, 1, 1), expires_on=datetime.date(2020, 1, 1),
               status=DocumentStatus.REQUESTED) == {"expires_on": "The expiry date must be after the issue date."}


def test_document_numbers_are_compared_without_spaces_dashes_or_case():
    assert validation.normalise_document_number(" xp-123 4567 ") == "XP1234567"
    assert validation.normalise_document_number("") == ""


# --- dates of birth -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("year", "month", "day"), [(1990, None, None), (1990, 5, None), (1990, 5, 17),
                                                    (None, None, None)])
def test_full_partial_and_unknown_birth_dates_are_accepted(year, month, day):
    assert validation.validate_birth(year, month, day) == {}


@pytest.fixture
def on_15_june_2026(monkeypatch):
    monkeypatch.setattr(validation.timezone, "localdate", lambda: datetime.date(2026, 6, 15))


def test_a_birth_date_in_the_future_is_refused(on_15_june_2026):
    assert validation.validate_birth(2026, 6, 16) == {"birth_day": "The date of birth cannot be in the future."}
    assert validation.validate_birth(2026, 6, 15) == {}
    assert validation.validate_birth(2027, None, None) == {
        "birth_year": "The year of birth must be between 1900 and this year."}


def test_a_birth_month_in_the_future_of_this_year_is_refused(on_15_june_2026):
    assert validation.validate_birth(2026, 7, None) == {"birth_month": "The date of birth cannot be in the future."}
    assert validation.validate_birth(2026, 6, None) == {}


@pytest.mark.parametrize(("args", "errors"), [
    ((None, 5, None), {"birth_year": "Give the year of birth when you give a month or day."}),
    ((1990, None, 17), {"birth_month": "Give the month of birth when you give a day."}),
    ((1990, 13, None), {"birth_month": "The month of birth must be between 1 and 12."}),
    ((1990, 2, 30), {"birth_day": "This day does not exist in that month."}),
    ((1899, None, None), {"birth_year": "The year of birth must be between 1900 and this year."}),
])
def test_impossible_partial_dates_are_refused(args, errors):
    assert validation.validate_birth(*args) == errors


# --- phones and identifiers -----------------------------------------------------------------------------------

def test_a_dutch_mobile_is_stored_in_e164():
    assert validation.normalise_mobile("06 12345678") == ("+31612345678", None)
    assert validation.normalise_mobile("+995 555 12 34 56") == ("+995555123456", None)


def test_a_landline_cannot_receive_sms():
    assert validation.normalise_mobile("020 123 4567") == (
        None, "This number cannot be a mobile number, so it cannot receive SMS.")


def test_numbers_outside_the_numbering_plan_or_not_numbers_are_refused():
    assert validation.normalise_mobile("+31 6 123") == (
        None, "This phone number does not exist in the numbering plan of its country.")
    assert validation.normalise_mobile("call me") == (
        None, "This is not a phone number. Use the international form, e.g. +31 6 12345678.")


@pytest.mark.parametrize(("value", "error"), [
    ("1234567890", None),
    ("123456789", "A foreigner's number has exactly 10 digits."),
    ("12345678901", "A foreigner's number has exactly 10 digits."),
    ("12345A7890", "A foreigner's number has exactly 10 digits."),
    ("", "A foreigner's number has exactly 10 digits."),
])
def test_foreigners_number_format(value, error):
    assert validation.validate_identifier(IdentifierKind.FOREIGNER_NUMBER, value) == error


def test_other_identifiers_need_a_value():
    assert validation.validate_identifier(IdentifierKind.OTHER, "  ") == "Give the number."
    assert validation.validate_identifier(IdentifierKind.RETURN_SERVICE_REF, "DTenV-2026-77") is None
