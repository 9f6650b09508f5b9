"""The partner API (django-ninja): OpenAPI 3.1 at /api/openapi.json, its docs at /api/docs, operations under
/api/v1/. A partner calls it with its organisation's token (``Authorization: Bearer psg_…``); each operation
reaches only what the token's scope does (``selectors``), answers 404 for anything else, audits every read and
write in the transaction that makes it, and counts the request against the token's rate limit. docs/decisions/0015.
"""

import uuid
from typing import Annotated

from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.cases.enums import CaseStatus
from passage.core.errors import ServiceError
from passage.reference.models import Language, PartnerLocation

from . import selectors, services
from .enums import TokenScope
from .models import PartnerToken
from .schemas import DepartureList, ErrorOut, EventOut, ReferralIn, ReferralList, ReferralOut, Since


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class PartnerBearer(HttpBearer):
    """The token's secret after ``Bearer``; an unknown or revoked one is None (401). A known one is counted
    against its rate limit before anything else runs."""

    def authenticate(self, request, token: str) -> PartnerToken | None:
        found = services.token_authenticate(token.strip())
        if found is None:
            return None
        retry_after = services.rate_limit_take(found)
        if retry_after is not None:
            raise RateLimited(retry_after)
        return found


api = NinjaAPI(
    title="Passage partner API",
    version="1",
    description=("For the partners of a Passage mission: the national return service refers persons and follows "
                 "the cases it referred; a reception centre reads the departures of its residents and the details "
                 "behind the events it was told of by webhook or e-mail. Authenticate with your organisation's "
                 "token: `Authorization: Bearer psg_…`. Anything outside your token's scope answers 404."),
    auth=PartnerBearer(),
    urls_namespace="partner-api",
)

COMMON = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _error(request, status: int, detail: str, errors: list | None = None, headers: dict | None = None):
    response = api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return _error(request, 401, _("Give a valid token: Authorization: Bearer <token>."),
                  headers={"WWW-Authenticate": 'Bearer realm="passage"'})


@api.exception_handler(HttpError)
def _http_error(request, exc):
    if exc.status_code == 400:  # the body could not be parsed
        return _error(request, 400, _("The request body is not valid JSON."))
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    return _error(request, 429, _("Too many requests for this token: try again in %(n)s seconds.")
                  % {"n": exc.retry_after}, headers={"Retry-After": str(exc.retry_after)})


def _location(loc: tuple) -> str:
    # ("body", "payload", "person", "family_name") → "person.family_name"; ("query", "since") → "since"
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts and parts[0] in {"query", "path", "header"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = [{"field": _location(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    return _error(request, 422, _("The request is not valid: see the errors per field."), errors)


@api.exception_handler(ServiceError)
def _refused(request, exc):
    status = 422
    errors = [{"field": field, "message": str(message)} for field, message in exc.field_errors.items()]
    return _error(request, status, str(exc.message), errors)


def _read(token: PartnerToken, summary: str, *, obj=None, object_type="", object_id="", case_id=None,
          person_id=None, changes=None) -> None:
    audit_record(actor=None, action=AuditAction.READ, obj=obj, object_type=object_type or None,
                 object_id=object_id or None, case_id=case_id, person_id=person_id, mission_id=token.mission_id,
                 summary=f"API {token.label()}: {summary}", changes=changes)


def _known_parameters(request, *names: str) -> None:
    """Refuse a query parameter the operation does not have: a misspelt filter must not return everything."""
    unknown = sorted(set(request.GET) - set(names))
    if unknown:
        raise ServiceError(_("Unknown query parameters: %(names)s.") % {"names": ", ".join(repr(n) for n in unknown)},
                           field_errors={n: _("This operation has no such parameter.") for n in unknown})


# --- referrals (the national return service) ------------------------------------------------------------------


@api.post("/v1/referrals", response={201: ReferralOut, 409: ErrorOut, **COMMON}, tags=["referrals"],
          operation_id="referral_create", summary="Refer a person (opens a case)")
def referral_create(request, response: HttpResponse, payload: ReferralIn,
                    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=255,
                                                           description="A key of your own per referral (e.g. a "
                                                                       "UUID): the same key again returns the "
                                                                       "first answer.")]):
    """Registers the person and opens a case in status *contact* at the work post that takes in your
    referrals. Send an `Idempotency-Key`: repeating a request with the same key and body returns the first
    answer (same status and body) and never opens a second case; the same key with another body is 422."""
    token: PartnerToken = request.auth
    selectors.require_scope(token, TokenScope.REFERRALS_WRITE)
    _known_parameters(request)
    data = payload.model_dump(mode="json")
    person = data["person"]
    with transaction.atomic():
        errors = {}
        residence = language = None
        if person.get("residence_location_id") is not None:
            residence = PartnerLocation.objects.filter(pk=person["residence_location_id"]).first()
            if residence is None:
                errors["person.residence_location_id"] = _("No partner location has this id.")
        if person.get("preferred_language"):
            language = Language.objects.filter(pk=person["preferred_language"].lower()).first()
            if language is None:
                errors["person.preferred_language"] = _("Not an ISO 639 language code Passage knows.")
        if errors:
            raise ServiceError(_("Please correct the marked fields."), field_errors=errors)
        try:
            status, body, replayed = services.referral_create(
                token=token, idempotency_key=idempotency_key, payload=data, residence_location=residence,
                preferred_language=language)
        except LookupError as exc:
            raise Http404 from exc
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(status, body)


@api.get("/v1/referrals/{referral_id}", response={200: ReferralOut, **COMMON}, tags=["referrals"],
         operation_id="referral_get", summary="The status of a case you referred")
def referral_get(request, referral_id: int):
    token: PartnerToken = request.auth
    _known_parameters(request)
    with transaction.atomic():
        referral = selectors.referral_get(token, referral_id)
        _read(token, f"read referral {referral.pk}", obj=referral, case_id=referral.case_id,
              person_id=referral.person_id)
        return services.referral_body(referral)


@api.get("/v1/referrals", response={200: ReferralList, **COMMON}, tags=["referrals"],
         operation_id="referral_list", summary="The cases you referred, newest first")
def referral_list(request, status: Annotated[CaseStatus | None, Query(description="Only cases in this status.")] = None,
                  cursor: Annotated[int | None, Query(ge=1, description="`next` of the previous page.")] = None,
                  limit: Annotated[int, Query(ge=1, le=500)] = 100):
    token: PartnerToken = request.auth
    _known_parameters(request, "status", "cursor", "limit")
    with transaction.atomic():
        rows = selectors.referrals_of(token).order_by("-pk")
        if status:
            rows = rows.filter(case__status=status)
        if cursor:
            rows = rows.filter(pk__lt=cursor)
        page = list(rows[:limit + 1])
        items = [services.referral_body(r) for r in page[:limit]]
        _read(token, f"listed {len(items)} referrals" + (f" in status {status}" if status else ""),
              object_type="api.referral", changes={"case_ids": [i["case_id"] for i in items]})
    return {"items": items, "next": str(page[limit - 1].pk) if len(page) > limit else None}


# --- departures and events (reception centres, and every partner for its events) ----------------------------


@api.get("/v1/departures", response={200: DepartureList, **COMMON}, tags=["departures"],
         operation_id="departure_list", summary="Residents of your locations who departed")
def departure_list(request,
                   since: Annotated[Since, Query(description="From this time on (ISO 8601 with an offset, "
                                                                     "e.g. 2026-12-01T00:00:00Z).")],
                   cursor: Annotated[str | None, Query(max_length=200,
                                                       description="`next` of the previous page.")] = None,
                   limit: Annotated[int, Query(ge=1, le=500)] = 100):
    """Each resident of one of your organisation's locations who boarded a flight that departed at or after
    `since`, in order of departure: the bed is free."""
    token: PartnerToken = request.auth
    selectors.require_scope(token, TokenScope.DEPARTURES_READ)
    _known_parameters(request, "since", "cursor", "limit")
    after = None
    if cursor:
        try:
            after = selectors.cursor_read(cursor)
        except ValueError as exc:
            raise ServiceError(_("Not a cursor this API gave."), field_errors={"cursor": _("Not a cursor this API gave.")}) from exc
    with transaction.atomic():
        items, next_cursor = selectors.departures_of(token, since=since, after=after, limit=limit)
        _read(token, f"listed {len(items)} departures since {since.isoformat()}", object_type="api.departure",
              changes={"person_ids": [i["person_id"] for i in items], "case_ids": [i["case_id"] for i in items]})
    return {"items": items, "next": next_cursor}


@api.get("/v1/events/{message_id}", response={200: EventOut, **COMMON}, tags=["events"],
         operation_id="event_get", summary="The details behind an event you were sent")
def event_get(request, message_id: uuid.UUID):
    """The event of a webhook or e-mail sent to one of your locations, by its id (the `webhook-id` header, the
    CloudEvent `id`, the e-mail's Message-ID), with what lies behind it for you."""
    token: PartnerToken = request.auth
    _known_parameters(request)
    with transaction.atomic():
        message = selectors.event_get(token, message_id)
        body = selectors.event_body(token, message)
        _read(token, f"read event {message.pk} ({message.kind})", obj=message, case_id=message.case_id,
              person_id=message.person_id)
    return body
