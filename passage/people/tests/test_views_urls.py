"""Shared helpers of the people view tests (no tests here).

``case-detail`` is built in the cases app; until it exists, ``with_case_detail`` serves a stand-in at the same
path (/cases/<pk>/) so redirects and links can be checked. Once the real one exists, this changes nothing.
"""

import pytest
from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

from passage.people.validation import normalise_document_number


def _stand_in(request, pk):
    return HttpResponse(f"case {pk}")


def __getattr__(name):
    # Built on first use (PEP 562), so importing the helpers does not load every app's URLs.
    if name == "urlpatterns":
        return [path("cases/<int:pk>/", _stand_in, name="case-detail"), path("", include("passage.urls"))]
    raise AttributeError(name)


@pytest.fixture
def with_case_detail(settings):
    try:
        reverse("case-detail", args=[1])
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def td3_mrz(number: str, *, surname="AHMADI", given="MOHAMMED", birth="900517", expiry="300101") -> str:
    from mrz.generator.td3 import TD3CodeGenerator

    return str(TD3CodeGenerator("P", "AFG", surname, given, normalise_document_number(number), "AFG", birth, "M",
                                expiry, ""))
