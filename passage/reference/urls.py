from django.urls import path

from . import views

urlpatterns = [
    path("", views.rule_list, name="rule-list"),
    path("excluded-countries/new/", views.excluded_country_add, name="excluded-country-add"),
    path("excluded-countries/<int:pk>/end/", views.excluded_country_end, name="excluded-country-end"),
    path("eligibility-rules/new/", views.eligibility_rule_version_add, name="eligibility-rule-add"),
    path("partners/", views.partner_list, name="partner-list"),
    path("partners/new/", views.partner_create, name="partner-create"),
    path("partners/locations/new/", views.partner_location_create, name="partner-location-create"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_create, name="project-create"),
]
