from celery import shared_task


@shared_task(name="core.ping")
def ping() -> str:
    """A no-op to check by hand that a worker takes tasks: `celery -A passage call core.ping`, then the worker's log."""
    return "pong"
