"""Strict readers for settings that come from the environment.

A malformed value stops the process at start-up with a message naming the
variable: a server that starts with a wrong setting is worse than one that
does not start.
"""

import os
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

_REQUIRED = object()


def env_str(name: str, default=_REQUIRED) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _REQUIRED:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"Environment variable {name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name} must be an integer, not {value!r}.") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name} must be a number, not {value!r}.") from None


def env_list(name: str, default=_REQUIRED) -> list[str]:
    raw = env_str(name, default if default is _REQUIRED else ",".join(default))
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items and default is _REQUIRED:
        raise ImproperlyConfigured(f"Environment variable {name} must list at least one value.")
    return items


def env_url(name: str, schemes: set[str], default=_REQUIRED) -> str:
    value = env_str(name, default)
    parsed = urlparse(value)
    if parsed.scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"Environment variable {name} must be a URL with scheme {allowed}; got {parsed.scheme!r}.")
    return value
