from django.urls import path

from . import views

urlpatterns = [
    path("", views.staff_list, name="staff-list"),
    path("new/", views.staff_create, name="staff-create"),
    path("<int:pk>/", views.staff_edit, name="staff-edit"),
    path("<int:pk>/deactivate/", views.staff_deactivate, name="staff-deactivate"),
    path("<int:pk>/reactivate/", views.staff_reactivate, name="staff-reactivate"),
]
