"""The demo's appointments, played through the real services (``cases.appointments``) on a clock set to the moment
each step happened, like the journeys: the demo counsellors' coming days planned a few days ago (one moved to a new
time, one by phone), and the weeks before held or missed (one cancelled). Each step writes what use would leave:
history, audit rows and the migrant's SMS (blocked where the demo recorded no consent)."""

import datetime
import random
import zoneinfo

from passage.accounts.models import User
from passage.cases import appointments as services
from passage.cases.enums import AppointmentPlace, AppointmentPurpose, CaseStatus
from passage.cases.models import Case
from passage.core.errors import ServiceError

from .movements import _clock

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
S = CaseStatus
PURPOSE = {S.CONTACT: AppointmentPurpose.INTAKE, S.APPLICATION: AppointmentPurpose.COUNSELLING,
           S.ELIGIBILITY: AppointmentPurpose.COUNSELLING, S.PREPARATION: AppointmentPurpose.DOCUMENTS,
           S.ON_HOLD: AppointmentPurpose.COUNSELLING, S.READY_TO_DEPART: AppointmentPurpose.DEPARTURE_BRIEFING}
# The counsellors whose agendas the demo fills: the demo login first, then colleagues.
COUNSELLORS = ["counsellor", "counsellor02", "counsellor03", "counsellor04"]
SLOTS = ["09:00", "09:30", "10:00", "10:30", "11:00", "13:00", "13:30", "14:00", "14:30", "15:30"]
MISSED_NOTES = ["Did not come; the reception centre says the bus was late.", "Did not come, not reachable by phone.",
                "Came an hour late; a new appointment was made."]


def _working_days(start: datetime.date, n: int, step: int) -> list[datetime.date]:
    days, day = [], start
    while len(days) < n:
        day += datetime.timedelta(days=step)
        if day.weekday() < 5:
            days.append(day)
    return days


def _at(day: datetime.date, hhmm: str) -> datetime.datetime:
    hh, mm = map(int, hhmm.split(":"))
    return datetime.datetime(day.year, day.month, day.day, hh, mm, tzinfo=AMS)


class _Agenda:
    def __init__(self, rng: random.Random, now: datetime.datetime):
        self.rng, self.now, self.made, self.taken = rng, now, 0, set()

    def slot(self, counsellor, days) -> datetime.datetime | None:
        for _ in range(20):
            moment = _at(self.rng.choice(days), self.rng.choice(SLOTS))
            if (counsellor.pk, moment) not in self.taken:
                self.taken.add((counsellor.pk, moment))
                return moment
        return None

    def call(self, moment, service, **kwargs):
        if moment >= self.now:
            raise ValueError(f"a demo step at {moment} would lie in the future")
        with _clock(moment):
            return service(**kwargs)

    def plan(self, case: Case, starts: datetime.datetime, planned_at: datetime.datetime, *, place=None):
        place = place or AppointmentPlace.WORK_POST
        purpose = PURPOSE.get(case.status, AppointmentPurpose.COUNSELLING)
        principal = case.members.get(relationship="principal").person
        spoken = [lang for lang in principal.languages.all() if lang.code not in ("nl", "en")]
        try:
            appointment = self.call(
                planned_at, services.appointment_plan, actor=case.counsellor, case=case, starts_at=starts,
                duration_minutes=90 if purpose == AppointmentPurpose.INTAKE else 60, purpose=purpose, place=place,
                work_post=case.work_post if place == AppointmentPlace.WORK_POST else None,
                interpreter_language=spoken[0] if spoken else None,
                bring_documents=purpose in (AppointmentPurpose.INTAKE, AppointmentPurpose.DOCUMENTS))
        except ServiceError:  # the counsellor does not work at the case's work post: no appointment
            return None
        self.made += 1
        return appointment


def load_appointments(*, rng: random.Random) -> int:
    """Plan and play the demo's appointments; returns how many were made."""
    from django.utils import timezone

    now = timezone.now()
    today = now.astimezone(AMS).date()
    agenda = _Agenda(rng, now)
    coming, past = _working_days(today, 8, 1), _working_days(today, 15, -1)
    for username in COUNSELLORS:
        counsellor = User.objects.filter(username=username).first()
        if counsellor is None:
            continue
        cases = list(Case.objects.filter(counsellor=counsellor, status__in=list(PURPOSE))
                     .select_related("work_post", "mission__airport", "counsellor").order_by("pk")[:8])
        for i, case in enumerate(cases):
            opened = datetime.datetime.combine(case.contact_on, datetime.time(17), tzinfo=AMS)
            # Weeks before: held, or missed; the first counsellor's second case had one cancelled.
            days = [d for d in past if _at(d, "09:00") > opened + datetime.timedelta(days=3)]
            if days and (starts := agenda.slot(counsellor, days)):
                planned_at = max(opened, starts - datetime.timedelta(days=rng.randint(3, 9)))
                appointment = agenda.plan(case, starts, planned_at)
                if appointment is not None and i == 1:
                    agenda.call(starts - datetime.timedelta(hours=20), services.appointment_cancel,
                                actor=counsellor, appointment=appointment, version=appointment.version,
                                reason="The migrant was transferred to another reception centre that day.")
                elif appointment is not None:
                    missed = i % 4 == 3
                    agenda.call(appointment.ends_at + datetime.timedelta(minutes=15),
                                services.appointment_record_outcome, actor=counsellor, appointment=appointment,
                                version=appointment.version, outcome="missed" if missed else "held",
                                note=MISSED_NOTES[i % len(MISSED_NOTES)] if missed else "")
            # The coming days: planned a few days ago; one by phone, one moved to a new time yesterday.
            if not (starts := agenda.slot(counsellor, coming)):
                continue
            planned_at = max(opened + datetime.timedelta(hours=1),
                             now - datetime.timedelta(days=rng.randint(2, 5), hours=rng.randint(0, 6)))
            if planned_at >= now:
                continue
            place = AppointmentPlace.PHONE if i == 2 else AppointmentPlace.WORK_POST
            appointment = agenda.plan(case, starts, planned_at, place=place)
            if appointment is not None and i == 0 and (new := agenda.slot(counsellor, coming)):
                moved_at = min(now - datetime.timedelta(minutes=30), planned_at + datetime.timedelta(days=1))
                if moved_at > planned_at:
                    try:
                        agenda.call(moved_at, services.appointment_reschedule, actor=counsellor,
                                    appointment=appointment, version=appointment.version, starts_at=new,
                                    duration_minutes=appointment.duration_minutes, place=appointment.place,
                                    work_post=appointment.work_post, reason="The migrant has a doctor's appointment.")
                    except ServiceError:
                        pass
    return agenda.made
