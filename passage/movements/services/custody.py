"""The custody log of travel documents the organisation holds: received, stored or moved, handed over.

A document is in our custody from a receipt until a hand-over. It cannot be handed over when it is not in our
custody (in particular: not twice), nor received while it is. Every event is one row and one audit row, and
``TravelDocument.custody`` follows the latest event in the same transaction.
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.cases.models import Case
from passage.cases.selectors import cases_visible_to
from passage.core.errors import ServiceError
from passage.people.enums import Custody
from passage.people.models import TravelDocument
from passage.reference.models import PartnerLocation

from ..enums import HANDED_TO, RECEIVED_FROM, CustodyEventKind, CustodyParty
from ..models import CustodyEvent
from ._base import _check_lengths, _refuse, _require

K = CustodyEventKind
P = CustodyParty

# Where a hand-over leaves the document.
_CUSTODY_AFTER_HAND_OVER = {
    P.PASSENGER_AT_GATE: Custody.HANDED_OVER,
    P.HOLDER: Custody.WITH_HOLDER,
    P.EMBASSY: Custody.WITH_AUTHORITY,
    P.POLICE: Custody.WITH_AUTHORITY,
}


def _document_not_found() -> ServiceError:
    return ServiceError(_("This document does not exist or you may not see it."))


def lock_document(actor, document: TravelDocument | int) -> tuple[Case, TravelDocument]:
    """The document, locked after the case it belongs to, if the actor sees that case."""
    pk = getattr(document, "pk", document)
    person_id = TravelDocument.objects.filter(pk=pk).values_list("person_id", flat=True).first()
    if person_id is None:
        raise _document_not_found()
    case = cases_visible_to(actor).filter(members__person_id=person_id).order_by("pk").select_for_update().first()
    if case is None:
        raise _document_not_found()
    return case, TravelDocument.objects.select_for_update().get(pk=pk)


def latest_event(document_id: int) -> CustodyEvent | None:
    return CustodyEvent.objects.filter(document_id=document_id).order_by("-id").first()


def _when(at: datetime.datetime | None, latest: CustodyEvent | None, errors: dict, now) -> datetime.datetime:
    if at is None:
        return now
    if timezone.is_naive(at) or at > now:
        errors["at"] = _("Give when it happened; it cannot be in the future.")
    elif latest is not None and at < latest.at:
        errors["at"] = _("The document's previous custody event was on %(date)s: this one cannot be earlier.") % {
            "date": timezone.localtime(latest.at).strftime("%Y-%m-%d %H:%M")}
    return at


def _party_checks(party: str, party_name: str, location, allowed, errors: dict) -> None:
    if party not in allowed:
        errors["party"] = _("Choose from whom or to whom: %(choices)s.") % {
            "choices": ", ".join(str(P(p).label) for p in P.values if p in allowed)}
        return
    if party == P.PARTNER_LOCATION and location is None:
        errors["location"] = _("Choose the partner location.")
    if party in (P.EMBASSY, P.POLICE) and not party_name:
        errors["party_name"] = _("Give the name of the embassy, the authority or the officer.")


def _write(*, actor, case: Case, document: TravelDocument, kind: str, custody: str, held_at: str, at, now,
           party: str = "", party_name: str = "", location: PartnerLocation | None = None, note: str = "",
           passenger=None, desk_event=None, undoes: CustodyEvent | None = None) -> CustodyEvent:
    """Append one event to a locked document's log, keep ``TravelDocument.custody`` in step, audit it."""
    event = CustodyEvent.objects.create(
        document=document, mission_id=document.mission_id, kind=kind, party=party, party_name=party_name,
        location=location, held_at=held_at, custody=custody, passenger=passenger, desk_event=desk_event,
        undoes=undoes, note=note, at=at, recorded_by=actor, recorded_at=now)
    before = document.custody
    if before != custody:
        document.custody = custody
        document.version = F("version") + 1
        document.save(update_fields=["custody", "version"])
        document.refresh_from_db(fields=["version"])
    audit_record(actor=actor, action=AuditAction.CREATE, obj=event, case_id=case.pk, mission_id=case.mission_id,
                 person_id=document.person_id, summary=f"document custody: {kind}",
                 changes={"custody": [before, custody], "party": [None, party or None],
                          "held_at": [None, held_at or None]})
    return event


def _refuse_hand_over(latest: CustodyEvent | None) -> None:
    if latest is not None and latest.kind in (K.HANDED_OVER,):
        raise ServiceError(_("This document was already handed over (to %(whom)s on %(date)s): it cannot be "
                             "handed over again.") % {"whom": P(latest.party).label,
                                                      "date": timezone.localtime(latest.at).strftime("%Y-%m-%d %H:%M")})
    if latest is None or latest.custody != Custody.WITH_ORGANISATION:
        raise ServiceError(_("This document is not in our custody: record its receipt first."))


def hand_over_locked(*, actor, case: Case, document: TravelDocument, party: str, at, now, party_name: str = "",
                     note: str = "", passenger=None, desk_event=None) -> CustodyEvent:
    """A hand-over of a document already locked by the caller (the desk hands over at the gate)."""
    latest = latest_event(document.pk)
    _refuse_hand_over(latest)
    return _write(actor=actor, case=case, document=document, kind=K.HANDED_OVER,
                  custody=_CUSTODY_AFTER_HAND_OVER[party], held_at="", at=at, now=now, party=party,
                  party_name=party_name, note=note, passenger=passenger, desk_event=desk_event)


def undo_hand_over_locked(*, actor, case: Case, document: TravelDocument, event: CustodyEvent, now,
                          desk_event=None) -> CustodyEvent:
    """Back into our custody, where it was before ``event`` (the desk undid a gate hand-over)."""
    latest = latest_event(document.pk)
    if latest is None or latest.pk != event.pk:
        raise ServiceError(_("The document's custody changed after this hand-over: it cannot be undone here."))
    before = CustodyEvent.objects.filter(document_id=document.pk, id__lt=event.pk).order_by("-id").first()
    return _write(actor=actor, case=case, document=document, kind=K.UNDONE, custody=Custody.WITH_ORGANISATION,
                  held_at=before.held_at if before else "", at=now, now=now, undoes=event, desk_event=desk_event)


@transaction.atomic
def document_receive(
    *,
    actor,
    document: TravelDocument | int,
    party: str,
    held_at: str,
    party_name: str = "",
    location: PartnerLocation | None = None,
    at: datetime.datetime | None = None,
    note: str = "",
) -> CustodyEvent:
    """The organisation receives a document (from the holder, a partner location, an embassy, the police, by
    post) and stores it at ``held_at`` (the office safe, a named location). Refused while it is already in our
    custody: a document is received once between hand-overs."""
    _require(actor, Action.CUSTODY_RECORD)
    case, doc = lock_document(actor, document)
    now = timezone.now()
    latest = latest_event(doc.pk)
    if latest is not None and latest.custody == Custody.WITH_ORGANISATION:
        raise ServiceError(_("This document is already in our custody (since %(date)s, at %(where)s): it cannot "
                             "be received again before it is handed over.") % {
            "date": timezone.localtime(latest.at).strftime("%Y-%m-%d %H:%M"), "where": latest.held_at})
    errors: dict = {}
    party_name, held_at, note = (party_name or "").strip(), (held_at or "").strip(), (note or "").strip()
    _party_checks(party, party_name, location, RECEIVED_FROM, errors)
    if not held_at:
        errors["held_at"] = _("Say where the document is kept: the office safe or a named location.")
    _check_lengths(CustodyEvent, errors, party_name=party_name, held_at=held_at, note=note)
    at = _when(at, latest, errors, now)
    _refuse(errors)
    return _write(actor=actor, case=case, document=doc, kind=K.RECEIVED, custody=Custody.WITH_ORGANISATION,
                  held_at=held_at, at=at, now=now, party=party, party_name=party_name,
                  location=location if party == P.PARTNER_LOCATION else None, note=note)


@transaction.atomic
def document_store(*, actor, document: TravelDocument | int, held_at: str, at: datetime.datetime | None = None,
                   note: str = "") -> CustodyEvent:
    """A document in our custody moves to another place (the airport desk's safe for the day of departure)."""
    _require(actor, Action.CUSTODY_RECORD)
    case, doc = lock_document(actor, document)
    now = timezone.now()
    latest = latest_event(doc.pk)
    if latest is None or latest.custody != Custody.WITH_ORGANISATION:
        raise ServiceError(_("This document is not in our custody: record its receipt first."))
    errors: dict = {}
    held_at, note = (held_at or "").strip(), (note or "").strip()
    if not held_at:
        errors["held_at"] = _("Say where the document is kept: the office safe or a named location.")
    elif held_at == latest.held_at:
        errors["held_at"] = _("The document is already kept there.")
    _check_lengths(CustodyEvent, errors, held_at=held_at, note=note)
    at = _when(at, latest, errors, now)
    _refuse(errors)
    return _write(actor=actor, case=case, document=doc, kind=K.STORED, custody=Custody.WITH_ORGANISATION,
                  held_at=held_at, at=at, now=now, note=note)


@transaction.atomic
def document_hand_over(
    *,
    actor,
    document: TravelDocument | int,
    party: str,
    party_name: str = "",
    at: datetime.datetime | None = None,
    note: str = "",
) -> CustodyEvent:
    """The document leaves our custody: to the passenger at the gate, back to the holder, to the police or an
    embassy. Refused when it is not in our custody, with who has it since when if it was handed over already."""
    _require(actor, Action.CUSTODY_RECORD)
    case, doc = lock_document(actor, document)
    now = timezone.now()
    latest = latest_event(doc.pk)
    _refuse_hand_over(latest)
    errors: dict = {}
    party_name, note = (party_name or "").strip(), (note or "").strip()
    _party_checks(party, party_name, None, HANDED_TO, errors)
    _check_lengths(CustodyEvent, errors, party_name=party_name, note=note)
    at = _when(at, latest, errors, now)
    _refuse(errors)
    return hand_over_locked(actor=actor, case=case, document=doc, party=party, party_name=party_name, at=at,
                            now=now, note=note)
