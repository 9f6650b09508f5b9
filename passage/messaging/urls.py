from django.urls import path

from . import views

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("sms-texts/", views.sms_templates, name="sms-templates"),
    path("sms-texts/<str:kind>/<str:language>/", views.sms_template_edit, name="sms-template-edit"),
    path("sms-texts/<str:kind>/<str:language>/preview/", views.sms_template_preview, name="sms-template-preview"),
    path("<str:pk>/", views.message_detail, name="message-detail"),
    path("<str:pk>/replay/", views.message_replay_view, name="message-replay"),
]
