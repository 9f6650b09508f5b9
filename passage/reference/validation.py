"""Shapes of reference codes, shared by the apps that record them."""

import re

from django.utils.translation import gettext as _

_PROJECT = re.compile(r"[A-Z0-9]+(?:[-./][A-Z0-9]+)*")


def project_code_error(value: str) -> str | None:
    if len(value) > 20 or not _PROJECT.fullmatch(value):
        return _("A project code is letters and digits, parts separated by - . or /, at most 20 characters.")
    return None
