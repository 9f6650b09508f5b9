from django import forms
from django.utils.translation import gettext_lazy as _

from passage.accounts.forms import DateInput, StyledFormMixin

from .enums import AuditAction


class AuditSearchForm(StyledFormMixin, forms.Form):
    person = forms.IntegerField(label=_("Person (number in Passage)"), required=False, min_value=1)
    case = forms.CharField(label=_("Case (case number or number in Passage)"), required=False, max_length=40)
    user = forms.CharField(label=_("Staff member (user name)"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Until (inclusive)"), required=False, widget=DateInput)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("Any")), *AuditAction.choices])

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data

    def filters(self) -> dict:
        """The filters given, as JSON-safe values (for the audit row of the search itself)."""
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                for k, v in self.cleaned_data.items() if v not in (None, "")}
