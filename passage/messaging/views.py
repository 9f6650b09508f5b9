"""The outbox page: what went out (or is going out) to migrants and partners, per channel and status, with the
backlog's age; a message's history; sending a dead or failed message again. The user's own mission only (another
mission's message answers 404); reading needs ``message.view``, replaying ``message.replay``. Numbers and
addresses are shown masked; opening a message (its text) is audited."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from passage.accounts.permissions import Action, user_can
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.core.errors import ServiceError

from .delivery import backlog_age
from .enums import Channel, MessageStatus
from .forms import OutboxFilterForm
from .models import Message
from .services import message_replay

PAGE_SIZE = 25


def masked(message: Message) -> str:
    """The recipient as staff may see it in a list: a number's country code and last two digits, an address's
    first letter and domain; an endpoint as it is."""
    to = message.recipient
    if message.channel == Channel.SMS and len(to) > 6:
        return f"{to[:3]} •••• ••{to[-2:]}"
    if message.channel == Channel.EMAIL and "@" in to:
        name, _at, domain = to.partition("@")
        return f"{name[:1]}•••@{domain}"
    return to


def _messages_of(user):
    if not user_can(user, Action.MESSAGE_VIEW) or not user.mission_id:
        raise PermissionDenied
    return Message.objects.filter(mission_id=user.mission_id)


@require_GET
def outbox(request):
    qs = _messages_of(request.user)
    counts = {(row["channel"], row["status"]): row["n"]
              for row in qs.values("channel", "status").annotate(n=Count("pk")).order_by()}
    grid = [{"channel": label, "value": value,
             "cells": [{"status": s, "n": counts.get((value, s), 0)} for s in MessageStatus.values]}
            for value, label in Channel.choices]
    form = OutboxFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["channel"]:
            qs = qs.filter(channel=data["channel"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["case"]:
            qs = qs.filter(case_id=data["case"])
    elif form.is_bound:
        qs = qs.none()
    page = Paginator(qs.order_by("-created_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    for m in page:
        m.to_masked = masked(m)
    return render(request, "messaging/outbox.html", {
        "form": form, "page": page, "grid": grid, "statuses": MessageStatus.choices,
        "backlog_seconds": int(backlog_age()), "can_replay": user_can(request.user, Action.MESSAGE_REPLAY)})


def _message_for(request, pk) -> Message:
    message = _messages_of(request.user).filter(pk=pk).first() if _is_uuid(pk) else None
    if message is None:
        raise Http404("No such message")
    return message


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@require_GET
def message_detail(request, pk):
    message = _message_for(request, pk)
    with transaction.atomic():
        audit_record(actor=request.user, action=AuditAction.READ, obj=message, mission_id=message.mission_id,
                     case_id=message.case_id, summary=f"read {message.channel} message {message.kind}")
    message.to_masked = masked(message)
    return render(request, "messaging/message_detail.html", {
        "message": message, "history": list(message.history.all()),
        "can_replay": user_can(request.user, Action.MESSAGE_REPLAY)
        and message.status in (MessageStatus.DEAD, MessageStatus.FAILED)})


@require_POST
def message_replay_view(request, pk):
    message = _message_for(request, pk)
    if not user_can(request.user, Action.MESSAGE_REPLAY):
        raise PermissionDenied
    try:
        message_replay(actor=request.user, message=message)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The message is queued again."))
    return redirect(reverse("message-detail", args=[message.pk]))
