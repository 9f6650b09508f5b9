from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class OutboxEventType(models.TextChoices):
    """Events other parts act on after commit (SMS to the migrant, the reception centre, reintegration)."""

    CASE_DEPARTED = "case.departed", _("The case departed")
    CASE_ARRIVED = "case.arrived", _("The case arrived in the country of return")


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Webhook")
    EMAIL = "email", _("E-mail")


class MessageStatus(models.TextChoices):
    """A message's way out. ``queued`` → ``sending`` (a worker holds it, until its lease runs out) → ``sent`` (the
    gateway or the receiver took it) → ``delivered`` / ``failed`` (a delivery receipt says so). A temporary error
    puts it back to ``queued`` with a later ``next_attempt_at``; after the last attempt, or on a permanent error,
    it is ``dead``: shown to staff with the error, and replayable by hand."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    DEAD = "dead", _("Dead")
    # Never sent: the number has no SMS consent recorded. The counsellor sees it on the case.
    BLOCKED = "blocked", _("Blocked: no consent")


class AttemptOutcome(models.TextChoices):
    SENT = "sent", _("Sent")
    RETRY = "retry", _("Temporary error: tried again later")
    DEAD = "dead", _("Given up")
    # Not tries but what a delivery receipt said of the last one (the message's history shows both).
    DELIVERED = "delivered", _("Receipt: delivered")
    FAILED = "failed", _("Receipt: not delivered")


class SmsKind(models.TextChoices):
    """The SMS a migrant gets, each from a template per language (``SmsTemplate`` or ``sms_texts.DEFAULTS``)."""

    FLIGHT_BOOKED = "flight_booked", _("Flight booked")
    FLIGHT_CHANGED = "flight_changed", _("Flight changed")
    FLIGHT_CANCELLED = "flight_cancelled", _("Flight cancelled")
    REMINDER = "reminder", _("Reminder the day before")
    ARRIVAL_CONTACT = "arrival_contact", _("Met on arrival")
    DEPARTED = "departed", _("Departed: support after return")
    APPOINTMENT_SET = "appointment_set", _("Appointment set")
    APPOINTMENT_CHANGED = "appointment_changed", _("Appointment changed")
    APPOINTMENT_CANCELLED = "appointment_cancelled", _("Appointment cancelled")


class PartnerEvent(models.TextChoices):
    """What partners are told of (thin: ids and the event; the details behind it through the partner API)."""

    PERSON_DEPARTED = "person.departed", _("A resident departed (the bed is free)")
    BOOKING_CREATED = "booking.created", _("A departure was booked")
    BOOKING_CANCELLED = "booking.cancelled", _("A booked departure was cancelled")
    REFERRAL_ACCEPTED = "referral.accepted", _("A case the partner referred was taken on")
    REFERRAL_CLOSED = "referral.closed", _("A case the partner referred was closed")
