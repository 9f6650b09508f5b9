"""The partner API's request and answer shapes (pydantic, through django-ninja): they are the OpenAPI document."""

import datetime
import unicodedata
from typing import Annotated, Literal

from django_countries import countries
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator

from passage.people.enums import Sex


def _country(value: str) -> str:
    value = value.strip().upper()
    if value and value not in dict(countries):
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return value


def _iso_8601(value):
    """Only an ISO 8601 text (pydantic would otherwise take a number as seconds since 1970), in UTC."""
    if not isinstance(value, str):
        raise ValueError("give a date and time in ISO 8601 with an offset, e.g. 2026-12-01T00:00:00Z")
    try:
        moment = datetime.datetime.fromisoformat(value)
        # In UTC: PostgreSQL takes offsets up to ±15:59 only, Python up to ±23:59.
        return moment.astimezone(datetime.UTC) if moment.tzinfo else moment
    except (ValueError, OverflowError) as exc:
        raise ValueError("give a date and time in ISO 8601 with an offset, e.g. 2026-12-01T00:00:00Z") from exc


def _no_control_characters(value: str) -> str:
    """Names and numbers are printed, stored and sent: no NUL (PostgreSQL refuses it), no tab, line break or other
    control character."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValueError("control characters (such as NUL, tabs or line breaks) are not allowed")
    return value


Since = Annotated[AwareDatetime, BeforeValidator(_iso_8601)]
Text = Annotated[str, AfterValidator(_no_control_characters)]

Country = Annotated[str, Field(max_length=2, examples=["GE"]), AfterValidator(_country)]


class PersonIn(Schema):
    family_name: Text = Field(min_length=1, max_length=100, description="As on documents, or as known.")
    given_names: Text = Field("", max_length=120)
    known_as: Text = Field("", max_length=120)
    sex: Literal[tuple(Sex.values)] = Field(description="F, M or X (other / unspecified).")  # type: ignore[valid-type]
    birth_year: int | None = Field(None, ge=1900, le=2100)
    birth_month: int | None = Field(None, ge=1, le=12)
    birth_day: int | None = Field(None, ge=1, le=31)
    nationalities: list[Country] = Field(default_factory=list, max_length=5)
    country_of_birth: Country = ""
    preferred_language: Text | None = Field(None, min_length=2, max_length=3,
                                           description="ISO 639 code of the language for messages, e.g. 'ka'.")
    residence_location_id: int | None = Field(
        None, description="The partner location (reception centre) where the person lives, as Passage numbers it.")
    mobile: Text | None = Field(None, max_length=32, description="Mobile number; SMS consent is recorded by the "
                                                                "counsellor with the migrant, not by the partner.")
    foreigner_number: Text | None = Field(None, max_length=40, description="The immigration service's number.")


class ReferralIn(Schema):
    person: PersonIn
    intended_destination: Country = Field("", description="The country of return, if known.")


class ReferralOut(Schema):
    id: int
    case_id: int
    case_number: str
    person_id: int
    status: str = Field(description="The case's status: contact, application, eligibility, preparation, "
                                    "ready_to_depart, booked, departed, arrived, on_hold, rejected, withdrawn, closed.")
    status_since: datetime.datetime
    referred_at: datetime.datetime
    closed_on: datetime.date | None


class ReferralList(Schema):
    items: list[ReferralOut]
    next: str | None = Field(description="The next page's `cursor`, or null when this is the last.")


class LocationOut(Schema):
    id: int
    name: str
    city: str


class DepartureOut(Schema):
    person_id: int
    case_id: int
    booking_id: int
    departed_at: datetime.datetime
    location: LocationOut = Field(description="The partner location where the person lived.")


class DepartureList(Schema):
    items: list[DepartureOut]
    next: str | None = Field(description="The next page's `cursor`, or null when this is the last.")


class EventOut(Schema):
    id: str = Field(description="The message id (the webhook's `webhook-id` and CloudEvent `id`, or the e-mail's "
                                "Message-ID).")
    type: str = Field(examples=["person.departed"])
    time: datetime.datetime | None
    subject: str
    data: dict = Field(description="The ids the event carried.")
    details: dict = Field(description="What lies behind the event for this partner, e.g. the departure.")


class FieldError(Schema):
    field: str = Field(examples=["person.family_name"])
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


