"""The synthetic demo (``manage.py demo_seed``, small scale): complete, consistent with the services, loaded once."""

import io
import re

import pytest
from django.core.management import call_command

from passage.accounts.enums import Role
from passage.accounts.models import User
from passage.audit.models import AuditEvent
from passage.cases import workflow
from passage.cases.enums import CaseStatus, VulnerabilityKind
from passage.cases.models import Case, CaseNameToken, EligibilityCheck, Note, StatusChange, Vulnerability
from passage.cases.selectors import cases_visible_to
from passage.core.demo import DEMO_MARKER
from passage.core.demo.organisation import DEMO_PASSWORD
from passage.people.models import Identifier, Person, PersonName
from passage.people.names import name_tokens, phonetic_key, search_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setenv("DEMO_SCALE", "small")
    out = io.StringIO()
    call_command("demo_seed", stdout=out)
    return out.getvalue()


def _counts():
    return {model.__name__: model.objects.count()
            for model in (User, Person, PersonName, Case, StatusChange, EligibilityCheck, Vulnerability, Note,
                          AuditEvent)}


def test_demo_seed_small_has_every_status_and_about_sixty_cases(demo):
    assert "Demo loaded (small): 60 cases" in demo
    # Booked, departed and arrived cases come with their bookings: the demo has no movements yet.
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values) - workflow.SYSTEM_STATUSES
    assert Case.objects.count() == 60


def test_demo_seed_has_forty_staff_in_every_role(demo):
    assert User.objects.count() == 40
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.filter(role=Role.REINTEGRATION, mission__code__in=["GE", "IQ"]).count() == 2


@pytest.mark.parametrize("username", ["counsellor", "supervisor", "manager", "dpo", "admin"])
def test_demo_logins_work_with_the_demo_password(demo, client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)


def test_demo_counsellor_sees_own_cases_with_mission_numbers(demo):
    counsellor = User.objects.get(username="counsellor")
    visible = list(cases_visible_to(counsellor))
    assert visible
    assert all(re.fullmatch(r"NL-\d{4}-\d{6}", c.number) for c in visible)
    assert all(c.number == f"NL-{c.contact_on.year}-{c.pk:06d}" for c in visible)


def test_demo_seed_twice_changes_nothing(demo, monkeypatch):
    before = _counts()
    out = io.StringIO()
    call_command("demo_seed", stdout=out)
    assert "already loaded" in out.getvalue()
    assert _counts() == before
    assert AuditEvent.objects.filter(**DEMO_MARKER, summary="demo loaded").count() == 1


def test_demo_sensitive_flags_follow_vulnerabilities(demo):
    for case in Case.objects.prefetch_related("vulnerabilities"):
        kinds = {v.kind for v in case.vulnerabilities.all() if v.ended_on is None}
        assert case.is_trafficking == (VulnerabilityKind.TRAFFICKING in kinds)
        assert case.is_unaccompanied_minor == (VulnerabilityKind.UNACCOMPANIED_MINOR in kinds)
        assert case.is_medical == (VulnerabilityKind.MEDICAL in kinds)
    assert Case.objects.filter(is_trafficking=True).exists()
    assert Case.objects.filter(is_unaccompanied_minor=True).exists()
    assert Case.objects.filter(is_medical=True).exists()


def test_demo_status_histories_are_legal_moves_in_order_ending_at_the_status(demo):
    for case in Case.objects.prefetch_related("status_changes"):
        changes = sorted(case.status_changes.all(), key=lambda c: (c.at, c.id))
        assert changes[0].from_status == "" and changes[0].to_status == CaseStatus.CONTACT
        for earlier, later in zip(changes, changes[1:], strict=False):
            assert earlier.at < later.at
            assert later.from_status == earlier.to_status
            assert later.to_status in workflow.ALLOWED_MOVES[earlier.to_status]
        assert changes[-1].to_status == case.status
        assert case.status_changed_at == changes[-1].at


def test_demo_ready_to_depart_cases_have_a_complete_checklist_and_a_passed_check(demo):
    ready = Case.objects.filter(status=CaseStatus.READY_TO_DEPART)
    assert ready.exists()
    for case in ready:
        assert [i.label for i in workflow.preparation_checklist(case) if not i.done] == []
        assert case.eligibility_checks.order_by("-run_at", "-id").first().passed


def test_demo_rejected_cases_failed_their_latest_check(demo):
    for case in Case.objects.filter(status=CaseStatus.REJECTED):
        latest = case.eligibility_checks.order_by("-run_at", "-id").first()
        assert latest is not None and not latest.passed


def test_demo_names_carry_the_search_keys_the_services_write(demo):
    for name in PersonName.objects.all():
        assert name.search_key == search_key(name.given_names, name.family_name)
        assert name.phonetic_key == phonetic_key(name.given_names, name.family_name)
    numbers = Identifier.objects.filter(kind="foreigner_number").values_list("value", flat=True)
    assert numbers and all(re.fullmatch(r"\d{10}", n) for n in numbers)


def test_demo_cases_carry_the_name_tokens_of_their_members(demo):
    expected = set()
    for case in Case.objects.prefetch_related("members__person__names"):
        pairs = [(n.given_names, n.family_name) for m in case.members.all() for n in m.person.names.all()]
        expected |= {(case.pk, token, case.work_post_id) for token in name_tokens(*pairs)}
    assert expected
    assert set(CaseNameToken.objects.values_list("case_id", "token", "work_post_id")) == expected


def test_demo_logins_prints_the_table_with_the_password(demo):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for username in ("counsellor", "supervisor", "manager", "dpo", "admin"):
        assert re.search(rf"^{username}\s", text, re.MULTILINE)
    assert "Kantoor Amsterdam" in text
