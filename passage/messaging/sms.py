"""SMS to the migrant: the text for a kind in the migrant's language (the mission's own, else the default; a
missing language falls back to the migrant's second language, then English, and the message says which was
wanted), filled with the journey's facts only — flight, date, local time, airport, the time to report — and
sent only to a number with SMS consent recorded. A number without consent gets a blocked message the counsellor
sees on the case. Called inside the transaction of the change (booking, time change, cancellation, reminder; an
appointment set, changed or cancelled, ``cases.notify``).
See docs/decisions/0013."""

import datetime
import string
import zoneinfo
from collections.abc import Callable

from django.utils.translation import gettext as _

from .enums import Channel, SmsKind
from .models import SmsTemplate
from .services import message_queue
from .sms_texts import ALLOWED, DEFAULTS, LANGUAGES, PLACEHOLDERS

Values = dict | Callable[[str], dict]
FALLBACK = "en"
REPORT_BEFORE = datetime.timedelta(hours=3)  # passengers report at the desk three hours before departure


def template_errors(kind: str, text: str) -> list[str]:
    """What is wrong with a template's text: empty, braces that are not placeholders, placeholders this kind of
    message may not carry."""
    if not text.strip():
        return [_("Write the text.")]
    try:
        fields = [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return [_("A brace is not closed: placeholders are written like {flight}.")]
    errors = []
    for name in fields:
        if name not in PLACEHOLDERS:
            errors.append(_("“{%(name)s}” is not a placeholder. Use: %(allowed)s.") % {
                "name": name, "allowed": ", ".join("{" + p + "}" for p in sorted(ALLOWED[kind]))})
        elif name not in ALLOWED[kind]:
            errors.append(_("“{%(name)s}” is not known for this message. Use: %(allowed)s.") % {
                "name": name, "allowed": ", ".join("{" + p + "}" for p in sorted(ALLOWED[kind]))})
    return errors


def render(text: str, values: dict) -> str:
    return text.format_map({k: values.get(k, "") for k in PLACEHOLDERS})


def sample_values(language: str) -> dict:
    """The editor's sample: the placeholders' examples, the words among them (documents to bring) in the text's
    own language, so the part counter counts what the migrant would get."""
    from .sms_texts import PHRASES

    bring = PHRASES["bring_documents"]
    return {**PLACEHOLDERS, "bring": bring.get(language, bring[FALLBACK])}


def template_text(mission_id: int, kind: str, language: str) -> str | None:
    own = SmsTemplate.objects.filter(mission_id=mission_id, kind=kind, language=language).values_list(
        "text", flat=True).first()
    return own or DEFAULTS.get(kind, {}).get(language)


def choose_text(mission_id: int, kind: str, languages: list[str]) -> tuple[str, str, str]:
    """(language, text, language wanted if another was used): the first of the migrant's languages with a text,
    else English."""
    wanted = languages[0] if languages else FALLBACK
    for language in [*languages[:2], FALLBACK]:
        if (text := template_text(mission_id, kind, language)) is not None:
            return language, text, "" if language == wanted else wanted
    raise LookupError(f"no {kind} text in English")  # the defaults always have one


def person_languages(person) -> list[str]:
    """The migrant's preferred language for messages first, then the languages they speak."""
    codes = [person.preferred_language_id] if person.preferred_language_id else []
    codes += [lang.code for lang in person.languages.all() if lang.code not in codes]  # prefetched by the caller
    return codes


def journey_values(segments) -> dict:
    """The facts of a journey an SMS may carry, on each airport's clock."""
    first, last = segments[0], segments[-1]
    tz = zoneinfo.ZoneInfo(first.origin.tz)
    departs = first.departs_at.astimezone(tz)
    return {"flight": first.flight_number, "date": departs.strftime("%d-%m-%Y"), "time": departs.strftime("%H:%M"),
            "airport": first.origin_id, "report_time": (departs - REPORT_BEFORE).strftime("%H:%M"),
            "arrival_airport": last.destination_id}


def sms_to_passengers(booking, kind: str, *, values: dict, cause: str, person_ids=None) -> list:
    """One SMS of ``kind`` per number of the booking's travellers (only ``person_ids`` if given; a family sharing a
    phone gets one), in the language of the first traveller with that number; a number without consent gets a
    blocked message. ``cause`` makes it once per cause (a retried service sends nothing twice). Inside the
    caller's transaction."""
    people = [p.person for p in booking.passengers.select_related("person").prefetch_related(
        "person__phones", "person__languages") if p.person_id and (person_ids is None or p.person_id in person_ids)]
    return sms_to_people(people, kind, mission_id=booking.mission_id, case_id=booking.case_id, values=values,
                         cause=cause)


def sms_to_people(people, kind: str, *, mission_id: int, case_id: int | None, values: Values, cause: str) -> list:
    """One SMS of ``kind`` per number of ``people`` (phones and languages prefetched), in the language of the
    first person with that number; a number without consent gets a blocked message the counsellor sees on the
    case. ``values`` fills the placeholders — a dict, or a function of the message's language for values that
    are words (an appointment "by phone"). ``cause`` makes it once per cause and number."""
    sent, messages = set(), []
    for person in people:
        for phone in person.phones.all():
            number = str(phone.number)
            if number in sent:
                continue
            sent.add(number)
            language, text, wanted = choose_text(mission_id, kind, person_languages(person))
            filled = values(language) if callable(values) else values
            blocked = "" if phone.sms_consent else _("No SMS consent recorded for this number.")
            messages.append(message_queue(
                channel=Channel.SMS, recipient=number, kind=kind, mission_id=mission_id,
                body=render(text, filled), language=language, language_wanted=wanted, case_id=case_id,
                person_id=person.pk, dedupe_key=f"{kind}:{cause}", blocked=blocked))
    return messages


def editor_rows(mission_id: int) -> list[dict]:
    """Per kind and language: the mission's own text, the default, or none — for the template editor's grid."""
    own = {(t.kind, t.language): t for t in SmsTemplate.objects.filter(mission_id=mission_id)}
    return [{"kind": kind, "label": label,
             "cells": [{"language": lang, "own": own.get((kind, lang)),
                        "default": lang in DEFAULTS.get(kind, {})} for lang in LANGUAGES]}
            for kind, label in SmsKind.choices]
