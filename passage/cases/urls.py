from django.urls import path

from .views import actions, appointments, detail, lists, supervision

urlpatterns = [
    path("", lists.case_list, name="case-list"),
    path("supervision/", supervision.supervision, name="supervision"),
    path("<int:pk>/", detail.case_detail, name="case-detail"),
    path("<int:pk>/edit/", actions.case_edit_view, name="case-edit"),
    path("<int:pk>/transition/", actions.case_transition_view, name="case-transition"),
    path("<int:pk>/eligibility/", actions.eligibility_run_view, name="case-eligibility-run"),
    path("<int:pk>/eligibility/outcomes/<int:outcome_pk>/override/", actions.eligibility_override_view,
         name="case-eligibility-override"),
    path("<int:pk>/notes/add/", actions.note_add_view, name="case-note-add"),
    path("<int:pk>/vulnerabilities/add/", actions.vulnerability_add_view, name="case-vulnerability-add"),
    path("<int:pk>/vulnerabilities/assessed/", actions.vulnerabilities_assessed_view,
         name="case-vulnerabilities-assessed"),
    path("<int:pk>/vulnerabilities/<int:vulnerability_pk>/end/", actions.vulnerability_end_view,
         name="case-vulnerability-end"),
    path("<int:pk>/consents/add/", actions.consent_add_view, name="case-consent-add"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", actions.consent_withdraw_view, name="case-consent-withdraw"),
    path("<int:pk>/guardians/add/", actions.guardian_add_view, name="case-guardian-add"),
    path("<int:pk>/fit-to-travel/add/", actions.fit_to_travel_add_view, name="case-fit-to-travel-add"),
    path("<int:pk>/attachments/add/", actions.attachment_add_view, name="case-attachment-add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", actions.attachment_download_view,
         name="case-attachment-download"),
    path("<int:pk>/appointments/plan/", appointments.appointment_plan_view, name="case-appointment-plan"),
    path("<int:pk>/appointments/<int:appointment_pk>/reschedule/", appointments.appointment_reschedule_view,
         name="case-appointment-reschedule"),
    path("<int:pk>/appointments/<int:appointment_pk>/cancel/", appointments.appointment_cancel_view,
         name="case-appointment-cancel"),
    path("<int:pk>/appointments/<int:appointment_pk>/outcome/", appointments.appointment_outcome_view,
         name="case-appointment-outcome"),
]
