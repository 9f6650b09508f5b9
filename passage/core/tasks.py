from celery import shared_task


@shared_task(name="core.ping")
def ping() -> str:
    """A no-op the health check and the smoke test use to prove a worker answers."""
    return "pong"
