from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from passage.accounts.forms import DateInput, StyledFormMixin

from .enums import LocationKind, PartnerKind, RuleCode
from .models import PartnerOrganisation


def _country_choices():
    return [("", "—"), *countries]


class ExcludedCountryForm(StyledFormMixin, forms.Form):
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices)
    valid_from = forms.DateField(label=_("On the list from"), widget=DateInput)
    valid_to = forms.DateField(label=_("On the list until (inclusive)"), widget=DateInput, required=False,
                               help_text=_("Leave empty while the country stays on the list."))
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             help_text=_("For example the decision that put the country on the list."))


class ExcludedCountryEndForm(StyledFormMixin, forms.Form):
    valid_to = forms.DateField(label=_("Last day on the list"), widget=DateInput)


class EligibilityRuleVersionForm(StyledFormMixin, forms.Form):
    code = forms.ChoiceField(label=_("Rule"), choices=[("", "—"), *RuleCode.choices])
    valid_from = forms.DateField(label=_("In force from"), widget=DateInput,
                                 help_text=_("The version in force now ends the day before."))
    active = forms.BooleanField(label=_("The rule applies in this period"), required=False, initial=True)
    lookback_years = forms.IntegerField(label=_("Look-back (years)"), required=False, min_value=1, max_value=50,
                                        help_text=_("Only for the rule on earlier assisted departures."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PartnerOrganisationForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *PartnerKind.choices])


class PartnerLocationForm(StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=PartnerOrganisation.objects.filter(
        active=True).order_by("name"))
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *LocationKind.choices])
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=12, required=False)
    city = forms.CharField(label=_("City"), max_length=80)
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices, initial="NL")


class ProjectForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Project code"), max_length=20, help_text=_("e.g. AVRR-NL-2027."))
    name = forms.CharField(label=_("Name"), max_length=120)
    funded_by = forms.CharField(label=_("Funded by"), max_length=120, help_text=_("The donor: a ministry, an EU fund."))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput, required=False,
                              help_text=_("Leave empty while it runs."))
