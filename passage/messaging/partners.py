"""Telling partners: an event becomes one message per location that must know — a signed webhook (Standard
Webhooks, in a CloudEvents 1.0 envelope) to each of its active endpoints that wants the event, or, for a location
without an endpoint, an e-mail. Thin: the event and ids, never names; the partner reads the details behind it
through the partner API. Written in the transaction of the change, once per cause. See docs/decisions/0014."""

import json
import uuid

from django.utils import timezone

from .enums import Channel
from .models import WebhookEndpoint
from .services import message_queue

CLOUDEVENT_TYPE_PREFIX = "org.passage."


def cloudevent(*, message_id, event_type: str, mission_code: str, data: dict, subject: str = "") -> str:
    """The CloudEvents 1.0 envelope (structured mode, JSON) of one event for one receiver."""
    envelope = {"specversion": "1.0", "id": str(message_id), "source": f"urn:passage:mission:{mission_code}",
                "type": CLOUDEVENT_TYPE_PREFIX + event_type, "time": timezone.now().isoformat(),
                "datacontenttype": "application/json", "data": data}
    if subject:
        envelope["subject"] = subject
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True)


def email_text(event_type: str, data: dict) -> str:
    lines = [f"Passage: {event_type}"] + [f"{key}: {value}" for key, value in sorted(data.items())]
    lines.append("The details are in Passage's partner API (/api/).")
    return "\n".join(lines)


def partner_event(*, event_type: str, mission, locations, data: dict, cause: str, case_id=None, person_id=None,
                  subject: str = "") -> list:
    """The messages telling ``locations`` of ``event_type``; inside the caller's transaction."""
    locations = {loc.pk: loc for loc in locations if loc is not None}
    endpoints: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.filter(location_id__in=list(locations), mission_id=mission.pk):
        endpoints.setdefault(endpoint.location_id, []).append(endpoint)
    messages = []
    for location_id, location in sorted(locations.items()):
        wanted = [e for e in endpoints.get(location_id, []) if e.active and event_type in e.events]
        for endpoint in wanted:
            message_id = uuid.uuid4()
            messages.append(message_queue(
                id=message_id, channel=Channel.WEBHOOK, recipient=f"endpoint:{endpoint.pk}", kind=event_type,
                mission_id=mission.pk, case_id=case_id, person_id=person_id, dedupe_key=f"{event_type}:{cause}",
                body=cloudevent(message_id=message_id, event_type=event_type, mission_code=mission.code, data=data,
                                subject=subject)))
        if not endpoints.get(location_id) and location.email:
            messages.append(message_queue(
                channel=Channel.EMAIL, recipient=location.email, kind=event_type, mission_id=mission.pk,
                case_id=case_id, person_id=person_id, dedupe_key=f"{event_type}:{cause}",
                body=email_text(event_type, data)))
    return messages
