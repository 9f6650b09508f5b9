from django.db import models
from django.utils.translation import gettext_lazy as _

from passage.reference.enums import PartnerKind


class TokenScope(models.TextChoices):
    """What a partner's token may do in the partner API (docs/decisions/0015). A token holds some of the scopes
    its organisation's kind allows (``KIND_SCOPES``); an operation outside them answers 404, as a missing record."""

    REFERRALS_WRITE = "referrals:write", _("Refer persons (opens a case)")
    REFERRALS_READ = "referrals:read", _("Read the status of the cases it referred")
    DEPARTURES_READ = "departures:read", _("Read the departures of the residents of its locations")
    EVENTS_READ = "events:read", _("Read the details behind the events it was told of")


# Which scopes an organisation's kind may hold: the national return service refers and follows its referrals; a
# reception agency learns who of its residents left; every partner may read the events it was sent.
KIND_SCOPES: dict[str, frozenset[str]] = {
    PartnerKind.RETURN_SERVICE: frozenset({TokenScope.REFERRALS_WRITE, TokenScope.REFERRALS_READ,
                                           TokenScope.EVENTS_READ}),
    PartnerKind.RECEPTION_AGENCY: frozenset({TokenScope.DEPARTURES_READ, TokenScope.EVENTS_READ}),
}
DEFAULT_KIND_SCOPES = frozenset({TokenScope.EVENTS_READ})


def scopes_for_kind(kind: str) -> frozenset[str]:
    return KIND_SCOPES.get(kind, DEFAULT_KIND_SCOPES)
