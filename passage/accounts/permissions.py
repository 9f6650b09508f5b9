"""What each role may do. Deny unless listed here.

Record scope (which cases a user sees) is a separate question answered by
``passage.cases.selectors.cases_visible_to``.
"""

from enum import StrEnum

from .enums import Role


class Action(StrEnum):
    CASE_VIEW = "case.view"
    CASE_CREATE = "case.create"
    CASE_EDIT = "case.edit"
    CASE_TRANSITION = "case.transition"
    APPOINTMENT_MANAGE = "appointment.manage"
    ELIGIBILITY_RUN = "eligibility.run"
    ELIGIBILITY_OVERRIDE = "eligibility.override"
    DOCUMENT_EDIT = "document.edit"
    PERSON_MERGE = "person.merge"
    SUPERVISION_VIEW = "supervision.view"
    AUDIT_VIEW = "audit.view"
    STAFF_MANAGE = "staff.manage"
    RULES_MANAGE = "rules.manage"
    BOOKING_VIEW = "booking.view"
    BOOKING_REQUEST = "booking.request"
    BOOKING_MANAGE = "booking.manage"
    ASSISTANCE_RESPOND = "assistance.respond"
    CUSTODY_RECORD = "custody.record"
    CASH_PROPOSE = "cash.propose"
    CASH_APPROVE = "cash.approve"
    DESK_RECORD = "desk.record"
    ARRIVAL_CONFIRM = "arrival.confirm"
    MOVEMENT_VIEW = "movement.view"
    MOVEMENT_MANAGE = "movement.manage"
    MESSAGE_VIEW = "message.view"
    MESSAGE_REPLAY = "message.replay"
    SMS_TEMPLATE_EDIT = "sms_template.edit"
    PARTNER_DELIVERY_MANAGE = "partner_delivery.manage"


_COUNSELLING = {
    Action.CASE_VIEW,
    Action.CASE_CREATE,
    Action.CASE_EDIT,
    Action.CASE_TRANSITION,
    # Plan, move, cancel appointments with the migrant and record whether they were held (others read them).
    Action.APPOINTMENT_MANAGE,
    Action.ELIGIBILITY_RUN,
    Action.DOCUMENT_EDIT,
    # The counsellor asks for the departure (the advance booking notification); movements staff book it.
    Action.BOOKING_VIEW,
    Action.BOOKING_REQUEST,
    # Counsellors take in documents at the work post: they log the receipt; the desk hands them over.
    Action.CUSTODY_RECORD,
}

# Movements and operations staff book flights, escorts and assistance; they also answer the requests other
# missions send them (transit assistance, meet-and-assist).
_BOOKING = {Action.BOOKING_VIEW, Action.BOOKING_REQUEST, Action.BOOKING_MANAGE, Action.ASSISTANCE_RESPOND,
            Action.CUSTODY_RECORD}

# The outbox page: what went out to migrants and partners, and sending a dead message again (managers only read).
_OUTBOX = {Action.MESSAGE_VIEW, Action.MESSAGE_REPLAY}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.COUNSELLOR: frozenset(_COUNSELLING),
    Role.SUPERVISOR: frozenset(
        _COUNSELLING | {Action.ELIGIBILITY_OVERRIDE, Action.PERSON_MERGE, Action.SUPERVISION_VIEW}
    ),
    # Operations propose the cash contribution handed over at departure; finance approves it.
    Role.OPERATIONS: frozenset({Action.CASE_VIEW, Action.DOCUMENT_EDIT, Action.CASH_PROPOSE, Action.SMS_TEMPLATE_EDIT}
                               | _BOOKING | _OUTBOX),
    # Movements staff run the airport's day: the desk, departures, arrivals and transits outside return cases.
    Role.MOVEMENTS: frozenset({Action.CASE_VIEW, Action.DESK_RECORD, Action.ARRIVAL_CONFIRM, Action.MOVEMENT_VIEW,
                               Action.MOVEMENT_MANAGE} | _BOOKING | _OUTBOX),
    # The mission in the country of return confirms that the migrant arrived.
    Role.REINTEGRATION: frozenset({Action.CASE_VIEW, Action.BOOKING_VIEW, Action.ASSISTANCE_RESPOND,
                                   Action.ARRIVAL_CONFIRM}),
    Role.MANAGER: frozenset({Action.CASE_VIEW, Action.SUPERVISION_VIEW, Action.BOOKING_VIEW, Action.MOVEMENT_VIEW,
                             Action.MESSAGE_VIEW}),
    # Finance has no case scope: it decides on the cash contributions proposed in its mission, from its own
    # queue, and sees of a case only what that needs (docs/decisions/0009-finance-approves-cash.md).
    Role.FINANCE: frozenset({Action.CASH_APPROVE}),
    Role.DPO: frozenset({Action.AUDIT_VIEW}),
    # Administrators also keep the partners' webhook endpoints, secrets and e-mail addresses.
    Role.ADMIN: frozenset({Action.STAFF_MANAGE, Action.RULES_MANAGE, Action.SMS_TEMPLATE_EDIT,
                           Action.PARTNER_DELIVERY_MANAGE} | _OUTBOX),
}

# Roles whose case scope is the whole mission (others are limited to work posts).
MISSION_WIDE_ROLES = frozenset({Role.MANAGER, Role.OPERATIONS, Role.MOVEMENTS, Role.REINTEGRATION})


def user_can(user, action: Action) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return action in ROLE_ACTIONS.get(user.role, frozenset())
