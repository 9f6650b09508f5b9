"""The outbox: events written in the same transaction as the change that caused them, carried out after commit
(issue 4: Celery tasks re-read each row; a periodic sweep picks up what a lost task left behind).

The payload is thin: ids only, never names, legal status or whereabouts. Whoever acts on an event fetches what
it needs through the services and selectors, with their own access checks. See docs/decisions/0006.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from passage.accounts.models import Mission

from .enums import OutboxEventType, OutboxStatus


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
