"""What every movements service shares: the right, the scope and the locks, the audit row."""

from django.db.models import F
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action, user_can
from passage.audit.services import audit_record
from passage.cases.models import Case
from passage.cases.selectors import cases_visible_to
from passage.core.errors import ConcurrentEditError, ServiceError

from ..enums import BookingStatus
from ..models import Booking

B = BookingStatus


def _require(actor, *actions: Action) -> None:
    if not any(user_can(actor, action) for action in actions):
        raise ServiceError(_("You are not allowed to do this."))


def _audit(actor, action, booking: Booking, obj=None, summary="", changes=None, person_id=None):
    return audit_record(actor=actor, action=action, obj=obj or booking, case_id=booking.case_id,
                        mission_id=booking.mission_id, person_id=person_id, summary=summary, changes=changes)


def _not_found() -> ServiceError:
    return ServiceError(_("This booking does not exist or you may not see it."))


def _lock_case(actor, case_or_id) -> Case:
    """The case, locked, if the actor may see it; otherwise refused as if it did not exist."""
    pk = getattr(case_or_id, "pk", case_or_id)
    try:
        return cases_visible_to(actor).select_for_update().get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise ServiceError(_("This case does not exist or you may not see it.")) from None


def _lock(actor, booking_or_id, version: int | None = None) -> Booking:
    """The booking, locked after its case, if the actor may see the case; refuses a stale ``version``."""
    pk = getattr(booking_or_id, "pk", booking_or_id)
    case_id = Booking.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise _not_found()
    try:
        case = _lock_case(actor, case_id)
    except ServiceError:
        raise _not_found() from None
    locked = Booking.objects.select_for_update().get(pk=pk)
    locked.case = case
    if version is not None and locked.version != version:
        raise ConcurrentEditError()
    return locked


def _bump(booking: Booking, fields: list[str]) -> None:
    booking.version = F("version") + 1
    booking.save(update_fields=[*fields, "version", "updated_at"])
    booking.refresh_from_db(fields=["version", "updated_at"])


def _refuse(errors: dict) -> None:
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)


def _check_lengths(model, errors: dict, **values) -> None:
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if value and len(value) > limit:
            errors[name] = _("At most %(n)s characters.") % {"n": limit}

