"""Movements routes. The journey of a case lives under the case (``cases/<pk>/journey/``: whoever may not
see the case gets 404 there, as on every case route); the movements list and the inbox of requests from
other missions under ``movements/``."""

from django.urls import path

from .views import actions, arrivals, board, cash, charters, journey, lists, manifests

case_urlpatterns = [
    path("", journey.journey_view, name="journey"),
    path("request/", actions.booking_request_view, name="booking-request"),
    path("bookings/<int:booking_pk>/details/", actions.booking_details_view, name="booking-details"),
    path("bookings/<int:booking_pk>/transition/", actions.booking_transition_view, name="booking-transition"),
    path("bookings/<int:booking_pk>/itinerary/", actions.itinerary_set_view, name="itinerary-set"),
    path("bookings/<int:booking_pk>/itinerary/validate/", actions.itinerary_validate_view,
         name="itinerary-validate"),
    path("bookings/<int:booking_pk>/segments/<int:segment_pk>/time-change/", actions.segment_time_change_view,
         name="segment-time-change"),
    path("bookings/<int:booking_pk>/passengers/<int:passenger_pk>/ticket/", actions.passenger_ticket_view,
         name="passenger-ticket"),
    path("bookings/<int:booking_pk>/passengers/<int:passenger_pk>/medif/", actions.passenger_medif_view,
         name="passenger-medif"),
    path("bookings/<int:booking_pk>/passengers/<int:passenger_pk>/assistance/add/",
         actions.special_assistance_add_view, name="special-assistance-add"),
    path("bookings/<int:booking_pk>/assistance/<int:assistance_pk>/remove/", actions.special_assistance_remove_view,
         name="special-assistance-remove"),
    path("bookings/<int:booking_pk>/passengers/<int:passenger_pk>/document-confirmation/",
         actions.document_confirmation_view, name="document-confirmation"),
    path("bookings/<int:booking_pk>/charter/", charters.booking_charter_view, name="booking-charter"),
    path("cash/", cash.cash_propose_view, name="cash-propose"),
    path("bookings/<int:booking_pk>/escorts/add/", actions.escort_add_view, name="escort-add"),
    path("bookings/<int:booking_pk>/requests/add/", actions.assistance_request_view, name="assistance-request"),
    path("bookings/<int:booking_pk>/requests/<int:request_pk>/withdraw/", actions.assistance_withdraw_view,
         name="assistance-withdraw"),
    # The airport's desk, tapped on the board (answers with the board).
    path("bookings/<int:booking_pk>/passengers/<int:passenger_pk>/desk/", board.desk_step_view, name="desk-step"),
    path("bookings/<int:booking_pk>/desk/<int:event_pk>/undo/", board.desk_undo_view, name="desk-undo"),
    path("bookings/<int:booking_pk>/departure/", board.departure_confirm_view, name="departure-confirm"),
    path("bookings/<int:booking_pk>/no-show/", board.booking_no_show_view, name="booking-no-show"),
]

urlpatterns = [
    path("", lists.booking_list, name="booking-list"),
    path("airport/", board.airport_board, name="airport-board"),
    path("arrivals/<int:booking_pk>/confirm/", board.arrival_confirm_view, name="arrival-confirm"),
    # Arrivals and transits outside return cases.
    path("movements/", arrivals.movement_list, name="movement-list"),
    path("movements/new/", arrivals.movement_create_view, name="movement-create"),
    path("movements/<int:pk>/", arrivals.movement_detail, name="movement-detail"),
    path("movements/<int:pk>/passengers/add/", arrivals.movement_passenger_add_view, name="movement-passenger-add"),
    path("movements/<int:pk>/passengers/<int:passenger_pk>/outcome/", arrivals.movement_outcome_view,
         name="movement-outcome"),
    path("movements/<int:pk>/passengers/<int:passenger_pk>/care/", arrivals.stranded_care_view,
         name="stranded-care"),
    path("assistance/", lists.assistance_inbox, name="assistance-inbox"),
    path("charters/", charters.charter_list, name="charter-list"),
    path("charters/new/", charters.charter_create_view, name="charter-create"),
    path("charters/new/validate/", charters.charter_validate_view, name="charter-validate"),
    path("charters/<int:charter_pk>/", charters.charter_detail, name="charter-detail"),
    path("charters/<int:charter_pk>/transition/", charters.charter_transition_view, name="charter-transition"),
    # Finance's queue of proposed cash contributions (finance has no case scope).
    path("cash/", cash.cash_queue, name="cash-queue"),
    path("cash/<int:proposal_pk>/decide/", cash.cash_decide_view, name="cash-decide"),
    path("assistance/<int:request_pk>/respond/", lists.assistance_respond_view, name="assistance-respond"),
    # Manifests of the airport's day (departures of a local day, or of one flight), for the gate.
    path("manifests/<str:airport>/<str:day>/manifest.pdf", manifests.day_manifest_pdf, name="manifest-day-pdf"),
    path("manifests/<str:airport>/<str:day>/manifest.xlsx", manifests.day_manifest_xlsx, name="manifest-day-xlsx"),
    path("manifests/<str:airport>/<str:day>/<str:flight>/manifest.pdf", manifests.flight_manifest_pdf,
         name="manifest-flight-pdf"),
    path("manifests/<str:airport>/<str:day>/<str:flight>/manifest.xlsx", manifests.flight_manifest_xlsx,
         name="manifest-flight-xlsx"),
]
