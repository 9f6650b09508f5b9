from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from passage.accounts.enums import SensitiveCategory


class CaseStatus(models.TextChoices):
    CONTACT = "contact", _("Contact")
    APPLICATION = "application", _("Application")
    ELIGIBILITY = "eligibility", _("Eligibility")
    PREPARATION = "preparation", _("Preparation")
    READY_TO_DEPART = "ready_to_depart", _("Ready to depart")
    # Entered only through the movements services (a booking confirmed, a departure or arrival confirmed).
    BOOKED = "booked", _("Departure booked")
    DEPARTED = "departed", _("Departed")
    ARRIVED = "arrived", _("Arrived")
    ON_HOLD = "on_hold", _("On hold")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = frozenset(
    {
        CaseStatus.CONTACT,
        CaseStatus.APPLICATION,
        CaseStatus.ELIGIBILITY,
        CaseStatus.PREPARATION,
        CaseStatus.READY_TO_DEPART,
        CaseStatus.BOOKED,
        # Departed and arrived cases stay open: the hand-over, reintegration and monitoring follow until closed.
        CaseStatus.DEPARTED,
        CaseStatus.ARRIVED,
        CaseStatus.ON_HOLD,
    }
)


class ReferralSource(models.TextChoices):
    SELF = "self", _("Self (walk-in)")
    RETURN_SERVICE = "return_service", _("National return service")
    RECEPTION_AGENCY = "reception_agency", _("Reception agency")
    NGO = "ngo", _("NGO")
    POLICE = "police", _("Police")
    SHELTER = "shelter", _("Shelter")
    GUARDIANSHIP = "guardianship", _("Guardianship organisation")
    OUTREACH = "outreach", _("Outreach session")
    OTHER = "other", _("Other")


class Relationship(models.TextChoices):
    PRINCIPAL = "principal", _("Principal applicant")
    SPOUSE = "spouse", _("Spouse or partner")
    CHILD = "child", _("Child")
    OTHER_RELATIVE = "other_relative", _("Other relative")


class VulnerabilityKind(models.TextChoices):
    MEDICAL = "medical", _("Medical")
    UNACCOMPANIED_MINOR = "unaccompanied_minor", _("Unaccompanied minor")
    TRAFFICKING = "trafficking", _("Victim of trafficking")
    ELDERLY = "elderly", _("Elderly")
    SINGLE_PARENT = "single_parent", _("Single parent with young children")
    FORMER_UNACCOMPANIED_MINOR = "former_uam", _("Former unaccompanied minor")
    OTHER = "other", _("Other")


# Which vulnerabilities make a case sensitive, and in which category.
SENSITIVE_VULNERABILITIES = {
    VulnerabilityKind.MEDICAL: SensitiveCategory.MEDICAL,
    VulnerabilityKind.UNACCOMPANIED_MINOR: SensitiveCategory.UNACCOMPANIED_MINOR,
    VulnerabilityKind.TRAFFICKING: SensitiveCategory.TRAFFICKING,
}


class GovernmentPosition(models.TextChoices):
    NOT_ASKED = "not_asked", _("Not yet asked")
    NO_OBJECTION = "no_objection", _("No objection")
    OBJECTION = "objection", _("Objection")


class ConsentKind(models.TextChoices):
    DATA_PROCESSING = "data_processing", _("Consent to data processing")
    PARTNER_SHARING = "partner_sharing", _("Consent to sharing with partners")
    GUARDIAN_HOST = "guardian_host", _("Written consent of the guardian in the host country")


class Interpreter(models.TextChoices):
    NONE = "none", _("No interpreter")
    IN_PERSON = "in_person", _("Interpreter present")
    PHONE = "phone", _("Interpreter by phone")


class AttachmentKind(models.TextChoices):
    DOCUMENT_SCAN = "document_scan", _("Scan of a document")
    CONSENT = "consent", _("Signed consent")
    MEDICAL = "medical", _("Medical statement")
    OTHER = "other", _("Other")


class AppointmentPurpose(models.TextChoices):
    INTAKE = "intake", _("Intake")
    COUNSELLING = "counselling", _("Counselling")
    DOCUMENTS = "documents", _("Document collection")
    DEPARTURE_BRIEFING = "departure_briefing", _("Departure briefing")
    OTHER = "other", _("Other")


class AppointmentPlace(models.TextChoices):
    """Where the migrant meets the counsellor: at a work post, somewhere else (a visit, e.g. in a detention centre
    or a shelter that is not a work post), or at a distance."""

    WORK_POST = "work_post", _("At a work post")
    VISIT = "visit", _("Visit at another location")
    PHONE = "phone", _("By phone")
    VIDEO = "video", _("By video call")


class AppointmentStatus(models.TextChoices):
    """``planned`` → ``held`` / ``missed`` / ``cancelled`` (``cases.appointments``). A new time is not a status:
    the appointment stays planned and its history row says from when to when."""

    PLANNED = "planned", _("Planned")
    HELD = "held", pgettext_lazy("appointment", "Held")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


# The allowed moves of an appointment's status.
APPOINTMENT_MOVES = {
    AppointmentStatus.PLANNED: frozenset({AppointmentStatus.HELD, AppointmentStatus.MISSED,
                                          AppointmentStatus.CANCELLED}),
    AppointmentStatus.HELD: frozenset(),
    AppointmentStatus.MISSED: frozenset(),
    AppointmentStatus.CANCELLED: frozenset(),
}
