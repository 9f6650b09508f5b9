from django.http import Http404


def supervision(request):
    raise Http404
