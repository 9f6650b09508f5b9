"""The SMS text editor: the grid of kinds and languages, a text with its preview and part counter while typing,
saved over the version one started from (a stale one refused, the input kept), back to the default; audited;
only operations and administrators edit, others read or are refused."""

import pytest
from django.urls import reverse

from passage.accounts.enums import Role
from passage.audit.models import AuditEvent
from passage.messaging.models import SmsTemplate
from passage.messaging.sms_texts import DEFAULTS
from passage.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operations(mission):
    return UserFactory(username="ops", mission=mission, role=Role.OPERATIONS)


def edit_url(kind="reminder", language="ka"):
    return reverse("sms-template-edit", args=[kind, language])


def test_the_grid_shows_default_and_own_texts(client, operations, mission):
    client.force_login(operations)
    html = client.get(reverse("sms-templates")).content.decode()
    assert 'id="text-reminder-ka"' in html and 'id="text-flight_booked-ti"' in html
    assert "own" not in html.split('id="text-reminder-ka"')[1][:80]


def test_a_text_is_previewed_with_its_parts_saved_and_reset(client, operations, mission):
    client.force_login(operations)
    page = client.get(edit_url()).content.decode()
    assert DEFAULTS["reminder"]["ka"].split("{")[0] in page and "UCS-2" in page
    preview = client.post(reverse("sms-template-preview", args=["reminder", "ka"]),
                          {"text": "Flight {flight} tomorrow at {time}"}).content.decode()
    assert "Flight TK1952 tomorrow at 10:00" in preview and "GSM-7: 1 SMS part" in preview
    bad = client.post(reverse("sms-template-preview", args=["reminder", "ka"]), {"text": "{name}"}).content.decode()
    assert "“{name}” is not a placeholder." in bad
    refused = client.post(edit_url(), {"text": "Dear {name}", "version": 0})
    assert refused.status_code == 400 and not SmsTemplate.objects.exists()
    assert "Dear {name}" in refused.content.decode()  # the input is kept
    assert client.post(edit_url(), {"text": "ხვალ {flight} {time}", "version": 0}).status_code == 302
    row = SmsTemplate.objects.get()
    assert (row.text, row.version, row.updated_by) == ("ხვალ {flight} {time}", 1, operations)
    # Someone saved meanwhile: the stale save is refused and changes nothing.
    stale = client.post(edit_url(), {"text": "mine", "version": 0})
    assert stale.status_code == 409 and "Someone else" in stale.content.decode()
    assert client.post(edit_url(), {"text": "ხვალ {flight}", "version": 1}).status_code == 302
    assert SmsTemplate.objects.get().version == 2
    assert client.post(edit_url(), {"reset": "1"}).status_code == 302
    assert not SmsTemplate.objects.exists()
    assert list(AuditEvent.objects.filter(object_type="messaging.smstemplate").values_list("action", flat=True)
                .order_by("id")) == ["create", "update", "delete"]


def test_managers_read_counsellors_are_refused_and_unknown_texts_404(client, manager, counsellor_a, mission):
    client.force_login(manager)
    page = client.get(edit_url()).content.decode()
    assert 'id="save"' not in page and "readonly" in page
    assert client.post(edit_url(), {"text": "x {flight}", "version": 0}).status_code == 403
    assert client.get(edit_url("holiday", "ka")).status_code == 404
    assert client.get(edit_url("reminder", "xx")).status_code == 404
    client.force_login(counsellor_a)
    assert client.get(reverse("sms-templates")).status_code == 403
    assert not SmsTemplate.objects.exists()
