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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passage.accounts.permissions import Action, user_can
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.core.errors import ConcurrentEditError, ServiceError

from .delivery import backlog_age
from .enums import Channel, MessageStatus, SmsKind
from .forms import OutboxFilterForm
from .models import Message, SmsTemplate
from .services import message_replay

PAGE_SIZE = 25


def masked(message: Message) -> str:
    """The recipient as staff may see it in a list: a number's country code and last two digits, an address's
    first letter and domain; an endpoint as it is."""
    to = message.recipient
    if message.channel == Channel.SMS and len(to) > 6:
        import phonenumbers

        try:
            country = f"+{phonenumbers.parse(to).country_code}"
        except phonenumbers.NumberParseException:
            country = to[:3]
        return f"{country} •••• ••{to[-2:]}"
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
        "backlog_seconds": int(backlog_age()), "can_replay": user_can(request.user, Action.MESSAGE_REPLAY),
        "can_partners": user_can(request.user, Action.PARTNER_DELIVERY_MANAGE)})


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


@require_GET
def case_messages(request, pk):
    """The messages of one case, with their status, for the case page's timeline (loaded as a fragment, so the
    page keeps its query budget). Whoever may see the case sees them; outside the scope: 404."""
    from passage.cases.selectors import case_get_for_user

    case = case_get_for_user(request.user, pk)
    rows = list(Message.objects.filter(case_id=case.pk, mission_id=case.mission_id).order_by("-created_at")[:100])
    for m in rows:
        m.to_masked = masked(m)
        m.what = SmsKind(m.kind).label if m.kind in SmsKind.values else m.kind
    return render(request, "messaging/_case_messages.html", {
        "case": case, "rows": rows, "blocked": [m for m in rows if m.status == MessageStatus.BLOCKED],
        "can_open": user_can(request.user, Action.MESSAGE_VIEW)})


# ---------------------------------------------------------------- SMS texts


def _require_templates(user, edit=False):
    action = Action.SMS_TEMPLATE_EDIT if edit else Action.MESSAGE_VIEW
    if not (user_can(user, action) or user_can(user, Action.SMS_TEMPLATE_EDIT)) or not user.mission_id:
        raise PermissionDenied


@require_GET
def sms_templates(request):
    """The grid of SMS texts: per kind and language the mission's own, the default, or missing."""
    from .sms import editor_rows
    from .sms_texts import LANGUAGES

    _require_templates(request.user)
    return render(request, "messaging/sms_templates.html", {
        "rows": editor_rows(request.user.mission_id), "languages": LANGUAGES,
        "can_edit": user_can(request.user, Action.SMS_TEMPLATE_EDIT)})


def _preview(kind: str, text: str, language: str = "en") -> dict:
    from .encoding import parts
    from .sms import render as fill
    from .sms import sample_values, template_errors

    errors = template_errors(kind, text)
    sample = "" if errors else fill(text, sample_values(language))
    encoding, n = parts(sample or text)
    return {"errors": errors, "sample": sample, "encoding": "GSM-7" if encoding == "gsm7" else "UCS-2",
            "parts": n, "length": len(sample or text)}


@require_http_methods(["GET", "POST"])
def sms_template_edit(request, kind, language):
    """One text: the editor with a preview (the sample journey filled in) and the number of SMS parts; save over
    the version one started from; back to the default."""
    from .forms import SmsTemplateForm
    from .services import sms_template_reset, sms_template_save
    from .sms import template_text
    from .sms_texts import ALLOWED, DEFAULTS, LANGUAGES

    _require_templates(request.user)
    if kind not in SmsKind.values or language not in LANGUAGES:
        raise Http404("No such SMS text")
    can_edit = user_can(request.user, Action.SMS_TEMPLATE_EDIT)
    own = SmsTemplate.objects.filter(mission_id=request.user.mission_id, kind=kind, language=language).first()
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("reset"):
            sms_template_reset(actor=request.user, kind=kind, language=language)
            messages.success(request, _("The text is back to the default."))
            return redirect(reverse("sms-template-edit", args=[kind, language]))
        form = SmsTemplateForm(request.POST)
        if form.is_valid():
            try:
                sms_template_save(actor=request.user, kind=kind, language=language, text=form.cleaned_data["text"],
                                  version=form.cleaned_data["version"])
            except ServiceError as exc:
                status = 409 if isinstance(exc, ConcurrentEditError) else 400
                form.add_error("text" if exc.field_errors else None,
                               " ".join(exc.field_errors.values()) or exc.message)
            else:
                messages.success(request, _("SMS text saved."))
                return redirect(reverse("sms-template-edit", args=[kind, language]))
        else:
            status = 400
    else:
        form = SmsTemplateForm(initial={"text": template_text(request.user.mission_id, kind, language) or "",
                                        "version": own.version if own else 0})
    text = form["text"].value() or ""
    return render(request, "messaging/sms_template_edit.html", {
        "form": form, "kind": kind, "kind_label": SmsKind(kind).label, "language": language, "own": own,
        "default": DEFAULTS.get(kind, {}).get(language, ""), "placeholders": sorted(ALLOWED[kind]),
        "preview": _preview(kind, text, language), "can_edit": can_edit}, status=status)


@require_POST
def sms_template_preview(request, kind, language):
    """The preview and the part counter while typing (htmx), with the same checks as on saving."""
    _require_templates(request.user)
    if kind not in SmsKind.values:
        raise Http404("No such SMS text")
    return render(request, "messaging/_sms_preview.html", {"preview": _preview(kind, request.POST.get("text", ""),
                                                                                language)})
