"""Personas and builders for the movements tests (synthetic data only).

``movements_officer`` books for the whole host mission; ``ready_case`` is counsellor_a's household at work post
A, ready to depart: the principal Nino (passport valid for two years) and her son Luka (passport too), with a
complete checklist. ``journey`` is AMS → IST → TBS a week from now, in each airport's local time.
"""

import datetime

import pytest
from django.utils import timezone

from passage.accounts.enums import Role
from passage.cases.enums import CaseStatus, ConsentKind, Relationship
from passage.cases.models import CaseMember, Consent
from passage.movements.services import SegmentInput
from passage.testing.factories import CaseFactory, PersonFactory, TravelDocumentFactory, UserFactory


@pytest.fixture
def movements_officer(mission):
    return UserFactory(username="movements", mission=mission, role=Role.MOVEMENTS)


@pytest.fixture
def operations_officer(mission):
    return UserFactory(username="operations", mission=mission, role=Role.OPERATIONS)


@pytest.fixture
def movements_ge(mission_ge):
    return UserFactory(username="movements_ge", mission=mission_ge, role=Role.MOVEMENTS)


def ready_household(counsellor, work_post, *, family_name="Beridze", children=("Luka",)):
    mission = work_post.mission
    principal = PersonFactory(mission=mission, family_name=family_name, given_names="Nino", sex="F")
    TravelDocumentFactory(person=principal)
    case = CaseFactory(work_post=work_post, counsellor=counsellor, principal=principal,
                       status=CaseStatus.READY_TO_DEPART, vulnerabilities_assessed_on=timezone.localdate())
    for name in children:
        child = PersonFactory(mission=mission, family_name=family_name, given_names=name, birth_year=2015)
        TravelDocumentFactory(person=child)
        CaseMember.objects.create(case=case, mission_id=mission.pk, person=child, relationship=Relationship.CHILD)
    for kind in (ConsentKind.DATA_PROCESSING, ConsentKind.PARTNER_SHARING):
        Consent.objects.create(case=case, mission_id=mission.pk, kind=kind, given_on=timezone.localdate(),
                               recorded_by=counsellor)
    return case


@pytest.fixture
def ready_case(counsellor_a, work_post_a):
    return ready_household(counsellor_a, work_post_a)


def travel_day(days=7) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def local(day: datetime.date, hh: int, mm: int = 0) -> datetime.datetime:
    """A naive local time on ``day``: what staff type for an airport's clock."""
    return datetime.datetime.combine(day, datetime.time(hh, mm))


def journey(day: datetime.date | None = None, *, connection_departs=(16, 0)) -> list[SegmentInput]:
    day = day or travel_day()
    return [
        SegmentInput("TK", "TK1952", "AMS", "IST", local(day, 10, 0), local(day, 14, 35)),
        SegmentInput("TK", "TK378", "IST", "TBS", local(day, *connection_departs), local(day, 19, 40)),
    ]


@pytest.fixture
def cleared_movements(mission):
    """A movements officer cleared for trafficking cases."""
    from passage.accounts.enums import SensitiveCategory
    from passage.accounts.models import Clearance

    user = UserFactory(username="movements_cleared", mission=mission, role=Role.MOVEMENTS)
    Clearance.objects.create(user=user, category=SensitiveCategory.TRAFFICKING)
    return user


@pytest.fixture
def sensitive_ready(counsellor_a2, work_post_a):
    """A trafficking case ready to depart: only staff cleared for it (and its counsellor) see it."""
    case = ready_household(counsellor_a2, work_post_a, family_name="Secret", children=())
    type(case).objects.filter(pk=case.pk).update(is_trafficking=True)
    case.is_trafficking = True
    return case


@pytest.fixture
def finance_officer(mission):
    return UserFactory(username="finance", mission=mission, role=Role.FINANCE)


def approve_cash(proposer, case, amount, currency="EUR"):
    """Operations propose the cash contribution and finance (of the same mission) approves it: the approved
    ``CashContribution``."""
    from passage.accounts.models import User
    from passage.movements import services

    finance = (User.objects.filter(role=Role.FINANCE, mission_id=proposer.mission_id).first()
               or UserFactory(username="finance_approver", mission_id=proposer.mission_id, role=Role.FINANCE))
    proposal = services.cash_contribution_propose(actor=proposer, case=case, amount=amount, currency=currency)
    return services.cash_contribution_decide(actor=finance, proposal=proposal, approve=True).contribution


@pytest.fixture(autouse=True)
def _minimum_connection_times(request):
    """The minimum connection times come from a data migration (movements 0002); a transactional test's flush on
    the same worker removes them, so a test that uses the database makes sure they are there."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker or {"db", "transactional_db", "live_server"} & set(request.fixturenames)):
        return
    import importlib

    from passage.movements.models import MinimumConnectionTime
    from passage.reference.models import Airport

    minutes = importlib.import_module("passage.movements.migrations.0002_minimum_connection_times").MINUTES
    for iata in Airport.objects.filter(iata__in=minutes).values_list("iata", flat=True):
        MinimumConnectionTime.objects.get_or_create(airport_id=iata, defaults={"minutes": minutes[iata]})
