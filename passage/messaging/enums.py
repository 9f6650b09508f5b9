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
