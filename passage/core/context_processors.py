from passage.accounts.permissions import Action, user_can


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "cases": user_can(user, Action.CASE_VIEW),
            "register": user_can(user, Action.CASE_CREATE),
            "appointments": user_can(user, Action.APPOINTMENT_MANAGE) or user_can(user, Action.SUPERVISION_VIEW),
            "supervision": user_can(user, Action.SUPERVISION_VIEW),
            "movements": user_can(user, Action.BOOKING_MANAGE) or (
                user_can(user, Action.BOOKING_VIEW) and user_can(user, Action.SUPERVISION_VIEW)),
            "airport": any(user_can(user, a) for a in (Action.DESK_RECORD, Action.MOVEMENT_VIEW,
                                                        Action.ARRIVAL_CONFIRM)),
            "arrivals": user_can(user, Action.MOVEMENT_VIEW),
            "charters": user_can(user, Action.BOOKING_MANAGE) or (
                user_can(user, Action.BOOKING_VIEW) and user_can(user, Action.SUPERVISION_VIEW)),
            "assistance": user_can(user, Action.ASSISTANCE_RESPOND),
            "cash": user_can(user, Action.CASH_APPROVE),
            "audit": user_can(user, Action.AUDIT_VIEW),
            "outbox": user_can(user, Action.MESSAGE_VIEW),
            "staff": user_can(user, Action.STAFF_MANAGE),
            "api_tokens": user_can(user, Action.STAFF_MANAGE),
            "rules": user_can(user, Action.RULES_MANAGE),
        }
    }
