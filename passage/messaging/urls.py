from django.urls import path

from . import views, views_partners, views_receipts

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("sms-texts/", views.sms_templates, name="sms-templates"),
    path("partners/", views_partners.partner_delivery, name="partner-delivery"),
    path("partners/<int:pk>/", views_partners.partner_location, name="partner-location"),
    path("partners/<int:pk>/email/", views_partners.location_email_view, name="partner-location-email"),
    path("partners/<int:pk>/endpoints/new/", views_partners.endpoint_create_view, name="endpoint-create"),
    path("partners/<int:pk>/endpoints/<int:endpoint_pk>/", views_partners.endpoint_update_view, name="endpoint-update"),
    path("partners/<int:pk>/endpoints/<int:endpoint_pk>/rotate/", views_partners.endpoint_rotate_view,
         name="endpoint-rotate"),
    path("partners/<int:pk>/endpoints/<int:endpoint_pk>/active/", views_partners.endpoint_active_view,
         name="endpoint-active"),
    path("partners/<int:pk>/endpoints/<int:endpoint_pk>/test/", views_partners.endpoint_test_view,
         name="endpoint-test"),
    path("sms-texts/<str:kind>/<str:language>/", views.sms_template_edit, name="sms-template-edit"),
    path("sms-texts/<str:kind>/<str:language>/preview/", views.sms_template_preview, name="sms-template-preview"),
    # The SMS provider's delivery receipts (SMS_GATEWAY=http): signed, no sign-in (views_receipts).
    path("receipts/http/", views_receipts.http_receipt, name="sms-receipt-http"),
    path("<str:pk>/", views.message_detail, name="message-detail"),
    path("<str:pk>/replay/", views.message_replay_view, name="message-replay"),
]
