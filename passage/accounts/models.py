from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .enums import Role, SensitiveCategory, WorkPostKind


class Mission(models.Model):
    """A country office of the organisation: the host mission or a mission in a country of return."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=120)
    country = CountryField(_("country"))
    is_host = models.BooleanField(_("host mission"), default=False)
    # The airport the mission's movements staff work at: the default of the airport's board.
    airport = models.ForeignKey("reference.Airport", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("airport"))

    class Meta:
        ordering = ["-is_host", "name"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")

    def __str__(self):
        return self.name

    @property
    def tz(self) -> str:
        """The mission's clock: its airport's time zone (Europe/Amsterdam for the Dutch mission), else the
        installation's. Appointments are given and shown on it."""
        from django.conf import settings

        return self.airport.tz if self.airport_id else settings.TIME_ZONE

    @property
    def tzinfo(self):
        import zoneinfo

        return zoneinfo.ZoneInfo(self.tz)


class WorkPost(models.Model):
    """A location where counsellors hold consultations: reception centre, detention centre, city office, airport."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="work_posts", verbose_name=_("mission"))
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=24, choices=WorkPostKind.choices)
    city = models.CharField(_("city"), max_length=80, blank=True)
    # Where a migrant goes for an appointment: the public street address, told to them by SMS (never a room of a
    # detention centre's wing or anything that is not on the sign at the door).
    address = models.CharField(_("public address"), max_length=160, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("work post")
        verbose_name_plural = _("work posts")

    def __str__(self):
        return self.name

    @property
    def public_place(self) -> str:
        """The work post as a migrant finds it: its name and public address."""
        return f"{self.name}, {self.address}" if self.address else self.name


class User(AbstractUser):
    """A member of staff. One role grants actions; work posts and the mission limit the records."""

    mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("mission")
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, blank=True)
    work_posts = models.ManyToManyField(WorkPost, blank=True, related_name="staff", verbose_name=_("work posts"))
    supervised_work_posts = models.ManyToManyField(
        WorkPost, blank=True, related_name="supervisors", verbose_name=_("supervised work posts")
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return self.get_full_name() or self.username

    def _access_profile(self) -> tuple[set[int], set[int], set[str]]:
        """(work posts worked at, work posts supervised, cleared categories): what limits the records this user
        sees, read in one query and kept on this (request-bound) user object."""
        cache = getattr(self, "_access_cache", None)
        if cache is None:
            worked, supervised, cleared = set(), set(), set()
            work = User.work_posts.through.objects.filter(user_id=self.pk).annotate(
                k=models.Value("w"), c=models.Value("")).values_list("k", "workpost_id", "c")
            sup = User.supervised_work_posts.through.objects.filter(user_id=self.pk).annotate(
                k=models.Value("s"), c=models.Value("")).values_list("k", "workpost_id", "c")
            clear = Clearance.objects.filter(user_id=self.pk).annotate(
                k=models.Value("c"), wp=models.Value(0)).values_list("k", "wp", "category")
            for kind, work_post, category in work.union(sup, clear, all=True):
                if kind == "w":
                    worked.add(work_post)
                elif kind == "s":
                    supervised.add(work_post)
                else:
                    cleared.add(category)
            cache = (worked, supervised, cleared)
            self._access_cache = cache
        return cache

    def work_post_ids(self) -> tuple[set[int], set[int]]:
        """(work posts worked at, work posts supervised)."""
        worked, supervised, _cleared = self._access_profile()
        return worked, supervised

    def cleared_categories(self) -> set[str]:
        return self._access_profile()[2]


class Clearance(models.Model):
    """Permission to see sensitive cases of one category beyond one's own."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="clearances")
    category = models.CharField(_("category"), max_length=24, choices=SensitiveCategory.choices)
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="clearance_unique_per_user")]
        verbose_name = _("clearance")
        verbose_name_plural = _("clearances")

    def __str__(self):
        return f"{self.user}: {self.get_category_display()}"
