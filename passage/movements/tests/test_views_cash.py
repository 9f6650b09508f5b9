"""Screens of the cash contribution: operations propose it from the journey; finance decides from its queue,
which shows case numbers and money only; finance reaches no case page."""

import pytest
from django.urls import reverse

from passage.movements import services
from passage.movements.enums import CashStatus
from passage.movements.models import CashContribution, CashProposal
from passage.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client
    return login


def test_operations_propose_the_cash_contribution_from_the_journey(as_user, operations_officer, ready_case):
    client = as_user(operations_officer)
    url = reverse("cash-propose", args=[ready_case.pk])
    assert url in client.get(reverse("journey", args=[ready_case.pk])).content.decode()
    bad = client.post(url, {"amount": "300", "currency": "XYZ"})
    assert bad.status_code == 400
    assert bad.context["form"].errors["currency"] == ["“XYZ” is not a currency: use its ISO 4217 code, e.g. EUR."]
    assert not CashProposal.objects.exists()
    assert client.post(url, {"amount": "300", "currency": "EUR", "note": "Plan: small shop"}).status_code == 302
    proposal = CashProposal.objects.get()
    assert (proposal.case, proposal.amount, proposal.status) == (ready_case, 300, CashStatus.PROPOSED)
    journey = client.get(reverse("journey", args=[ready_case.pk])).content.decode()
    assert "Waiting for finance" in journey


def test_counsellors_and_movements_do_not_propose(as_user, counsellor_a, movements_officer, ready_case):
    for user in (counsellor_a, movements_officer):
        assert as_user(user).get(reverse("cash-propose", args=[ready_case.pk])).status_code == 403


def test_finance_approves_from_its_queue_and_the_queue_shows_no_people(as_user, operations_officer,
                                                                       finance_officer, ready_case, mission_ge):
    proposal = services.cash_contribution_propose(actor=operations_officer, case=ready_case, amount="300",
                                                  currency="EUR")
    other_mission = UserFactory(username="ops_ge", mission=mission_ge, role="operations")
    client = as_user(finance_officer)
    page = client.get(reverse("cash-queue"))
    text = page.content.decode()
    assert page.status_code == 200
    assert [p.pk for p in page.context["open_rows"]] == [proposal.pk]
    assert ready_case.number in text
    for name in ("Beridze", "BERIDZE", "Nino", "Luka"):
        assert name not in text
    assert reverse("case-detail", args=[ready_case.pk]) not in text
    assert other_mission.mission_id != finance_officer.mission_id
    response = client.post(reverse("cash-decide", args=[proposal.pk]), {"decision": "approve"})
    assert response.status_code == 302
    assert CashContribution.objects.get(case=ready_case).approved_by == finance_officer


def test_finance_declines_only_with_a_reason(as_user, operations_officer, finance_officer, ready_case):
    proposal = services.cash_contribution_propose(actor=operations_officer, case=ready_case, amount="900",
                                                  currency="EUR")
    client = as_user(finance_officer)
    refused = client.post(reverse("cash-decide", args=[proposal.pk]), {"decision": "decline", "note": ""})
    assert refused.status_code == 400
    assert refused.context["error"]["details"] == ["Say why the contribution is declined."]
    assert CashProposal.objects.get().status == CashStatus.PROPOSED
    client.post(reverse("cash-decide", args=[proposal.pk]), {"decision": "decline", "note": "Above the maximum"})
    assert CashProposal.objects.get().status == CashStatus.DECLINED
    again = client.post(reverse("cash-decide", args=[proposal.pk]), {"decision": "approve"})
    assert again.status_code == 409
    assert not CashContribution.objects.exists()


def test_finance_of_another_mission_and_other_roles_have_no_queue(as_user, operations_officer, movements_officer,
                                                                 ready_case, mission_ge):
    proposal = services.cash_contribution_propose(actor=operations_officer, case=ready_case, amount="300",
                                                  currency="EUR")
    finance_ge = UserFactory(username="finance_ge", mission=mission_ge, role="finance")
    client = as_user(finance_ge)
    assert list(client.get(reverse("cash-queue")).context["open_rows"]) == []
    assert client.post(reverse("cash-decide", args=[proposal.pk]), {"decision": "approve"}).status_code == 404
    for user in (operations_officer, movements_officer):
        assert as_user(user).get(reverse("cash-queue")).status_code == 403
    assert CashProposal.objects.get().status == CashStatus.PROPOSED


def test_finance_reaches_no_case_page(as_user, finance_officer, ready_case):
    client = as_user(finance_officer)
    for name in ("case-detail", "journey", "cash-propose"):
        assert client.get(reverse(name, args=[ready_case.pk])).status_code == 404
    listing = client.get(reverse("case-list"))
    assert ready_case.number not in listing.content.decode()
    assert reverse("cash-queue") in client.get(reverse("cash-queue")).content.decode()
