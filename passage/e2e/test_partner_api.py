"""The partner API's docs page in a real browser under the strict CSP (self only): Swagger UI loads from this
site, renders every operation, and reports no error or CSP violation. An administrator makes a token, sees it
once, and revokes it."""

import re

import pytest

from passage.accounts.enums import Role
from passage.reference.enums import PartnerKind
from passage.testing.factories import PartnerOrganisationFactory, UserFactory

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_shows_every_operation_without_a_csp_violation(page):
    page.goto("/api/docs")
    page.locator(".opblock").first.wait_for()
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert sorted(s.replace("\u200b", "") for s in summaries) == sorted([
        "/api/v1/referrals", "/api/v1/referrals", "/api/v1/referrals/{referral_id}", "/api/v1/departures",
        "/api/v1/events/{message_id}"])


def test_an_administrator_makes_a_token_sees_it_once_and_revokes_it(page, mission):
    UserFactory(username="admin", mission=mission, role=Role.ADMIN)
    PartnerOrganisationFactory(name="Reception agency", kind=PartnerKind.RECEPTION_AGENCY)
    sign_in(page, "admin")
    page.get_by_role("button", name="English", exact=True).click()
    page.wait_for_load_state()
    page.goto("/api-tokens/new/")
    page.get_by_label("Partner organisation").select_option(label="Reception agency")
    page.locator("#id_name").fill("bed planning")
    page.get_by_label("Read the departures of the residents of its locations").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_test_id("api-token-secret").inner_text()
    assert re.fullmatch(r"psg_[A-Za-z0-9_-]{43}", secret)
    page.get_by_role("link", name="Done").click()
    row = page.locator("tr", has_text="bed planning")
    assert secret[:12] in row.inner_text() and secret not in page.content()
    page.on("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()
    page.get_by_text("was revoked: it no longer works").wait_for()
