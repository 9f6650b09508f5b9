"""factory-boy factories for tests and the demo. Synthetic data only."""

import datetime

import factory
from django.utils import timezone

from passage.accounts.enums import Role, WorkPostKind
from passage.accounts.models import Mission, User, WorkPost
from passage.cases.enums import CaseStatus, Relationship
from passage.cases.models import Case, CaseMember, StatusChange
from passage.movements.enums import (
    BookingStatus,
    CustodyEventKind,
    CustodyParty,
    EscortKind,
    ItineraryLeg,
    MovementKind,
    MovementProgramme,
)
from passage.movements.models import (
    Booking,
    CashContribution,
    CustodyEvent,
    Escort,
    Itinerary,
    Movement,
    MovementPassenger,
    Passenger,
    Segment,
)
from passage.people.enums import Custody, DocumentKind, DocumentStatus, NameKind, Sex
from passage.people.models import Nationality, Person, PersonName, TravelDocument
from passage.people.names import phonetic_key, search_key
from passage.people.services import case_name_tokens_refresh
from passage.reference.enums import LocationKind, PartnerKind
from passage.reference.models import PartnerLocation, PartnerOrganisation


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission
        django_get_or_create = ("code",)

    code = "NL"
    name = "Netherlands mission"
    country = "NL"
    is_host = True


class WorkPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPost

    mission = factory.SubFactory(MissionFactory)
    code = factory.Sequence(lambda n: f"WP{n:03d}")
    name = factory.Sequence(lambda n: f"Work post {n}")
    kind = WorkPostKind.RECEPTION_CENTRE
    city = "Zwolle"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@passage.example")
    mission = factory.SubFactory(MissionFactory)
    role = Role.COUNSELLOR
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def work_posts(self, create, extracted, **kwargs):
        if create and extracted:
            self.work_posts.set(extracted)

    @factory.post_generation
    def supervised_work_posts(self, create, extracted, **kwargs):
        if create and extracted:
            self.supervised_work_posts.set(extracted)


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation
        django_get_or_create = ("name",)

    name = "Reception agency"
    kind = PartnerKind.RECEPTION_AGENCY


class PartnerLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerLocation

    organisation = factory.SubFactory(PartnerOrganisationFactory)
    name = factory.Sequence(lambda n: f"Reception centre {n}")
    kind = LocationKind.RECEPTION_CENTRE
    city = "Ter Apel"


class PersonFactory(factory.django.DjangoModelFactory):
    """A person with a document name row, and (by default) one nationality."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    mission = factory.SubFactory(MissionFactory)
    family_name = factory.Faker("last_name")
    given_names = factory.Faker("first_name")
    sex = Sex.MALE
    birth_year = 1990
    birth_month = 5
    birth_day = 17
    preferred_language_id = "en"
    residence_kind = "private_address"
    residence_address = "Voorbeeldstraat 1, Utrecht"

    @factory.post_generation
    def names(self, create, extracted, **kwargs):
        if create:
            PersonName.objects.create(
                person=self, mission_id=self.mission_id, kind=NameKind.DOCUMENT, family_name=self.family_name, given_names=self.given_names,
                search_key=search_key(self.given_names, self.family_name),
                phonetic_key=phonetic_key(self.given_names, self.family_name),
            )

    @factory.post_generation
    def nationality(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Nationality.objects.create(person=self, mission_id=self.mission_id, country=extracted or "GE")


class TravelDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TravelDocument

    person = factory.SubFactory(PersonFactory)
    mission = factory.LazyAttribute(lambda d: d.person.mission)
    kind = DocumentKind.PASSPORT
    status = DocumentStatus.HELD
    number = factory.Sequence(lambda n: f"XP{n:07d}")
    number_key = factory.LazyAttribute(lambda d: d.number)
    issuing_country = "GE"
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=800))


class CaseFactory(factory.django.DjangoModelFactory):
    """A case with its principal applicant as member and a first history row."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"NL-2026-{n + 900000:06d}")
    work_post = factory.SubFactory(WorkPostFactory)
    mission = factory.LazyAttribute(lambda c: c.work_post.mission)
    counsellor = factory.SubFactory(UserFactory, mission=factory.SelfAttribute("..mission"))
    status = CaseStatus.CONTACT
    status_changed_at = factory.LazyFunction(timezone.now)
    contact_on = factory.LazyFunction(timezone.localdate)
    intended_destination = "GE"

    @factory.post_generation
    def principal(self, create, extracted, **kwargs):
        if not create:
            return
        person = extracted or PersonFactory(mission=self.mission)
        CaseMember.objects.create(case=self, mission_id=self.mission_id, person=person, relationship=Relationship.PRINCIPAL)
        case_name_tokens_refresh(case_ids=[self.pk])
        self.principal_name = f"{person.family_name.upper()}, {person.given_names}"
        Case.objects.filter(pk=self.pk).update(principal_name=self.principal_name)
        StatusChange.objects.create(case=self, mission_id=self.mission_id, from_status="", to_status=self.status,
                                    at=timezone.now(), by=self.counsellor)


# --- movements -------------------------------------------------------------------------------------------


class BookingFactory(factory.django.DjangoModelFactory):
    """A requested booking of a case ready to depart, with its principal as passenger (``passengers=False``: none)."""

    class Meta:
        model = Booking
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory, status=CaseStatus.READY_TO_DEPART)
    mission = factory.LazyAttribute(lambda b: b.case.mission)
    status = BookingStatus.REQUESTED
    status_changed_at = factory.LazyFunction(timezone.now)
    requested_by = factory.LazyAttribute(lambda b: b.case.counsellor)
    requested_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def passengers(self, create, extracted, **kwargs):
        if create and extracted is not False:
            for member in self.case.members.all():
                Passenger.objects.create(booking=self, mission_id=self.mission_id, person_id=member.person_id)


class EscortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Escort

    booking = factory.SubFactory(BookingFactory)
    mission = factory.LazyAttribute(lambda e: e.booking.mission)
    kind = EscortKind.MEDICAL
    external_name = factory.Faker("name")
    organisation = "Medical escorts BV"
    recorded_by = factory.LazyAttribute(lambda e: e.booking.requested_by)


class ItineraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Itinerary

    booking = factory.SubFactory(BookingFactory)
    mission = factory.LazyAttribute(lambda i: i.booking.mission)
    leg = ItineraryLeg.MAIN
    version = 1
    created_by = factory.LazyAttribute(lambda i: i.booking.requested_by)
    created_at = factory.LazyFunction(timezone.now)


class SegmentFactory(factory.django.DjangoModelFactory):
    """AMS to IST with Turkish Airlines, a week from now (airports come from the reference data)."""

    class Meta:
        model = Segment

    itinerary = factory.SubFactory(ItineraryFactory)
    mission = factory.LazyAttribute(lambda s: s.itinerary.mission)
    position = 1
    airline = "TK"
    flight_number = "TK1952"
    origin_id = "AMS"
    destination_id = "IST"
    departs_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    arrives_at = factory.LazyAttribute(lambda s: s.departs_at + datetime.timedelta(hours=3, minutes=40))
    scheduled_departs_at = factory.SelfAttribute("departs_at")
    scheduled_arrives_at = factory.SelfAttribute("arrives_at")


class CustodyEventFactory(factory.django.DjangoModelFactory):
    """A document received from its holder into the office safe. Keeps ``TravelDocument.custody`` in step only
    when built through ``services.document_receive``: use the service where the custody field matters."""

    class Meta:
        model = CustodyEvent

    document = factory.SubFactory(TravelDocumentFactory)
    mission = factory.LazyAttribute(lambda e: e.document.mission)
    kind = CustodyEventKind.RECEIVED
    party = CustodyParty.HOLDER
    held_at = "Office safe"
    custody = Custody.WITH_ORGANISATION
    at = factory.LazyFunction(timezone.now)
    recorded_at = factory.LazyFunction(timezone.now)
    recorded_by = factory.SubFactory(UserFactory, role=Role.MOVEMENTS, mission=factory.SelfAttribute("..mission"))


class CashContributionFactory(factory.django.DjangoModelFactory):
    """EUR 300 approved for a case (the published maximum in cash at departure)."""

    class Meta:
        model = CashContribution

    case = factory.SubFactory(CaseFactory, status=CaseStatus.READY_TO_DEPART)
    mission = factory.LazyAttribute(lambda c: c.case.mission)
    amount = 300
    currency = "EUR"
    approved_by = factory.SubFactory(UserFactory, role=Role.OPERATIONS, mission=factory.SelfAttribute("..mission"))
    approved_at = factory.LazyFunction(timezone.now)


class MovementFactory(factory.django.DjangoModelFactory):
    """A family-reunification arrival IST → AMS two days from now."""

    class Meta:
        model = Movement

    mission = factory.SubFactory(MissionFactory)
    kind = MovementKind.ARRIVAL
    programme = MovementProgramme.FAMILY_REUNIFICATION
    airline = "TK"
    flight_number = "TK1951"
    origin_id = "IST"
    airport_id = "AMS"
    departs_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    arrives_at = factory.LazyAttribute(lambda m: m.departs_at + datetime.timedelta(hours=3, minutes=50))
    created_by = factory.SubFactory(UserFactory, role=Role.MOVEMENTS, mission=factory.SelfAttribute("..mission"))
    created_at = factory.LazyFunction(timezone.now)


class MovementPassengerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MovementPassenger

    movement = factory.SubFactory(MovementFactory)
    mission = factory.LazyAttribute(lambda p: p.movement.mission)
    family_name = factory.Faker("last_name")
    given_names = factory.Faker("first_name")
    sex = Sex.FEMALE
    birth_year = 1988
    nationality = "SY"


class ProjectFactory(factory.django.DjangoModelFactory):
    """A running AVRR project of the mission, funded by a ministry (synthetic)."""

    class Meta:
        model = "reference.Project"
        django_get_or_create = ("code",)

    mission = factory.SubFactory(MissionFactory)
    code = factory.Sequence(lambda n: f"AVRR-NL-{2026 + n}")
    name = "Assisted voluntary return and reintegration"
    funded_by = "Ministry of Justice and Security"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))
    ends_on = None
