from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other / unspecified")


class NameKind(models.TextChoices):
    DOCUMENT = "document", _("As on documents")
    KNOWN = "known", _("As known")
    TRANSLITERATION = "transliteration", _("Transliteration")


class IdentifierKind(models.TextChoices):
    FOREIGNER_NUMBER = "foreigner_number", _("Foreigner's number (immigration service)")
    RETURN_SERVICE_REF = "return_service_ref", _("Return service reference")
    OTHER = "other", _("Other")


class DocumentKind(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    LAISSEZ_PASSER = "laissez_passer", _("Laissez-passer")
    EMERGENCY_TRAVEL_DOCUMENT = "etd", _("Emergency travel document")
    ID_CARD = "id_card", _("ID card")


class DocumentStatus(models.TextChoices):
    HELD = "held", _("Held")
    REQUESTED = "requested", _("Requested")
    LOST = "lost", _("Lost or withdrawn")


class Custody(models.TextChoices):
    WITH_HOLDER = "with_holder", _("With the holder")
    WITH_ORGANISATION = "with_organisation", _("In our custody")
    WITH_AUTHORITY = "with_authority", _("With an authority")
    HANDED_OVER = "handed_over", _("Handed over to the holder at departure")


class ResidenceKind(models.TextChoices):
    PARTNER_LOCATION = "partner_location", _("Reception or detention centre, shelter")
    PRIVATE_ADDRESS = "private_address", _("Private address")
    UNKNOWN = "unknown", _("Unknown / no fixed address")


TRAVEL_DOCUMENT_KINDS = {DocumentKind.PASSPORT, DocumentKind.LAISSEZ_PASSER, DocumentKind.EMERGENCY_TRAVEL_DOCUMENT}
