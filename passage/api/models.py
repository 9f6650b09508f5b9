"""The partner API's records: the tokens partners call it with, the referrals they made through it (each with
the idempotency key it came with and the first answer, replayed for a repeated request). docs/decisions/0015."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from passage.accounts.models import Mission, WorkPost
from passage.reference.models import PartnerLocation, PartnerOrganisation


class PartnerToken(models.Model):
    """A partner organisation's key to the partner API in one mission. Only the SHA-256 of the secret is kept
    (the secret is shown once, when the token is made); ``prefix`` is its first characters, shown in lists so
    a partner and an administrator can tell tokens apart. A revoked token is kept, refused, for the trail.

    ``window_start``/``window_count``: the fixed one-minute window of the rate limit, counted in the database
    so every web process sees the same count."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", verbose_name=_("mission"))
    organisation = models.ForeignKey(PartnerOrganisation, on_delete=models.PROTECT, related_name="api_tokens",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("token starts with"), max_length=16)
    secret_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    # Some of the organisation's locations only (a token for one reception centre); none: all of them.
    locations = models.ManyToManyField(PartnerLocation, blank=True, related_name="+",
                                       verbose_name=_("only these locations"))
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=60)
    # Where the cases this token refers are opened and who takes them in (tokens that may refer only).
    intake_work_post = models.ForeignKey(WorkPost, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                         verbose_name=_("work post taking in referrals"))
    intake_counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("counsellor taking in referrals"))
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    window_start = models.DateTimeField(null=True, blank=True)
    window_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["organisation__name", "-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(rate_limit_per_minute__gte=1),
                                              name="api_token_rate_limit_positive")]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.organisation} — {self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def location_ids(self) -> list[int] | None:
        """The locations the token is narrowed to, or None for all of its organisation's."""
        if not hasattr(self, "_location_ids"):
            self._location_ids = sorted(self.locations.values_list("pk", flat=True)) or None
        return self._location_ids

    def label(self) -> str:
        """How the audit trail names the caller: the organisation and the token."""
        return f"{self.organisation.name} (API token {self.prefix}…, #{self.pk})"


class Referral(models.Model):
    """A person referred by a partner through the API: the case it opened, and the request's idempotency key
    with a hash of its body and the first answer, so that a repeated request gets that answer again and never a
    second case. Unique per organisation, mission and key: two requests with the same key at once make one
    referral (the second waits for the first on the unique index, then replays its answer)."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(PartnerOrganisation, on_delete=models.PROTECT, related_name="+")
    token = models.ForeignKey(PartnerToken, on_delete=models.PROTECT, related_name="referrals")
    idempotency_key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, null=True, related_name="api_referral")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, related_name="+")
    response_status = models.PositiveSmallIntegerField(default=0)
    response_body = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["mission", "organisation", "idempotency_key"],
                                               name="api_referral_once_per_key")]
        verbose_name = _("referral through the API")
        verbose_name_plural = _("referrals through the API")

    def __str__(self):
        return f"{self.organisation_id}:{self.idempotency_key}"
