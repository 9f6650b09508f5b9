from django.http import HttpResponse


def case_list(request):
    return HttpResponse("case list: to be built")
