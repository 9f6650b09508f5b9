from django.urls import path

from . import views

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<str:pk>/", views.message_detail, name="message-detail"),
    path("<str:pk>/replay/", views.message_replay_view, name="message-replay"),
]
