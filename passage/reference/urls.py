from django.http import Http404
from django.urls import path


def _todo(request):
    raise Http404


urlpatterns = [path("", _todo, name="rule-list")]
