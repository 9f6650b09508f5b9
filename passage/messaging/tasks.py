"""Celery tasks of the outbox. A task carries only the message's id; the row is the truth (re-read, claimed)."""

from celery import shared_task

from . import delivery


@shared_task(name="messaging.deliver", ignore_result=True, acks_late=True)
def deliver_message(message_id: str) -> str:
    return delivery.deliver(message_id)


@shared_task(name="messaging.sweep", ignore_result=True)
def sweep_outbox() -> int:
    return delivery.sweep()


@shared_task(name="messaging.sms_reminders", ignore_result=True)
def sms_reminders() -> int:
    from passage.movements.notify import sms_reminders as remind

    return remind()
