from django.urls import path

from .views import lists, supervision

urlpatterns = [
    path("", lists.case_list, name="case-list"),
    path("supervision/", supervision.supervision, name="supervision"),
]
