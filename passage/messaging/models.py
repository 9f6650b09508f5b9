"""The outbox: events written in the same transaction as the change that caused them, carried out after commit
(issue 4: Celery tasks re-read each row; a periodic sweep picks up what a lost task left behind).

The payload is thin: ids only, never names, legal status or whereabouts. Whoever acts on an event fetches what
it needs through the services and selectors, with their own access checks. See docs/decisions/0006.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from passage.accounts.models import Mission

from .enums import AttemptOutcome, Channel, MessageStatus, OutboxEventType, OutboxStatus, SmsKind


class OutboxEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    event_type = models.CharField(_("event"), max_length=40, choices=OutboxEventType.choices)
    # What the event is about, as plain ids: the outbox outlives nothing and locks nothing.
    case_id = models.BigIntegerField(null=True, blank=True)
    booking_id = models.BigIntegerField(null=True, blank=True)
    # One event per cause: (event_type, dedupe_key) is unique, so a retried service cannot write it twice.
    dedupe_key = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    available_at = models.DateTimeField(_("not before"))
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event_type", "dedupe_key"], name="outbox_event_once")]
        indexes = [models.Index(fields=["status", "available_at"], name="outbox_due")]
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")

    def __str__(self):
        return f"{self.event_type} {self.dedupe_key}"


class Message(models.Model):
    """One message to one recipient over one channel (an SMS to a migrant's number, a webhook to a partner
    location's endpoint, an e-mail), written in the transaction of the change that caused it and carried out by
    the workers (``messaging.delivery``).

    ``id`` is stable: it travels with every attempt (the SMS's client reference, the webhook's ``webhook-id``), so
    a receiver that gets it twice — a worker died after sending and before recording it — drops the second."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    event = models.ForeignKey(OutboxEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="messages")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # The address on the channel: an E.164 number, an endpoint's id, an e-mail address.
    recipient = models.CharField(_("to"), max_length=254)
    # What the message is about, as plain ids (no foreign keys: the outbox neither locks nor cascades).
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    person_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(_("message"), max_length=40)
    language = models.CharField(_("language"), max_length=8, blank=True)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices,
                              default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    # While ``sending``: the worker's claim runs out at this time; after it, the sweep may claim it again.
    lease_until = models.DateTimeField(null=True, blank=True)
    # When a task for it was last handed to the broker: the sweep leaves it alone for a while after that.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    provider_ref = models.CharField(_("gateway reference"), max_length=80, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # The language wanted when the text went out in another (no text in it): staff are told.
    language_wanted = models.CharField(_("language wanted"), max_length=8, blank=True)
    # One message per cause and recipient: a retried service cannot send the same SMS twice.
    dedupe_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="message_due"),
                   models.Index(fields=["channel", "provider_ref"], name="message_provider_ref")]
        constraints = [models.UniqueConstraint(fields=["channel", "recipient", "dedupe_key"],
                                               condition=~models.Q(dedupe_key=""), name="message_once_per_cause")]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.channel} {self.kind} {self.id}"


class MessageAttempt(models.Model):
    """One try to send a message: when, how it ended, the error, how long the gateway took — or what a delivery
    receipt said of it (outcome ``delivered`` / ``failed``). The delivery history staff see; rows are only
    added."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="history")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=AttemptOutcome.choices)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["message", "number", "id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"{self.message_id} #{self.number} {self.outcome}"


class SmsTemplate(models.Model):
    """A mission's own text for one kind of SMS in one language, written by staff (the defaults are in
    ``sms_texts``). Placeholders in braces; ``version`` guards concurrent edits; every change is audited."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("message"), max_length=24, choices=SmsKind.choices)
    language = models.CharField(_("language"), max_length=8)
    text = models.TextField(_("text"))
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "language"]
        constraints = [models.UniqueConstraint(fields=["mission", "kind", "language"], name="sms_template_once")]
        verbose_name = _("SMS text")
        verbose_name_plural = _("SMS texts")

    def __str__(self):
        return f"{self.kind} ({self.language})"


class WebhookEndpoint(models.Model):
    """Where a partner location wants to be told of events: a URL, the secret its messages are signed with
    (Standard Webhooks), the events it wants. A rotated secret stays valid beside the new one until
    ``previous_secret_until``, so the partner can switch without losing a message. An endpoint answering
    410 Gone is disabled (``disabled_at``, the reason) and an administrator is told."""

    location = models.ForeignKey("reference.PartnerLocation", on_delete=models.PROTECT, related_name="endpoints",
                                 verbose_name=_("location"))
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    url = models.URLField(_("URL"), max_length=300)
    secret = models.CharField(_("secret"), max_length=80)
    previous_secret = models.CharField(max_length=80, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=200, blank=True)
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["location", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url
