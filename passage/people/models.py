import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from passage.accounts.models import Mission
from passage.reference.models import Language, PartnerLocation

from .enums import Custody, DocumentKind, DocumentStatus, IdentifierKind, NameKind, ResidenceKind, Sex


class Person(models.Model):
    """A migrant or a household member. Persons outlive cases; a merged duplicate keeps its row."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", verbose_name=_("mission"))
    family_name = models.CharField(_("family name (as on documents)"), max_length=100)
    given_names = models.CharField(_("given names (as on documents)"), max_length=120, blank=True)
    known_as = models.CharField(_("known as"), max_length=120, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(_("month of birth"), null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(_("day of birth"), null=True, blank=True)
    country_of_birth = CountryField(_("country of birth"), blank=True)
    preferred_language = models.ForeignKey(
        Language, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("preferred language for messages"),
    )
    languages = models.ManyToManyField(Language, blank=True, related_name="+", verbose_name=_("languages spoken"))
    residence_kind = models.CharField(
        _("residence"), max_length=20, choices=ResidenceKind.choices, default=ResidenceKind.UNKNOWN
    )
    residence_location = models.ForeignKey(
        PartnerLocation, on_delete=models.PROTECT, null=True, blank=True, related_name="residents",
        verbose_name=_("reception or detention centre"),
    )
    residence_address = models.CharField(_("private address"), max_length=200, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from",
        verbose_name=_("merged into"),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_names"]
        indexes = [models.Index(fields=["birth_year"], name="person_birth_year")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_month__isnull=True) | models.Q(birth_year__isnull=False),
                name="person_birth_month_needs_year",
            ),
            models.CheckConstraint(
                condition=models.Q(birth_day__isnull=True) | models.Q(birth_month__isnull=False),
                name="person_birth_day_needs_month",
            ),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self):
        return f"{self.family_name.upper()}, {self.given_names}".rstrip(", ")

    @property
    def birth_display(self) -> str:
        if not self.birth_year:
            return "?"
        if not self.birth_month:
            return f"{self.birth_year}"
        if not self.birth_day:
            return f"{self.birth_month:02d}-{self.birth_year}"
        return f"{self.birth_day:02d}-{self.birth_month:02d}-{self.birth_year}"

    def age_on(self, day: datetime.date) -> int | None:
        """Age in whole years; with a partial date of birth, the lowest age it could be."""
        if not self.birth_year:
            return None
        month = self.birth_month or 12
        dom = self.birth_day or 31 if self.birth_month else 31
        age = day.year - self.birth_year
        if (day.month, day.day) < (month, dom):
            age -= 1
        return age


class PersonName(models.Model):
    """Every name a person is known by (documents, as known, transliterations), for search and duplicates."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=NameKind.choices)
    family_name = models.CharField(_("family name"), max_length=100)
    given_names = models.CharField(_("given names"), max_length=120, blank=True)
    search_key = models.CharField(max_length=240, db_index=True)
    phonetic_key = models.CharField(max_length=240, db_index=True)

    class Meta:
        verbose_name = _("name")
        verbose_name_plural = _("names")

    def __str__(self):
        return f"{self.family_name}, {self.given_names}"


class Nationality(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nationalities")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    country = CountryField(_("nationality"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "country"], name="nationality_unique")]
        indexes = [models.Index(fields=["country"], name="nationality_country")]
        verbose_name = _("nationality")
        verbose_name_plural = _("nationalities")

    def __str__(self):
        return self.country.name


class Phone(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    number = PhoneNumberField(_("mobile number"))
    sms_consent = models.BooleanField(_("consents to SMS"), default=False)
    sms_consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    sms_consent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "number"], name="phone_unique_per_person")]
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")

    def __str__(self):
        return str(self.number)


class Identifier(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    kind = models.CharField(_("kind"), max_length=24, choices=IdentifierKind.choices)
    value = models.CharField(_("number"), max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="identifier_unique")]
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"


class TravelDocument(models.Model):
    """An identity or travel document. MRZ lines, when typed, are validated with their ICAO 9303 check digits."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    kind = models.CharField(_("type"), max_length=16, choices=DocumentKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.HELD)
    number = models.CharField(_("document number"), max_length=30, blank=True)
    number_key = models.CharField(max_length=30, blank=True, db_index=True)
    issuing_country = CountryField(_("issuing country"))
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    requested_on = models.DateField(_("requested on"), null=True, blank=True)
    mrz = models.CharField(_("MRZ"), max_length=100, blank=True)
    custody = models.CharField(_("custody"), max_length=20, choices=Custody.choices, default=Custody.WITH_HOLDER)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-expires_on"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}".strip()

    def valid_on(self, day: datetime.date) -> bool:
        return self.status == DocumentStatus.HELD and self.expires_on is not None and self.expires_on >= day
