from django import forms
from django.utils.translation import gettext_lazy as _

from passage.cases.forms import AccessibleFormMixin

from .enums import Channel, MessageStatus


class OutboxFilterForm(AccessibleFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All"))] + list(Channel.choices))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(MessageStatus.choices))
    case = forms.IntegerField(label=_("Case (id)"), required=False, min_value=1)
