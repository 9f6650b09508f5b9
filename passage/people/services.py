"""Writes on persons. Each function is one transaction with its audit rows."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.audit.enums import AuditAction
from passage.audit.services import audit_record, diff_fields
from passage.core.errors import ConcurrentEditError, ServiceError

from . import validation
from .enums import NameKind, ResidenceKind
from .models import Identifier, Nationality, Person, PersonName, Phone, TravelDocument
from .names import name_tokens, phonetic_key, search_key

PERSON_FIELDS = [
    "family_name", "given_names", "known_as", "sex", "birth_year", "birth_month", "birth_day",
    "country_of_birth", "preferred_language_id", "residence_kind", "residence_location_id", "residence_address",
]


def _check_person_fields(data: dict) -> None:
    errors = {}
    if not (data.get("family_name") or "").strip():
        errors["family_name"] = _("Give the family name (as on documents, or as known if there is no document).")
    errors.update(validation.validate_birth(data.get("birth_year"), data.get("birth_month"), data.get("birth_day")))
    kind = data.get("residence_kind")
    if kind == ResidenceKind.PARTNER_LOCATION and not data.get("residence_location_id"):
        errors["residence_location"] = _("Choose the centre where the person lives.")
    if kind == ResidenceKind.PRIVATE_ADDRESS and not (data.get("residence_address") or "").strip():
        errors["residence_address"] = _("Give the private address.")
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)


def case_name_tokens_refresh(*, case_ids: Iterable[int] = (), person_ids: Iterable[int] = ()) -> None:
    """Rewrite the case search's name tokens (cases.CaseNameToken) of these cases and of every case these persons
    are members of, from the names of the members as they are now. Every write of names or of case memberships
    calls this in the same transaction, so the search never misses a name. (The table belongs to cases; it is
    reached through the app registry, as person_merge reaches case rows, so people does not import cases.)"""
    from django.apps import apps

    CaseMember = apps.get_model("cases", "CaseMember")
    CaseNameToken = apps.get_model("cases", "CaseNameToken")
    ids = set(case_ids)
    person_ids = list(person_ids)
    for start in range(0, len(person_ids), 500):
        ids.update(CaseMember.objects.filter(person_id__in=person_ids[start:start + 500]).values_list("case_id", flat=True))
    ids = sorted(ids)
    for start in range(0, len(ids), 500):  # bounded IN lists (the demo refreshes every case at once)
        chunk = ids[start:start + 500]
        names: dict[int, list[tuple[str, str]]] = defaultdict(list)
        cases: dict[int, tuple[int, int]] = {}
        for case_id, mission_id, work_post_id, given, family in CaseMember.objects.filter(case_id__in=chunk).values_list(
                "case_id", "case__mission_id", "case__work_post_id", "person__names__given_names",
                "person__names__family_name"):
            cases[case_id] = (mission_id, work_post_id)
            if given is not None or family is not None:
                names[case_id].append((given or "", family or ""))
        CaseNameToken.objects.filter(case_id__in=chunk).delete()
        CaseNameToken.objects.bulk_create(
            [CaseNameToken(case_id=case_id, mission_id=cases[case_id][0], work_post_id=cases[case_id][1], token=token)
             for case_id, pairs in names.items() for token in sorted(name_tokens(*pairs))],
            batch_size=1000,
        )


def _write_name(person: Person, kind: str, family_name: str, given_names: str) -> PersonName:
    name = PersonName.objects.create(
        person=person,
        mission_id=person.mission_id,
        kind=kind,
        family_name=family_name,
        given_names=given_names,
        search_key=search_key(given_names, family_name),
        phonetic_key=phonetic_key(given_names, family_name),
    )
    case_name_tokens_refresh(person_ids=[person.pk])
    return name


@transaction.atomic
def person_register(
    *,
    actor,
    mission,
    family_name: str,
    given_names: str = "",
    sex: str,
    birth_year: int | None = None,
    birth_month: int | None = None,
    birth_day: int | None = None,
    nationalities: list[str] = (),
    known_as: str = "",
    country_of_birth: str = "",
    preferred_language=None,
    residence_kind: str = ResidenceKind.UNKNOWN,
    residence_location=None,
    residence_address: str = "",
) -> Person:
    """Create a person with the name as on documents as a searchable name. Audited."""
    data = {
        "family_name": family_name.strip(), "given_names": given_names.strip(), "known_as": known_as.strip(),
        "sex": sex, "birth_year": birth_year, "birth_month": birth_month, "birth_day": birth_day,
        "country_of_birth": country_of_birth or "",
        "preferred_language_id": getattr(preferred_language, "pk", preferred_language),
        "residence_kind": residence_kind,
        "residence_location_id": getattr(residence_location, "pk", residence_location),
        "residence_address": residence_address.strip(),
    }
    _check_person_fields(data)
    person = Person.objects.create(mission=mission, created_by=actor, **data)
    _write_name(person, NameKind.DOCUMENT, person.family_name, person.given_names)
    if person.known_as:
        _write_name(person, NameKind.KNOWN, "", person.known_as)
    for code in dict.fromkeys(nationalities):
        Nationality.objects.create(person=person, mission_id=person.mission_id, country=code)
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=person, person_id=person.pk, mission_id=mission.pk,
        summary=f"registered person {person.pk}",
        changes={k: [None, str(v) if v is not None else None] for k, v in data.items() if v not in (None, "")},
    )
    return person


@transaction.atomic
def person_update(*, actor, person: Person, version: int, nationalities: list[str] | None = None, **fields) -> Person:
    """Change a person's details if nobody saved in between (``version``); audited with the changed fields."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.version != version:
        raise ConcurrentEditError()
    editable = {}
    for name, value in fields.items():  # accept preferred_language=<Language> as well as preferred_language_id
        if name not in PERSON_FIELDS and f"{name}_id" in PERSON_FIELDS:
            name, value = f"{name}_id", getattr(value, "pk", value)
        if name not in PERSON_FIELDS:
            raise TypeError(f"not an editable field: {name}")
        editable[name] = value
    before = {name: getattr(locked, name) for name in PERSON_FIELDS}
    after = {**before, **editable}
    after["family_name"] = (after["family_name"] or "").strip()
    _check_person_fields(after)
    changes = diff_fields(before, after)
    if nationalities is not None:
        old = sorted(locked.nationalities.values_list("country", flat=True))
        new = sorted(dict.fromkeys(nationalities))
        if old != new:
            locked.nationalities.exclude(country__in=new).delete()
            for code in set(new) - set(old):
                Nationality.objects.create(person=locked, mission_id=locked.mission_id, country=code)
            changes["nationalities"] = [",".join(old), ",".join(new)]
    if not changes:
        return locked
    for name, value in after.items():
        setattr(locked, name, value)
    locked.version = F("version") + 1
    locked.save(update_fields=[*after.keys(), "version", "updated_at"])
    if "family_name" in changes or "given_names" in changes:
        locked.names.filter(kind=NameKind.DOCUMENT).update(
            family_name=after["family_name"], given_names=after["given_names"],
            search_key=search_key(after["given_names"], after["family_name"]),
            phonetic_key=phonetic_key(after["given_names"], after["family_name"]),
        )
        case_name_tokens_refresh(person_ids=[locked.pk])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, person_id=locked.pk,
                 mission_id=locked.mission_id, summary="changed person", changes=changes)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def person_name_add(*, actor, person: Person, kind: str, family_name: str, given_names: str = "") -> PersonName:
    if not (family_name or given_names).strip():
        raise ServiceError(_("Give a name."), field_errors={"family_name": _("Give a name.")})
    name = _write_name(person, kind, family_name.strip(), given_names.strip())
    audit_record(actor=actor, action=AuditAction.CREATE, obj=name, person_id=person.pk, mission_id=person.mission_id,
                 summary=f"added name ({kind})")
    return name


@transaction.atomic
def phone_add(*, actor, person: Person, number: str, sms_consent: bool) -> Phone:
    """Add a mobile number (validated, stored E.164) with the SMS consent as given."""
    e164, error = validation.normalise_mobile(number)
    if error:
        raise ServiceError(error, field_errors={"number": error})
    if person.phones.filter(number=e164).exists():
        raise ServiceError(_("This number is already recorded for this person."),
                           field_errors={"number": _("This number is already recorded for this person.")})
    phone = Phone.objects.create(
        person=person, mission_id=person.mission_id, number=e164, sms_consent=sms_consent,
        sms_consent_at=timezone.now() if sms_consent else None, sms_consent_by=actor if sms_consent else None,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=phone, person_id=person.pk, mission_id=person.mission_id,
                 summary="added phone number", changes={"sms_consent": [None, sms_consent]})
    return phone


@transaction.atomic
def identifier_add(*, actor, person: Person, kind: str, value: str) -> Identifier:
    value = (value or "").strip().replace(" ", "")
    error = validation.validate_identifier(kind, value)
    if error:
        raise ServiceError(error, field_errors={"value": error})
    other = Identifier.objects.filter(kind=kind, value=value).exclude(person=person).first()
    if other:
        msg = _("This number is already recorded for another person: check for a duplicate before going on.")
        raise ServiceError(msg, field_errors={"value": msg})
    identifier, _created = Identifier.objects.get_or_create(
        person=person, kind=kind, value=value, defaults={"mission_id": person.mission_id}
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=identifier, person_id=person.pk,
                 mission_id=person.mission_id, summary=f"added identifier ({kind})")
    return identifier


@transaction.atomic
def document_add(
    *,
    actor,
    person: Person,
    kind: str,
    status: str,
    issuing_country: str,
    number: str = "",
    issued_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    requested_on: datetime.date | None = None,
    mrz: str = "",
    custody: str = "with_holder",
) -> TravelDocument:
    """Record an identity or travel document; MRZ check digits and dates are validated per field."""
    errors = validation.validate_document(
        kind=kind, status=status, number=number, expires_on=expires_on, issued_on=issued_on, mrz=mrz
    )
    if not issuing_country:
        errors["issuing_country"] = _("Choose the issuing country.")
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)
    document = TravelDocument.objects.create(
        person=person, mission_id=person.mission_id, kind=kind, status=status, number=number.strip().upper(),
        number_key=validation.normalise_document_number(number), issuing_country=issuing_country,
        issued_on=issued_on, expires_on=expires_on, requested_on=requested_on,
        mrz=mrz.strip().upper(), custody=custody, created_by=actor,
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=document, person_id=person.pk, mission_id=person.mission_id,
        summary=f"added {kind} ({status})",
        changes={"number": [None, document.number], "expires_on": [None, str(expires_on) if expires_on else None]},
    )
    return document


@transaction.atomic
def document_update(*, actor, document: TravelDocument, version: int, **fields) -> TravelDocument:
    locked = TravelDocument.objects.select_for_update().get(pk=document.pk)
    if locked.version != version:
        raise ConcurrentEditError()
    names = ["kind", "status", "number", "issuing_country", "issued_on", "expires_on", "requested_on", "mrz", "custody"]
    before = {n: getattr(locked, n) for n in names}
    after = {**before, **{k: v for k, v in fields.items() if k in names}}
    errors = validation.validate_document(
        kind=after["kind"], status=after["status"], number=after["number"], expires_on=after["expires_on"],
        issued_on=after["issued_on"], mrz=after["mrz"],
    )
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)
    changes = diff_fields(before, after)
    if not changes:
        return locked
    for n, v in after.items():
        setattr(locked, n, v)
    locked.number_key = validation.normalise_document_number(after["number"])
    locked.version = F("version") + 1
    locked.save(update_fields=[*names, "number_key", "version"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, person_id=locked.person_id,
                 mission_id=locked.person.mission_id, summary="changed document", changes=changes)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def person_merge(*, actor, survivor: Person, duplicate: Person, reason: str) -> Person:
    """Merge ``duplicate`` into ``survivor``; nothing is deleted. Only staff with the merge right (supervisors).

    Side effects: the duplicate's names, nationalities, languages, phones,
    identifiers, documents, case memberships and assisted departures move to
    the survivor, and so do the case records that name the person
    (vulnerabilities, consents, guardians in the country of return,
    fit-to-travel statements, attachments), so the household's checklist still
    lines up; persons merged earlier into the duplicate now point at the
    survivor; the duplicate row stays with ``merged_into`` set so every earlier
    audit row and history still resolves; one MERGE audit row on each person.
    """
    from django.apps import apps

    from passage.accounts.permissions import Action, user_can

    if not user_can(actor, Action.PERSON_MERGE):
        raise ServiceError(_("You are not allowed to do this."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the merge."), field_errors={"reason": _("Give the reason for the merge.")})
    if survivor.pk == duplicate.pk:
        raise ServiceError(_("A person cannot be merged into themselves."))
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])}
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise ServiceError(_("One of these persons was already merged into another; merge into that person instead."))
    if survivor.mission_id != duplicate.mission_id:
        # Every row that moves keeps its mission column (sharding by mission): a merge stays inside one mission.
        raise ServiceError(_("These persons are registered with different missions and cannot be merged."))
    CaseMember = apps.get_model("cases", "CaseMember")
    if CaseMember.objects.filter(person=duplicate, case__members__person=survivor).exists():
        raise ServiceError(_("Both persons are members of the same case: remove one from that case first."))

    moved = {}
    existing_nats = set(survivor.nationalities.values_list("country", flat=True))
    duplicate.nationalities.filter(country__in=existing_nats).delete()
    moved["nationalities"] = duplicate.nationalities.update(person=survivor)
    moved["names"] = duplicate.names.update(person=survivor)
    survivor.languages.add(*duplicate.languages.all())
    existing_phones = set(survivor.phones.values_list("number", flat=True))
    duplicate.phones.filter(number__in=existing_phones).delete()
    moved["phones"] = duplicate.phones.update(person=survivor)
    existing_idents = set(survivor.identifiers.values_list("kind", "value"))
    for ident in duplicate.identifiers.all():
        if (ident.kind, ident.value) in existing_idents:
            ident.delete()
    moved["identifiers"] = duplicate.identifiers.update(person=survivor)
    moved["documents"] = duplicate.documents.update(person=survivor)
    moved["case_memberships"] = CaseMember.objects.filter(person=duplicate).update(person=survivor)
    case_name_tokens_refresh(person_ids=[survivor.pk])  # the survivor's cases now carry the duplicate's names too
    for label, model_name, field in (
        ("assisted_departures", "AssistedDeparture", "person"), ("vulnerabilities", "Vulnerability", "person"),
        ("consents", "Consent", "person"), ("return_guardians", "ReturnGuardian", "minor"),
        ("fit_to_travel", "FitToTravel", "person"), ("attachments", "Attachment", "person"),
    ):
        model = apps.get_model("cases", model_name)
        count = model.objects.filter(**{field: duplicate}).update(**{field: survivor})
        if count or label == "assisted_departures":
            moved[label] = count
    # Persons merged earlier into the duplicate now point at the survivor, so the chain stays one level deep.
    Person.objects.filter(merged_into=duplicate).update(merged_into=survivor)
    Person.objects.filter(pk=duplicate.pk).update(merged_into=survivor, version=F("version") + 1)
    Person.objects.filter(pk=survivor.pk).update(version=F("version") + 1)
    for person_id, summary in ((survivor.pk, f"merged person {duplicate.pk} into this person"),
                               (duplicate.pk, f"merged into person {survivor.pk}")):
        audit_record(actor=actor, action=AuditAction.MERGE, object_type="people.person", object_id=person_id,
                     person_id=person_id, mission_id=survivor.mission_id, summary=summary,
                     changes={"reason": [None, reason], "moved": [None, str(moved)]})
    survivor.refresh_from_db()
    return survivor


def person_ids_matching(person_ids) -> set[int]:
    """The persons that are the same person as these: merged records and strong matches (document, identifier).

    Followed to the end of the chain (A shares a passport with B, B a foreigner's number with C: all three),
    in a few queries per step; the steps are bounded so a pathological graph cannot run away.
    """
    ids = set(person_ids)
    frontier = set(ids)
    for _step in range(8):
        if not frontier:
            break
        found = set(Person.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
        found |= set(Person.objects.filter(pk__in=frontier, merged_into__isnull=False)
                     .values_list("merged_into_id", flat=True))
        docs = set(TravelDocument.objects.filter(person__in=frontier).exclude(number_key="")
                   .values_list("number_key", "issuing_country"))
        if docs:
            q = Q()
            for key, country in docs:
                q |= Q(number_key=key, issuing_country=country)
            found |= set(TravelDocument.objects.filter(q).values_list("person_id", flat=True))
        idents = set(Identifier.objects.filter(person__in=frontier).values_list("kind", "value"))
        if idents:
            q = Q()
            for kind, value in idents:
                q |= Q(kind=kind, value=value)
            found |= set(Identifier.objects.filter(q).values_list("person_id", flat=True))
        frontier = found - ids
        ids |= found
    return ids


__all__ = [
    "person_register", "person_update", "person_name_add", "phone_add", "identifier_add", "document_add",
    "document_update", "person_merge", "person_ids_matching",
]
