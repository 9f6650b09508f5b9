"""What a partner's token reaches: the referrals its organisation made in its mission, the departures of the
residents of its organisation's locations, the messages sent to its locations. Nothing else: whatever lies
outside is not found (404), exactly like a record that does not exist. docs/decisions/0015."""

import base64
import binascii
import datetime
import json
import uuid

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from passage.messaging.enums import Channel
from passage.messaging.models import Message, WebhookEndpoint
from passage.movements.enums import BookingStatus, DeskStep
from passage.movements.models import DeskEvent, Passenger
from passage.reference.models import PartnerLocation

from .enums import TokenScope
from .models import PartnerToken, Referral


def require_scope(token: PartnerToken, scope: str) -> None:
    if scope not in token.scopes:
        raise Http404


def referrals_of(token: PartnerToken) -> QuerySet[Referral]:
    if TokenScope.REFERRALS_READ not in token.scopes:
        return Referral.objects.none()
    return (Referral.objects.filter(mission_id=token.mission_id, organisation_id=token.organisation_id,
                                    case__isnull=False).select_related("case"))


def referral_get(token: PartnerToken, pk: int) -> Referral:
    referral = referrals_of(token).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


# --- departures ------------------------------------------------------------------------------------------------


def _cursor(departed_at: datetime.datetime, passenger_id: int) -> str:
    raw = json.dumps([departed_at.isoformat(), passenger_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_read(cursor: str) -> tuple[datetime.datetime, int]:
    """The position a ``next`` cursor stands for; ValueError when it is not one."""
    try:
        when, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.datetime.fromisoformat(when), int(pk)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise ValueError("not a cursor") from exc


def departures_of(token: PartnerToken, *, since: datetime.datetime, after: tuple | None = None,
                  limit: int = 100) -> tuple[list[dict], str | None]:
    """The residents of the token's organisation's locations who boarded a flight that departed at or after
    ``since`` (the same people its locations were told of by ``person.departed``), in order of departure; a page
    of ``limit`` and the cursor of the next page (None: no more)."""
    if TokenScope.DEPARTURES_READ not in token.scopes:
        return [], None
    boarded = DeskEvent.objects.filter(passenger=OuterRef("pk"), step=DeskStep.BOARDED, undone_at__isnull=True)
    rows = (Passenger.objects
            .filter(booking__mission_id=token.mission_id, booking__status=BookingStatus.DEPARTED,
                    booking__departed_at__gte=since, person__isnull=False)
            .filter(_residents(token))
            .filter(Exists(boarded))
            .select_related("booking", "person__residence_location")
            .order_by("booking__departed_at", "pk"))
    if after is not None:
        when, pk = after
        rows = rows.filter(Q(booking__departed_at__gt=when) | Q(booking__departed_at=when, pk__gt=pk))
    page = list(rows[:limit + 1])
    items = [departure_item(p) for p in page[:limit]]
    last = page[limit - 1] if len(page) > limit else None
    return items, (_cursor(last.booking.departed_at, last.pk) if last else None)


def _residents(token: PartnerToken, prefix: str = "person__") -> Q:
    """Persons living at one of the token's locations (its organisation's, or those it is narrowed to)."""
    if (ids := token.location_ids()) is not None:
        return Q(**{f"{prefix}residence_location_id__in": ids})
    return Q(**{f"{prefix}residence_location__organisation_id": token.organisation_id})


def departure_item(passenger: Passenger) -> dict:
    location = passenger.person.residence_location
    return {"person_id": passenger.person_id, "case_id": passenger.booking.case_id,
            "booking_id": passenger.booking_id, "departed_at": passenger.booking.departed_at.isoformat(),
            "location": {"id": location.pk, "name": location.name, "city": location.city}}


# --- events ----------------------------------------------------------------------------------------------------


def _addresses(token: PartnerToken) -> Q:
    """The recipients that are the token's organisation in its mission: its locations' endpoints and e-mails."""
    locations = PartnerLocation.objects.filter(organisation_id=token.organisation_id)
    if (ids := token.location_ids()) is not None:
        locations = locations.filter(pk__in=ids)
    endpoints = WebhookEndpoint.objects.filter(mission_id=token.mission_id, location__in=locations)
    recipients = [f"endpoint:{pk}" for pk in endpoints.values_list("pk", flat=True)]
    emails = [e for e in locations.values_list("email", flat=True) if e]
    return Q(channel=Channel.WEBHOOK, recipient__in=recipients) | Q(channel=Channel.EMAIL, recipient__in=emails)


def event_get(token: PartnerToken, message_id: uuid.UUID) -> Message:
    """The message with this id if it was addressed to one of the token's organisation's locations."""
    if TokenScope.EVENTS_READ not in token.scopes:
        raise Http404
    message = (Message.objects.filter(pk=message_id, mission_id=token.mission_id,
                                      channel__in=[Channel.WEBHOOK, Channel.EMAIL])
               .filter(_addresses(token)).first())
    if message is None:
        raise Http404
    return message


def _email_data(body: str) -> dict:
    """The ids of an e-mailed event (``messaging.partners.email_text``: one "key: value" a line)."""
    data = {}
    for line in body.splitlines()[1:]:
        key, sep, value = line.partition(": ")
        if not sep or " " in key:
            continue
        try:
            data[key] = json.loads(value)
        except json.JSONDecodeError:
            data[key] = value
    return data


def event_body(token: PartnerToken, message: Message) -> dict:
    """The event as the partner was told it (type, time, subject, the thin data) and the details behind it that
    are the partner's to know: for a departure, the resident's departure from its location."""
    if message.channel == Channel.WEBHOOK:
        envelope = json.loads(message.body)
        event_type = envelope["type"].removeprefix("org.passage.")
        body = {"id": str(message.pk), "type": event_type, "time": envelope.get("time"),
                "subject": envelope.get("subject", ""), "data": envelope.get("data", {})}
    else:
        body = {"id": str(message.pk), "type": message.kind, "time": message.created_at.isoformat(),
                "subject": f"person/{message.person_id}" if message.person_id else "",
                "data": _email_data(message.body)}
    body["details"] = _details(token, body["type"], body["data"])
    return body


def _details(token: PartnerToken, event_type: str, data: dict) -> dict:
    if event_type != "person.departed" or TokenScope.DEPARTURES_READ not in token.scopes:
        return {}
    passenger = (Passenger.objects.filter(booking_id=data.get("booking_id"), person_id=data.get("person_id"),
                                          booking__mission_id=token.mission_id)
                 .filter(_residents(token))
                 .select_related("booking", "person__residence_location").first())
    return {"departure": departure_item(passenger)} if passenger and passenger.booking.departed_at else {}
