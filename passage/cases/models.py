from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from passage.accounts.models import Mission, WorkPost
from passage.people.models import Person
from passage.reference.enums import Programme
from passage.reference.models import EligibilityRule, Language, PartnerOrganisation

from .enums import (
    AppointmentPlace,
    AppointmentPurpose,
    AppointmentStatus,
    AttachmentKind,
    CaseStatus,
    ConsentKind,
    GovernmentPosition,
    Interpreter,
    ReferralSource,
    Relationship,
    VulnerabilityKind,
)


class Case(models.Model):
    """A household's return case. ``status`` changes only through ``services.case_transition``."""

    number = models.CharField(_("case number"), max_length=20, unique=True)
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices, default=Programme.AVRR)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="cases", verbose_name=_("mission"))
    work_post = models.ForeignKey(
        WorkPost, on_delete=models.PROTECT, related_name="cases", verbose_name=_("work post")
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases", verbose_name=_("counsellor")
    )
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.CONTACT)
    status_changed_at = models.DateTimeField(_("status since"))
    on_hold_from = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    on_hold_reason = models.CharField(_("reason on hold"), max_length=200, blank=True)
    on_hold_review_on = models.DateField(_("review on"), null=True, blank=True)
    referral_source = models.CharField(
        _("referral source"), max_length=20, choices=ReferralSource.choices, default=ReferralSource.SELF
    )
    referral_partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("referring partner"),
    )
    # The partner that referred the case through the partner API (docs/decisions/0015): set once when the case
    # is opened and never edited, so the partner's view of "its" referrals cannot move with a staff edit.
    referred_by = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False,
        verbose_name=_("referred by (partner API)"),
    )
    contact_on = models.DateField(_("first contact"))
    application_on = models.DateField(_("application date"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    intended_destination = models.CharField(_("country of return"), max_length=2, blank=True)
    residence_procedure_withdrawn_on = models.DateField(
        _("residence procedures withdrawn on"), null=True, blank=True
    )
    residence_procedure_none = models.BooleanField(_("no residence procedure pending"), default=False)
    government_position = models.CharField(
        _("government position"), max_length=16, choices=GovernmentPosition.choices,
        default=GovernmentPosition.NOT_ASKED,
    )
    government_position_on = models.DateField(_("position recorded on"), null=True, blank=True)
    vulnerabilities_assessed_on = models.DateField(_("vulnerabilities assessed on"), null=True, blank=True)
    vulnerabilities_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Sensitive categories, kept in step with vulnerabilities by services.vulnerability_record.
    is_trafficking = models.BooleanField(default=False)
    is_unaccompanied_minor = models.BooleanField(default=False)
    is_medical = models.BooleanField(default=False)
    principal_name = models.CharField(max_length=240, blank=True)  # denormalised for lists
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-contact_on", "-id"]
        indexes = [
            models.Index(fields=["mission", "status"], name="case_mission_status"),
            models.Index(fields=["work_post", "status"], name="case_workpost_status"),
            models.Index(fields=["counsellor", "status"], name="case_counsellor_status"),
            models.Index(fields=["status", "on_hold_review_on"], name="case_status_review"),
            # The case list's default order over a whole mission: a manager's first page reads 25 index entries.
            models.Index(fields=["mission", "-contact_on", "-id"], name="case_mission_contact"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return self.number

    @property
    def is_sensitive(self) -> bool:
        return self.is_trafficking or self.is_unaccompanied_minor or self.is_medical

    @property
    def sensitive_categories(self) -> set[str]:
        from passage.accounts.enums import SensitiveCategory

        cats = set()
        if self.is_trafficking:
            cats.add(SensitiveCategory.TRAFFICKING)
        if self.is_unaccompanied_minor:
            cats.add(SensitiveCategory.UNACCOMPANIED_MINOR)
        if self.is_medical:
            cats.add(SensitiveCategory.MEDICAL)
        return cats


class CaseMember(models.Model):
    """A person in the household of a case, travelling together."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    relationship = models.CharField(_("relationship"), max_length=16, choices=Relationship.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="member_once_per_case"),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(relationship="principal"), name="one_principal_per_case"
            ),
        ]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self):
        return f"{self.case} {self.person} ({self.relationship})"


class CaseNameToken(models.Model):
    """The case search's index of names: one row per token of any name of any member of the case
    (people.names.name_tokens: folded words and their prefixes, transliteration-proof keys), with the case's
    mission and work post. A search word is an equality look-up here, narrowed to the user's work posts, so the
    database knows how many cases a word matches and finds them in the index alone; the words of a search
    intersect on the case. Derived data: rewritten by people.services.case_name_tokens_refresh whenever names
    or members change, and moved with the case when its work post changes (services.case_update)."""

    pk = models.CompositePrimaryKey("case", "token")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", db_index=False)  # the key leads with it
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=False)
    work_post = models.ForeignKey(WorkPost, on_delete=models.PROTECT, related_name="+", db_index=False)
    token = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["token", "mission", "work_post", "case"], name="casenametoken_lookup")]

    def __str__(self):
        return self.token


class StatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    at = models.DateTimeField()
    # Empty for the opening of a case a partner referred through the partner API: no staff member made it (the
    # reason names the partner).
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.case} {self.from_status}→{self.to_status}"


class AssistedDeparture(models.Model):
    """A departure of a person with the help of the organisation or the government: the 5-year rule reads these."""

    class AssistedBy(models.TextChoices):
        ORGANISATION = "organisation", _("The organisation")
        GOVERNMENT = "government", _("The government")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assisted_departures")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    departed_on = models.DateField(_("departed on"))
    assisted_by = models.CharField(_("assisted by"), max_length=16, choices=AssistedBy.choices)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source = models.CharField(_("source"), max_length=120, blank=True)

    class Meta:
        ordering = ["-departed_on"]
        verbose_name = _("assisted departure")
        verbose_name_plural = _("assisted departures")

    def __str__(self):
        return f"{self.person} {self.departed_on}"


class EligibilityCheck(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="eligibility_checks")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    checked_on = models.DateField(_("rules in force on"))
    run_at = models.DateTimeField()
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed"))

    class Meta:
        ordering = ["-run_at", "-id"]
        get_latest_by = "run_at"
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")

    def __str__(self):
        return f"{self.case} {self.run_at:%Y-%m-%d} {'pass' if self.passed else 'fail'}"


class EligibilityOutcome(models.Model):
    """One rule's outcome in one check, with the rule version in force and the reason."""

    eligibility_check = models.ForeignKey(EligibilityCheck, on_delete=models.CASCADE, related_name="outcomes")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    rule = models.ForeignKey(EligibilityRule, on_delete=models.PROTECT, related_name="+")
    rule_code = models.CharField(max_length=40)
    passed = models.BooleanField()
    # The reason is stored as an untranslated message and its parameters, and shown in the reader's language.
    reason_msgid = models.CharField(max_length=300)
    reason_params = models.JSONField(default=dict)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.CharField(_("override reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("rule outcome")
        verbose_name_plural = _("rule outcomes")

    def __str__(self):
        return f"{self.rule_code}: {'pass' if self.passed else 'fail'}"

    @property
    def effective_pass(self) -> bool:
        return self.passed or self.overridden_at is not None

    @property
    def reason(self) -> str:
        """The reason in the reader's language; stored codes (country, who assisted) are named in it too."""
        from django.utils.translation import gettext
        from django_countries import countries

        params = dict(self.reason_params)
        if params.get("country"):
            params["country"] = countries.name(params["country"]) or params["country"]
        by = {"organisation": gettext("the organisation"), "government": gettext("the government")}
        if params.get("by") in by:
            params["by"] = by[params["by"]]
        try:
            return gettext(self.reason_msgid) % params
        except (KeyError, TypeError, ValueError):
            return self.reason_msgid


class Vulnerability(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="vulnerabilities")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    kind = models.CharField(_("vulnerability"), max_length=24, choices=VulnerabilityKind.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(_("no longer applies from"), null=True, blank=True)

    class Meta:
        ordering = ["assessed_on", "id"]
        verbose_name = _("vulnerability")
        verbose_name_plural = _("vulnerabilities")

    def __str__(self):
        return self.get_kind_display()


class Consent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("consent"), max_length=24, choices=ConsentKind.choices)
    given_on = models.DateField(_("given on"))
    given_by_name = models.CharField(_("given by"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["given_on", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return self.get_kind_display()


class ReturnGuardian(models.Model):
    """The guardian confirmed and identified in the country of return, for an unaccompanied minor."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="return_guardians")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    minor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("minor"))
    name = models.CharField(_("guardian's name"), max_length=120)
    relationship = models.CharField(_("relationship to the minor"), max_length=80)
    identified_by = models.CharField(_("identified by (document)"), max_length=120)
    confirmed_on = models.DateField(_("confirmed on"))
    confirmed_by_mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("confirmed by mission"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("guardian in the country of return")
        verbose_name_plural = _("guardians in the country of return")

    def __str__(self):
        return self.name


class FitToTravel(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="fit_to_travel")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    fit = models.BooleanField(_("fit to travel"))
    statement_on = models.DateField(_("statement dated"))
    issued_by = models.CharField(_("doctor or service"), max_length=120)
    conditions = models.CharField(_("conditions for travel"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-statement_on"]
        verbose_name = _("fit-to-travel statement")
        verbose_name_plural = _("fit-to-travel statements")

    def __str__(self):
        return f"{self.person} {self.statement_on}"


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    written_on = models.DateField(_("date of the session"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("language used")
    )
    interpreter = models.CharField(_("interpreter"), max_length=12, choices=Interpreter.choices, default=Interpreter.NONE)
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-id"]
        verbose_name = _("counselling note")
        verbose_name_plural = _("counselling notes")

    def __str__(self):
        return f"{self.case} {self.written_on}"


def attachment_path(instance, filename):
    # The stored name never contains the uploaded name: no personal data in paths.
    return f"attachments/{instance.case.mission_id}/{instance.case_id}/{instance.sha256}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name



class Appointment(models.Model):
    """A meeting of the migrant with a counsellor: at a work post, on a visit elsewhere, by phone or video.
    ``status`` and the time change only through ``cases.appointments`` (plan, reschedule, cancel, held/missed),
    each with a history row (``AppointmentChange``) and an audit row."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appointments")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments",
                                   verbose_name=_("counsellor"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=AppointmentPurpose.choices)
    purpose_detail = models.CharField(_("what about"), max_length=120, blank=True)
    place = models.CharField(_("where"), max_length=12, choices=AppointmentPlace.choices)
    work_post = models.ForeignKey(WorkPost, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("work post"))
    # A visit's place as the migrant finds it (name and public address): it goes into the SMS.
    location = models.CharField(_("location"), max_length=160, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    # Derived from starts_at and the duration by the services; kept so a clash is one indexed range query.
    ends_at = models.DateTimeField(_("ends at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    interpreter_language = models.ForeignKey(Language, on_delete=models.PROTECT, null=True, blank=True,
                                             related_name="+", verbose_name=_("interpreter needed for"))
    bring_documents = models.BooleanField(_("ask to bring identity and travel documents"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.PLANNED)
    status_changed_at = models.DateTimeField(_("status since"))
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    planned_at = models.DateTimeField(_("planned at"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            # A counsellor's agenda and the clash check: their appointments in a time range.
            models.Index(fields=["counsellor", "starts_at"], name="appointment_counsellor_start"),
            models.Index(fields=["case", "starts_at"], name="appointment_case_start"),
            models.Index(fields=["mission", "starts_at"], name="appointment_mission_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="appointment_ends_after_start"),
            models.CheckConstraint(condition=~models.Q(place="work_post") | models.Q(work_post__isnull=False),
                                   name="appointment_work_post_named"),
        ]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self):
        return f"{self.case_id} {self.starts_at:%Y-%m-%d %H:%M} {self.purpose}"

    @property
    def is_open(self) -> bool:
        return self.status == AppointmentStatus.PLANNED

    @property
    def where(self) -> str:
        """Where it is, for staff."""
        if self.place == AppointmentPlace.WORK_POST and self.work_post_id:
            return self.work_post.public_place
        if self.place == AppointmentPlace.VISIT:
            return self.location
        return str(AppointmentPlace(self.place).label)

    @property
    def purpose_display(self) -> str:
        label = str(AppointmentPurpose(self.purpose).label)
        return f"{label}: {self.purpose_detail}" if self.purpose_detail else label


class AppointmentChange(models.Model):
    """One step in an appointment's history: planned, a new time or place, held, missed, cancelled."""

    class Kind(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        HELD = "held", pgettext_lazy("appointment", "Held")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="changes")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    from_status = models.CharField(max_length=12, choices=AppointmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=AppointmentStatus.choices)
    starts_at_before = models.DateTimeField(null=True, blank=True)
    starts_at = models.DateTimeField()
    where_before = models.CharField(max_length=160, blank=True)
    where = models.CharField(max_length=160, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("appointment change")
        verbose_name_plural = _("appointment changes")

    def __str__(self):
        return f"{self.appointment_id} {self.kind}"
