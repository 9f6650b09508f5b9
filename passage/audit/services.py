from django.db import transaction

from .context import current_ip
from .enums import AuditAction
from .models import AuditEvent


def audit_record(
    *,
    actor,
    action: AuditAction,
    obj=None,
    object_type: str | None = None,
    object_id=None,
    case_id: int | None = None,
    person_id: int | None = None,
    mission_id: int | None = None,
    summary: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Write one audit row. Must be called inside the transaction of the act it records."""
    _in_transaction()
    event = _event(actor=actor, action=action, obj=obj, object_type=object_type, object_id=object_id,
                   case_id=case_id, person_id=person_id, mission_id=mission_id, summary=summary, changes=changes)
    event.save(force_insert=True)
    return event


def audit_record_many(rows: list[dict]) -> list[AuditEvent]:
    """Several audit rows in one INSERT, each given by ``audit_record``'s keywords (a batch of delivery receipts
    from the SMSC). Must be called inside the transaction of the acts they record."""
    _in_transaction()
    return AuditEvent.objects.bulk_create([_event(**row) for row in rows])


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the act it records")


def _event(*, actor, action: AuditAction, obj=None, object_type: str | None = None, object_id=None,
           case_id: int | None = None, person_id: int | None = None, mission_id: int | None = None,
           summary: str = "", changes: dict | None = None) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id if object_id is not None else obj.pk
    return AuditEvent(
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        ip_address=current_ip.get(),
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        case_id=case_id,
        person_id=person_id,
        mission_id=mission_id,
        summary=summary[:300],
        changes=changes or {},
    )


def diff_fields(instance_before: dict, instance_after: dict) -> dict:
    """Field-level changes as {field: [old, new]}, values made JSON-safe."""
    changes = {}
    for key, new in instance_after.items():
        old = instance_before.get(key)
        if old != new:
            changes[key] = [_jsonable(old), _jsonable(new)]
    return changes


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
