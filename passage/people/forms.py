"""Forms for registering and editing persons. They parse and check input; services store it.

The per-field checks (birth date, MRZ check digits, expiry, mobile number,
foreigner's number) are the shared ones in ``validation``, run here so the
user sees every problem at once; the services run them again before storing.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from passage.accounts.models import WorkPost
from passage.cases.enums import ReferralSource
from passage.reference.models import Language, PartnerLocation

from . import validation
from .enums import Custody, DocumentKind, DocumentStatus, IdentifierKind, NameKind, ResidenceKind, Sex


def _country_choices():
    return [("", "---------"), *[(c.code, c.name) for c in countries]]


def _nationality_choices():
    return [(c.code, c.name) for c in countries]


class AccessibleFormMixin:
    """Bootstrap classes on every widget, and ``is-invalid`` on a field with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
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

    def enable_live_validation(self, url: str, *, keyup_fields=()) -> None:
        """Check each field with htmx as the user leaves it: POST the whole form to ``url`` (a view that binds
        this same form class and answers with ``people/_field_error.html`` for the field named by the
        HX-Trigger-Name header). ``keyup_fields`` are also checked while typing, after a pause.

        The error placeholder ``<id>_live`` (in ``people/_field.html``) holds the message; the input's
        ``aria-describedby`` always names ``<id>_error`` so a message that appears later is linked too.
        """
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            auto_id = self[name].auto_id
            if not auto_id:
                continue
            trigger = "change"
            if name in keyup_fields:
                trigger = "change, keyup changed delay:600ms"
            widget.attrs.update({
                "hx-post": url,
                "hx-trigger": trigger,
                "hx-target": f"#{auto_id}_live",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
                "hx-sync": "this:replace",
            })
            described = [f"{auto_id}_helptext"] if field.help_text else []
            widget.attrs.setdefault("aria-describedby", " ".join([*described, f"{auto_id}_error"]))

    def add_error(self, field, error):
        # Django 5.2 itself sets aria-invalid and aria-describedby="<id>_error <id>_helptext"; Bootstrap
        # needs the class to show the field as invalid.
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", "").split():
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


def _numeric(placeholder=""):
    attrs = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.TextInput(attrs=attrs)


class PersonFieldsForm(AccessibleFormMixin, forms.Form):
    """The person's own details, shared by registration and editing."""

    family_name = forms.CharField(
        label=_("Family name (as on documents)"), max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    given_names = forms.CharField(
        label=_("Given names (as on documents)"), max_length=120, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    known_as = forms.CharField(label=_("Known as"), max_length=120, required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "---------"), *Sex.choices])
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False, widget=_numeric(_("yyyy")),
                                    help_text=_("Year only is fine when that is all that is known."))
    birth_month = forms.IntegerField(label=_("Month of birth"), required=False, widget=_numeric(_("mm")))
    birth_day = forms.IntegerField(label=_("Day of birth"), required=False, widget=_numeric(_("dd")))
    nationalities = forms.MultipleChoiceField(
        label=_("Nationalities"), choices=_nationality_choices,
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    country_of_birth = forms.ChoiceField(label=_("Country of birth"), choices=_country_choices, required=False)
    preferred_language = forms.ModelChoiceField(
        label=_("Preferred language for messages"), queryset=Language.objects.order_by("name_en"), required=False,
    )
    residence_kind = forms.ChoiceField(label=_("Lives at"), choices=ResidenceKind.choices,
                                       initial=ResidenceKind.UNKNOWN)
    residence_location = forms.ModelChoiceField(
        label=_("Reception or detention centre, shelter"), required=False,
        queryset=PartnerLocation.objects.select_related("organisation").order_by("name"),
    )
    residence_address = forms.CharField(label=_("Private address"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        for name, message in validation.validate_birth(
            data.get("birth_year"), data.get("birth_month"), data.get("birth_day")
        ).items():
            if name not in self.errors:
                self.add_error(name, message)
        kind = data.get("residence_kind")
        if kind == ResidenceKind.PARTNER_LOCATION and not data.get("residence_location"):
            self.add_error("residence_location", _("Choose the centre where the person lives."))
        if kind == ResidenceKind.PRIVATE_ADDRESS and not (data.get("residence_address") or "").strip():
            self.add_error("residence_address", _("Give the private address."))
        # Only the part of the residence that matches its kind is kept.
        if kind != ResidenceKind.PARTNER_LOCATION:
            data["residence_location"] = None
        if kind != ResidenceKind.PRIVATE_ADDRESS:
            data["residence_address"] = ""
        return data

    def person_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "family_name": d["family_name"], "given_names": d["given_names"], "known_as": d["known_as"],
            "sex": d["sex"], "birth_year": d["birth_year"], "birth_month": d["birth_month"],
            "birth_day": d["birth_day"], "nationalities": list(d["nationalities"]),
            "country_of_birth": d["country_of_birth"], "preferred_language": d["preferred_language"],
            "residence_kind": d["residence_kind"], "residence_location": d["residence_location"],
            "residence_address": d["residence_address"],
        }


# Where a service's field error lands on the registration form.
REGISTER_FIELD_MAP = {
    "person": {},
    "phone": {"number": "mobile"},
    "identifier": {"value": "foreigner_number"},
    "document": {"kind": "document_kind", "status": "document_status", "number": "document_number",
                 "issuing_country": "document_issuing_country", "expires_on": "document_expires_on",
                 "mrz": "document_mrz", "issued_on": None, "requested_on": None},
    "case": {"work_post": "work_post", "referral_source": "referral_source"},
}


class CaseStartForm(AccessibleFormMixin, forms.Form):
    """Work post and referral source of the case a registration opens."""

    work_post = forms.ModelChoiceField(label=_("Work post"), queryset=WorkPost.objects.none(), empty_label=None)
    referral_source = forms.ChoiceField(label=_("Referral source"), choices=ReferralSource.choices,
                                        initial=ReferralSource.SELF)

    def __init__(self, *args, user, for_case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_case = for_case
        if for_case is not None:
            # A household member joins an existing case: no new case, so no work post or referral.
            del self.fields["work_post"]
            del self.fields["referral_source"]
            return
        posts = user_work_posts(user)
        self.fields["work_post"].queryset = posts
        first = posts.first()
        if first is not None:
            self.fields["work_post"].initial = first.pk


def user_work_posts(user):
    """The work posts a user may open cases at: where they work, and where they supervise."""
    return WorkPost.objects.filter(
        mission_id=user.mission_id, active=True,
    ).filter(
        pk__in=[*user.work_posts.values_list("pk", flat=True), *user.supervised_work_posts.values_list("pk", flat=True)]
    ).order_by("name")


class PersonRegisterForm(CaseStartForm, PersonFieldsForm):
    """A walk-in (or household member): person, contact, identifiers, a document, and the case."""

    mobile = forms.CharField(
        label=_("Mobile number"), required=False, max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "+31 6 12345678"}),
    )
    sms_consent = forms.BooleanField(label=_("Consents to receive SMS messages on this number"), required=False)
    foreigner_number = forms.CharField(label=_("Foreigner's number"), required=False, max_length=20,
                                       widget=_numeric(), help_text=_("10 digits, issued by the immigration service."))
    document_kind = forms.ChoiceField(label=_("Document type"), required=False,
                                      choices=[("", "---------"), *DocumentKind.choices])
    document_status = forms.ChoiceField(label=_("Document status"), choices=DocumentStatus.choices,
                                        initial=DocumentStatus.HELD)
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=30,
                                      widget=forms.TextInput(attrs={"autocomplete": "off"}))
    document_issuing_country = forms.ChoiceField(label=_("Issuing country"), required=False,
                                                 choices=_country_choices)
    document_expires_on = forms.DateField(label=_("Expires on"), required=False,
                                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    document_mrz = forms.CharField(
        label=_("MRZ lines"), required=False, max_length=100,
        help_text=_("The machine-readable lines at the bottom of the page, typed exactly, one line per row."),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false",
                                     "autocapitalize": "characters", "class": "font-monospace"}),
    )
    different_person = forms.BooleanField(
        label=_("I checked the possible matches: this is a different person"), required=False,
    )

    field_order = [
        "family_name", "given_names", "known_as", "sex", "birth_year", "birth_month", "birth_day",
        "nationalities", "country_of_birth", "preferred_language", "residence_kind", "residence_location",
        "residence_address", "mobile", "sms_consent", "foreigner_number", "document_kind", "document_status",
        "document_number", "document_issuing_country", "document_expires_on", "document_mrz",
        "work_post", "referral_source", "different_person",
    ]

    DUPLICATE_FIELDS = ("family_name", "given_names", "birth_year", "nationalities", "document_number",
                        "foreigner_number")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The duplicate check (htmx) listens to these fields.
        for name in self.DUPLICATE_FIELDS:
            attrs = self.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} js-duplicate-field".strip()

    def clean_foreigner_number(self):
        value = (self.cleaned_data.get("foreigner_number") or "").strip().replace(" ", "")
        if value:
            error = validation.validate_identifier(IdentifierKind.FOREIGNER_NUMBER, value)
            if error:
                raise forms.ValidationError(error)
        return value

    def clean_mobile(self):
        raw = (self.cleaned_data.get("mobile") or "").strip()
        if not raw:
            return ""
        e164, error = validation.normalise_mobile(raw)
        if error:
            raise forms.ValidationError(error)
        return e164

    @property
    def has_document(self) -> bool:
        d = self.cleaned_data
        return bool(d.get("document_kind") or d.get("document_number") or d.get("document_mrz")
                    or d.get("document_expires_on"))

    def clean(self):
        data = super().clean()
        if self.has_document:
            if not data.get("document_kind"):
                self.add_error("document_kind", _("Choose the type of document."))
            if not data.get("document_issuing_country"):
                self.add_error("document_issuing_country", _("Choose the issuing country."))
            errors = validation.validate_document(
                kind=data.get("document_kind") or "", status=data.get("document_status") or DocumentStatus.HELD,
                number=data.get("document_number") or "", expires_on=data.get("document_expires_on"),
                issued_on=None, mrz=data.get("document_mrz") or "",
            )
            for name, message in errors.items():
                target = REGISTER_FIELD_MAP["document"].get(name)
                if target and target not in self.errors:
                    self.add_error(target, message)
        return data

    def document_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"kind": d["document_kind"], "status": d["document_status"], "number": d["document_number"],
                "issuing_country": d["document_issuing_country"], "expires_on": d["document_expires_on"],
                "mrz": d["document_mrz"]}


class DuplicateQueryForm(forms.Form):
    """The registration fields the duplicate check reads; lenient, it never shows errors."""

    family_name = forms.CharField(required=False)
    given_names = forms.CharField(required=False)
    birth_year = forms.IntegerField(required=False, min_value=1800, max_value=2200)
    nationalities = forms.MultipleChoiceField(required=False, choices=_nationality_choices)
    document_number = forms.CharField(required=False)
    foreigner_number = forms.CharField(required=False)

    def query(self) -> dict:
        self.is_valid()  # invalid fields simply drop out of cleaned_data
        d = self.cleaned_data
        return {
            "family_name": d.get("family_name") or "",
            "given_names": d.get("given_names") or "",
            "birth_year": d.get("birth_year"),
            "nationalities": list(d.get("nationalities") or []),
            "document_numbers": [d["document_number"]] if d.get("document_number") else [],
            "identifiers": [(IdentifierKind.FOREIGNER_NUMBER, d["foreigner_number"].replace(" ", ""))]
            if d.get("foreigner_number") else [],
        }


class ExistingPersonForm(forms.Form):
    existing_person = forms.IntegerField(widget=forms.HiddenInput)


class PersonEditForm(PersonFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, person) -> dict:
        return {
            "family_name": person.family_name, "given_names": person.given_names, "known_as": person.known_as,
            "sex": person.sex, "birth_year": person.birth_year, "birth_month": person.birth_month,
            "birth_day": person.birth_day,
            "nationalities": list(person.nationalities.values_list("country", flat=True)),
            "country_of_birth": person.country_of_birth.code if person.country_of_birth else "",
            "preferred_language": person.preferred_language_id, "residence_kind": person.residence_kind,
            "residence_location": person.residence_location_id, "residence_address": person.residence_address,
            "version": person.version,
        }

    def update_kwargs(self) -> dict:
        kw = self.person_kwargs()
        kw["preferred_language_id"] = getattr(kw.pop("preferred_language"), "pk", None)
        kw["residence_location_id"] = getattr(kw.pop("residence_location"), "pk", None)
        kw["version"] = self.cleaned_data["version"]
        return kw


class NameAddForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of name"), choices=NameKind.choices)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False,
                                  widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))
    given_names = forms.CharField(label=_("Given names"), max_length=120, required=False,
                                  widget=forms.TextInput(attrs={"autocomplete": "off"}))


class PhoneAddForm(AccessibleFormMixin, forms.Form):
    number = forms.CharField(
        label=_("Mobile number"), max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "autofocus": True,
                                      "placeholder": "+31 6 12345678"}),
    )
    sms_consent = forms.BooleanField(label=_("Consents to receive SMS messages on this number"), required=False)


class IdentifierAddForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IdentifierKind.choices, initial=IdentifierKind.FOREIGNER_NUMBER)
    value = forms.CharField(label=_("Number"), max_length=40,
                            widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))


class DocumentForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Document type"), choices=DocumentKind.choices,
                             widget=forms.Select(attrs={"autofocus": True}))
    status = forms.ChoiceField(label=_("Status"), choices=DocumentStatus.choices, initial=DocumentStatus.HELD)
    number = forms.CharField(label=_("Document number"), max_length=30, required=False,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))
    issuing_country = forms.ChoiceField(label=_("Issuing country"), choices=_country_choices)
    issued_on = forms.DateField(label=_("Issued on"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    expires_on = forms.DateField(label=_("Expires on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    requested_on = forms.DateField(label=_("Requested on"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    mrz = forms.CharField(
        label=_("MRZ lines"), required=False, max_length=100,
        help_text=_("The machine-readable lines at the bottom of the page, typed exactly, one line per row."),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false",
                                     "autocapitalize": "characters", "class": "font-monospace"}),
    )
    custody = forms.ChoiceField(label=_("Custody"), choices=Custody.choices, initial=Custody.WITH_HOLDER)

    def clean_requested_on(self):
        value = self.cleaned_data.get("requested_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("This date cannot be in the future."))
        return value

    def clean(self):
        # The shared document checks (the ones the services run before storing), so all problems show at once
        # and the live check of a field gives the same message as the submit.
        data = super().clean()
        errors = validation.validate_document(
            kind=data.get("kind") or "", status=data.get("status") or DocumentStatus.HELD,
            number=data.get("number") or "", expires_on=data.get("expires_on"), issued_on=data.get("issued_on"),
            mrz=data.get("mrz") or "",
        )
        for name, message in errors.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    @classmethod
    def initial_for(cls, document) -> dict:
        return {
            "kind": document.kind, "status": document.status, "number": document.number,
            "issuing_country": document.issuing_country.code if document.issuing_country else "",
            "issued_on": document.issued_on, "expires_on": document.expires_on,
            "requested_on": document.requested_on, "mrz": document.mrz, "custody": document.custody,
            "version": document.version,
        }

    def service_kwargs(self) -> dict:
        return {k: self.cleaned_data[k] for k in
                ("kind", "status", "number", "issuing_country", "issued_on", "expires_on", "requested_on",
                 "mrz", "custody")}


class DocumentEditForm(DocumentForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MergeForm(AccessibleFormMixin, forms.Form):
    survivor = forms.IntegerField(
        label=_("Record to keep (person number)"), min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}),
    )
    duplicate = forms.IntegerField(
        label=_("Duplicate record to merge into it (person number)"), min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}),
    )
    reason = forms.CharField(label=_("Reason for the merge"), required=False, max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("survivor") and data.get("survivor") == data.get("duplicate"):
            self.add_error("duplicate", _("Choose two different records."))
        return data
