"""Projects are reference data the administrator keeps: a booking's costs are recorded against one."""

import datetime

import pytest
from django.urls import reverse

from passage.audit.models import AuditEvent
from passage.reference.models import Project

pytestmark = pytest.mark.django_db


def test_the_administrator_adds_a_project_of_the_mission(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("project-create")).status_code == 200
    response = client.post(reverse("project-create"), {
        "code": "avrr-nl-2027", "name": "AVRR 2027", "funded_by": "Ministry of Justice and Security",
        "starts_on": "2027-01-01", "ends_on": ""})
    assert response.status_code == 302
    project = Project.objects.get()
    assert (project.code, project.mission, project.ends_on, project.runs_on(datetime.date(2027, 6, 1)),
            project.runs_on(datetime.date(2026, 12, 31))) == ("AVRR-NL-2027", admin_user.mission, None, True, False)
    assert AuditEvent.objects.filter(object_type="reference.project", action="create").count() == 1
    listing = client.get(reverse("project-list")).content.decode()
    assert "AVRR-NL-2027" in listing and "Ministry of Justice and Security" in listing


def test_a_bad_project_is_refused_and_nothing_stored(client, admin_user):
    client.force_login(admin_user)
    Project.objects.create(mission=admin_user.mission, code="AVRR-NL-2026", name="AVRR", funded_by="Ministry",
                           starts_on=datetime.date(2026, 1, 1))
    response = client.post(reverse("project-create"), {
        "code": "AVRR-NL-2026", "name": "Again", "funded_by": "EU AMIF", "starts_on": "2027-01-01",
        "ends_on": "2026-01-01"})
    # The rules screens answer the form again, with the service's messages on their fields.
    assert response.context["form"].errors["code"] == ["A project with this code exists."]
    assert response.context["form"].errors["ends_on"] == ["The project ends before it starts."]
    bad = client.post(reverse("project-create"), {"code": "AVRR NL!", "name": "x", "funded_by": "y",
                                                  "starts_on": "2027-01-01"})
    assert bad.context["form"].errors["code"] == [
        "A project code is letters and digits, parts separated by - . or /, at most 20 characters."]
    assert Project.objects.count() == 1


def test_only_administrators_keep_projects(client, counsellor_a, finance_officer_any):
    for user in (counsellor_a, finance_officer_any):
        client.force_login(user)
        assert client.get(reverse("project-list")).status_code == 403
        assert client.post(reverse("project-create"), {"code": "X1"}).status_code == 403
    assert not Project.objects.exists()


@pytest.fixture
def finance_officer_any(mission):
    from passage.testing.factories import UserFactory

    return UserFactory(username="finance_p", mission=mission, role="finance")
