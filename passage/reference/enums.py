from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.TextChoices):
    AVRR = "avrr", _("Assisted voluntary return and reintegration")


class RuleCode(models.TextChoices):
    NO_PRIOR_ASSISTED_RETURN = "no_prior_assisted_return", _("No assisted departure in the look-back period")
    NATIONALITY_NOT_EXCLUDED = "nationality_not_excluded", _("Nationality not on the excluded-country list")
    TRAVEL_DOCUMENT = "travel_document", _("Valid travel document held or requested")
    RESIDENCE_PROCEDURE_WITHDRAWN = "residence_procedure_withdrawn", _("Residence procedures withdrawn")
    NO_GOVERNMENT_OBJECTION = "no_government_objection", _("No objection from the government")


class PartnerKind(models.TextChoices):
    RETURN_SERVICE = "return_service", _("National return service")
    RECEPTION_AGENCY = "reception_agency", _("Reception agency")
    GUARDIANSHIP = "guardianship", _("Guardianship organisation")
    POLICE = "police", _("Police")
    SHELTER = "shelter", _("Shelter")
    NGO = "ngo", _("NGO")
    IMMIGRATION_SERVICE = "immigration_service", _("Immigration service")
    OTHER = "other", _("Other")


class LocationKind(models.TextChoices):
    RECEPTION_CENTRE = "reception_centre", _("Reception centre")
    DETENTION_CENTRE = "detention_centre", _("Detention centre")
    SHELTER = "shelter", _("Shelter")
    OFFICE = "office", _("Office")
