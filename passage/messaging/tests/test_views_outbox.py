"""The outbox page: counts per channel and status, filters, masked recipients, the backlog's age; a message's
history (its reading audited) and replaying a dead one; other missions' messages 404, counsellors 403."""

import pytest
from django.db import transaction
from django.urls import reverse

from passage.accounts.enums import Role
from passage.audit.models import AuditEvent
from passage.messaging.enums import MessageStatus as S
from passage.messaging.models import Message, MessageAttempt
from passage.messaging.services import message_queue
from passage.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def queued(mission, channel="sms", recipient="+31612345678", **kwargs):
    with transaction.atomic():
        return message_queue(channel=channel, recipient=recipient, kind="flight_booked", mission_id=mission.pk,
                             body="Vlucht TK1952 op 8 december, 10:00, Schiphol.", case_id=7, **kwargs)


@pytest.fixture
def operations(mission):
    return UserFactory(username="ops", mission=mission, role=Role.OPERATIONS)


def test_the_outbox_counts_filters_and_masks(client, operations, mission):
    sms, mail = queued(mission), queued(mission, channel="email", recipient="coa.terapel@example.org")
    Message.objects.filter(pk=sms.pk).update(status=S.DEAD, last_error="SMSC down", attempts=8)
    client.force_login(operations)
    html = client.get(reverse("outbox")).content.decode()
    assert 'id="count-sms-dead">1<' in html and 'id="count-email-queued">1<' in html
    assert "+31 •••• ••78" in html and "c•••@example.org" in html
    assert "+31612345678" not in html and "coa.terapel" not in html
    assert "SMSC down" in html and 'id="backlog"' in html
    only_dead = client.get(reverse("outbox"), {"status": "dead"}).content.decode()
    assert reverse("message-detail", args=[sms.pk]) in only_dead
    assert reverse("message-detail", args=[mail.pk]) not in only_dead
    assert client.get(reverse("outbox"), {"case": "x"}).status_code == 200


def test_a_dead_message_is_opened_audited_and_sent_again(client, operations, mission,
                                                        django_capture_on_commit_callbacks):
    message = queued(mission)
    Message.objects.filter(pk=message.pk).update(status=S.DEAD, last_error="SMSC down", attempts=8)
    client.force_login(operations)
    page = client.get(reverse("message-detail", args=[message.pk])).content.decode()
    assert "Vlucht TK1952" in page and 'id="replay"' in page
    assert AuditEvent.objects.filter(action="read", object_type="messaging.message").count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # the task after the commit (eager in the tests)
        answer = client.post(reverse("message-replay", args=[message.pk]))
    assert answer.status_code == 302
    row = Message.objects.get()
    assert (row.status, row.attempts, row.provider_ref) == (S.SENT, 1, f"console:{message.pk}")
    assert AuditEvent.objects.filter(action="update", object_type="messaging.message").count() == 1
    again = client.post(reverse("message-replay", args=[message.pk]), follow=True).content.decode()
    assert "Only a dead or failed message can be sent again" in again


def test_managers_read_but_do_not_replay_counsellors_see_nothing_other_missions_404(
    client, manager, counsellor_a, mission, mission_ge
):
    message = queued(mission)
    Message.objects.filter(pk=message.pk).update(status=S.DEAD)
    client.force_login(manager)
    assert 'id="replay"' not in client.get(reverse("message-detail", args=[message.pk])).content.decode()
    assert client.post(reverse("message-replay", args=[message.pk])).status_code == 403
    client.force_login(counsellor_a)
    assert client.get(reverse("outbox")).status_code == 403
    client.force_login(UserFactory(mission=mission_ge, role=Role.OPERATIONS))
    assert client.get(reverse("message-detail", args=[message.pk])).status_code == 404
    assert client.post(reverse("message-replay", args=[message.pk])).status_code == 404
    assert client.get(reverse("message-detail", args=["not-a-uuid"])).status_code == 404
    assert Message.objects.get().status == S.DEAD and not MessageAttempt.objects.exists()
