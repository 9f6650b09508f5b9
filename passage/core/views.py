from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


@login_not_required
@never_cache
@require_GET
def healthz(request):
    db_ok, db_state = health.database_state()
    queue_ok, queue_state = health.queue_state()
    ok = db_ok and queue_ok
    body = {"status": "ok" if ok else "down", "database": db_state, "queue": queue_state}
    if db_ok:
        # How long the oldest message still waiting to go out has waited (an alert threshold is the monitor's).
        body["outbox_backlog_seconds"] = health.outbox_backlog_seconds()
    return JsonResponse(body, status=200 if ok else 503)


def home(request):
    return redirect("case-list")
