from django import forms
from django.utils.translation import gettext_lazy as _

from passage.accounts.enums import Role
from passage.accounts.forms import StyledFormMixin
from passage.accounts.models import User, WorkPost
from passage.reference.models import PartnerLocation, PartnerOrganisation

from .enums import TokenScope


class TokenForm(StyledFormMixin, forms.Form):
    """A new API token for a partner organisation of the administrator's mission (checked again by the service:
    the scopes the organisation's kind may hold, the intake work post and counsellor of a token that refers)."""

    organisation = forms.ModelChoiceField(label=_("Partner organisation"),
                                          queryset=PartnerOrganisation.objects.filter(active=True))
    name = forms.CharField(label=_("Name"), max_length=80,
                           help_text=_("What or who uses it, e.g. “case system, production”."))
    scopes = forms.MultipleChoiceField(label=_("Scopes"), choices=TokenScope.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=_("The national return service refers and reads its referrals; a "
                                                   "reception agency reads its residents' departures; every partner "
                                                   "may read the events it was sent."))
    locations = forms.ModelMultipleChoiceField(
        label=_("Only these locations"), required=False,
        queryset=PartnerLocation.objects.filter(organisation__active=True).select_related("organisation")
        .order_by("organisation__name", "name"),
        help_text=_("Leave empty for all of the organisation's locations; choose some for a token of one centre."))
    rate_limit_per_minute = forms.IntegerField(label=_("Requests per minute"), initial=60, min_value=1,
                                               max_value=6000)
    intake_work_post = forms.ModelChoiceField(label=_("Work post taking in referrals"), required=False,
                                              queryset=WorkPost.objects.none(),
                                              help_text=_("Only for a token that refers persons."))
    intake_counsellor = forms.ModelChoiceField(label=_("Counsellor taking in referrals"), required=False,
                                               queryset=User.objects.none(),
                                               help_text=_("A counsellor of that work post."))

    def __init__(self, *args, mission_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intake_work_post"].queryset = WorkPost.objects.filter(mission_id=mission_id, active=True)
        self.fields["intake_counsellor"].queryset = User.objects.filter(
            mission_id=mission_id, is_active=True, role__in=[Role.COUNSELLOR, Role.SUPERVISOR]
        ).order_by("last_name", "username")
