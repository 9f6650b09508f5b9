"""The audit trail search, for the data protection officer. Searching the trail is itself audited."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action, user_can
from passage.cases.models import Case

from .enums import AuditAction
from .forms import AuditSearchForm
from .models import AuditEvent
from .services import audit_record

PAGE_SIZE = 50


def _events_visible_to(user) -> QuerySet[AuditEvent]:
    """The trail of the officer's own mission: rows about its records, and rows without a mission (staff and
    rules administration) written by its staff."""
    if not user_can(user, Action.AUDIT_VIEW) or user.mission_id is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        Q(mission_id=user.mission_id) | Q(mission_id__isnull=True, actor__mission_id=user.mission_id))


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _filtered(form: AuditSearchForm, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent] | None:
    """Apply the form's filters; None (and an error on the form) when a case or user named does not exist."""
    data = form.cleaned_data
    if data.get("person"):
        events = events.filter(person_id=data["person"])
    term = (data.get("case") or "").strip()
    if term:
        # The officer may name any case number: the trail outlives the case and is not limited by case scope.
        ids = list(Case.objects.filter(number__in={term, term.upper()}).values_list("pk", flat=True))
        if not ids and term.isdigit():
            ids = [int(term)]
        if not ids:
            form.add_error("case", _("No case has this number."))
            return None
        events = events.filter(case_id__in=ids)
    if data.get("user"):
        events = events.filter(actor__username__iexact=data["user"].strip())
    if data.get("date_from"):
        events = events.filter(at__gte=_day_start(data["date_from"]))
    if data.get("date_to"):
        # Compare with the start of the next day, so an index on "at" serves the range.
        events = events.filter(at__lt=_day_start(data["date_to"] + datetime.timedelta(days=1)))
    if data.get("action"):
        events = events.filter(action=data["action"])
    return events


def _change_rows(changes) -> list[tuple[str, object, object]]:
    if not isinstance(changes, dict):
        return [("", None, changes)]
    rows = []
    for key, value in changes.items():
        if isinstance(value, list | tuple) and len(value) == 2:
            rows.append((key, value[0], value[1]))
        else:
            rows.append((key, None, value))
    return rows


def audit_search(request):
    if not user_can(request.user, Action.AUDIT_VIEW):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None)
    page = None
    if not request.GET or form.is_valid():
        if not request.GET:
            form = AuditSearchForm({})
            form.is_valid()
        events = _filtered(form, _events_visible_to(request.user).select_related("actor"))
        if events is not None:
            paginator = Paginator(events, PAGE_SIZE)
            with transaction.atomic():
                page = paginator.get_page(request.GET.get("page"))
                page.object_list = list(page.object_list)
                audit_record(actor=request.user, action=AuditAction.READ, object_type="audit.search", object_id="",
                             mission_id=request.user.mission_id, summary="searched the audit trail",
                             changes={"filters": form.filters(), "page": page.number})
            for event in page.object_list:
                event.change_rows = _change_rows(event.changes)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/search.html", {"form": form, "page": page, "query": query.urlencode()})
