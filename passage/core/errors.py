"""Errors services raise; views turn them into messages for the user."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A refused action, with a message for the user (and, where it helps, one message per missing item)."""

    def __init__(self, message, *, details: list | None = None, field_errors: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.details = details or []
        self.field_errors = field_errors or {}


class ConcurrentEditError(ServiceError):
    def __init__(self, message=None):
        super().__init__(
            message
            or _(
                "Someone else saved this record after you opened it. Your changes were not saved: "
                "reload the page to see their changes, then make yours again."
            )
        )


class TransitionRefused(ServiceError):
    pass
