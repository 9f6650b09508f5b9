from django import forms
from django.utils.translation import gettext_lazy as _

from passage.cases.forms import AccessibleFormMixin

from .enums import Channel, MessageStatus, PartnerEvent


class OutboxFilterForm(AccessibleFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All"))] + list(Channel.choices))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(MessageStatus.choices))
    case = forms.IntegerField(label=_("Case (id)"), required=False, min_value=1)


class SmsTemplateForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}), max_length=1000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EndpointForm(AccessibleFormMixin, forms.Form):
    url = forms.CharField(label=_("Endpoint URL"), max_length=300, help_text=_("Where the partner receives events."))
    events = forms.MultipleChoiceField(label=_("Events"), choices=PartnerEvent.choices,
                                       widget=forms.CheckboxSelectMultiple)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].widget.attrs["class"] = "form-check-input"


class LocationEmailForm(AccessibleFormMixin, forms.Form):
    email = forms.CharField(label=_("E-mail for notifications"), max_length=254, required=False,
                            help_text=_("Used when the location has no webhook endpoint."))
