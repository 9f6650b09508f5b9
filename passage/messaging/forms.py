from django import forms
from django.utils.translation import gettext_lazy as _

from passage.cases.forms import AccessibleFormMixin

from .enums import Channel, MessageStatus


class OutboxFilterForm(AccessibleFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All"))] + list(Channel.choices))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(MessageStatus.choices))
    case = forms.IntegerField(label=_("Case (id)"), required=False, min_value=1)


class SmsTemplateForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}), max_length=1000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
