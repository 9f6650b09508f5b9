from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from passage.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("cases/", include("passage.cases.urls")),
    path("people/", include("passage.people.urls")),
    path("staff/", include("passage.accounts.urls")),
    path("rules/", include("passage.reference.urls")),
    path("audit/", include("passage.audit.urls")),
]
