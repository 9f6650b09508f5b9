"""Rules administration: the excluded-country list and eligibility rule versions with their full history;
partner organisations and their locations. Administrators only."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from passage.accounts.forms import apply_service_error
from passage.accounts.permissions import Action, user_can
from passage.core.errors import ServiceError

from . import services
from .enums import RuleCode
from .forms import (
    EligibilityRuleVersionForm,
    ExcludedCountryEndForm,
    ExcludedCountryForm,
    PartnerLocationForm,
    PartnerOrganisationForm,
    ProjectForm,
)
from .models import EligibilityRule, ExcludedCountry, PartnerLocation, PartnerOrganisation, Project


def _require(request) -> None:
    if not user_can(request.user, Action.RULES_MANAGE):
        raise PermissionDenied


def _period_state(row, today) -> str:
    if row.valid_from > today:
        return "future"
    if row.valid_to is not None and row.valid_to < today:
        return "ended"
    return "in_force"


def rule_list(request):
    _require(request)
    today = timezone.localdate()
    excluded = list(ExcludedCountry.objects.select_related("created_by").order_by("country", "-valid_from", "-id"))
    for row in excluded:
        row.state = _period_state(row, today)
    rules = list(EligibilityRule.objects.select_related("created_by").order_by("programme", "code", "-version"))
    for rule in rules:
        rule.state = _period_state(rule, today)
    labels = dict(RuleCode.choices)
    rule_groups = [
        {"code": code, "label": labels.get(code, code), "versions": list(versions)}
        for code, versions in groupby(rules, key=lambda r: r.code)
    ]
    return render(request, "reference/rule_list.html", {
        "excluded": excluded, "rule_groups": rule_groups, "today": today,
    })


def _form_page(request, form, template, context, on_valid, success_url="rule-list"):
    """Show the form; on a valid POST call the one service (``on_valid``), then redirect or show its refusal."""
    if request.method == "POST" and form.is_valid():
        try:
            message = on_valid(form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, message)
            return redirect(success_url)
    return render(request, template, {"form": form, **context})


@require_http_methods(["GET", "POST"])
def excluded_country_add(request):
    _require(request)
    form = ExcludedCountryForm(request.POST or None)

    def save(data):
        row = services.excluded_country_add(actor=request.user, country=data["country"], valid_from=data["valid_from"],
                                            valid_to=data["valid_to"], reason=data["reason"])
        return _("%(country)s is on the excluded-country list from %(date)s.") % {
            "country": row.country.name, "date": row.valid_from}

    return _form_page(request, form, "reference/excluded_country_form.html", {}, save)


@require_http_methods(["GET", "POST"])
def excluded_country_end(request, pk):
    _require(request)
    row = get_object_or_404(ExcludedCountry, pk=pk)
    form = ExcludedCountryEndForm(request.POST or None)

    def save(data):
        services.excluded_country_end(actor=request.user, row=row, valid_to=data["valid_to"])
        return _("%(country)s leaves the excluded-country list after %(date)s.") % {
            "country": row.country.name, "date": data["valid_to"]}

    return _form_page(request, form, "reference/excluded_country_end.html", {"row": row}, save)


@require_http_methods(["GET", "POST"])
def eligibility_rule_version_add(request):
    _require(request)
    initial = {"code": request.GET.get("code", ""), "active": True}
    form = EligibilityRuleVersionForm(request.POST or None, initial=initial)

    def save(data):
        rule = services.eligibility_rule_version_add(
            actor=request.user, code=data["code"], valid_from=data["valid_from"], active=data["active"],
            lookback_years=data["lookback_years"], note=data["note"])
        return _("Version %(version)s of “%(rule)s” is in force from %(date)s.") % {
            "version": rule.version, "rule": rule.get_code_display(), "date": rule.valid_from}

    return _form_page(request, form, "reference/rule_version_form.html", {}, save)


def partner_list(request):
    _require(request)
    organisations = PartnerOrganisation.objects.prefetch_related(
        Prefetch("locations", queryset=PartnerLocation.objects.order_by("name"))).order_by("name")
    return render(request, "reference/partner_list.html", {"organisations": organisations})


@require_http_methods(["GET", "POST"])
def partner_create(request):
    _require(request)
    form = PartnerOrganisationForm(request.POST or None)

    def save(data):
        org = services.partner_organisation_create(actor=request.user, name=data["name"], kind=data["kind"])
        return _("Partner organisation %(name)s added.") % {"name": org.name}

    return _form_page(request, form, "reference/partner_form.html", {"title": _("New partner organisation")}, save,
                      "partner-list")


@require_http_methods(["GET", "POST"])
def partner_location_create(request):
    _require(request)
    form = PartnerLocationForm(request.POST or None, initial={"organisation": request.GET.get("organisation")})

    def save(data):
        location = services.partner_location_create(
            actor=request.user, organisation=data["organisation"], name=data["name"], kind=data["kind"],
            city=data["city"], address=data["address"], postcode=data["postcode"], country=data["country"])
        return _("Location %(name)s added.") % {"name": location.name}

    return _form_page(request, form, "reference/partner_form.html", {"title": _("New partner location")}, save,
                      "partner-list")


def project_list(request):
    """The mission's funded projects: every booking's costs are recorded against one."""
    _require(request)
    today = timezone.localdate()
    projects = list(Project.objects.filter(mission_id=request.user.mission_id).order_by("code"))
    for p in projects:
        p.running = p.runs_on(today)
    return render(request, "reference/project_list.html", {"projects": projects})


@require_http_methods(["GET", "POST"])
def project_create(request):
    _require(request)
    form = ProjectForm(request.POST or None)

    def save(data):
        project = services.project_create(actor=request.user, code=data["code"], name=data["name"],
                                          funded_by=data["funded_by"], starts_on=data["starts_on"],
                                          ends_on=data["ends_on"])
        return _("Project %(code)s added.") % {"code": project.code}

    return _form_page(request, form, "reference/project_form.html", {"title": _("New project")}, save,
                      "project-list")
