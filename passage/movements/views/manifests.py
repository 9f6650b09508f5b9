"""Manifests of the airport's day for the gate: the departures of a local day, or of one flight, as PDF or XLSX.
Movements staff and managers only; every download is audited (it lists persons)."""

import datetime
import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from passage.accounts.permissions import Action, user_can
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.reference.models import Airport

from ..manifests import local_now, manifest_pdf, manifest_rows, manifest_xlsx

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FLIGHT = re.compile(r"[A-Z0-9]{2}[0-9]{1,4}[A-Z]?")


def can_print_manifest(user) -> bool:
    """Movements staff (who run the day) and managers (who oversee it); not counsellors."""
    return user_can(user, Action.MOVEMENT_VIEW) and user_can(user, Action.BOOKING_VIEW)


def _manifest_response(request, airport: str, day: str, fmt: str, flight: str | None = None):
    if not can_print_manifest(request.user):
        raise PermissionDenied
    try:
        the_day = datetime.date.fromisoformat(day)
    except ValueError:
        raise Http404("No such day") from None
    flight = flight.upper() if flight is not None else None
    if flight is not None and not _FLIGHT.fullmatch(flight):
        raise Http404("No such flight")
    try:
        the_airport = Airport.objects.get(pk=airport.upper())
    except Airport.DoesNotExist:
        raise Http404("No such airport") from None
    mission = request.user.mission
    # The read and its audit row in one transaction; the file is rendered after it, so a slow PDF does not hold
    # the database (on SQLite an IMMEDIATE transaction is the write lock).
    with transaction.atomic():
        manifest = manifest_rows(request.user, the_day, the_airport, flight=flight)
        audit_record(actor=request.user, action=AuditAction.DOWNLOAD, object_type="movements.manifest",
                     object_id=f"{the_airport.pk}/{the_day.isoformat()}" + (f"/{flight}" if flight else ""),
                     mission_id=request.user.mission_id,
                     summary=f"downloaded the {fmt.upper()} manifest of {the_airport.pk} {the_day.isoformat()}"
                             + (f" {flight}" if flight else "") + f": {manifest.passenger_count} passengers",
                     changes={"flights": [f.flight_number for f in manifest.flights],
                              "passengers": manifest.passenger_count})
    render = manifest_pdf if fmt == "pdf" else manifest_xlsx
    content = render(manifest, mission=mission, printed_at=local_now(manifest))
    name = f"manifest-{the_airport.pk}-{the_day.isoformat()}" + (f"-{flight}" if flight else "") + f".{fmt}"
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_GET
def day_manifest_pdf(request, airport, day):
    return _manifest_response(request, airport, day, "pdf")


@never_cache
@require_GET
def day_manifest_xlsx(request, airport, day):
    return _manifest_response(request, airport, day, "xlsx")


@never_cache
@require_GET
def flight_manifest_pdf(request, airport, day, flight):
    return _manifest_response(request, airport, day, "pdf", flight=flight)


@never_cache
@require_GET
def flight_manifest_xlsx(request, airport, day, flight):
    return _manifest_response(request, airport, day, "xlsx", flight=flight)
