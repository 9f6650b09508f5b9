from allauth.account import views as account_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from passage.api.routes import api as partner_api
from passage.cases.views import appointments as appointment_views
from passage.core import views as core_views
from passage.messaging import views as messaging_views
from passage.movements.urls import case_urlpatterns as journey_urlpatterns


def _public(urls):
    """The partner API authenticates each call with a partner's token, not a staff sign-in."""
    for pattern in urls[0]:
        login_not_required(pattern.callback)
    return urls


urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Sign-in is django-allauth's (/accounts/login/); the old address stays as a bookmark-friendly redirect.
    path(
        "login/",
        login_not_required(RedirectView.as_view(pattern_name="account_login", permanent=True, query_string=True)),
        name="login",
    ),
    path("logout/", account_views.logout, name="logout"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("cases/<int:pk>/journey/", include(journey_urlpatterns)),
    path("cases/<int:pk>/messages/", messaging_views.case_messages, name="case-messages"),
    path("cases/", include("passage.cases.urls")),
    path("appointments/", appointment_views.my_appointments, name="my-appointments"),
    path("movements/", include("passage.movements.urls")),
    path("people/", include("passage.people.urls")),
    path("staff/", include("passage.accounts.urls")),
    path("rules/", include("passage.reference.urls")),
    path("audit/", include("passage.audit.urls")),
    path("messages/", include("passage.messaging.urls")),
    path("api/", _public(partner_api.urls)),
    path("api-tokens/", include("passage.api.urls")),
]
