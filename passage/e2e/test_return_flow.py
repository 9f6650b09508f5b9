"""The return case end to end in a real browser, in Dutch and in English.

A counsellor registers a walk-in, adds a spouse (the duplicate check offers her
existing record) and two children, takes the application, passes eligibility,
prepares the case and brings it to "ready to depart". A second walk-in has a
nationality on the excluded-country list: eligibility fails and the page says why.
"""

import datetime
import re

import pytest
from django.utils import timezone

from passage.cases.models import Case
from passage.reference.models import ExcludedCountry
from passage.testing.factories import PersonFactory, TravelDocumentFactory

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = {
    "nl": {"ready": "Klaar voor vertrek", "eligible": "Komt in aanmerking", "not_eligible": "Komt niet in aanmerking",
           "albania": "Albanië", "excluded": "uitgesloten"},
    "en": {"ready": "Ready to depart", "eligible": "Eligible", "not_eligible": "Not eligible",
           "albania": "Albania", "excluded": "excluded-country list"},
}


@pytest.fixture
def spouse_on_record(mission):
    """The spouse registered earlier (no case yet), with her passport."""
    spouse = PersonFactory(mission=mission, family_name="Hosseini", given_names="Maryam", sex="F",
                           birth_year=1988, birth_month=3, birth_day=2, nationality="AF")
    TravelDocumentFactory(person=spouse, issuing_country="AF", number="P7654321", number_key="P7654321")
    return spouse


@pytest.fixture
def albania_excluded():
    return ExcludedCountry.objects.create(country="AL", valid_from=datetime.date(2025, 1, 1),
                                          reason="Safe country of origin")


def case_id_from(page) -> int:
    match = re.search(r"/cases/(\d+)/$", page.url)
    assert match, f"not on a case page: {page.url}"
    return int(match.group(1))


def submit(page, form_selector="main form"):
    page.locator(f"{form_selector} button.btn-primary").first.click()
    page.wait_for_load_state()


def register(page, *, family, given, sex, year, nationality, passport, principal=True):
    page.locator("#id_family_name").fill(family)
    page.locator("#id_given_names").fill(given)
    page.locator("#id_sex").select_option(sex)
    page.locator("#id_birth_year").fill(str(year))
    page.locator("#id_nationalities").select_option(nationality)
    if principal:
        page.locator("#id_preferred_language").select_option("fa" if nationality == "AF" else "sq")
        page.locator("#id_residence_kind").select_option("private_address")
        page.locator("#id_residence_address").fill("Voorbeeldlaan 5, Zwolle")
    page.locator("#id_document_kind").select_option("passport")
    page.locator("#id_document_status").select_option("held")
    page.locator("#id_document_number").fill(passport)
    page.locator("#id_document_issuing_country").select_option(nationality)
    page.locator("#id_document_expires_on").fill((timezone.localdate() + datetime.timedelta(days=900)).isoformat())
    submit(page, "main form")


def move(page, status):
    page.locator(f"#move-{status} button[type=submit]").click()
    page.wait_for_load_state()


def take_application(page, destination):
    page.locator("a[href$='/edit/']").first.click()
    page.locator("#id_intended_destination").select_option(destination)
    page.locator("#id_residence_procedure_none").check()
    page.locator("#id_government_position").select_option("no_objection")
    page.locator("#id_government_position_on").fill(timezone.localdate().isoformat())
    submit(page, "main form")


def record_consent(page, kind):
    page.locator("#consents .card-header a").click()
    form = page.locator("#consent-form form")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=given_on]").fill(timezone.localdate().isoformat())
    form.locator("button.btn-primary").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_household_reaches_ready_to_depart_and_excluded_nationality_fails(
    page, language, counsellor_a, spouse_on_record, albania_excluded
):
    words = TEXT[language]
    sign_in(page, "counsellor_a")
    if language == "en":
        page.get_by_role("button", name="English", exact=True).click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language

    # The walk-in, with his passport: a case opens in "contact".
    page.goto("/people/register/")
    register(page, family="Hosseini", given="Ahmad", sex="M", year=1985, nationality="AF", passport="P1234567")
    case_pk = case_id_from(page)

    # The spouse: typing a transliteration of her name offers her existing record.
    page.locator("#household .dropdown-toggle").click()
    page.locator("#household a[href*='relationship=spouse']").click()
    page.locator("#id_family_name").fill("Hoseini")
    page.locator("#id_given_names").fill("Mariam")
    page.locator("#id_birth_year").fill("1988")
    offer = page.locator(f"#duplicates button[name=existing_person][value='{spouse_on_record.pk}']")
    offer.wait_for()
    offer.click()
    page.wait_for_load_state()
    assert case_id_from(page) == case_pk

    for given, year, passport in (("Sara", 2015, "P2000001"), ("Omid", 2018, "P2000002")):
        page.locator("#household .dropdown-toggle").click()
        page.locator("#household a[href*='relationship=child']").click()
        register(page, family="Hosseini", given=given, sex="F" if given == "Sara" else "M", year=year,
                 nationality="AF", passport=passport, principal=False)
    case = Case.objects.get(pk=case_pk)
    assert sorted(case.members.values_list("relationship", flat=True)) == ["child", "child", "principal", "spouse"]
    assert page.locator("#household tbody tr").count() == 4

    # The application, eligibility (passes), preparation, ready to depart.
    move(page, "application")
    take_application(page, "AF")
    move(page, "eligibility")
    page.locator("#eligibility form button").click()
    page.wait_for_load_state()
    assert page.locator("#eligibility .badge").first.inner_text() == words["eligible"]
    move(page, "preparation")
    record_consent(page, "data_processing")
    record_consent(page, "partner_sharing")
    page.locator("form[action$='/vulnerabilities/assessed/'] button").click()
    page.wait_for_load_state()
    move(page, "ready_to_depart")
    assert page.locator(".status-badge").first.inner_text() == words["ready"]
    case.refresh_from_db()
    assert case.status == "ready_to_depart"
    assert list(case.status_changes.values_list("to_status", flat=True)) == [
        "contact", "application", "eligibility", "preparation", "ready_to_depart"]

    # A second walk-in, Albanian: eligibility fails and says why.
    page.goto("/people/register/")
    register(page, family="Hoxha", given="Arben", sex="M", year=1990, nationality="AL", passport="AL998877")
    second = case_id_from(page)
    move(page, "application")
    take_application(page, "AL")
    move(page, "eligibility")
    page.locator("#eligibility form button").click()
    page.wait_for_load_state()
    assert page.locator("#eligibility .badge").first.inner_text() == words["not_eligible"]
    reasons = page.locator("#eligibility-outcomes").inner_text()
    assert words["albania"] in reasons and words["excluded"] in reasons
    assert page.locator("#missing-preparation").is_visible()
    assert Case.objects.get(pk=second).status == "eligibility"
