"""Writes on bookings, itineraries, escorts, charters and assistance requests.

Each function is one transaction: it checks the actor's right and scope (only bookings of cases the actor
sees), the rules, then writes the new state, its history row and its audit row together, or nothing at all.
Rows are locked case first, then booking, everywhere, so two services never wait on each other in a circle.

The functions live in one module per area; import them from here (``from passage.movements import services``).
"""

from .assistance import assistance_request, assistance_request_respond, assistance_request_withdraw
from .bookings import booking_request, booking_transition, booking_update
from .charters import (
    CHARTER_MOVES,
    CharterMove,
    booking_charter_set,
    charter_create,
    charter_move_blockers,
    charter_transition,
    seats_taken,
)
from .custody import document_hand_over, document_receive, document_store
from .departures import arrival_confirm, departure_confirm
from .desk import (
    booking_no_show,
    cash_contribution_decide,
    cash_contribution_propose,
    desk_step_record,
    desk_step_undo,
)
from .itineraries import SegmentInput, itinerary_set, segment_time_change
from .passengers import (
    document_confirmation_record,
    escort_add,
    passenger_medif_sent,
    passenger_ticket_record,
    special_assistance_add,
    special_assistance_remove,
)
from .transits import (
    FlightInput,
    movement_create,
    movement_passenger_add,
    movement_passenger_outcome,
    stranded_care_record,
)

__all__ = [
    "CHARTER_MOVES",
    "CharterMove",
    "FlightInput",
    "SegmentInput",
    "arrival_confirm",
    "assistance_request",
    "assistance_request_respond",
    "assistance_request_withdraw",
    "booking_charter_set",
    "booking_no_show",
    "booking_request",
    "booking_transition",
    "booking_update",
    "cash_contribution_decide",
    "cash_contribution_propose",
    "charter_create",
    "charter_move_blockers",
    "charter_transition",
    "departure_confirm",
    "desk_step_record",
    "desk_step_undo",
    "document_confirmation_record",
    "document_hand_over",
    "document_receive",
    "document_store",
    "escort_add",
    "itinerary_set",
    "movement_create",
    "movement_passenger_add",
    "movement_passenger_outcome",
    "passenger_medif_sent",
    "passenger_ticket_record",
    "seats_taken",
    "segment_time_change",
    "special_assistance_add",
    "special_assistance_remove",
    "stranded_care_record",
]
