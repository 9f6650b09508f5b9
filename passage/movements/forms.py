"""Forms of the journey screens. They parse and check what is cheap to check (shapes of codes, known airports);
the services in ``services`` check the rest and store. Field names are the services' own, so a service's
per-field message lands on its field."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passage.accounts.models import Mission, User
from passage.cases.enums import CaseStatus
from passage.cases.forms import AccessibleFormMixin, DateInput
from passage.people.enums import Sex
from passage.reference.enums import PartnerKind
from passage.reference.models import Airport, PartnerLocation

from . import validation, workflow
from .enums import (
    AssistanceKind,
    BookingStatus,
    CharterStatus,
    DeskStep,
    EscortKind,
    MovementKind,
    MovementOutcome,
    MovementProgramme,
    SpecialService,
    StrandedCareKind,
)
from .models import Charter

PAGE_SIZE = 25


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class LocalDateTimeField(forms.Field):
    """A date and time on an airport's own clock: kept naive, the service reads it in the airport's zone."""

    widget = LocalDateTimeInput
    default_error_messages = {"invalid": _("Give the date and the local time, e.g. 2026-12-08 10:15.")}
    FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value
        for fmt in self.FORMATS:
            try:
                return datetime.datetime.strptime(str(value).strip(), fmt)
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


def _code_input(size: int, **attrs):
    return forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false",
                                  "size": size, **attrs})


def _airport_error(code: str) -> str | None:
    if not Airport.objects.filter(iata=code).exists():
        return _("“%(code)s” is not a known IATA airport code.") % {"code": code}
    return None


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


# ---------------------------------------------------------------- the request


class BookingRequestForm(AccessibleFormMixin, forms.Form):
    persons = forms.MultipleChoiceField(label=_("Who travels"), widget=forms.CheckboxSelectMultiple,
                                        help_text=_("The household members on this journey."))
    project_code = forms.CharField(label=_("Project code"), required=False, max_length=20,
                                   widget=_code_input(20))
    remarks = forms.CharField(label=_("Remarks for movements"), required=False, max_length=300)
    charter = forms.ModelChoiceField(label=_("On a charter flight"), required=False, queryset=Charter.objects.none(),
                                     empty_label=_("No: a scheduled flight"))
    seats = forms.IntegerField(label=_("Seats on the charter"), required=False, min_value=1, max_value=999,
                               help_text=_("Empty: one per passenger."))

    def __init__(self, *args, members=(), mission_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["charter"].queryset = Charter.objects.filter(
            mission_id=mission_id, status__in=[CharterStatus.PLANNED, CharterStatus.CONFIRMED],
            departs_at__gt=timezone.now()).order_by("departs_at")
        if not self.fields["charter"].queryset.exists():
            del self.fields["charter"], self.fields["seats"]
        self.members = {str(m.person_id): m.person for m in members}
        self.fields["persons"].choices = [(str(m.person_id), f"{m.person} ({m.get_relationship_display()})")
                                          for m in members]
        # CheckboxSelectMultiple renders a list: the Bootstrap class belongs on each box, not on the list.
        self.fields["persons"].widget.attrs["class"] = "form-check-input"

    def clean_project_code(self):
        code = validation.clean_code(self.cleaned_data["project_code"])
        if code and (msg := validation.project_code_error(code)):
            raise forms.ValidationError(msg)
        return code

    def chosen(self):
        return [self.members[pk] for pk in self.cleaned_data["persons"]]


# ---------------------------------------------------------------- the itinerary


class SegmentForm(AccessibleFormMixin, forms.Form):
    airline = forms.CharField(label=_("Airline"), max_length=2, widget=_code_input(3),
                              help_text=_("Two characters, e.g. TK."))
    flight_number = forms.CharField(label=_("Flight number"), max_length=7, widget=_code_input(8),
                                    help_text=_("e.g. TK1952."))
    origin = forms.CharField(label=_("From (airport)"), max_length=3, widget=_code_input(4),
                             help_text=_("IATA code, e.g. AMS."))
    destination = forms.CharField(label=_("To (airport)"), max_length=3, widget=_code_input(4),
                                  help_text=_("IATA code, e.g. IST."))
    departs = LocalDateTimeField(label=_("Departure (local time)"))
    arrives = LocalDateTimeField(label=_("Arrival (local time)"))

    # Fields checked as the user leaves them (htmx), with the same clean_* methods as on submit.
    LIVE = ("airline", "flight_number", "origin", "destination")

    def clean_airline(self):
        code = validation.clean_code(self.cleaned_data["airline"])
        if msg := validation.airline_error(code):
            raise forms.ValidationError(msg)
        return code

    def clean_flight_number(self):
        code = validation.clean_code(self.cleaned_data["flight_number"])
        airline = validation.clean_code(self.data.get(self.add_prefix("airline"), ""))
        if validation.airline_error(airline):
            airline = ""
        if msg := validation.flight_number_error(code, airline):
            raise forms.ValidationError(msg)
        return code

    def clean_origin(self):
        code = validation.clean_code(self.cleaned_data["origin"])
        if msg := _airport_error(code):
            raise forms.ValidationError(msg)
        return code

    def clean_destination(self):
        code = validation.clean_code(self.cleaned_data["destination"])
        if msg := _airport_error(code):
            raise forms.ValidationError(msg)
        return code


class BaseSegmentFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not [f for f in self.forms if f.cleaned_data]:
            raise forms.ValidationError(_("Give at least one flight."))


SegmentFormSet = forms.formset_factory(SegmentForm, formset=BaseSegmentFormSet, extra=0, min_num=1, max_num=6,
                                       validate_max=True)
SEGMENT_PREFIX = "segments"


class ItineraryForm(AccessibleFormMixin, VersionMixin):
    reason = forms.CharField(label=_("Reason for the rebooking"), required=False, max_length=300,
                             help_text=_("Needed when the journey already had flights."))


class TimeChangeForm(AccessibleFormMixin, forms.Form):
    departs = LocalDateTimeField(label=_("New departure (local time)"))
    arrives = LocalDateTimeField(label=_("New arrival (local time)"))
    reason = forms.CharField(label=_("Reason for the change"), max_length=300,
                             help_text=_("e.g. the airline's schedule change."))


# ---------------------------------------------------------------- the booking and its passengers


class BookingDetailsForm(AccessibleFormMixin, VersionMixin):
    reference = forms.CharField(label=_("Booking reference (PNR)"), required=False, max_length=6,
                                widget=_code_input(7), help_text=_("Six letters or digits, e.g. K7Q2XB."))
    project_code = forms.CharField(label=_("Project code"), required=False, max_length=20, widget=_code_input(20))
    remarks = forms.CharField(label=_("Remarks"), required=False, max_length=300)


class TicketForm(AccessibleFormMixin, forms.Form):
    ticket_number = forms.CharField(label=_("Ticket number"), max_length=16, widget=_code_input(14),
                                    help_text=_("13 digits."))
    fare = forms.DecimalField(label=_("Fare"), required=False, min_value=0, max_digits=10, decimal_places=2)
    taxes = forms.DecimalField(label=_("Taxes"), required=False, min_value=0, max_digits=10, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3, widget=_code_input(4),
                               help_text=_("ISO code, e.g. EUR."))
    baggage_pieces = forms.IntegerField(label=_("Checked bags"), required=False, min_value=0, max_value=99)
    baggage_kg = forms.IntegerField(label=_("Baggage allowance (kg)"), required=False, min_value=0, max_value=99)


class MedifForm(AccessibleFormMixin, forms.Form):
    medif_sent_at = forms.DateTimeField(label=_("Sent at"), widget=LocalDateTimeInput,
                                        input_formats=list(LocalDateTimeField.FORMATS),
                                        help_text=_("Date and time in the Netherlands."))


class SpecialAssistanceForm(AccessibleFormMixin, forms.Form):
    code = forms.ChoiceField(label=_("Special service"),
                             choices=[("", "—"), *[(c.value, f"{c.value} · {c.label}") for c in SpecialService]])
    text = forms.CharField(label=_("Details for the airline"), required=False, max_length=200,
                           help_text=_("For LANG: the language the passenger speaks."))


class EscortForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of escort"), choices=[("", "—"), *EscortKind.choices])
    staff = forms.ModelChoiceField(label=_("Member of staff"), required=False, queryset=User.objects.none())
    external_name = forms.CharField(label=_("Or: name of an external escort"), required=False, max_length=120)
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=120)
    cost = forms.DecimalField(label=_("Cost (fees, allowances)"), required=False, min_value=0, max_digits=10,
                              decimal_places=2)
    cost_currency = forms.CharField(label=_("Currency"), required=False, max_length=3, widget=_code_input(4))
    travels_with_passengers = forms.BooleanField(label=_("Travels with the passengers"), required=False,
                                                 initial=True)

    def __init__(self, *args, mission_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.filter(mission_id=mission_id, is_active=True).order_by(
            "last_name", "first_name", "username")


class AssistanceRequestForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *AssistanceKind.choices])
    airport = forms.ChoiceField(label=_("Airport"))
    to_mission = forms.ModelChoiceField(label=_("Ask the mission"), queryset=Mission.objects.none())
    note = forms.CharField(label=_("What is needed"), required=False, max_length=300)

    def __init__(self, *args, airports=(), own_mission_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["airport"].choices = [("", "—"), *[(a.iata, f"{a.iata} · {a.name}") for a in airports]]
        self.fields["to_mission"].queryset = Mission.objects.exclude(pk=own_mission_id)


class AssistanceRespondForm(AccessibleFormMixin, forms.Form):
    answer = forms.ChoiceField(label=_("Answer"), widget=forms.RadioSelect,
                               choices=[("confirm", _("Confirm: we will assist")),
                                        ("decline", _("Decline"))])
    response_note = forms.CharField(label=_("Note"), required=False, max_length=300,
                                    help_text=_("Needed when declining: say why."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].widget.attrs["class"] = "form-check-input"


class AssistanceWithdrawForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


# ---------------------------------------------------------------- moves


class BookingTransitionForm(AccessibleFormMixin, VersionMixin):
    to_status = forms.ChoiceField(choices=BookingStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)
    case_status = forms.ChoiceField(
        label=_("The case goes to"), required=False,
        choices=[(s.value, s.label) for s in CaseStatus if s in workflow.CASE_AFTER_RELEASE])
    review_on = forms.DateField(label=_("Review on"), required=False, widget=DateInput)


# ---------------------------------------------------------------- the list


class BookingListForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("In progress")), ("all", _("All")), *BookingStatus.choices])
    departs_from = forms.DateField(label=_("First departure from"), required=False, widget=DateInput)
    departs_until = forms.DateField(label=_("until"), required=False, widget=DateInput)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        start, end = data.get("departs_from"), data.get("departs_until")
        if start and end and end < start:
            self.add_error("departs_until", _("The end date is before the start date."))
        return data


# ---------------------------------------------------------------- the airport's day

BOARD_AIRPORT = "AMS"


class BoardForm(forms.Form):
    """Which airport and which local day the board shows (default: the mission's airport, today)."""

    airport = forms.CharField(label=_("Airport"), max_length=3, required=False)
    day = forms.DateField(label=_("Day"), required=False, widget=DateInput)

    def __init__(self, *args, default_airport: str = BOARD_AIRPORT, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_airport = default_airport

    def clean_airport(self):
        code = validation.clean_code(self.cleaned_data.get("airport") or "") or self.default_airport
        airport = Airport.objects.filter(pk=code).first()
        if airport is None:
            raise forms.ValidationError(_("Unknown airport “%(code)s”.") % {"code": code})
        return airport


class DeskStepForm(forms.Form):
    """One tap at the desk; the service checks the order of the steps, the amount and the reason."""

    step = forms.ChoiceField(choices=[(s.value, s.label) for s in DeskStep if s != DeskStep.UNDO])
    amount = forms.CharField(label=_("Amount"), max_length=20, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def clean_amount(self):
        # A Dutch desk types a decimal comma (400,50); the service reads a decimal point.
        amount = self.cleaned_data["amount"].strip()
        return amount.replace(",", ".") if "," in amount and "." not in amount else amount


class DeskUndoForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class ArrivalConfirmForm(forms.Form):
    """The actual time the passengers arrived, on the arrival airport's clock (empty: now); the host mission
    confirming for the mission in the country of return says why (the service requires it then)."""

    arrived_at = LocalDateTimeField(label=_("Arrived at (local time)"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class BookingNoShowForm(forms.Form):
    """Nobody of the booking showed: why, and where the case goes (ready to depart, to be rebooked, by default)."""

    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    case_status = forms.ChoiceField(
        label=_("The case goes to"), required=False,
        choices=[(s.value, s.label) for s in CaseStatus if s in workflow.CASE_AFTER_RELEASE])
    review_on = forms.DateField(label=_("Review on (if on hold)"), required=False, widget=DateInput)


class DepartureConfirmForm(forms.Form):
    """The actual time the flight left, on the airport's clock (empty: now)."""

    departed_at = LocalDateTimeField(label=_("Departed at (local time)"), required=False)


# ---------------------------------------------------------------- arrivals and transits outside return cases


class MovementForm(AccessibleFormMixin, forms.Form):
    """An arrival at the mission's airport, or a transit with its connecting flight. Field names are the
    service's (``movement_create``), so its per-field messages land on their field."""

    kind = forms.ChoiceField(label=_("Arrival or transit"), choices=MovementKind.choices)
    programme = forms.ChoiceField(label=_("Programme"), choices=MovementProgramme.choices)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=40,
                                help_text=_("The programme's or the other mission's reference, if any."))
    airline = forms.CharField(label=_("Airline"), max_length=2, widget=_code_input(3),
                              help_text=_("Two characters, e.g. TK."))
    flight_number = forms.CharField(label=_("Flight number"), max_length=7, widget=_code_input(8),
                                    help_text=_("e.g. TK1951."))
    origin = forms.CharField(label=_("From (airport)"), max_length=3, widget=_code_input(4),
                             help_text=_("IATA code, e.g. IST."))
    airport = forms.CharField(label=_("Arriving at (airport)"), max_length=3, widget=_code_input(4))
    departs = LocalDateTimeField(label=_("Departure (local time there)"))
    arrives = LocalDateTimeField(label=_("Arrival (local time here)"))
    onward_airline = forms.CharField(label=_("Connecting flight: airline"), required=False, max_length=2,
                                     widget=_code_input(3))
    onward_flight_number = forms.CharField(label=_("Connecting flight: flight number"), required=False,
                                           max_length=7, widget=_code_input(8))
    onward_destination = forms.CharField(label=_("Connecting flight: to (airport)"), required=False, max_length=3,
                                         widget=_code_input(4))
    onward_departs = LocalDateTimeField(label=_("Connecting flight: departure (local time here)"), required=False)


class MovementPassengerForm(AccessibleFormMixin, forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_names = forms.CharField(label=_("Given names"), required=False, max_length=120)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False)
    nationality = forms.CharField(label=_("Nationality"), required=False, max_length=2, widget=_code_input(3),
                                  help_text=_("Two-letter country code, e.g. SY."))


class MovementOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=[(o.value, o.label) for o in MovementOutcome if o != MovementOutcome.EXPECTED])
    location = forms.ModelChoiceField(label=_("Reception location"), queryset=PartnerLocation.objects.none(),
                                      required=False)
    family_name = forms.CharField(label=_("Family member"), max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = reception_locations()


def reception_locations():
    """Where the reception agency receives people: its reception centres."""
    return PartnerLocation.objects.filter(organisation__kind=PartnerKind.RECEPTION_AGENCY, organisation__active=True).select_related(
        "organisation").order_by("name")


class StrandedCareForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=StrandedCareKind.choices)
    cost = forms.CharField(label=_("Cost"), max_length=20)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class MovementListForm(AccessibleFormMixin, forms.Form):
    day_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    day_until = forms.DateField(label=_("Until"), required=False, widget=DateInput)
    kind = forms.ChoiceField(label=_("Arrival or transit"), required=False,
                             choices=[("", _("All"))] + list(MovementKind.choices))


# ---------------------------------------------------------------- charter flights


class CharterForm(SegmentForm):
    """A charter flight: its reference and seats, and its one flight checked as the booking forms check theirs."""

    reference = forms.CharField(label=_("Charter reference"), max_length=30, widget=_code_input(16),
                                help_text=_("The organisation's reference, e.g. CH-2026-07."))
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=999)

    field_order = ["reference", "airline", "flight_number", "origin", "destination", "departs", "arrives", "seats"]
    LIVE = ("reference", *SegmentForm.LIVE)

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip().upper()
        if Charter.objects.filter(reference=reference).exists():
            raise forms.ValidationError(_("A charter flight with this reference exists already."))
        return reference


class CharterListForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Planned or confirmed")), ("all", _("All")), *CharterStatus.choices])


class CharterTransitionForm(VersionMixin):
    to_status = forms.ChoiceField(choices=CharterStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class BookingCharterForm(AccessibleFormMixin, VersionMixin):
    charter = forms.ModelChoiceField(label=_("Charter flight"), queryset=Charter.objects.none(), empty_label="—")
    seats = forms.IntegerField(label=_("Seats"), required=False, min_value=1, max_value=999,
                               help_text=_("Empty: one per passenger."))
    reason = forms.CharField(label=_("Reason for the rebooking"), required=False, max_length=300,
                             help_text=_("Needed when the journey already had flights."))

    def __init__(self, *args, charters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["charter"].queryset = charters
        self.fields["charter"].label_from_instance = lambda c: _(
            "%(ref)s · %(flight)s %(origin)s–%(destination)s · %(day)s · %(free)s of %(seats)s seats free") % {
            "ref": c.reference, "flight": c.flight_number, "origin": c.origin_id, "destination": c.destination_id,
            "day": timezone.localtime(c.departs_at).strftime("%Y-%m-%d %H:%M"), "free": c.seats - (c.taken or 0),
            "seats": c.seats}


# ---------------------------------------------------------------- documents confirmed in advance


class DocumentConfirmationForm(AccessibleFormMixin, forms.Form):
    document = forms.ChoiceField(label=_("Requested document"))
    authority = forms.CharField(label=_("Confirmed by (embassy, authority)"), max_length=120)
    valid_from = forms.DateField(label=_("For travel from"), widget=DateInput)
    valid_until = forms.DateField(label=_("For travel until"), widget=DateInput)
    confirmed_on = forms.DateField(label=_("Confirmed on"), required=False, widget=DateInput,
                                   help_text=_("Empty: today."))

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {str(d.pk): d for d in documents}
        self.fields["document"].choices = [(str(d.pk), str(d)) for d in documents]

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The period ends before it begins."))
        return data


# ---------------------------------------------------------------- the cash contribution


class CashProposalForm(AccessibleFormMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=10, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR", widget=_code_input(4),
                               help_text=_("ISO code, e.g. EUR."))
    note = forms.CharField(label=_("Note for finance"), required=False, max_length=300)


class CashDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
