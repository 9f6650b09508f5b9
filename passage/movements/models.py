"""Bookings, their passengers and itineraries, escorts, charters and requests to other missions.

Times are stored as aware UTC datetimes and shown in each airport's own time zone (``reference.Airport.tz``).
Every row owned by a case carries the case's mission (ARCHITECTURE.md, "Scale path").
"""

import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from passage.accounts.models import Mission
from passage.cases.models import Case
from passage.people.models import Person, TravelDocument
from passage.reference.models import Airport, PartnerLocation, Project

from .enums import (
    LIVE_BOOKING_STATUSES,
    AssistanceKind,
    AssistanceStatus,
    BookingStatus,
    CashStatus,
    CharterStatus,
    CustodyEventKind,
    CustodyParty,
    DeskStep,
    EscortKind,
    ItineraryLeg,
    MovementKind,
    MovementOutcome,
    MovementProgramme,
    SpecialService,
    StrandedCareKind,
)

MONEY = {"max_digits": 10, "decimal_places": 2}


class MinimumConnectionTime(models.Model):
    """The minimum connection time at an airport; airports without a row use ``DEFAULT_MINUTES``."""

    DEFAULT_MINUTES = 60

    airport = models.OneToOneField(Airport, on_delete=models.CASCADE, related_name="+", verbose_name=_("airport"))
    minutes = models.PositiveSmallIntegerField(_("minimum connection time (minutes)"))

    class Meta:
        ordering = ["airport"]
        verbose_name = _("minimum connection time")
        verbose_name_plural = _("minimum connection times")

    def __str__(self):
        return f"{self.airport_id} {self.minutes} min"


class Charter(models.Model):
    """A whole flight for the organisation: many cases' bookings, one manifest. Status: ``charter_transition``."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", verbose_name=_("mission"))
    reference = models.CharField(_("charter reference"), max_length=30, unique=True)
    airline = models.CharField(_("airline"), max_length=2)
    flight_number = models.CharField(_("flight number"), max_length=7)
    origin = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+", verbose_name=_("departure airport"))
    destination = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+", verbose_name=_("arrival airport"))
    departs_at = models.DateTimeField(_("departure"))
    arrives_at = models.DateTimeField(_("arrival"))
    seats = models.PositiveSmallIntegerField(_("seats"))
    status = models.CharField(_("status"), max_length=12, choices=CharterStatus.choices, default=CharterStatus.PLANNED)
    status_changed_at = models.DateTimeField(_("status since"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["departs_at", "id"]
        verbose_name = _("charter flight")
        verbose_name_plural = _("charter flights")

    def __str__(self):
        return f"{self.reference} {self.flight_number}"


class CharterStatusChange(models.Model):
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="status_changes")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    from_status = models.CharField(max_length=12, choices=CharterStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=CharterStatus.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("charter status change")
        verbose_name_plural = _("charter status changes")

    def __str__(self):
        return f"{self.charter} {self.from_status}→{self.to_status}"


class Booking(models.Model):
    """The journey of (some of) a case's household: the advance booking notification and what the airline made
    of it. ``status`` changes only through ``services.booking_transition``."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", verbose_name=_("mission"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("case"))
    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings",
                                verbose_name=_("charter flight"))
    seats = models.PositiveSmallIntegerField(_("seats on the charter"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=BookingStatus.choices,
                              default=BookingStatus.REQUESTED)
    status_changed_at = models.DateTimeField(_("status since"))
    reference = models.CharField(_("booking reference (PNR)"), max_length=6, blank=True)
    # The project the booking's costs (tickets, escorts) are recorded against; its code is kept beside it as
    # entered (lists, manifests) and always matches ``project.code``.
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("project"))
    project_code = models.CharField(_("project code"), max_length=20, blank=True)
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("booked by"))
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)
    # Set by ``departure_confirm`` (the actual time the flight left) and ``arrival_confirm``.
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    arrival_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+", verbose_name=_("arrival confirmed by"))
    arrival_reason = models.CharField(_("why the host mission confirmed the arrival"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(status__in=sorted(LIVE_BOOKING_STATUSES)),
                                    name="booking_one_live_per_case"),
        ]
        indexes = [models.Index(fields=["mission", "status"], name="booking_mission_status")]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self):
        return self.reference or f"#{self.pk}"


class BookingStatusChange(models.Model):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="status_changes")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    from_status = models.CharField(max_length=12, choices=BookingStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=BookingStatus.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("booking status change")
        verbose_name_plural = _("booking status changes")

    def __str__(self):
        return f"{self.booking} {self.from_status}→{self.to_status}"


class Escort(models.Model):
    """A medical, social or operational escort of a booking: a member of staff or someone external."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="escorts")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    kind = models.CharField(_("kind of escort"), max_length=12, choices=EscortKind.choices)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("member of staff"))
    external_name = models.CharField(_("name"), max_length=120, blank=True)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    cost = models.DecimalField(_("cost (fees, allowances)"), null=True, blank=True, **MONEY)
    cost_currency = models.CharField(_("currency"), max_length=3, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booking", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(staff__isnull=False) | ~models.Q(external_name=""),
                                   name="escort_is_someone"),
        ]
        verbose_name = _("escort")
        verbose_name_plural = _("escorts")

    def __str__(self):
        return str(self.staff) if self.staff_id else self.external_name


class Passenger(models.Model):
    """One traveller of a booking: a household member of the case, or an escort. Ticket and fare per passenger."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="passengers")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("person"))
    escort = models.OneToOneField(Escort, on_delete=models.CASCADE, null=True, blank=True, related_name="passenger",
                                  verbose_name=_("escort"))
    ticket_number = models.CharField(_("ticket number"), max_length=13, blank=True)
    fare = models.DecimalField(_("fare"), null=True, blank=True, **MONEY)
    taxes = models.DecimalField(_("taxes"), null=True, blank=True, **MONEY)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    baggage_pieces = models.PositiveSmallIntegerField(_("checked bags"), null=True, blank=True)
    baggage_kg = models.PositiveSmallIntegerField(_("baggage allowance (kg)"), null=True, blank=True)
    medif_sent_at = models.DateTimeField(_("medical form (MEDIF) sent at"), null=True, blank=True)

    class Meta:
        ordering = ["booking", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(person__isnull=False, escort__isnull=True)
                           | models.Q(person__isnull=True, escort__isnull=False)),
                name="passenger_person_or_escort",
            ),
            models.UniqueConstraint(fields=["booking", "person"], name="passenger_once_per_booking"),
            # A ticket number is unique worldwide (airline code + serial number).
            models.UniqueConstraint(fields=["ticket_number"], condition=~models.Q(ticket_number=""),
                                    name="passenger_ticket_once"),
        ]
        verbose_name = _("passenger")
        verbose_name_plural = _("passengers")

    def __str__(self):
        return str(self.person) if self.person_id else str(self.escort)

    @property
    def total_cost(self) -> Decimal | None:
        if self.fare is None:
            return None
        return self.fare + (self.taxes or Decimal("0"))


class SpecialAssistance(models.Model):
    """A special service request for one passenger, with the airline's SSR code and free text."""

    passenger = models.ForeignKey(Passenger, on_delete=models.CASCADE, related_name="assistance")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    code = models.CharField(_("special service"), max_length=4, choices=SpecialService.choices)
    text = models.CharField(_("details for the airline"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["passenger", "code"]
        constraints = [models.UniqueConstraint(fields=["passenger", "code"], name="assistance_once_per_code")]
        verbose_name = _("special assistance")
        verbose_name_plural = _("special assistance")

    def __str__(self):
        return self.code


class Itinerary(models.Model):
    """One version of a journey. A rebooking adds a version and keeps every earlier one (``superseded_at``).

    The main journey (``escort`` empty) carries the booking's passengers; an escort's own outbound or return
    journey has its own versions."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="itineraries")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    leg = models.CharField(_("journey"), max_length=12, choices=ItineraryLeg.choices, default=ItineraryLeg.MAIN)
    escort = models.ForeignKey(Escort, on_delete=models.CASCADE, null=True, blank=True, related_name="itineraries")
    version = models.PositiveSmallIntegerField(_("version"))
    reason = models.CharField(_("reason for the rebooking"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["booking", "leg", "version"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "leg", "version"], condition=models.Q(escort__isnull=True),
                                    name="itinerary_version_once"),
            models.UniqueConstraint(fields=["escort", "leg", "version"], condition=models.Q(escort__isnull=False),
                                    name="itinerary_escort_version_once"),
            models.CheckConstraint(
                condition=models.Q(leg="main", escort__isnull=True) | (~models.Q(leg="main")
                                                                      & models.Q(escort__isnull=False)),
                name="itinerary_escort_leg",
            ),
        ]
        verbose_name = _("itinerary")
        verbose_name_plural = _("itineraries")

    def __str__(self):
        return f"{self.booking} {self.leg} v{self.version}"


class Segment(models.Model):
    """One flight of an itinerary. ``departs_at``/``arrives_at`` are the current times (UTC); the times as first
    booked stay in ``scheduled_*``, and every change in between is a ``SegmentTimeChange`` row."""

    itinerary = models.ForeignKey(Itinerary, on_delete=models.CASCADE, related_name="segments")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    position = models.PositiveSmallIntegerField()
    airline = models.CharField(_("airline"), max_length=2)
    flight_number = models.CharField(_("flight number"), max_length=7)
    origin = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+", verbose_name=_("departure airport"))
    destination = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+", verbose_name=_("arrival airport"))
    scheduled_departs_at = models.DateTimeField(_("departure as booked"))
    scheduled_arrives_at = models.DateTimeField(_("arrival as booked"))
    departs_at = models.DateTimeField(_("departure"))
    arrives_at = models.DateTimeField(_("arrival"))
    # The connection from the previous segment (empty for the first), kept with every change of time.
    connection_minutes = models.IntegerField(_("connection time (minutes)"), null=True, blank=True)
    connection_below_minimum = models.BooleanField(_("connection below the minimum"), default=False)

    class Meta:
        ordering = ["itinerary", "position"]
        constraints = [
            models.UniqueConstraint(fields=["itinerary", "position"], name="segment_position_once"),
            models.CheckConstraint(condition=models.Q(arrives_at__gt=models.F("departs_at")),
                                   name="segment_arrives_after_departure"),
        ]
        indexes = [models.Index(fields=["departs_at"], name="segment_departs_at")]
        verbose_name = _("flight segment")
        verbose_name_plural = _("flight segments")

    def __str__(self):
        return f"{self.flight_number} {self.origin_id}-{self.destination_id}"

    @property
    def departs_local(self):
        return self.departs_at.astimezone(zoneinfo.ZoneInfo(self.origin.tz))

    @property
    def arrives_local(self):
        return self.arrives_at.astimezone(zoneinfo.ZoneInfo(self.destination.tz))


class SegmentTimeChange(models.Model):
    """A change of a flight's time as the airline announced it: old and new, who recorded it, when and why."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="time_changes")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    old_departs_at = models.DateTimeField()
    new_departs_at = models.DateTimeField()
    old_arrives_at = models.DateTimeField()
    new_arrives_at = models.DateTimeField()
    reason = models.CharField(_("reason"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("change of flight time")
        verbose_name_plural = _("changes of flight time")

    def __str__(self):
        return f"{self.segment} {self.old_departs_at:%Y-%m-%d %H:%M}→{self.new_departs_at:%Y-%m-%d %H:%M}"


class DocumentConfirmation(models.Model):
    """The issuing authority's confirmation that a requested emergency travel document or laissez-passer will be
    issued for travel between ``valid_from`` and ``valid_until``: it lets a passenger be booked before the
    document is in hand."""

    document = models.ForeignKey(TravelDocument, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("document"))
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    authority = models.CharField(_("confirmed by (embassy, authority)"), max_length=120)
    valid_from = models.DateField(_("for travel from"))
    valid_until = models.DateField(_("for travel until"))
    confirmed_on = models.DateField(_("confirmed on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-confirmed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")),
                                   name="document_confirmation_period"),
        ]
        verbose_name = _("travel document confirmation")
        verbose_name_plural = _("travel document confirmations")

    def __str__(self):
        return f"{self.document} {self.valid_from}–{self.valid_until}"


class AssistanceRequest(models.Model):
    """A request to the mission at a transit or destination airport, and its answer: a hand-over with its own
    status, changed by ``assistance_request_respond``."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="assistance_requests")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AssistanceKind.choices)
    airport = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+", verbose_name=_("airport"))
    to_mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="assistance_requests",
                                   verbose_name=_("requested of mission"))
    status = models.CharField(_("status"), max_length=12, choices=AssistanceStatus.choices,
                              default=AssistanceStatus.REQUESTED)
    note = models.CharField(_("what is needed"), max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("answered by"))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    response_note = models.CharField(_("answer"), max_length=300, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["to_mission", "status"], name="assistance_to_mission_status")]
        verbose_name = _("assistance request")
        verbose_name_plural = _("assistance requests")

    def __str__(self):
        return f"{self.get_kind_display()} {self.airport_id}"


# --- travel-document custody ---------------------------------------------------------------------------------


class CustodyEvent(models.Model):
    """One step in the custody of a travel document the organisation holds: received (from whom), stored or moved
    (where), handed over (to whom), or a gate hand-over undone at the desk. Rows are only added, never changed.

    Each row carries the state it leaves the document in (``custody``, ``held_at``), so the latest row (highest
    id) answers "where is it now, since when" on its own; ``TravelDocument.custody`` is kept in step with it."""

    document = models.ForeignKey(TravelDocument, on_delete=models.PROTECT, related_name="custody_events",
                                 verbose_name=_("document"))
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    kind = models.CharField(_("what happened"), max_length=12, choices=CustodyEventKind.choices)
    party = models.CharField(_("from or to whom"), max_length=20, choices=CustodyParty.choices, blank=True)
    party_name = models.CharField(_("name (embassy, officer, organisation)"), max_length=120, blank=True)
    location = models.ForeignKey(PartnerLocation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("partner location"))
    held_at = models.CharField(_("stored where"), max_length=120, blank=True)
    custody = models.CharField(_("custody"), max_length=20)
    passenger = models.ForeignKey("Passenger", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    desk_event = models.ForeignKey("DeskEvent", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="custody_events")
    undoes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="undone_by")
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["document", "id"]
        indexes = [models.Index(fields=["document", "-id"], name="custody_latest")]
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")

    def __str__(self):
        return f"{self.document_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


# --- the airport's day ---------------------------------------------------------------------------------------


class CashContribution(models.Model):
    """The cash contribution approved for a case (or for one of its bookings): the most the desk may hand over,
    in one currency. A new approval supersedes the previous one (kept with ``superseded_at``)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="cash_contributions")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    amount = models.DecimalField(_("approved amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    note = models.CharField(_("note"), max_length=300, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"))
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "-approved_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(superseded_at__isnull=True),
                                    name="cash_contribution_one_current"),
        ]
        verbose_name = _("approved cash contribution")
        verbose_name_plural = _("approved cash contributions")

    def __str__(self):
        return f"{self.amount} {self.currency}"


class CashProposal(models.Model):
    """A cash contribution proposed for a case by operations, waiting for finance: a hand-over with its own
    status (``cash_contribution_decide``). Approved, it becomes the case's ``CashContribution``; a new proposal
    replaces the open one (kept, ``superseded_at``). docs/decisions/0009-finance-approves-cash.md."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="cash_proposals")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=CashStatus.choices, default=CashStatus.PROPOSED)
    amount = models.DecimalField(_("proposed amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    note = models.CharField(_("note"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("finance's note"), max_length=300, blank=True)
    contribution = models.OneToOneField(CashContribution, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="proposal")
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="proposed", superseded_at__isnull=True),
                                    name="cash_proposal_one_open"),
            models.CheckConstraint(condition=models.Q(status="proposed") | models.Q(decided_by__isnull=False),
                                   name="cash_proposal_decided_by"),
        ]
        indexes = [models.Index(fields=["mission", "status"], name="cash_proposal_queue")]
        verbose_name = _("proposed cash contribution")
        verbose_name_plural = _("proposed cash contributions")

    def __str__(self):
        return f"{self.amount} {self.currency}"


class DeskEvent(models.Model):
    """One step the desk recorded for one passenger on the day (``DeskStep``), with who and when. An undo is a
    row of its own (step "undo", ``undoes`` the step) and stamps ``undone_at`` on the step it undoes: nothing
    is deleted. A passenger's desk state is their steps not undone on the booking's current journey.

    Each step belongs to the version of the journey (``itinerary``) the passenger reported for: after a no-show
    and a rebooking the desk starts afresh on the new flights, and the missed day's steps stay as they were."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="desk_events")
    passenger = models.ForeignKey(Passenger, on_delete=models.PROTECT, related_name="desk_events")
    itinerary = models.ForeignKey(Itinerary, on_delete=models.PROTECT, related_name="desk_events",
                                  verbose_name=_("journey"))
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    step = models.CharField(_("step"), max_length=12, choices=DeskStep.choices)
    amount = models.DecimalField(_("amount"), null=True, blank=True, **MONEY)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    undoes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="undo")
    undone_at = models.DateTimeField(null=True, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # A step stands at most once per passenger and journey; after an undo it may be recorded again.
            models.UniqueConstraint(fields=["passenger", "itinerary", "step"],
                                    condition=models.Q(undone_at__isnull=True) & ~models.Q(step="undo"),
                                    name="desk_step_once_per_journey"),
        ]
        verbose_name = _("desk step")
        verbose_name_plural = _("desk steps")

    def __str__(self):
        return f"{self.passenger_id} {self.step}"


# --- transits and arrivals that are not return cases ---------------------------------------------------------


class Movement(models.Model):
    """A group arriving at or passing through the national airport outside a return case: resettled refugees,
    relocated asylum seekers, family reunification, returns from other countries in transit. One flight in (and,
    for a transit, the connecting flight out), with times stored in UTC like ``Segment``."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", verbose_name=_("mission"))
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    programme = models.CharField(_("programme"), max_length=24, choices=MovementProgramme.choices)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    airline = models.CharField(_("airline"), max_length=2)
    flight_number = models.CharField(_("flight number"), max_length=7)
    origin = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+", verbose_name=_("departure airport"))
    airport = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+", verbose_name=_("arrival airport"))
    departs_at = models.DateTimeField(_("departure"))
    arrives_at = models.DateTimeField(_("arrival"))
    onward_flight_number = models.CharField(_("connecting flight"), max_length=7, blank=True)
    onward_destination = models.ForeignKey(Airport, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("connecting flight to"))
    onward_departs_at = models.DateTimeField(_("connecting flight departs"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["arrives_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(arrives_at__gt=models.F("departs_at")),
                                   name="movement_arrives_after_departure"),
            models.CheckConstraint(condition=models.Q(kind="arrival") | models.Q(onward_departs_at__isnull=False),
                                   name="movement_transit_has_connection"),
        ]
        indexes = [models.Index(fields=["airport", "arrives_at"], name="movement_airport_arrives"),
                   models.Index(fields=["airport", "onward_departs_at"], name="movement_airport_onward")]
        verbose_name = _("arrival or transit")
        verbose_name_plural = _("arrivals and transits")

    def __str__(self):
        return f"{self.get_kind_display()} {self.flight_number}"

    @property
    def arrives_local(self):
        return self.arrives_at.astimezone(zoneinfo.ZoneInfo(self.airport.tz))

    @property
    def passengers_open(self) -> int:
        """Passengers not yet handed over or directed on (uses the prefetched passengers where there are)."""
        return sum(1 for p in self.passengers.all() if p.outcome in (MovementOutcome.EXPECTED, MovementOutcome.RECEIVED))

    @property
    def onward_departs_local(self):
        return self.onward_departs_at.astimezone(zoneinfo.ZoneInfo(self.airport.tz)) if self.onward_departs_at else None


class MovementPassenger(models.Model):
    """One traveller of an arrival or transit, and what became of them at the airport."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="passengers")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("person"))
    family_name = models.CharField(_("family name"), max_length=100)
    given_names = models.CharField(_("given names"), max_length=120, blank=True)
    sex = models.CharField(_("sex"), max_length=1)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    outcome = models.CharField(_("at the airport"), max_length=16, choices=MovementOutcome.choices,
                               default=MovementOutcome.EXPECTED)
    handed_to_location = models.ForeignKey(PartnerLocation, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("reception location"))
    handed_to_name = models.CharField(_("handed over to (family member)"), max_length=120, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["movement", "family_name", "id"]
        verbose_name = _("arriving or transit passenger")
        verbose_name_plural = _("arriving and transit passengers")

    def __str__(self):
        return f"{self.family_name.upper()} {self.given_names}".strip()


class StrandedCare(models.Model):
    """A meal or a hotel night arranged for a stranded passenger, with its cost and who arranged it."""

    passenger = models.ForeignKey(MovementPassenger, on_delete=models.CASCADE, related_name="care")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="+", db_index=True)
    kind = models.CharField(_("what"), max_length=8, choices=StrandedCareKind.choices)
    cost = models.DecimalField(_("cost"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    note = models.CharField(_("note"), max_length=200, blank=True)
    arranged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("arranged by"))
    arranged_at = models.DateTimeField()

    class Meta:
        ordering = ["passenger", "arranged_at", "id"]
        verbose_name = _("care for a stranded passenger")
        verbose_name_plural = _("care for stranded passengers")

    def __str__(self):
        return f"{self.kind} {self.cost} {self.currency}"
