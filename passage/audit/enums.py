from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    READ = "read", _("Read")
    TRANSITION = "transition", _("Status changed")
    MERGE = "merge", _("Merged")
    OVERRIDE = "override", _("Overridden")
    CHECK = "check", _("Checked")
    DOWNLOAD = "download", _("Downloaded")
    GRANT = "grant", _("Granted")
    REVOKE = "revoke", _("Revoked")
