import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .enums import LocationKind, PartnerKind, Programme, RuleCode


class Language(models.Model):
    """ISO 639 language (loaded from pycountry, Dutch names from babel)."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_nl = models.CharField(_("name (Dutch)"), max_length=80)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return self.name_nl if (get_language() or "nl").startswith("nl") else self.name_en


class Airport(models.Model):
    """IATA airport with its time zone (loaded from airportsdata)."""

    iata = models.CharField(_("IATA code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    city = models.CharField(_("city"), max_length=80, blank=True)
    country = CountryField(_("country"))
    tz = models.CharField(_("time zone"), max_length=48)

    class Meta:
        ordering = ["iata"]
        verbose_name = _("airport")
        verbose_name_plural = _("airports")

    def __str__(self):
        return f"{self.iata} {self.city or self.name}"


class EffectiveDatedQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date):
        return self.filter(Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)))


class EffectiveDated(models.Model):
    """A rule version that holds from ``valid_from`` to ``valid_to`` (both inclusive; open-ended if empty).

    Rows are never deleted: a change closes the row in force and opens a new one,
    so a check on any past date finds the rule that held on that date.
    """

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = EffectiveDatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class ExcludedCountry(EffectiveDated):
    """A country whose nationals are not eligible (e.g. added to the safe-country list) for a period."""

    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices, default=Programme.AVRR)
    country = CountryField(_("country"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["country", "-valid_from"]
        indexes = [models.Index(fields=["country", "valid_from"], name="excluded_country_from")]
        verbose_name = _("excluded country")
        verbose_name_plural = _("excluded countries")

    def __str__(self):
        return f"{self.country.name} ({self.valid_from}–{self.valid_to or '…'})"


class EligibilityRule(EffectiveDated):
    """One version of one eligibility rule of a programme. ``active=False`` switches a rule off for its period."""

    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices, default=Programme.AVRR)
    code = models.CharField(_("rule"), max_length=40, choices=RuleCode.choices)
    version = models.PositiveIntegerField(_("version"))
    active = models.BooleanField(_("applies"), default=True)
    lookback_years = models.PositiveSmallIntegerField(_("look-back (years)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["programme", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code", "version"], name="eligibility_rule_version_unique")
        ]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")

    def __str__(self):
        return f"{self.get_code_display()} v{self.version}"


class PartnerOrganisation(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=PartnerKind.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self):
        return self.name


class PartnerLocation(models.Model):
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="locations", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=24, choices=LocationKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=12, blank=True)
    city = models.CharField(_("city"), max_length=80)
    country = CountryField(_("country"), default="NL")
    # Where the location is told of events when it has no webhook endpoint (docs/decisions/0014).
    email = models.EmailField(_("e-mail for notifications"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner location")
        verbose_name_plural = _("partner locations")

    def __str__(self):
        return f"{self.name} ({self.city})"


class Project(models.Model):
    """A funded project of a mission (a ministry's or an EU fund's grant): every cost is recorded against one,
    and expenditure is reported per project with its funding source."""

    mission = models.ForeignKey("accounts.Mission", on_delete=models.PROTECT, related_name="projects",
                                verbose_name=_("mission"))
    code = models.CharField(_("project code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    funded_by = models.CharField(_("funded by"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="project_period"),
        ]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self):
        return f"{self.code} · {self.name}"

    def runs_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
