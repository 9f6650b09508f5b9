"""What an appointment's changes tell the migrant by SMS (``messaging.sms``), in the transaction of the change: the
appointment set, changed (a new time or place), cancelled. To the principal applicant's numbers, in their language;
only the date, the time on the mission's clock, where (a work post's name and public address, a visit's location,
or "by phone" / "by video call" in the message's language) and whether to bring documents — never a name, a legal
status or a programme. Once per cause (docs/decisions/0019)."""

from passage.messaging.enums import SmsKind
from passage.messaging.sms import sms_to_people
from passage.messaging.sms_texts import PHRASES
from passage.people.models import Person

from .enums import AppointmentPlace, Relationship
from .models import Appointment


def appointment_values(appointment: Appointment):
    """The placeholders of an appointment's SMS, as a function of the message's language."""
    local = appointment.starts_at.astimezone(appointment.mission.tzinfo)

    def values(language: str) -> dict:
        if appointment.place == AppointmentPlace.WORK_POST:
            place = appointment.work_post.public_place
        elif appointment.place == AppointmentPlace.VISIT:
            place = appointment.location
        else:
            phrases = PHRASES[appointment.place]
            place = phrases.get(language, phrases["en"])
        bring = ""
        if appointment.bring_documents:
            bring = PHRASES["bring_documents"].get(language, PHRASES["bring_documents"]["en"])
        return {"date": local.strftime("%d-%m-%Y"), "time": local.strftime("%H:%M"), "place": place, "bring": bring}

    return values


def _principals(case_id: int) -> list[Person]:
    return list(Person.objects.filter(memberships__case_id=case_id, memberships__relationship=Relationship.PRINCIPAL)
                .prefetch_related("phones", "languages"))


def _send(appointment: Appointment, kind: str, cause: str) -> list:
    return sms_to_people(_principals(appointment.case_id), kind, mission_id=appointment.mission_id,
                         case_id=appointment.case_id, values=appointment_values(appointment), cause=cause)


def appointment_set(appointment: Appointment) -> list:
    return _send(appointment, SmsKind.APPOINTMENT_SET, f"appointment:{appointment.pk}")


def appointment_changed(appointment: Appointment, change_id: int) -> list:
    """Once per change: a second new time sends a second SMS, a retried service none."""
    return _send(appointment, SmsKind.APPOINTMENT_CHANGED, f"appointment:{appointment.pk}:change:{change_id}")


def appointment_cancelled(appointment: Appointment) -> list:
    return _send(appointment, SmsKind.APPOINTMENT_CANCELLED, f"appointment:{appointment.pk}")
