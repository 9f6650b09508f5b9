from django.urls import path

from . import views

urlpatterns = [
    path("register/", views.person_register, name="person-register"),
    path("register/validate/", views.person_register_validate, name="person-register-validate"),
    path("edit/validate/", views.person_edit_validate, name="person-edit-validate"),
    path("documents/validate/", views.person_document_validate, name="person-document-validate"),
    path("duplicates/", views.person_duplicates_view, name="person-duplicates"),
    path("merge/", views.person_merge, name="person-merge"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("<int:pk>/names/new/", views.person_name_add, name="person-name-add"),
    path("<int:pk>/phones/new/", views.person_phone_add, name="person-phone-add"),
    path("<int:pk>/identifiers/new/", views.person_identifier_add, name="person-identifier-add"),
    path("<int:pk>/documents/new/", views.person_document_add, name="person-document-add"),
    path("<int:pk>/documents/<int:document_pk>/edit/", views.person_document_edit, name="person-document-edit"),
]
