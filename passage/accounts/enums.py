from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Counsellor")
    SUPERVISOR = "supervisor", _("Supervisor")
    OPERATIONS = "operations", _("Operations (documents, medical)")
    MOVEMENTS = "movements", _("Movements")
    REINTEGRATION = "reintegration", _("Reintegration officer")
    MANAGER = "manager", _("Manager")
    FINANCE = "finance", _("Finance")
    DPO = "dpo", _("Data protection officer")
    ADMIN = "admin", _("Administrator")


class SensitiveCategory(models.TextChoices):
    """Case categories that only the assigned counsellor, their supervisor and cleared staff may see."""

    TRAFFICKING = "trafficking", _("Victim of trafficking")
    UNACCOMPANIED_MINOR = "unaccompanied_minor", _("Unaccompanied minor")
    MEDICAL = "medical", _("Medical")


class WorkPostKind(models.TextChoices):
    RECEPTION_CENTRE = "reception_centre", _("Reception centre")
    DETENTION_CENTRE = "detention_centre", _("Detention centre")
    CITY_OFFICE = "city_office", _("City office")
    AIRPORT = "airport", _("Airport")
