"""The audit trail search: the data protection officer only, filtered, paginated, and itself audited."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from passage.audit.enums import AuditAction
from passage.audit.models import AuditEvent
from passage.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read English messages, whatever translations are compiled (Dutch is the default)."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def _event(actor, action, *, case=None, person_id=None, mission_id=None, summary="", day=None, changes=None):
    with transaction.atomic():
        event = audit_record(actor=actor, action=action, object_type="cases.case" if case else "people.person",
                             object_id=case.pk if case else person_id, case_id=case.pk if case else None,
                             person_id=person_id, mission_id=mission_id if mission_id is not None else (
                                 case.mission_id if case else None), summary=summary, changes=changes)
    if day:
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
        AuditEvent.objects.filter(pk=event.pk).update(at=at)
    return event


@pytest.fixture
def trail(counsellor_a, counsellor_b, case_a, case_b, mission_ge, other_mission_staff):
    """Five events of mission NL on three days, and one of mission GE that the NL officer must never see."""
    return {
        "a_update": _event(counsellor_a, AuditAction.UPDATE, case=case_a, summary="changed case A",
                           day=datetime.date(2026, 1, 10), changes={"intended_destination": ["GE", "AM"]}),
        "a_transition": _event(counsellor_a, AuditAction.TRANSITION, case=case_a, summary="contact → application",
                               day=datetime.date(2026, 1, 12)),
        "b_update": _event(counsellor_b, AuditAction.UPDATE, case=case_b, summary="changed case B",
                           day=datetime.date(2026, 1, 12)),
        "person": _event(counsellor_b, AuditAction.CREATE, person_id=4242, mission_id=case_b.mission_id,
                         summary="registered person", day=datetime.date(2026, 1, 14)),
        "ge": _event(other_mission_staff, AuditAction.UPDATE, person_id=4242, mission_id=mission_ge.pk,
                     summary="georgian mission row", day=datetime.date(2026, 1, 12)),
    }


def _found(response):
    return [e.summary for e in response.context["page"].object_list]


@pytest.mark.parametrize("persona", ["counsellor_a", "supervisor_a", "manager", "cleared_manager", "admin_user"])
def test_audit_search_is_forbidden_to_everyone_but_the_data_protection_officer(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("audit-search")).status_code == 403
    assert not AuditEvent.objects.filter(object_type="audit.search").exists()


def test_audit_search_lists_the_officers_mission_newest_first(client, dpo, trail):
    client.force_login(dpo)
    response = client.get(reverse("audit-search"))
    assert response.status_code == 200
    assert _found(response) == ["registered person", "changed case B", "contact → application", "changed case A"]
    assert "georgian mission row" not in response.content.decode()


def test_audit_search_by_case_number_or_id(client, dpo, trail, case_a):
    client.force_login(dpo)
    by_number = _found(client.get(reverse("audit-search"), {"case": case_a.number.lower()}))
    by_id = _found(client.get(reverse("audit-search"), {"case": str(case_a.pk)}))
    assert by_number == by_id == ["contact → application", "changed case A"]


def test_audit_search_for_an_unknown_case_number_says_so(client, dpo, trail):
    client.force_login(dpo)
    response = client.get(reverse("audit-search"), {"case": "NL-1999-000001"})
    assert response.context["page"] is None
    assert response.context["form"].errors["case"] == ["No case has this number."]


def test_audit_search_by_person_user_action_and_dates(client, dpo, trail):
    client.force_login(dpo)
    url = reverse("audit-search")
    assert _found(client.get(url, {"person": 4242})) == ["registered person"]
    assert _found(client.get(url, {"user": "COUNSELLOR_B"})) == ["registered person", "changed case B"]
    assert _found(client.get(url, {"action": "transition"})) == ["contact → application"]
    assert _found(client.get(url, {"date_from": "2026-01-11", "date_to": "2026-01-12"})) == [
        "changed case B", "contact → application"]
    assert _found(client.get(url, {"user": "counsellor_a", "action": "update"})) == ["changed case A"]


def test_audit_search_refuses_an_end_date_before_the_start(client, dpo, trail):
    client.force_login(dpo)
    response = client.get(reverse("audit-search"), {"date_from": "2026-01-12", "date_to": "2026-01-11"})
    assert response.context["page"] is None
    assert "date_to" in response.context["form"].errors


def test_audit_search_shows_who_what_when_from_where_and_changes(client, dpo, trail, counsellor_a):
    AuditEvent.objects.filter(pk=trail["a_update"].pk).update(ip_address="192.0.2.7")
    client.force_login(dpo)
    html = client.get(reverse("audit-search"), {"case": trail["a_update"].case_id, "action": "update"}
                      ).content.decode()
    assert "192.0.2.7" in html
    assert "2026-01-10 12:00:00" in html
    assert "(counsellor_a)" in html
    assert "intended_destination</span>: GE → AM" in html


def test_searching_the_audit_trail_is_itself_audited(client, dpo, trail, case_a):
    client.force_login(dpo)
    client.get(reverse("audit-search"), {"case": case_a.number, "user": "counsellor_a"}, REMOTE_ADDR="198.51.100.4")
    search = AuditEvent.objects.get(object_type="audit.search")
    assert (search.actor, search.action, search.ip_address, search.mission_id) == (
        dpo, "read", "198.51.100.4", dpo.mission_id)
    assert search.changes == {"filters": {"case": case_a.number, "user": "counsellor_a"}, "page": 1}


def test_audit_search_is_paginated(client, dpo, counsellor_a, case_a):
    for i in range(55):
        _event(counsellor_a, AuditAction.UPDATE, case=case_a, summary=f"change {i:02d}")
    client.force_login(dpo)
    first = client.get(reverse("audit-search"), {"case": case_a.number})
    second = client.get(reverse("audit-search"), {"case": case_a.number, "page": 2})
    assert len(_found(first)) == 50
    assert _found(second) == [f"change {i:02d}" for i in range(4, -1, -1)]
    assert f"case={case_a.number}&amp;page=2" in first.content.decode()
