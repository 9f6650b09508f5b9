"""The cash contribution: operations propose it, finance approves or declines it from its own queue, and only an
approved one counts at the desk. Finance has no case scope: it reaches the proposal, never the case."""

from decimal import Decimal

import pytest

from passage.audit.models import AuditEvent
from passage.core.errors import ConcurrentEditError, ServiceError
from passage.movements import services
from passage.movements.enums import CashStatus
from passage.movements.models import CashContribution, CashProposal
from passage.movements.selectors import cash_proposals_for_finance
from passage.movements.services import desk
from passage.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_a_proposal_counts_at_the_desk_only_once_finance_approves_it(operations_officer, finance_officer,
                                                                    ready_case):
    proposal = services.cash_contribution_propose(actor=operations_officer, case=ready_case, amount="300",
                                                  currency="eur", note="Reintegration plan, cash part")
    assert (proposal.status, proposal.amount, proposal.currency, proposal.proposed_by) == (
        CashStatus.PROPOSED, Decimal("300"), "EUR", operations_officer)
    assert desk.cash_approved(ready_case.pk) is None

    decided = services.cash_contribution_decide(actor=finance_officer, proposal=proposal.pk, approve=True)

    approved = desk.cash_approved(ready_case.pk)
    assert (decided.status, decided.decided_by, decided.contribution) == (CashStatus.APPROVED, finance_officer,
                                                                          approved)
    assert (approved.amount, approved.currency, approved.approved_by, approved.note) == (
        Decimal("300"), "EUR", finance_officer, "Reintegration plan, cash part")
    [audit] = AuditEvent.objects.filter(object_type="movements.cashproposal", action="transition")
    assert (audit.actor, audit.case_id, audit.changes["status"]) == (finance_officer, ready_case.pk,
                                                                     ["proposed", "approved"])


def test_a_declined_proposal_leaves_the_approved_contribution_standing(operations_officer, finance_officer,
                                                                      ready_case):
    first = services.cash_contribution_propose(actor=operations_officer, case=ready_case, amount="250",
                                               currency="EUR")
    services.cash_contribution_decide(actor=finance_officer, proposal=first, approve=True)
    raise_to = services.cash_contribution_propose(actor=operations_officer, case=ready_case, amount="900",
                                                  currency="EUR")
    assert desk.cash_approved(ready_case.pk).amount == Decimal("250")  # stands while finance looks at it
    with pytest.raises(ServiceError) as exc:
        services.cash_contribution_decide(actor=finance_officer, proposal=raise_to, approve=False)
    assert exc.value.field_errors == {"note": "Say why the contribution is declined."}
    services.cash_contribution_decide(actor=finance_officer, proposal=raise_to, approve=False,
                                      note="Above the EUR 300 cash maximum")
    assert (fresh(raise_to).status, fresh(raise_to).decision_note) == (CashStatus.DECLINED,
                                                                      "Above the EUR 300 cash maximum")
    assert desk.cash_approved(ready_case.pk).amount == Decimal("250")
    assert CashContribution.objects.filter(case=ready_case).count() == 1


def test_a_new_proposal_replaces_the_open_one_and_finance_cannot_decide_the_old(operations_officer,
                                                                              finance_officer, ready_case):
    old = services.cash_contribution_propose(actor=operations_officer, case=ready_case, amount="300",
                                             currency="EUR")
    new = services.cash_contribution_propose(actor=operations_officer, case=ready_case, amount="200",
                                             currency="EUR")
    assert fresh(old).superseded_at is not None
    assert list(cash_proposals_for_finance(finance_officer).filter(status="proposed", superseded_at__isnull=True)
                ) == [new]
    with pytest.raises(ConcurrentEditError):
        services.cash_contribution_decide(actor=finance_officer, proposal=old, approve=True)
    services.cash_contribution_decide(actor=finance_officer, proposal=new, approve=True)
    with pytest.raises(ConcurrentEditError):
        services.cash_contribution_decide(actor=finance_officer, proposal=new, approve=False, note="Twice")


def test_who_proposes_and_who_approves(movements_officer, operations_officer, finance_officer, counsellor_a,
                                       ready_case, mission_ge):
    for someone in (movements_officer, counsellor_a, finance_officer):
        with pytest.raises(ServiceError) as exc:
            services.cash_contribution_propose(actor=someone, case=ready_case, amount="300", currency="EUR")
        assert exc.value.message == "You are not allowed to do this."
    proposal = services.cash_contribution_propose(actor=operations_officer, case=ready_case, amount="300",
                                                  currency="EUR")
    for someone in (movements_officer, operations_officer):
        with pytest.raises(ServiceError) as exc:
            services.cash_contribution_decide(actor=someone, proposal=proposal, approve=True)
        assert exc.value.message == "You are not allowed to do this."
    finance_ge = UserFactory(username="finance_ge", mission=mission_ge, role="finance")
    with pytest.raises(ServiceError) as exc:
        services.cash_contribution_decide(actor=finance_ge, proposal=proposal, approve=True)
    assert exc.value.message == "This cash contribution does not exist or belongs to another mission."
    assert fresh(proposal).status == CashStatus.PROPOSED


def test_a_proposal_is_checked(operations_officer, ready_case):
    with pytest.raises(ServiceError) as exc:
        services.cash_contribution_propose(actor=operations_officer, case=ready_case, amount="0", currency="XYZ")
    assert exc.value.field_errors == {"amount": "Give the amount to hand over.",
                                      "currency": "“XYZ” is not a currency: use its ISO 4217 code, e.g. EUR."}
    assert not CashProposal.objects.exists()


def test_finance_sees_no_case(finance_officer, ready_case, sensitive_a):
    from passage.cases.selectors import cases_visible_to, persons_visible_to
    from passage.movements.selectors import bookings_visible_to

    assert list(cases_visible_to(finance_officer)) == []
    assert list(persons_visible_to(finance_officer)) == []
    assert list(bookings_visible_to(finance_officer)) == []
