"""Writes of the partner API: tokens (made and revoked by a mission's administrators), the per-token rate limit,
and a partner's referral. Each is one transaction with its audit rows. docs/decisions/0015."""

import datetime
import hashlib
import json
import math
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Case as CaseWhen
from django.db.models import F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action, user_can
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.cases.services import case_refer
from passage.core.errors import ServiceError
from passage.people import services as people
from passage.people.enums import IdentifierKind, ResidenceKind

from .enums import TokenScope, scopes_for_kind
from .models import PartnerToken, Referral

TOKEN_PREFIX = "psg_"
MAX_RATE_PER_MINUTE = 6000


def _require(actor, action: Action) -> None:
    if not user_can(actor, action):
        raise ServiceError(_("You are not allowed to do this."))


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- tokens ----------------------------------------------------------------------------------------------------


@transaction.atomic
def token_create(*, actor, organisation, name: str, scopes: list[str], rate_limit_per_minute: int = 60,
                 intake_work_post=None, intake_counsellor=None, locations=()) -> tuple[PartnerToken, str]:
    """Make a token for ``organisation`` in the actor's mission; returns it and its secret, which is shown once
    and never stored (only its SHA-256). Refused, per field: no name, a scope the organisation's kind may not
    hold, a rate outside 1–6000 a minute, a location of another organisation, and for a token that refers, no work post of the mission or a
    counsellor who cannot open cases there. Side effect: a CREATE audit row."""
    _require(actor, Action.STAFF_MANAGE)
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the token a name (what or who uses it).")
    elif len(name) > PartnerToken._meta.get_field("name").max_length:
        errors["name"] = _("At most %(n)s characters.") % {"n": PartnerToken._meta.get_field("name").max_length}
    if not organisation.active:
        errors["organisation"] = _("This organisation is no longer active.")
    allowed = scopes_for_kind(organisation.kind)
    scopes = sorted(set(scopes))
    if not scopes:
        errors["scopes"] = _("Choose at least one scope.")
    elif refused := [s for s in scopes if s not in allowed]:
        errors["scopes"] = _("A %(kind)s cannot hold: %(scopes)s.") % {
            "kind": organisation.get_kind_display(), "scopes": ", ".join(str(TokenScope(s).label) for s in refused)}
    if not 1 <= rate_limit_per_minute <= MAX_RATE_PER_MINUTE:
        errors["rate_limit_per_minute"] = _("Between 1 and %(n)s requests a minute.") % {"n": MAX_RATE_PER_MINUTE}
    locations = list(locations)
    if foreign := [str(loc) for loc in locations if loc.organisation_id != organisation.pk]:
        errors["locations"] = _("Not a location of %(organisation)s: %(locations)s.") % {
            "organisation": organisation.name, "locations": ", ".join(foreign)}
    if TokenScope.REFERRALS_WRITE in scopes:
        if intake_work_post is None or intake_work_post.mission_id != actor.mission_id or not intake_work_post.active:
            errors["intake_work_post"] = _("Choose the work post of your mission where referred cases are opened.")
        elif (intake_counsellor is None or intake_counsellor.mission_id != actor.mission_id
              or not user_can(intake_counsellor, Action.CASE_CREATE)
              or not intake_counsellor.work_posts.filter(pk=intake_work_post.pk).exists()):
            errors["intake_counsellor"] = _("Choose a counsellor who works at that work post.")
    else:
        intake_work_post = intake_counsellor = None
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PartnerToken.objects.create(
        mission_id=actor.mission_id, organisation=organisation, name=name, prefix=secret[:12],
        secret_hash=secret_hash(secret), scopes=scopes, rate_limit_per_minute=rate_limit_per_minute,
        intake_work_post=intake_work_post, intake_counsellor=intake_counsellor, created_at=timezone.now(),
        created_by=actor)
    token.locations.set(locations)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=token, mission_id=actor.mission_id,
                 summary=f"created API token {token.prefix}… for {organisation.name}",
                 changes={"scopes": [None, scopes], "rate_limit_per_minute": [None, rate_limit_per_minute],
                          "locations": [None, sorted(loc.pk for loc in locations)]})
    return token, secret


@transaction.atomic
def token_revoke(*, actor, token: PartnerToken) -> PartnerToken:
    """Refuse the token from now on (the next request with it is 401); kept for the trail. Audited."""
    _require(actor, Action.STAFF_MANAGE)
    locked = PartnerToken.objects.select_for_update().select_related("organisation").get(pk=token.pk)
    if locked.mission_id != actor.mission_id:
        raise ServiceError(_("You are not allowed to do this."))
    if locked.revoked_at is not None:
        raise ServiceError(_("This token was already revoked."))
    locked.revoked_at, locked.revoked_by = timezone.now(), actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(actor=actor, action=AuditAction.REVOKE, obj=locked, mission_id=locked.mission_id,
                 summary=f"revoked API token {locked.prefix}… of {locked.organisation.name}")
    return locked


def token_authenticate(secret: str) -> PartnerToken | None:
    """The live token with this secret (of an active organisation), or None: unknown and revoked alike."""
    if not secret or len(secret) > 200:
        return None
    return (PartnerToken.objects.select_related("organisation", "mission")
            .filter(secret_hash=secret_hash(secret), revoked_at__isnull=True, organisation__active=True).first())


def rate_limit_take(token: PartnerToken, now: datetime.datetime | None = None) -> int | None:
    """Count one request in the token's fixed one-minute window (one UPDATE of its row, so concurrent requests
    in any process count exactly) and stamp ``last_used_at``. Returns None within the limit, else the seconds
    until the window ends (for Retry-After)."""
    now = now or timezone.now()
    window = now.replace(second=0, microsecond=0)
    with transaction.atomic():
        PartnerToken.objects.filter(pk=token.pk).update(
            window_count=CaseWhen(When(window_start=window, then=F("window_count") + 1), default=Value(1)),
            window_start=window, last_used_at=now)
        count = PartnerToken.objects.filter(pk=token.pk).values_list("window_count", flat=True).get()
    if count <= token.rate_limit_per_minute:
        return None
    return max(1, math.ceil((window + datetime.timedelta(minutes=1) - now).total_seconds()))


# --- referrals -------------------------------------------------------------------------------------------------


class IdempotencyKeyReused(ServiceError):
    """The key came before with another request body."""


def request_hash(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def referral_body(referral: Referral) -> dict:
    """What the partner reads of one of its referrals: ids, the case's status and when it got there."""
    case = referral.case
    return {"id": referral.pk, "case_id": case.pk, "case_number": case.number, "person_id": referral.person_id,
            "status": case.status, "status_since": case.status_changed_at.isoformat(),
            "referred_at": referral.created_at.isoformat(),
            "closed_on": case.closed_on.isoformat() if case.closed_on else None}


def _claim(token: PartnerToken, key: str, digest: str) -> tuple[Referral, bool]:
    """The referral row for this key: ours, new (True), or the one an earlier request made (False). Two requests
    at once with one key: the second's insert waits on the unique index until the first commits, then fails
    and reads the first's row."""
    try:
        with transaction.atomic():
            return Referral.objects.create(mission_id=token.mission_id, organisation_id=token.organisation_id,
                                           token=token, idempotency_key=key, request_hash=digest,
                                           created_at=timezone.now()), True
    except IntegrityError:
        return Referral.objects.select_related("case").get(
            mission_id=token.mission_id, organisation_id=token.organisation_id, idempotency_key=key), False


def _stage(prefix: str, error: ServiceError, rename: dict | None = None) -> ServiceError:
    rename = rename or {}
    fields = {f"{prefix}.{rename.get(k, k)}": v for k, v in error.field_errors.items()} or {prefix: error.message}
    return ServiceError(error.message, field_errors=fields)


@transaction.atomic
def referral_create(*, token: PartnerToken, idempotency_key: str, payload: dict, residence_location=None,
                    preferred_language=None) -> tuple[int, dict, bool]:
    """A partner refers a person: the person is registered (with the mobile number, without SMS consent — the
    counsellor records that with the migrant — and the foreigner's number) and a case opened in "contact" at
    the token's intake work post (``cases.services.case_refer``), all or nothing. Returns the answer's status,
    body and whether it is a replay: the same key again with the same body gets the first answer and makes
    nothing; with another body it is refused (``IdempotencyKeyReused``).

    Side effects: the person's, phone's, identifier's and case's own rows and audit rows; the referral row; a
    CREATE audit row naming the organisation and token (a replay: a READ row)."""
    if TokenScope.REFERRALS_WRITE not in token.scopes or token.intake_work_post_id is None:
        raise LookupError("the token may not refer")
    digest = request_hash(payload)
    referral, claimed = _claim(token, idempotency_key, digest)
    if not claimed:
        if referral.request_hash != digest:
            raise IdempotencyKeyReused(_("This Idempotency-Key was used before with another request body: use a "
                                         "new key for a new referral, or send the first request's body again."),
                                       field_errors={"Idempotency-Key": _("Used before with another body.")})
        audit_record(actor=None, action=AuditAction.READ, obj=referral, case_id=referral.case_id,
                     person_id=referral.person_id, mission_id=token.mission_id,
                     summary=f"API {token.label()}: repeated referral request, first answer replayed")
        return referral.response_status, referral.response_body, True
    person_data = payload["person"]
    try:
        person = people.person_register(
            actor=None, mission=token.mission, family_name=person_data["family_name"],
            given_names=person_data.get("given_names") or "", known_as=person_data.get("known_as") or "",
            sex=person_data["sex"], birth_year=person_data.get("birth_year"),
            birth_month=person_data.get("birth_month"), birth_day=person_data.get("birth_day"),
            nationalities=person_data.get("nationalities") or [],
            country_of_birth=person_data.get("country_of_birth") or "", preferred_language=preferred_language,
            residence_kind=ResidenceKind.PARTNER_LOCATION if residence_location else ResidenceKind.UNKNOWN,
            residence_location=residence_location)
    except ServiceError as exc:
        raise _stage("person", exc, {"residence_location": "residence_location_id"}) from exc
    if person_data.get("mobile"):
        try:
            people.phone_add(actor=None, person=person, number=person_data["mobile"], sms_consent=False)
        except ServiceError as exc:
            raise _stage("person", exc, {"number": "mobile"}) from exc
    if person_data.get("foreigner_number"):
        try:
            people.identifier_add(actor=None, person=person, kind=IdentifierKind.FOREIGNER_NUMBER,
                                  value=person_data["foreigner_number"])
        except ServiceError as exc:
            raise _stage("person", exc, {"value": "foreigner_number"}) from exc
    case = case_refer(partner=token.organisation, principal=person, work_post=token.intake_work_post,
                      counsellor=token.intake_counsellor, via=f"partner API token {token.prefix}…",
                      intended_destination=payload.get("intended_destination") or "")
    referral.case, referral.person = case, person
    body = referral_body(referral)
    referral.response_status, referral.response_body = 201, body
    referral.save(update_fields=["case", "person", "response_status", "response_body"])
    audit_record(actor=None, action=AuditAction.CREATE, obj=referral, case_id=case.pk, person_id=person.pk,
                 mission_id=token.mission_id, summary=f"API {token.label()}: referred a person, case {case.number}",
                 changes={"idempotency_key": [None, idempotency_key]})
    return 201, body, False
