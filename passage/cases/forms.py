"""Forms of the case screens. They parse and check input; the services in ``services`` store it."""

import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from passage.accounts.enums import Role
from passage.accounts.models import User, WorkPost
from passage.reference.enums import Programme
from passage.reference.models import Language, PartnerOrganisation

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
    VulnerabilityKind,
)

PAGE_SIZE = 25

# Sort keys offered on the case list, and the columns they order by (a tie-breaker is added).
SORTS = {
    "number": "number",
    "principal": "principal_name",
    "status": "status",
    "status_since": "status_changed_at",
    "work_post": "work_post__name",
    "counsellor": "counsellor__last_name",
    "contact": "contact_on",
}
DEFAULT_SORT = "-contact"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AccessibleFormMixin:
    """Bootstrap classes on every widget; a field with errors gets ``is-invalid``, ``aria-invalid`` and
    ``aria-describedby`` pointing at its error text (``<id>_error``), and its help text where it has one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_helptext"

    def full_clean(self):
        super().full_clean()
        self._mark_invalid()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._mark_invalid()

    def _mark_invalid(self):
        if not hasattr(self, "_errors") or self._errors is None:
            return
        for name in list(self._errors):
            if name == NON_FIELD_ERRORS or name not in self.fields:
                continue
            bound = self[name]
            attrs = self.fields[name].widget.attrs
            described = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                described.append(f"{bound.auto_id}_helptext")
            attrs["aria-describedby"] = " ".join(described)
            attrs["aria-invalid"] = "true"
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()

    def add_service_error(self, exc) -> None:
        """Put a ServiceError's per-field messages on their fields, and its message on the form."""
        placed = False
        for name, message in exc.field_errors.items():
            name = name.removesuffix("_id")
            if name in self.fields:
                self.add_error(name, message)
                placed = True
            else:
                self.add_error(None, message)
        if not placed or not exc.field_errors:
            self.add_error(None, exc.message)
        for detail in exc.details:
            self.add_error(None, detail)


# ---------------------------------------------------------------- case list


_ALL = _("All")


def _with_blank(choices):
    return [("", _ALL), *choices]


class CaseListForm(AccessibleFormMixin, forms.Form):
    """Search and filters of the case list. Bad values are reported and the filter is left out."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        help_text=_("Name, foreigner's number, document number or case number."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_with_blank(CaseStatus.choices))
    work_post = forms.TypedChoiceField(label=_("Work post"), required=False, coerce=int, empty_value=None)
    counsellor = forms.TypedChoiceField(label=_("Counsellor"), required=False, coerce=int, empty_value=None)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    vulnerability = forms.ChoiceField(
        label=_("Vulnerability"), required=False, choices=_with_blank(VulnerabilityKind.choices)
    )
    programme = forms.ChoiceField(label=_("Programme"), required=False, choices=_with_blank(Programme.choices))
    contact_from = forms.DateField(label=_("First contact from"), required=False, widget=DateInput())
    contact_to = forms.DateField(label=_("First contact to"), required=False, widget=DateInput())
    sort = forms.ChoiceField(
        required=False, widget=forms.HiddenInput,
        choices=[(k, k) for key in SORTS for k in (key, f"-{key}")],
    )

    def __init__(self, *args, work_posts=(), counsellors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_post"].choices = _with_blank([(wp.pk, wp.name) for wp in work_posts])
        self.fields["counsellor"].choices = _with_blank(
            [(u.pk, u.get_full_name() or u.username) for u in counsellors]
        )
        self.fields["nationality"].choices = _with_blank(list(countries))

    def clean(self):
        data = super().clean()
        start, end = data.get("contact_from"), data.get("contact_to")
        if start and end and start > end:
            self.add_error("contact_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        """The valid, non-empty values (invalid ones are left out, so the list still shows)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {k: v for k, v in cleaned.items() if v not in (None, "") and k not in self.errors}


# ---------------------------------------------------------------- case edit


class CaseEditForm(AccessibleFormMixin, forms.Form):
    """The application details of a case; ``version`` guards against saving on top of someone else."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    work_post = forms.ModelChoiceField(label=_("Work post"), queryset=WorkPost.objects.none())
    counsellor = forms.ModelChoiceField(label=_("Counsellor"), queryset=User.objects.none())
    referral_source = forms.ChoiceField(label=_("Referral source"), choices=ReferralSource.choices)
    referral_partner = forms.ModelChoiceField(
        label=_("Referring partner"), required=False,
        queryset=PartnerOrganisation.objects.filter(active=True),
    )
    intended_destination = forms.ChoiceField(label=_("Country of return"), required=False)
    residence_procedure_withdrawn_on = forms.DateField(
        label=_("Residence procedures withdrawn on"), required=False, widget=DateInput(),
    )
    residence_procedure_none = forms.BooleanField(label=_("No residence procedure pending"), required=False)
    government_position = forms.ChoiceField(label=_("Government position"), choices=GovernmentPosition.choices)
    government_position_on = forms.DateField(label=_("Position recorded on"), required=False, widget=DateInput())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_post"].queryset = WorkPost.objects.filter(mission_id=case.mission_id).filter(
            # an inactive work post stays selectable on the case that already has it
            Q(active=True) | Q(pk=case.work_post_id)
        )
        self.fields["counsellor"].queryset = User.objects.filter(
            mission_id=case.mission_id, is_active=True, role__in=[Role.COUNSELLOR, Role.SUPERVISOR],
        ).order_by("last_name", "first_name")
        self.fields["counsellor"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["intended_destination"].choices = [("", "---------"), *countries]

    def clean(self):
        data = super().clean()
        if data.get("residence_procedure_none") and data.get("residence_procedure_withdrawn_on"):
            self.add_error(
                "residence_procedure_none",
                _("Either no procedure is pending, or procedures were withdrawn on a date: not both."),
            )
        return data

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "work_post_id": d["work_post"].pk,
            "counsellor_id": d["counsellor"].pk,
            "referral_source": d["referral_source"],
            "referral_partner_id": d["referral_partner"].pk if d["referral_partner"] else None,
            "intended_destination": d["intended_destination"] or "",
            "residence_procedure_withdrawn_on": d["residence_procedure_withdrawn_on"],
            "residence_procedure_none": d["residence_procedure_none"],
            "government_position": d["government_position"],
            "government_position_on": d["government_position_on"],
        }

    @staticmethod
    def initial_for(case) -> dict:
        return {
            "version": case.version,
            "work_post": case.work_post_id,
            "counsellor": case.counsellor_id,
            "referral_source": case.referral_source,
            "referral_partner": case.referral_partner_id,
            "intended_destination": case.intended_destination,
            "residence_procedure_withdrawn_on": case.residence_procedure_withdrawn_on,
            "residence_procedure_none": case.residence_procedure_none,
            "government_position": case.government_position,
            "government_position_on": case.government_position_on,
        }


# ---------------------------------------------------------------- case actions


class TransitionForm(AccessibleFormMixin, forms.Form):
    to_status = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)
    review_on = forms.DateField(label=_("Review on"), required=False, widget=DateInput())


class OverrideForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the override"), max_length=300)


def _member_choices(members):
    return [(m.person_id, str(m.person)) for m in members]


class MemberChoiceMixin:
    """A ``person`` field limited to the household of the case (the members are passed in, already loaded)."""

    member_field = "person"

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._members = {m.person_id: m.person for m in members}
        field = self.fields[self.member_field]
        field.choices = ([("", "---------")] if not field.required else []) + _member_choices(members)

    def member(self, name=None):
        value = self.cleaned_data.get(name or self.member_field)
        return self._members.get(int(value)) if value else None


class NoteForm(AccessibleFormMixin, forms.Form):
    written_on = forms.DateField(label=_("Date of the session"), widget=DateInput())
    language = forms.ModelChoiceField(label=_("Language used"), required=False, queryset=Language.objects.all())
    interpreter = forms.ChoiceField(label=_("Interpreter"), choices=Interpreter.choices)
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 6}))


class VulnerabilityForm(MemberChoiceMixin, AccessibleFormMixin, forms.Form):
    person = forms.ChoiceField(label=_("Household member"))
    kind = forms.ChoiceField(label=_("Vulnerability"), choices=VulnerabilityKind.choices)
    detail = forms.CharField(label=_("Detail"), required=False, max_length=300,
                             help_text=_("Required for “Other”."))
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput())


class ConsentForm(MemberChoiceMixin, AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Consent"), choices=ConsentKind.choices)
    person = forms.ChoiceField(label=_("For household member"), required=False)
    given_on = forms.DateField(label=_("Given on"), widget=DateInput())
    given_by_name = forms.CharField(
        label=_("Given by"), required=False, max_length=120,
        help_text=_("The name of the person who gave the consent; required for a guardian's consent."),
    )


class ReturnGuardianForm(MemberChoiceMixin, AccessibleFormMixin, forms.Form):
    person = forms.ChoiceField(label=_("Minor"))
    name = forms.CharField(label=_("Guardian's name"), max_length=120)
    relationship = forms.CharField(label=_("Relationship to the minor"), max_length=80)
    identified_by = forms.CharField(label=_("Identified by (document)"), max_length=120)
    confirmed_on = forms.DateField(label=_("Confirmed on"), widget=DateInput())


class FitToTravelForm(MemberChoiceMixin, AccessibleFormMixin, forms.Form):
    person = forms.ChoiceField(label=_("Household member"))
    fit = forms.TypedChoiceField(
        label=_("Outcome"), coerce=lambda v: v == "yes",
        choices=[("yes", _("Fit to travel")), ("no", _("Not fit to travel"))],
    )
    statement_on = forms.DateField(label=_("Statement dated"), widget=DateInput())
    issued_by = forms.CharField(label=_("Doctor or service"), max_length=120)
    conditions = forms.CharField(label=_("Conditions for travel"), required=False, max_length=300)


class AttachmentForm(MemberChoiceMixin, AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    person = forms.ChoiceField(label=_("Household member"), required=False)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, JPEG or PNG."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )


# ---------------------------------------------------------------- appointments


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


DURATIONS = [(15, _("15 minutes")), (30, _("30 minutes")), (45, _("45 minutes")), (60, _("1 hour")),
             (90, _("1½ hours")), (120, _("2 hours")), (180, _("3 hours")), (240, _("4 hours"))]


class AppointmentWhenForm(AccessibleFormMixin, forms.Form):
    """Date, time (on the mission's clock), length and place of an appointment; ``starts_at`` is the aware moment."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Start time"), widget=TimeInput(),
                           help_text=_("On the mission's clock (%(tz)s)."))
    duration_minutes = forms.TypedChoiceField(label=_("Duration"), choices=DURATIONS, coerce=int, initial=60)
    place = forms.ChoiceField(label=_("Where"), choices=AppointmentPlace.choices, initial=AppointmentPlace.WORK_POST)
    work_post = forms.ModelChoiceField(label=_("Work post"), required=False, queryset=WorkPost.objects.none(),
                                       help_text=_("For an appointment at a work post."))
    location = forms.CharField(label=_("Location of the visit"), required=False, max_length=160,
                               help_text=_("Its name and public address, as the migrant will find it: the SMS "
                                           "carries it. No names of people."))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.tz = case, case.mission.tzinfo
        self.fields["time"].help_text = self.fields["time"].help_text % {"tz": case.mission.tz}
        self.fields["work_post"].queryset = WorkPost.objects.filter(mission_id=case.mission_id, active=True)

    def clean(self):
        data = super().clean()
        day, clock = data.get("date"), data.get("time")
        if day and clock:
            naive = datetime.datetime.combine(day, clock)
            first, second = naive.replace(tzinfo=self.tz, fold=0), naive.replace(tzinfo=self.tz, fold=1)
            if first.utcoffset() != second.utcoffset():
                # The clocks go forward (the time does not exist) or back (it happens twice) in that hour.
                self.add_error("time", _("The clocks change at this hour: choose another time."))
            else:
                data["starts_at"] = first
        if data.get("place") == AppointmentPlace.WORK_POST and not data.get("work_post"):
            self.add_error("work_post", _("Choose the work post."))
        return data

    def add_service_error(self, exc) -> None:
        exc.field_errors = {("time" if name == "starts_at" else name): message
                            for name, message in exc.field_errors.items()}
        super().add_service_error(exc)


class AppointmentPlanForm(AppointmentWhenForm):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=AppointmentPurpose.choices)
    purpose_detail = forms.CharField(label=_("What about"), required=False, max_length=120,
                                     help_text=_("Required for “Other”. Not sent to the migrant."))
    counsellor = forms.ModelChoiceField(label=_("Counsellor"), queryset=User.objects.none())
    interpreter_language = forms.ModelChoiceField(label=_("Interpreter needed for"), required=False,
                                                  queryset=Language.objects.all())
    bring_documents = forms.BooleanField(label=_("Ask the migrant to bring identity and travel documents"),
                                         required=False)

    field_order = ["purpose", "purpose_detail", "date", "time", "duration_minutes", "place", "work_post",
                   "location", "counsellor", "interpreter_language", "bring_documents"]

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        # Who may hold it: counsellors and supervisors of the case's work post (the service checks it again).
        self.fields["counsellor"].queryset = User.objects.filter(
            Q(work_posts=case.work_post_id) | Q(supervised_work_posts=case.work_post_id), mission_id=case.mission_id,
            is_active=True, role__in=[Role.COUNSELLOR, Role.SUPERVISOR]).distinct().order_by("last_name",
                                                                                             "first_name")


class AppointmentRescheduleForm(AppointmentWhenForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)

    @staticmethod
    def initial_for(appointment) -> dict:
        local = appointment.starts_at.astimezone(appointment.mission.tzinfo)
        return {"version": appointment.version, "date": local.date(), "time": local.time(),
                "duration_minutes": appointment.duration_minutes, "place": appointment.place,
                "work_post": appointment.work_post_id, "location": appointment.location}


class AppointmentCancelForm(AccessibleFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300,
                             help_text=_("For the case; the migrant's SMS says only that it is cancelled."))


class AppointmentOutcomeForm(AccessibleFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[
        (AppointmentStatus.HELD, pgettext_lazy("appointment", "Held")), (AppointmentStatus.MISSED, _("Missed"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=300,
                           help_text=_("For example why it was missed. What was discussed goes into a counselling "
                                       "note."))


class AgendaForm(forms.Form):
    """The agenda's week or day and whose agenda; a bad value falls back to this week and one's own."""

    day = forms.DateField(required=False, widget=DateInput())
    span = forms.ChoiceField(required=False, choices=[("week", _("Week")), ("day", _("Day"))])
    counsellor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
