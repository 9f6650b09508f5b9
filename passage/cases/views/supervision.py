"""The supervisor's view: open cases per status and work post, caseloads, overdue reviews and blocked cases."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from passage.accounts.permissions import Action, user_can

from .. import supervision as board
from ..selectors import cases_visible_to


def supervision(request):
    """Counts and overdue reviews render at once; the blocked list (a few queries per case) is loaded by htmx
    from ``?panel=blocked`` after the page, or inline when that address is opened directly (no script)."""
    if not user_can(request.user, Action.SUPERVISION_VIEW):
        raise PermissionDenied
    cases = cases_visible_to(request.user)
    want_blocked = request.GET.get("panel") == "blocked"
    blocked = examined = None
    if want_blocked:
        blocked, examined = board.blocked_cases(cases)
        if request.htmx:
            return render(request, "cases/supervision_blocked.html",
                          {"blocked": blocked, "examined": examined, "limit": board.BLOCKED_LIMIT})
    today = timezone.localdate()
    overdue, overdue_total = board.overdue_reviews(cases, today)
    by_work_post, caseload = board.open_counts(cases)
    return render(request, "cases/supervision.html", {
        "columns": board.OPEN_COLUMNS,
        "by_work_post": by_work_post,
        "caseload": caseload,
        "overdue": overdue,
        "overdue_total": overdue_total,
        "blocked": blocked,
        "examined": examined,
        "limit": board.BLOCKED_LIMIT,
        "today": today,
    })
