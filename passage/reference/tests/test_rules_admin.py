"""Rules administration: effective-dated rules with their history, and the checks that read them on a date."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from passage.audit.models import AuditEvent
from passage.cases.eligibility import rules_in_force
from passage.core.errors import ServiceError
from passage.reference import services
from passage.reference.enums import RuleCode
from passage.reference.models import EligibilityRule, ExcludedCountry, PartnerLocation, PartnerOrganisation
from passage.testing.factories import PartnerOrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read English messages, whatever translations are compiled (Dutch is the default)."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield

D = datetime.date


def _in_force(day):
    return {(r.code, r.version, r.lookback_years) for r in rules_in_force("avrr", day)}


# --- excluded countries --------------------------------------------------------------------------------


def test_excluded_country_applies_on_dates_in_its_period_only(admin_user):
    services.excluded_country_add(actor=admin_user, country="ge", valid_from=D(2025, 3, 1), reason="Safe-country list")
    row = ExcludedCountry.objects.get()
    services.excluded_country_end(actor=admin_user, row=row, valid_to=D(2025, 12, 31))
    services.excluded_country_add(actor=admin_user, country="GE", valid_from=D(2026, 6, 1), reason="Listed again")

    def listed(day):
        return sorted((r.country.code, r.reason) for r in ExcludedCountry.objects.in_force_on(day))

    assert listed(D(2025, 2, 28)) == []
    assert listed(D(2025, 3, 1)) == [("GE", "Safe-country list")]
    assert listed(D(2025, 12, 31)) == [("GE", "Safe-country list")]
    assert listed(D(2026, 1, 1)) == []
    assert listed(D(2030, 1, 1)) == [("GE", "Listed again")]
    # History kept: both periods stay, the first with its end date.
    assert list(ExcludedCountry.objects.order_by("valid_from").values_list("valid_from", "valid_to")) == [
        (D(2025, 3, 1), D(2025, 12, 31)), (D(2026, 6, 1), None)]


@pytest.mark.parametrize("valid_from, valid_to", [
    (D(2025, 1, 1), None),            # open period starting before an open period
    (D(2025, 6, 1), D(2025, 6, 30)),  # inside
    (D(2024, 1, 1), D(2025, 3, 1)),   # ends on the first day of the existing period
])
def test_excluded_country_refuses_overlapping_periods(admin_user, valid_from, valid_to):
    services.excluded_country_add(actor=admin_user, country="GE", valid_from=D(2025, 3, 1), reason="Listed")
    with pytest.raises(ServiceError) as exc:
        services.excluded_country_add(actor=admin_user, country="GE", valid_from=valid_from, valid_to=valid_to,
                                      reason="Again")
    assert "overlaps" in str(exc.value.field_errors["valid_from"])
    assert ExcludedCountry.objects.count() == 1


def test_excluded_country_allows_adjacent_periods_and_other_countries(admin_user):
    services.excluded_country_add(actor=admin_user, country="GE", valid_from=D(2025, 3, 1), valid_to=D(2025, 5, 31),
                                  reason="First")
    services.excluded_country_add(actor=admin_user, country="GE", valid_from=D(2025, 6, 1), reason="Second")
    services.excluded_country_add(actor=admin_user, country="AL", valid_from=D(2025, 3, 1), reason="Other")
    assert ExcludedCountry.objects.count() == 3


def test_excluded_country_refuses_an_end_before_the_start(admin_user):
    with pytest.raises(ServiceError) as exc:
        services.excluded_country_add(actor=admin_user, country="GE", valid_from=D(2025, 3, 1),
                                      valid_to=D(2025, 2, 1), reason="Listed")
    assert set(exc.value.field_errors) == {"valid_to"}
    row = services.excluded_country_add(actor=admin_user, country="GE", valid_from=D(2025, 3, 1), reason="Listed")
    with pytest.raises(ServiceError) as exc:
        services.excluded_country_end(actor=admin_user, row=row, valid_to=D(2025, 2, 28))
    assert "valid_to" in exc.value.field_errors
    row.refresh_from_db()
    assert row.valid_to is None


def test_excluded_country_changes_are_audited(admin_user):
    row = services.excluded_country_add(actor=admin_user, country="GE", valid_from=D(2025, 3, 1), reason="Listed")
    services.excluded_country_end(actor=admin_user, row=row, valid_to=D(2025, 4, 1))
    events = list(AuditEvent.objects.order_by("id").values_list("action", "object_type", "object_id", "changes"))
    assert [e[:3] for e in events] == [("create", "reference.excludedcountry", str(row.pk)),
                                       ("update", "reference.excludedcountry", str(row.pk))]
    assert events[1][3] == {"valid_to": [None, "2025-04-01"]}


def test_rule_changes_by_a_non_administrator_are_refused(manager, dpo):
    for user in (manager, dpo):
        with pytest.raises(ServiceError):
            services.excluded_country_add(actor=user, country="GE", valid_from=D(2025, 3, 1), reason="x")
        with pytest.raises(ServiceError):
            services.eligibility_rule_version_add(actor=user, code=RuleCode.TRAVEL_DOCUMENT, valid_from=D(2026, 1, 1))
    assert not ExcludedCountry.objects.exists()
    assert EligibilityRule.objects.count() == 5


# --- eligibility rule versions -------------------------------------------------------------------------


def test_new_rule_version_applies_from_its_date_and_the_old_one_before(admin_user):
    before = _in_force(D(2026, 1, 1))
    assert ("no_prior_assisted_return", 1, 5) in before
    services.eligibility_rule_version_add(actor=admin_user, code=RuleCode.NO_PRIOR_ASSISTED_RETURN,
                                          valid_from=D(2026, 7, 1), lookback_years=3, note="Shortened to 3 years")
    assert _in_force(D(2026, 6, 30)) == before
    assert _in_force(D(2026, 7, 1)) == (before - {("no_prior_assisted_return", 1, 5)}) | {
        ("no_prior_assisted_return", 2, 3)}
    old, new = EligibilityRule.objects.filter(code=RuleCode.NO_PRIOR_ASSISTED_RETURN).order_by("version")
    assert (old.valid_from, old.valid_to, new.valid_from, new.valid_to) == (
        D(2000, 1, 1), D(2026, 6, 30), D(2026, 7, 1), None)
    assert list(AuditEvent.objects.order_by("id").values_list("action", "object_type", "object_id")) == [
        ("update", "reference.eligibilityrule", str(old.pk)), ("create", "reference.eligibilityrule", str(new.pk))]


def test_switching_a_rule_off_leaves_it_out_from_that_date(admin_user):
    services.eligibility_rule_version_add(actor=admin_user, code=RuleCode.NO_GOVERNMENT_OBJECTION,
                                          valid_from=D(2026, 3, 1), active=False, note="No longer asked")
    assert "no_government_objection" in {c for c, _, _ in _in_force(D(2026, 2, 28))}
    assert "no_government_objection" not in {c for c, _, _ in _in_force(D(2026, 3, 1))}
    services.eligibility_rule_version_add(actor=admin_user, code=RuleCode.NO_GOVERNMENT_OBJECTION,
                                          valid_from=D(2027, 1, 1), active=True)
    assert ("no_government_objection", 3, None) in _in_force(D(2027, 1, 1))
    # Full history: three versions, none deleted, periods back to back.
    assert list(EligibilityRule.objects.filter(code="no_government_objection").order_by("version").values_list(
        "version", "valid_from", "valid_to", "active")) == [
        (1, D(2000, 1, 1), D(2026, 2, 28), True), (2, D(2026, 3, 1), D(2026, 12, 31), False),
        (3, D(2027, 1, 1), None, True)]


def test_rule_version_refused_on_or_before_the_start_of_a_later_version(admin_user):
    services.eligibility_rule_version_add(actor=admin_user, code=RuleCode.TRAVEL_DOCUMENT, valid_from=D(2026, 7, 1))
    for day in (D(2026, 7, 1), D(2026, 1, 1)):
        with pytest.raises(ServiceError) as exc:
            services.eligibility_rule_version_add(actor=admin_user, code=RuleCode.TRAVEL_DOCUMENT, valid_from=day)
        assert "valid_from" in exc.value.field_errors
    assert EligibilityRule.objects.filter(code=RuleCode.TRAVEL_DOCUMENT).count() == 2


def test_rule_version_of_the_lookback_rule_needs_its_years(admin_user):
    with pytest.raises(ServiceError) as exc:
        services.eligibility_rule_version_add(actor=admin_user, code=RuleCode.NO_PRIOR_ASSISTED_RETURN,
                                              valid_from=D(2026, 7, 1))
    assert set(exc.value.field_errors) == {"lookback_years"}


# --- partners ------------------------------------------------------------------------------------------


def test_partner_organisation_and_location_are_created_and_audited(admin_user):
    org = services.partner_organisation_create(actor=admin_user, name="Shelter North", kind="shelter")
    loc = services.partner_location_create(actor=admin_user, organisation=org, name="Shelter North Zwolle",
                                           kind="shelter", city="Zwolle")
    assert list(org.locations.all()) == [loc]
    assert list(AuditEvent.objects.order_by("id").values_list("object_type", flat=True)) == [
        "reference.partnerorganisation", "reference.partnerlocation"]
    with pytest.raises(ServiceError):
        services.partner_organisation_create(actor=admin_user, name="shelter north", kind="shelter")


# --- views ---------------------------------------------------------------------------------------------


RULE_URLS = ["rule-list", "excluded-country-add", "eligibility-rule-add", "partner-list", "partner-create",
             "partner-location-create"]


@pytest.mark.parametrize("persona", ["counsellor_a", "supervisor_a", "manager", "dpo"])
def test_rules_pages_are_forbidden_to_other_roles(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for name in RULE_URLS:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.post(reverse("excluded-country-add"), {"country": "GE", "valid_from": "2025-01-01",
                                                         "reason": "x"}).status_code == 403
    assert not ExcludedCountry.objects.exists()


def test_rules_pages_render_for_the_administrator(client, admin_user):
    PartnerOrganisationFactory()
    client.force_login(admin_user)
    for name in RULE_URLS:
        assert client.get(reverse(name)).status_code == 200, name


def test_rule_list_shows_full_history(client, admin_user):
    services.eligibility_rule_version_add(actor=admin_user, code=RuleCode.TRAVEL_DOCUMENT, valid_from=D(2026, 7, 1),
                                          note="Emergency documents count")
    row = services.excluded_country_add(actor=admin_user, country="AL", valid_from=D(2024, 1, 1), reason="Listed")
    services.excluded_country_end(actor=admin_user, row=row, valid_to=D(2024, 12, 31))
    client.force_login(admin_user)
    response = client.get(reverse("rule-list"))
    travel = next(g for g in response.context["rule_groups"] if g["code"] == "travel_document")
    assert [(r.version, r.valid_to) for r in travel["versions"]] == [(2, None), (1, D(2026, 6, 30))]
    assert [(r.country.code, r.state) for r in response.context["excluded"]] == [("AL", "ended")]
    assert "Emergency documents count" in response.content.decode()


def test_excluded_country_form_shows_overlap_on_the_field(client, admin_user):
    services.excluded_country_add(actor=admin_user, country="GE", valid_from=D(2025, 3, 1), reason="Listed")
    client.force_login(admin_user)
    response = client.post(reverse("excluded-country-add"),
                           {"country": "GE", "valid_from": "2025-06-01", "reason": "Again"})
    assert response.status_code == 200
    assert "overlaps" in response.context["form"].errors["valid_from"][0]
    assert b'aria-invalid="true"' in response.content
    assert ExcludedCountry.objects.count() == 1


def test_excluded_country_form_adds_and_end_form_ends(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("excluded-country-add"),
                           {"country": "GE", "valid_from": "2025-03-01", "reason": "Safe-country list"})
    assert response.status_code == 302
    row = ExcludedCountry.objects.get()
    response = client.post(reverse("excluded-country-end", args=[row.pk]), {"valid_to": "2025-02-01"})
    assert "valid_to" in response.context["form"].errors
    assert client.post(reverse("excluded-country-end", args=[row.pk]), {"valid_to": "2025-09-30"}).status_code == 302
    row.refresh_from_db()
    assert row.valid_to == D(2025, 9, 30)


def test_rule_version_form_creates_a_version(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("eligibility-rule-add"), {
        "code": "no_prior_assisted_return", "valid_from": "2026-07-01", "active": "on", "lookback_years": "3"})
    assert response.status_code == 302
    assert _in_force(D(2026, 7, 1)) >= {("no_prior_assisted_return", 2, 3)}


def test_partner_forms_create_organisation_and_location(client, admin_user):
    client.force_login(admin_user)
    assert client.post(reverse("partner-create"), {"name": "Guardianship NL", "kind": "guardianship"}
                       ).status_code == 302
    org = PartnerOrganisation.objects.get(name="Guardianship NL")
    response = client.post(reverse("partner-location-create"), {
        "organisation": org.pk, "name": "Guardianship Utrecht", "kind": "office", "city": "Utrecht",
        "country": "NL"})
    assert response.status_code == 302
    assert PartnerLocation.objects.get().organisation == org
    assert "Guardianship Utrecht" in client.get(reverse("partner-list")).content.decode()


def test_eligibility_evaluated_on_a_date_reads_the_list_and_rules_in_force_then(admin_user, case_a):
    from passage.cases.eligibility import evaluate

    services.excluded_country_add(actor=admin_user, country="GE", valid_from=D(2026, 3, 1), reason="Safe country")

    def nationality_result(day):
        result = next(r for r in evaluate(case_a, day) if r.rule.code == RuleCode.NATIONALITY_NOT_EXCLUDED)
        return result.passed, result.rule.version

    assert nationality_result(D(2026, 2, 28)) == (True, 1)
    assert nationality_result(D(2026, 3, 1)) == (False, 1)
    services.eligibility_rule_version_add(actor=admin_user, code=RuleCode.NATIONALITY_NOT_EXCLUDED,
                                          valid_from=D(2026, 4, 1))
    assert nationality_result(D(2026, 3, 31)) == (False, 1)
    assert nationality_result(D(2026, 4, 1)) == (False, 2)
