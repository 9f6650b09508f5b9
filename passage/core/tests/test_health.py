import pytest
from django.db import OperationalError
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_answers_200_without_login_when_database_and_queue_are_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "eager", "outbox_backlog_seconds": 0}


@pytest.mark.django_db
@override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:5672//")
def test_healthz_reaches_a_real_rabbitmq(client):
    response = client.get("/healthz")
    assert response.json()["queue"] == "ok"
    assert response.status_code == 200


@pytest.mark.django_db
@override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:1//")
def test_healthz_answers_503_when_the_broker_is_unreachable(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == "ok"
    assert body["queue"].startswith("down")


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down: OperationalError"


@pytest.mark.django_db
def test_healthz_tells_how_old_the_outbox_backlog_is(client, mission):
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from passage.messaging.models import Message
    from passage.messaging.services import message_queue

    with transaction.atomic():
        message = message_queue(channel="sms", recipient="+31612345678", kind="reminder", mission_id=mission.pk)
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    body = client.get("/healthz").json()
    assert 599 <= body["outbox_backlog_seconds"] <= 605 and body["status"] == "ok"
