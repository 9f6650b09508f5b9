"""Fixed personas for access tests: who works where, and which cases exist around them.

Work post A and work post B belong to the host mission NL. ``case_a`` is
counsellor_a's case at A; ``case_b`` is counsellor_b's at B; ``sensitive_a``
is a trafficking case at A assigned to counsellor_a2 — counsellor_a works at
A but must not see it. ``supervisor_a`` supervises A. ``manager`` sees the
whole mission except sensitive cases; ``cleared_manager`` is cleared for
trafficking. ``other_mission_staff`` is a reintegration officer of mission GE.
"""

import os

import pytest

from passage.accounts.enums import Role, SensitiveCategory
from passage.accounts.models import Clearance
from passage.reference.loaders import ensure_reference_data
from passage.testing.factories import CaseFactory, MissionFactory, PersonFactory, UserFactory, WorkPostFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls it makes are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _english_unless_asked(request):
    """Tests read English by default; Dutch (the site default) is tested explicitly where it matters."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client():
    from django.test import Client

    client = Client()
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Languages, airports and default rules come from a data migration; a transactional test's flush
    removes them, so every database test makes sure they are there (one query when they are)."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if "live_server" in names or "transactional_db" in names or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif marker or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    ensure_reference_data()



@pytest.fixture
def mission(db):
    return MissionFactory()


@pytest.fixture
def mission_ge(db):
    return MissionFactory(code="GE", name="Georgia mission", country="GE", is_host=False)


@pytest.fixture
def work_post_a(mission):
    return WorkPostFactory(mission=mission, code="A", name="Work post A")


@pytest.fixture
def work_post_b(mission):
    return WorkPostFactory(mission=mission, code="B", name="Work post B")


@pytest.fixture
def counsellor_a(mission, work_post_a):
    return UserFactory(username="counsellor_a", mission=mission, role=Role.COUNSELLOR, work_posts=[work_post_a])


@pytest.fixture
def counsellor_a2(mission, work_post_a):
    return UserFactory(username="counsellor_a2", mission=mission, role=Role.COUNSELLOR, work_posts=[work_post_a])


@pytest.fixture
def counsellor_b(mission, work_post_b):
    return UserFactory(username="counsellor_b", mission=mission, role=Role.COUNSELLOR, work_posts=[work_post_b])


@pytest.fixture
def supervisor_a(mission, work_post_a):
    return UserFactory(username="supervisor_a", mission=mission, role=Role.SUPERVISOR, supervised_work_posts=[work_post_a])


@pytest.fixture
def manager(mission):
    return UserFactory(username="manager", mission=mission, role=Role.MANAGER)


@pytest.fixture
def cleared_manager(mission):
    user = UserFactory(username="cleared_manager", mission=mission, role=Role.MANAGER)
    Clearance.objects.create(user=user, category=SensitiveCategory.TRAFFICKING)
    return user


@pytest.fixture
def dpo(mission):
    return UserFactory(username="dpo", mission=mission, role=Role.DPO)


@pytest.fixture
def admin_user(mission):
    return UserFactory(username="admin", mission=mission, role=Role.ADMIN)


@pytest.fixture
def other_mission_staff(mission_ge):
    return UserFactory(username="ge_reintegration", mission=mission_ge, role=Role.REINTEGRATION)


@pytest.fixture
def case_a(counsellor_a, work_post_a):
    return CaseFactory(work_post=work_post_a, counsellor=counsellor_a,
                       principal=PersonFactory(mission=work_post_a.mission, family_name="Alpha", given_names="Ana"))


@pytest.fixture
def case_b(counsellor_b, work_post_b):
    return CaseFactory(work_post=work_post_b, counsellor=counsellor_b,
                       principal=PersonFactory(mission=work_post_b.mission, family_name="Bravo", given_names="Boris"))


@pytest.fixture
def sensitive_a(counsellor_a2, work_post_a):
    return CaseFactory(work_post=work_post_a, counsellor=counsellor_a2, is_trafficking=True,
                       principal=PersonFactory(mission=work_post_a.mission, family_name="Secret", given_names="Sara",
                                               sex="F"))
