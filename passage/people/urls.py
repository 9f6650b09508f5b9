from django.http import Http404
from django.urls import path


def _todo(request):
    raise Http404


urlpatterns = [path("register/", _todo, name="person-register")]
