"""Persons and cases of the demo, built in memory as the services would have written them over a year.

Nothing here calls a service: rows are made with the values the services
would give them (case number, principal name, name keys, sensitive flags in
step with vulnerabilities, a status history in order) and written with
``bulk_create`` by ``passage.core.demo.load``.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

import phonenumbers
from django.utils import timezone

from passage.accounts.enums import Role, WorkPostKind
from passage.cases.enums import (
    CaseStatus as S,
)
from passage.cases.enums import (
    ConsentKind,
    GovernmentPosition,
    Interpreter,
    ReferralSource,
    Relationship,
    VulnerabilityKind,
)
from passage.cases.models import (
    AssistedDeparture,
    Case,
    CaseMember,
    Consent,
    EligibilityCheck,
    EligibilityOutcome,
    FitToTravel,
    Note,
    ReturnGuardian,
    StatusChange,
    Vulnerability,
)
from passage.movements.enums import CustodyEventKind, CustodyParty
from passage.movements.models import CustodyEvent
from passage.people.enums import (
    Custody,
    DocumentKind,
    DocumentStatus,
    IdentifierKind,
    NameKind,
    ResidenceKind,
)
from passage.people.models import Identifier, Nationality, Person, PersonName, Phone, TravelDocument
from passage.people.names import phonetic_key, search_key
from passage.people.validation import normalise_document_number
from passage.reference.enums import LocationKind, PartnerKind, RuleCode

from .names import NATIONALITIES, NameMaker, spelling_variant

# Share of cases by final status: most contacts never apply (contact, or closed straight from contact).
STATUS_SHARES = {
    S.CONTACT: 22, S.CLOSED: 19, S.APPLICATION: 12, S.ELIGIBILITY: 8, S.PREPARATION: 12, S.READY_TO_DEPART: 6,
    S.ON_HOLD: 6, S.REJECTED: 6, S.WITHDRAWN: 9,
}
EXCLUDED_NATIONALITY = "AL"
EXCLUDED_SINCE_DAYS = 120
EXCLUDED_REASON = "Added to the list of safe countries of origin"

_MAIN_PATH = [S.CONTACT, S.APPLICATION, S.ELIGIBILITY, S.PREPARATION, S.READY_TO_DEPART]
# Days spent in a status before the next move: (low, high).
_STAGE_DAYS = {S.CONTACT: (2, 40), S.APPLICATION: (3, 21), S.ELIGIBILITY: (1, 14), S.PREPARATION: (7, 35),
               S.READY_TO_DEPART: (1, 10)}

_ON_HOLD_REASONS = [
    "Waiting for a laissez-passer from the embassy.", "Medical treatment still ongoing.",
    "The applicant asked for time to reconsider.", "Waiting for the birth certificate of a child.",
    "Family situation in the country of return being assessed.",
]
_WITHDRAWN_REASONS = [
    "The applicant decided to stay and lodged a new procedure.", "The applicant can no longer be reached.",
    "The applicant left for another country.", "The applicant no longer wishes to return.",
]
_CLOSED_FROM_CONTACT = ["No follow-up after the information session.", "Contact only: the person did not apply.",
                        "Referred to another organisation."]
_MEDICAL_DETAILS = ["Diabetes, insulin-dependent.", "Post-operative care after hip surgery.", "Kidney dialysis.",
                    "Psychiatric treatment, medication needed during travel.", "Wheelchair user.",
                    "Pregnancy, third trimester."]
_OTHER_DETAILS = ["Hearing impaired: needs written information.", "Illiterate: information given orally.",
                  "Recently bereaved."]
_NOTE_TEXTS = {
    S.CONTACT: ["Information session on the return programme; explained reintegration support and the steps.",
                "Walk-in: asked about return options. Gave the leaflet in the person's language.",
                "Referred by the partner; first conversation about voluntary return."],
    S.APPLICATION: ["Intake done for the household; documents discussed, copies requested.",
                    "Application taken. Explained what the eligibility check looks at."],
    S.ELIGIBILITY: ["Eligibility check discussed with the applicant.",
                    "Asked the national return service for its position."],
    S.PREPARATION: ["Travel document request sent to the embassy.", "Draft reintegration plan discussed: small shop.",
                    "Preparation: consents signed, travel wishes noted."],
    S.READY_TO_DEPART: ["All documents in custody; flight request can be made.",
                        "Final counselling session before departure."],
}
_INTERPRETED_LANGUAGES = {"ar", "fa", "ti", "so", "mn", "ka", "sq", "ps", "ku"}


@dataclass
class Rows:
    persons: list = field(default_factory=list)
    person_languages: list = field(default_factory=list)  # (person_id, language code)
    names: list = field(default_factory=list)
    nationalities: list = field(default_factory=list)
    phones: list = field(default_factory=list)
    identifiers: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    members: list = field(default_factory=list)
    status_changes: list = field(default_factory=list)
    departures: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)
    vulnerabilities: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    guardians: list = field(default_factory=list)
    fit_statements: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    custody_events: list = field(default_factory=list)
    # Ready-to-depart cases built for the movements of the demo (``passage.core.demo.movements``), in the order
    # of the ready days asked for.
    movement_cases: list = field(default_factory=list)


@dataclass
class Org:
    """What the case builder needs of the organisation, already in the database."""

    missions: dict  # code -> Mission
    work_posts: list  # host WorkPosts
    staff: list  # Users
    partners: dict  # PartnerKind -> PartnerOrganisation
    locations: dict  # (LocationKind, city) -> PartnerLocation
    rules: dict  # RuleCode -> EligibilityRule in force
    languages: set  # Language codes present


def _quota(n: int, shares: dict) -> list:
    """Exactly n statuses in the given shares (largest remainder), every status at least once when n allows."""
    total = sum(shares.values())
    raw = {k: n * v / total for k, v in shares.items()}
    counts = {k: max(1 if n >= len(shares) else 0, int(r)) for k, r in raw.items()}
    while sum(counts.values()) < n:
        k = max(raw, key=lambda k: raw[k] - counts[k])
        counts[k] += 1
    while sum(counts.values()) > n:
        k = max(counts, key=lambda k: counts[k])
        counts[k] -= 1
    return [k for k, c in counts.items() for _ in range(c)]


class CaseBuilder:
    def __init__(self, *, org: Org, n_cases: int, rng: random.Random, first_ids: dict, today: datetime.date):
        self.org, self.n, self.rng, self.today = org, n_cases, rng, today
        self.tz = timezone.get_current_timezone()
        self.names = NameMaker(rng)
        self.rows = Rows()
        self.next_person_id = first_ids["person"]
        self.next_case_id = first_ids["case"]
        self.next_check_id = first_ids["check"]
        self.host = org.missions["NL"]
        self.excluded_from = today - datetime.timedelta(days=EXCLUDED_SINCE_DAYS)
        self.counsellors_at = defaultdict(list)
        self.supervisors_of = defaultdict(list)
        for user in org.staff:
            if user.role == Role.COUNSELLOR:
                for wp in user.demo_work_posts:
                    self.counsellors_at[wp.pk].append(user)
            if user.role == Role.SUPERVISOR:
                for wp in user.demo_supervised:
                    self.supervisors_of[wp.pk].append(user)
        self.demo_counsellor = next(u for u in org.staff if u.username == "counsellor")
        self.nat_codes = list(NATIONALITIES)
        self.nat_weights = [NATIONALITIES[c][0] for c in self.nat_codes]
        self._used_numbers: set[str] = set()
        self._used_foreigner: set[str] = set()
        self._used_phones: set[str] = set()
        self.wp_weights = [self._work_post_weight(wp) for wp in org.work_posts]

    # ---------------------------------------------------------------- small helpers
    def _work_post_weight(self, wp) -> float:
        if wp.code == "RC-01":  # the national application centre receives the most
            return 10
        return {WorkPostKind.RECEPTION_CENTRE: 3, WorkPostKind.DETENTION_CENTRE: 4, WorkPostKind.CITY_OFFICE: 3,
                WorkPostKind.AIRPORT: 0.5}[wp.kind]

    def _at(self, day: datetime.date, minute_of_day: int | None = None) -> datetime.datetime:
        minute = minute_of_day if minute_of_day is not None else self.rng.randint(8 * 60 + 30, 17 * 60)
        naive = datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60))
        return timezone.make_aware(naive, self.tz)

    def _days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=self.rng.randint(low, high))

    def _unique(self, used: set, make) -> str:
        while True:
            value = make()
            if value not in used:
                used.add(value)
                return value

    def _document_number(self, kind: str) -> str:
        r = self.rng
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        if kind == DocumentKind.PASSPORT:
            make = lambda: "".join(r.choices(letters, k=2)) + f"{r.randrange(10**7):07d}"  # noqa: E731
        elif kind == DocumentKind.LAISSEZ_PASSER:
            make = lambda: f"LP{r.randrange(10**6):06d}"  # noqa: E731
        elif kind == DocumentKind.EMERGENCY_TRAVEL_DOCUMENT:
            make = lambda: f"ETD{r.randrange(10**7):07d}"  # noqa: E731
        else:
            make = lambda: f"{r.randrange(10**9):09d}"  # noqa: E731
        return self._unique(self._used_numbers, make)

    def _mobile(self) -> str:
        def make():
            while True:
                candidate = f"+316{self.rng.randint(1, 5)}{self.rng.randrange(10**7):07d}"
                if phonenumbers.is_valid_number(phonenumbers.parse(candidate)):
                    return candidate
        return self._unique(self._used_phones, make)

    # ---------------------------------------------------------------- persons
    def _birth(self, age: int, ref: datetime.date) -> dict:
        born = ref - datetime.timedelta(days=age * 365 + self.rng.randint(0, 364))
        precision = self.rng.random()
        if precision < 0.10:
            return {"birth_year": born.year}
        if precision < 0.15:
            return {"birth_year": born.year, "birth_month": born.month}
        return {"birth_year": born.year, "birth_month": born.month, "birth_day": born.day}

    def _person(self, *, nationality, sex, age, family_name=None, created_at, created_by, residence, principal=False,
                complete=True) -> Person:
        given = self.names.given(nationality, sex)
        family = family_name or self.names.family(nationality, sex)
        language = NATIONALITIES[nationality][2]
        born_here = age < 8 and self.rng.random() < 0.4
        person = Person(
            id=self.next_person_id, mission=self.host, family_name=family, given_names=given,
            known_as=given.split()[0] if principal and self.rng.random() < 0.08 else "",
            sex=sex, country_of_birth="NL" if born_here else nationality,
            preferred_language_id=language if (principal and complete and language in self.org.languages) else None,
            residence_kind=residence[0], residence_location=residence[1], residence_address=residence[2],
            created_at=created_at, updated_at=created_at, created_by=created_by,
            **self._birth(age, created_at.date()),
        )
        self.next_person_id += 1
        rows = self.rows
        rows.persons.append(person)
        if person.preferred_language_id:
            rows.person_languages.append((person.id, person.preferred_language_id))
        rows.names.append(self._name(person, NameKind.DOCUMENT, family, given))
        if person.known_as:
            rows.names.append(self._name(person, NameKind.KNOWN, "", person.known_as))
        if self.rng.random() < 0.3:
            variant_given, variant_family = spelling_variant(given), spelling_variant(family)
            if variant_given or variant_family:
                rows.names.append(self._name(person, NameKind.TRANSLITERATION, variant_family or family,
                                             variant_given or given))
        rows.nationalities.append(Nationality(person=person, mission_id=person.mission_id, country=nationality))
        if age >= 18 and self.rng.random() < 0.03:
            second = self.rng.choice([c for c in ("RU", "TR", "SY", "IQ") if c != nationality])
            rows.nationalities.append(Nationality(person=person, mission_id=person.mission_id, country=second))
        if complete and self.rng.random() < 0.85:
            number = self._unique(self._used_foreigner, lambda: f"{self.rng.randrange(10**9, 10**10)}")
            rows.identifiers.append(Identifier(person=person, mission_id=person.mission_id,
                                                    kind=IdentifierKind.FOREIGNER_NUMBER, value=number))
        return person

    def _name(self, person, kind, family, given) -> PersonName:
        return PersonName(person=person, mission_id=person.mission_id, kind=kind, family_name=family, given_names=given,
                          search_key=search_key(given, family), phonetic_key=phonetic_key(given, family))

    def _residence(self, wp) -> tuple:
        if wp.kind == WorkPostKind.RECEPTION_CENTRE:
            loc = self.org.locations.get((LocationKind.RECEPTION_CENTRE, wp.city))
            if loc:
                return (ResidenceKind.PARTNER_LOCATION, loc, "")
        if wp.kind == WorkPostKind.DETENTION_CENTRE:
            loc = self.org.locations.get((LocationKind.DETENTION_CENTRE, wp.city))
            if loc:
                return (ResidenceKind.PARTNER_LOCATION, loc, "")
        if self.rng.random() < 0.25:
            return (ResidenceKind.UNKNOWN, None, "")
        street = self.rng.choice(["Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Schoolstraat", "Julianalaan"])
        return (ResidenceKind.PRIVATE_ADDRESS, None, f"{street} {self.rng.randint(1, 180)}, {wp.city}")

    def _household(self, case_kind: str, nationality: str, principal_sex: str, principal_age: int) -> list[tuple]:
        """Members besides the principal: (relationship, sex, age, shares family name)."""
        r = self.rng
        members = []
        if case_kind in ("couple", "couple_children"):
            members.append((Relationship.SPOUSE, "F" if principal_sex == "M" else "M",
                            max(18, principal_age + r.randint(-6, 3)), r.random() < 0.4))
        if case_kind in ("couple_children", "single_parent"):
            for _ in range(r.choice([1, 1, 2, 2, 3, 4])):
                members.append((Relationship.CHILD, r.choice("MF"), r.randint(0, min(17, principal_age - 18)), True))
        if case_kind == "other_relative":
            members.append((Relationship.OTHER_RELATIVE, r.choice("MF"), r.randint(55, 80), r.random() < 0.5))
        return members

    # ---------------------------------------------------------------- timeline
    def _path(self, status: str, *, reason_kind: str) -> list[str]:
        r = self.rng
        if status in _MAIN_PATH:
            return _MAIN_PATH[: _MAIN_PATH.index(status) + 1]
        if status == S.REJECTED:
            return [*_MAIN_PATH[:3], S.REJECTED]
        if status == S.WITHDRAWN:
            return [*_MAIN_PATH[: r.choice([1, 2, 2, 3, 4])], S.WITHDRAWN]
        if status == S.ON_HOLD:
            return [*_MAIN_PATH[: r.choice([1, 2, 3, 4, 4, 5])], S.ON_HOLD]
        if status == S.CLOSED:
            if reason_kind == "rejected":
                return [*_MAIN_PATH[:3], S.REJECTED, S.CLOSED]
            if reason_kind == "withdrawn":
                return [*_MAIN_PATH[: r.choice([1, 2, 3])], S.WITHDRAWN, S.CLOSED]
            return [S.CONTACT, S.CLOSED]
        raise ValueError(status)

    def _dates(self, path: list[str], end: datetime.date | None = None) -> list[datetime.date]:
        """The day each status of ``path`` was entered, ending at most today (or on ``end``), first contact within
        the year."""
        gaps = [self.rng.randint(*_STAGE_DAYS.get(s, (3, 30))) for s in path[:-1]]
        span = sum(gaps)
        if span > 330:
            gaps = [max(1, g * 330 // span) for g in gaps]
            span = sum(gaps)
        if end is not None:
            days = [end - datetime.timedelta(days=span)]
            for g in gaps:
                days.append(days[-1] + datetime.timedelta(days=g))
            return days
        # Cases still in the first statuses are mostly recent: a contact lingers weeks, not a year.
        tail = 0 if path[-1] in (S.CLOSED, S.REJECTED, S.WITHDRAWN, S.ON_HOLD) else 1
        max_slack = 364 - span if not tail else min(364 - span, {S.CONTACT: 90, S.APPLICATION: 45}.get(path[-1], 60))
        start = self.today - datetime.timedelta(days=span + self.rng.randint(0, max(0, max_slack)))
        days, day = [start], start
        for g in gaps:
            day += datetime.timedelta(days=g)
            days.append(day)
        return days

    # ---------------------------------------------------------------- build
    def build(self, movement_ready_days: list[datetime.date] = ()) -> Rows:
        """``n_cases`` cases: ``movement_ready_days`` of them ready to depart on those days (for the movements of
        the demo: plain households with valid passports in our custody), the others in the shares of a year."""
        statuses = _quota(self.n - len(movement_ready_days), STATUS_SHARES)
        self.rng.shuffle(statuses)
        demo_posts = [wp for wp in self.org.work_posts if self.demo_counsellor in self.counsellors_at[wp.pk]]
        for i, status in enumerate(statuses):
            if i % 12 == 0:
                wp = self.rng.choice(demo_posts)
            else:
                wp = self.rng.choices(self.org.work_posts, weights=self.wp_weights)[0]
            counsellor = self.rng.choice(self.counsellors_at[wp.pk])
            # The demo counsellor's first three cases are one of each sensitive kind (a small demo has them all).
            forced = ("uam", "trafficking", "medical")[i // 12] if i < 36 and i % 12 == 0 else (i % 36 == 0)
            self._case(status, wp, counsellor, force_sensitive=forced)
        for ready_on in movement_ready_days:
            wp = self.rng.choices(self.org.work_posts, weights=self.wp_weights)[0]
            self._case(S.READY_TO_DEPART, wp, self.rng.choice(self.counsellors_at[wp.pk]), force_sensitive=False,
                       ready_on=ready_on)
            self.rows.movement_cases.append(self.rows.cases[-1])
        return self.rows

    def _case(self, status: str, wp, counsellor, force_sensitive: bool | str,
              ready_on: datetime.date | None = None) -> None:
        r = self.rng
        # What kind of case: sensitive categories first, then the household shape.
        roll = r.random()
        if force_sensitive:
            roll = {"uam": 0.01, "trafficking": 0.03, "medical": 0.06}.get(force_sensitive) or r.choice(
                [0.01, 0.03, 0.06])
        special = "uam" if roll < 0.02 else "trafficking" if roll < 0.045 else "medical" if roll < 0.10 else ""
        if ready_on is not None:
            special = ""  # the movements staff of the demo hold no clearance for sensitive cases
        shape_roll = r.random()
        if special in ("uam", "trafficking"):
            shape = "single"
        elif shape_roll < 0.80:
            shape = "single"
        elif shape_roll < 0.88:
            shape = "couple"
        elif shape_roll < 0.93:
            shape = "single_parent"
        elif shape_roll < 0.98:
            shape = "couple_children"
        else:
            shape = "other_relative"

        reason_kind = ""
        if status == S.CLOSED:
            reason_kind = r.choices(["contact", "rejected", "withdrawn"], weights=[70, 15, 15])[0]
        path = self._path(status, reason_kind=reason_kind)
        days = self._dates(path, end=ready_on)
        entered = dict(zip(path, days, strict=True))
        reached_eligibility = S.ELIGIBILITY in entered
        passes = S.PREPARATION in entered
        rejected = S.REJECTED in entered

        # Why a rejected case failed.
        failure = ""
        check_day = None
        if reached_eligibility:
            # Checked on or after entering eligibility, and before the next move (which is on a later day).
            later = [d for d in entered.values() if d > entered[S.ELIGIBILITY]]
            last_possible = min(later) - datetime.timedelta(days=1) if later else self.today
            check_day = min(entered[S.ELIGIBILITY] + self._days(0, 3), last_possible)
        if rejected:
            failure = r.choices(["excluded", "prior", "objection", "document"], weights=[40, 25, 20, 15])[0]
            if failure == "excluded" and check_day < self.excluded_from:
                failure = "objection"

        nationality = r.choices(self.nat_codes, weights=self.nat_weights)[0]
        if failure == "excluded":
            nationality = EXCLUDED_NATIONALITY
        elif nationality == EXCLUDED_NATIONALITY and reached_eligibility and check_day >= self.excluded_from:
            nationality = "GE"  # an Albanian checked after the listing would have failed

        if special == "uam":
            principal_sex, principal_age = r.choices("MF", weights=[80, 20])[0], r.randint(14, 17)
        elif special == "trafficking":
            principal_sex, principal_age = r.choices("FM", weights=[75, 25])[0], r.randint(18, 40)
        else:
            principal_sex = r.choices("MF", weights=[68, 32] if shape == "single" else [60, 40])[0]
            if shape == "single_parent":
                principal_sex = r.choices("FM", weights=[85, 15])[0]
            principal_age = min(80, max(18, int(r.gauss(33, 10))))
            if r.random() < 0.02:
                principal_age = r.randint(65, 82)

        contact_at = self._at(entered[S.CONTACT])
        applied = S.APPLICATION in entered
        residence = self._residence(wp)
        if special == "trafficking":
            loc = self.org.locations.get((LocationKind.SHELTER, "Amsterdam")) or residence[1]
            residence = (ResidenceKind.PARTNER_LOCATION, loc, "")
        complete = applied or r.random() < 0.6
        if not complete and residence[0] == ResidenceKind.PRIVATE_ADDRESS:
            residence = (ResidenceKind.UNKNOWN, None, "")
        principal = self._person(nationality=nationality, sex=principal_sex, age=principal_age,
                                 created_at=contact_at, created_by=counsellor, residence=residence, principal=True,
                                 complete=complete)
        household = [(Relationship.PRINCIPAL, principal)]
        for relationship, sex, age, shares_name in self._household(shape, nationality, principal_sex, principal_age):
            created = self._at(entered.get(S.APPLICATION, entered[S.CONTACT]))
            person = self._person(nationality=nationality, sex=sex, age=age, created_at=created, created_by=counsellor,
                                  residence=residence, complete=complete,
                                  family_name=principal.family_name if shares_name else None)
            household.append((relationship, person))

        case_id = self.next_case_id
        self.next_case_id += 1
        referral_source, partner = self._referral(special)
        case = Case(
            id=case_id, number=f"{wp.mission.code}-{entered[S.CONTACT].year}-{case_id:06d}",
            mission_id=wp.mission_id, work_post=wp, counsellor=counsellor, status=status,
            status_changed_at=contact_at, referral_source=referral_source, referral_partner=partner,
            contact_on=entered[S.CONTACT], application_on=entered.get(S.APPLICATION),
            principal_name=f"{principal.family_name.upper()}, {principal.given_names}".strip(", "),
            created_at=contact_at, updated_at=contact_at,
        )
        self.rows.cases.append(case)
        for relationship, person in household:
            self.rows.members.append(CaseMember(case=case, mission_id=case.mission_id, person=person,
                                                relationship=relationship, added_at=max(contact_at, person.created_at)))
        if applied:
            case.intended_destination = nationality
            if r.random() < 0.5:
                case.residence_procedure_none = True
            elif passes or r.random() < 0.7:
                withdrawn = entered[S.APPLICATION] + self._days(0, 5)
                case.residence_procedure_withdrawn_on = min(withdrawn, entered.get(S.ELIGIBILITY, self.today))
        supervisor = (self.supervisors_of.get(wp.pk) or [counsellor])[0]

        # Phones and the return service's reference.
        if r.random() < 0.75:
            consent = r.random() < 0.8
            self.rows.phones.append(Phone(person=principal, mission_id=principal.mission_id,
                                          number=self._mobile(), sms_consent=consent,
                                          sms_consent_at=contact_at if consent else None,
                                          sms_consent_by=counsellor if consent else None, created_at=contact_at))
        for relationship, person in household[1:]:
            if relationship == Relationship.SPOUSE and r.random() < 0.3:
                self.rows.phones.append(Phone(person=person, mission_id=person.mission_id,
                                              number=self._mobile(), sms_consent=False,
                                              created_at=person.created_at))
        if referral_source == ReferralSource.RETURN_SERVICE:
            self.rows.identifiers.append(Identifier(person=principal, mission_id=principal.mission_id,
                                                    kind=IdentifierKind.RETURN_SERVICE_REF,
                                                    value=f"DTV-{entered[S.CONTACT].year}-{case_id:06d}"))

        # Vulnerabilities (sensitive flags follow them, as services.vulnerability_record keeps them).
        assess_day = entered.get(S.APPLICATION, entered[S.CONTACT]) + self._days(0, 4)
        assess_day = min(assess_day, self.today)
        self._vulnerabilities(case, household, nationality, special, shape, principal_age, assess_day, counsellor,
                              entered)
        if passes or (reached_eligibility and r.random() < 0.7) or (applied and r.random() < 0.3):
            case.vulnerabilities_assessed_on, case.vulnerabilities_assessed_by = assess_day, counsellor

        # Documents per member, as fits how far the case got.
        for _, person in household:
            self._documents(person, nationality, entered, path[-1], failure == "document" and person is principal,
                            counsellor, wp, passport=ready_on is not None)

        # Consents: data processing at application, sharing with partners during preparation.
        if applied:
            self.rows.consents.append(Consent(case=case, mission_id=case.mission_id, person=principal,
                                              kind=ConsentKind.DATA_PROCESSING,
                                              given_on=entered[S.APPLICATION], recorded_by=counsellor))
        if passes and (S.READY_TO_DEPART in entered or r.random() < 0.7):
            self.rows.consents.append(Consent(case=case, mission_id=case.mission_id, person=principal,
                                              kind=ConsentKind.PARTNER_SHARING,
                                              given_on=entered[S.PREPARATION], recorded_by=counsellor))

        # Government position and eligibility checks.
        prior_departed = None
        if failure == "prior":
            prior_departed = check_day - datetime.timedelta(days=r.randint(200, 1500))
            self.rows.departures.append(AssistedDeparture(
                person=principal, mission_id=principal.mission_id, departed_on=prior_departed, assisted_by=AssistedDeparture.AssistedBy.ORGANISATION,
                source="Earlier return case (archive)"))
        if reached_eligibility:
            self._eligibility(case, household, entered, check_day, passes, failure, prior_departed, counsellor,
                              supervisor)
        elif applied and r.random() < 0.3:
            case.government_position = GovernmentPosition.NO_OBJECTION
            case.government_position_on = min(self.today, entered[S.APPLICATION] + self._days(1, 10))

        # Prior assisted departures: a recent one explains a rejection; old ones do not count any more.
        if failure != "prior" and r.random() < 0.03:
            departed = entered[S.CONTACT] - datetime.timedelta(days=r.randint(6 * 365, 12 * 365))
            self.rows.departures.append(AssistedDeparture(
                person=principal, mission_id=principal.mission_id, departed_on=departed,
                assisted_by=r.choice(list(AssistedDeparture.AssistedBy.values)), source="Earlier return (archive)"))

        # Status history, in order, and the case's current status fields.
        self._history(case, path, entered, counsellor, supervisor, failure)
        self._notes(case, path, entered, counsellor, principal)
        case.version = 1 + len(path)

    def _referral(self, special: str):
        r = self.rng
        if special == "trafficking":
            source = r.choice([ReferralSource.POLICE, ReferralSource.SHELTER])
        elif special == "uam":
            source = ReferralSource.GUARDIANSHIP
        else:
            source = r.choices(
                [ReferralSource.SELF, ReferralSource.RETURN_SERVICE, ReferralSource.RECEPTION_AGENCY,
                 ReferralSource.NGO, ReferralSource.OUTREACH, ReferralSource.OTHER],
                weights=[35, 27, 20, 8, 7, 3])[0]
        kind = {ReferralSource.POLICE: PartnerKind.POLICE, ReferralSource.SHELTER: PartnerKind.SHELTER,
                ReferralSource.GUARDIANSHIP: PartnerKind.GUARDIANSHIP,
                ReferralSource.RETURN_SERVICE: PartnerKind.RETURN_SERVICE,
                ReferralSource.RECEPTION_AGENCY: PartnerKind.RECEPTION_AGENCY, ReferralSource.NGO: PartnerKind.NGO}
        return source, self.org.partners.get(kind.get(source))

    def _vulnerabilities(self, case, household, nationality, special, shape, principal_age, day, counsellor,
                         entered):
        r = self.rng
        principal = household[0][1]
        found = []
        if special == "uam":
            found.append((principal, VulnerabilityKind.UNACCOMPANIED_MINOR, ""))
            # The guardian in the host country consented before the application was taken.
            given_on = min(self.today, entered[S.CONTACT] + self._days(0, 3))
            if S.APPLICATION in entered:
                given_on = min(given_on, entered[S.APPLICATION])
            self.rows.consents.append(Consent(case=case, mission_id=case.mission_id, person=principal,
                                              kind=ConsentKind.GUARDIAN_HOST,
                                              given_on=given_on, recorded_by=counsellor,
                                              given_by_name=f"Guardian {r.choice(['A.', 'M.', 'J.', 'K.'])} "
                                                            f"{r.choice(['Bakker', 'Mulder', 'de Jong', 'Smit'])} (Nidos)"))
            if S.PREPARATION in entered:
                self.rows.guardians.append(ReturnGuardian(
                    case=case, mission_id=case.mission_id, minor=principal, name=f"{self.names.given(nationality, 'M')} {principal.family_name}",
                    relationship=r.choice(["uncle", "grandmother", "mother", "father", "aunt"]),
                    identified_by=f"ID card {self._document_number(DocumentKind.ID_CARD)}",
                    confirmed_on=min(self.today, entered[S.PREPARATION] + self._days(1, 6)),
                    confirmed_by_mission=self.org.missions.get(case.intended_destination), recorded_by=counsellor))
        elif special == "trafficking":
            found.append((principal, VulnerabilityKind.TRAFFICKING, ""))
        elif special == "medical":
            person = r.choice([p for _, p in household])
            found.append((person, VulnerabilityKind.MEDICAL, r.choice(_MEDICAL_DETAILS)))
            if S.READY_TO_DEPART in entered or (S.PREPARATION in entered and r.random() < 0.5):
                self.rows.fit_statements.append(FitToTravel(
                    case=case, mission_id=case.mission_id, person=person, fit=True,
                    statement_on=min(self.today, entered[S.PREPARATION] + self._days(1, 10)),
                    issued_by=r.choice(["GP practice Ter Apel", "Medical service of the reception agency",
                                        "Treating specialist"]),
                    conditions=r.choice(["", "Wheelchair to the aircraft (WCHR).", "Medical escort advised."]),
                    recorded_by=counsellor))
        if principal_age >= 65:
            found.append((principal, VulnerabilityKind.ELDERLY, ""))
        if shape == "single_parent" and r.random() < 0.6:
            found.append((principal, VulnerabilityKind.SINGLE_PARENT, ""))
        if 18 <= principal_age <= 21 and r.random() < 0.3:
            found.append((principal, VulnerabilityKind.FORMER_UNACCOMPANIED_MINOR, ""))
        if r.random() < 0.02:
            found.append((principal, VulnerabilityKind.OTHER, r.choice(_OTHER_DETAILS)))
        for person, kind, detail in found:
            self.rows.vulnerabilities.append(Vulnerability(case=case, mission_id=case.mission_id, person=person, kind=kind,
                                                           detail=detail, assessed_on=day, assessed_by=counsellor))
        kinds = {k for _, k, _ in found}
        case.is_trafficking = VulnerabilityKind.TRAFFICKING in kinds
        case.is_unaccompanied_minor = VulnerabilityKind.UNACCOMPANIED_MINOR in kinds
        case.is_medical = VulnerabilityKind.MEDICAL in kinds

    def _documents(self, person, nationality, entered, final, must_lack, counsellor, wp, passport=False):
        """The member's documents as far as the case got; with ``passport``, a valid passport in our custody.
        A document in our custody was received (a custody event, as ``document_receive`` writes it)."""
        r = self.rng
        applied = S.APPLICATION in entered
        created = self._at(entered.get(S.APPLICATION, entered[S.CONTACT]))
        if not applied and r.random() < 0.6:
            return

        def add(kind, status, **kw):
            number = self._document_number(kind) if status == DocumentStatus.HELD else ""
            document = TravelDocument(
                person=person, mission_id=person.mission_id, kind=kind, status=status, number=number, number_key=normalise_document_number(number),
                issuing_country=nationality, created_at=created, created_by=counsellor, **kw)
            self.rows.documents.append(document)
            if document.custody == Custody.WITH_ORGANISATION:
                handed_in = entered.get(S.PREPARATION, entered.get(S.APPLICATION, entered[S.CONTACT]))
                day = min(handed_in + self._days(0, 3), entered.get(S.READY_TO_DEPART, self.today))
                at = max(self._at(day, 8 * 60 + 15 + r.randint(0, 40)), created + datetime.timedelta(minutes=10))
                self.rows.custody_events.append(CustodyEvent(
                    document=document, mission_id=document.mission_id, kind=CustodyEventKind.RECEIVED,
                    party=CustodyParty.HOLDER, held_at=f"Office safe, {wp.city}", custody=Custody.WITH_ORGANISATION,
                    at=at, recorded_by=counsellor, recorded_at=at))

        ready = S.READY_TO_DEPART in entered and final == S.READY_TO_DEPART
        if passport:
            issued = self.today - self._days(200, 3000)
            add(DocumentKind.PASSPORT, DocumentStatus.HELD, issued_on=issued,
                expires_on=max(issued + datetime.timedelta(days=3650), self.today + self._days(400, 900)),
                custody=Custody.WITH_ORGANISATION)
            return
        needs_document = S.ELIGIBILITY in entered and not must_lack
        roll = r.random()
        if must_lack:
            expired = entered[S.CONTACT] - self._days(30, 700)
            add(DocumentKind.PASSPORT, DocumentStatus.HELD, issued_on=expired - datetime.timedelta(days=3650),
                expires_on=expired)
            return
        if roll < 0.55:  # a valid passport
            issued = self.today - self._days(200, 3000)
            custody = Custody.WITH_ORGANISATION if (ready or (S.PREPARATION in entered and r.random() < 0.5)) \
                else Custody.WITH_HOLDER
            add(DocumentKind.PASSPORT, DocumentStatus.HELD, issued_on=issued,
                expires_on=max(issued + datetime.timedelta(days=3650), self.today + self._days(200, 400)),
                custody=custody)
            return
        # An expired passport, an ID card, or nothing: a replacement travel document is requested or issued.
        if roll < 0.75:
            add(DocumentKind.PASSPORT, DocumentStatus.HELD, issued_on=self.today - self._days(3800, 4500),
                expires_on=self.today - self._days(30, 900))
        elif roll < 0.85:
            add(DocumentKind.ID_CARD, DocumentStatus.HELD, issued_on=self.today - self._days(300, 2000),
                expires_on=self.today + self._days(100, 1500))
        if not needs_document and not ready:
            return
        kind = r.choice([DocumentKind.LAISSEZ_PASSER, DocumentKind.EMERGENCY_TRAVEL_DOCUMENT])
        requested = entered[S.APPLICATION] + self._days(0, 5)
        if ready or (S.PREPARATION in entered and r.random() < 0.4):
            issued = min(self.today, requested + self._days(7, 20))
            add(kind, DocumentStatus.HELD, requested_on=min(requested, issued), issued_on=issued,
                expires_on=self.today + self._days(30, 90),
                custody=Custody.WITH_ORGANISATION)
        else:
            add(kind, DocumentStatus.REQUESTED, requested_on=min(requested, self.today))

    def _eligibility(self, case, household, entered, check_day, passes, failure, prior_departed, counsellor,
                     supervisor):
        """Eligibility checks with one outcome per rule in force, as ``eligibility.evaluate`` words them."""
        r = self.rng
        stays = not passes and not failure
        if failure == "objection":
            case.government_position = GovernmentPosition.OBJECTION
        elif stays and r.random() < 0.5:
            case.government_position = GovernmentPosition.NOT_ASKED
        else:
            case.government_position = GovernmentPosition.NO_OBJECTION
        if case.government_position != GovernmentPosition.NOT_ASKED:
            case.government_position_on = check_day
        if not case.residence_procedure_none and not case.residence_procedure_withdrawn_on:
            case.residence_procedure_none = True
        if stays and r.random() < 0.5:
            return  # in eligibility, not checked yet
        runs = []
        if passes and r.random() < 0.2:
            # A first check failed on the missing position; it passed once the return service answered.
            runs.append((max(entered[S.ELIGIBILITY], check_day - self._days(3, 10)), 18 * 60, "government"))
        runs.append((check_day, 18 * 60 + 30, "override" if passes and r.random() < 0.06 else ""))
        if runs[-1][2] == "override":
            # The withdrawal was confirmed by phone but not yet recorded: a supervisor overrides the failed rule.
            case.residence_procedure_none, case.residence_procedure_withdrawn_on = False, None
        first = household[0][1]
        name = f"{first.family_name.upper()} {first.given_names}".strip()
        for day, minute, twist in runs:
            check = EligibilityCheck(id=self.next_check_id, case=case, mission_id=case.mission_id, checked_on=day, run_at=self._at(day, minute),
                                     run_by=counsellor, passed=True)
            self.next_check_id += 1
            for code, rule in sorted(self.org.rules.items()):
                passed, msgid, params = self._outcome(case, code, rule, day, failure, prior_departed, name, twist)
                outcome = EligibilityOutcome(eligibility_check=check, mission_id=check.mission_id, rule=rule, rule_code=code, passed=passed,
                                             reason_msgid=msgid, reason_params=params)
                if not passed and twist == "override":
                    outcome.overridden_by = supervisor
                    outcome.overridden_at = self._at(day, 18 * 60 + 45)
                    outcome.override_reason = "Withdrawal confirmed by the immigration service by phone; letter follows."
                check.passed = check.passed and (passed or outcome.overridden_at is not None)
                self.rows.outcomes.append(outcome)
            self.rows.checks.append(check)

    def _outcome(self, case, code, rule, day, failure, prior_departed, name, twist):
        if code == RuleCode.NO_PRIOR_ASSISTED_RETURN:
            years = rule.lookback_years or 5
            if failure == "prior":
                return (False, "%(name)s departed with assistance of %(by)s on %(date)s, within the last %(years)s years.",
                        {"name": name, "by": "organisation", "date": prior_departed.isoformat(), "years": years})
            try:
                since = day.replace(year=day.year - years)
            except ValueError:
                since = day.replace(year=day.year - years, day=28)
            return True, "No assisted departure of any member since %(since)s.", {"since": since.isoformat()}
        if code == RuleCode.NATIONALITY_NOT_EXCLUDED:
            if failure == "excluded":
                return (False, "%(name)s has the nationality of %(country)s, which is on the excluded-country list since "
                               "%(since)s (%(reason)s).",
                        {"name": name, "country": EXCLUDED_NATIONALITY, "since": self.excluded_from.isoformat(),
                         "reason": EXCLUDED_REASON})
            return True, "No member's nationality is on the excluded-country list on %(date)s.", {"date": day.isoformat()}
        if code == RuleCode.TRAVEL_DOCUMENT:
            if failure == "document":
                return False, "No valid travel document held or requested for: %(names)s.", {"names": name}
            return True, "Every member holds a valid travel document or has requested one.", {}
        if code == RuleCode.RESIDENCE_PROCEDURE_WITHDRAWN:
            withdrawn = case.residence_procedure_withdrawn_on
            if case.residence_procedure_none:
                return True, "No residence procedure is pending.", {}
            if withdrawn and withdrawn <= day:
                return True, "Residence procedures withdrawn on %(date)s.", {"date": withdrawn.isoformat()}
            return False, "The withdrawal of pending residence procedures is not recorded.", {}
        if code == RuleCode.NO_GOVERNMENT_OBJECTION:
            position = case.government_position
            if twist == "government" or position == GovernmentPosition.NOT_ASKED:
                return False, "The government's position is not recorded yet.", {}
            if position == GovernmentPosition.OBJECTION:
                return False, "The government objects to assisted return (recorded %(date)s).", {
                    "date": case.government_position_on.isoformat()}
            return True, "The government has no objection (recorded %(date)s).", {
                "date": case.government_position_on.isoformat()}
        raise ValueError(code)

    def _history(self, case, path, entered, counsellor, supervisor, failure):
        r = self.rng
        previous = ""
        last_at = None
        for i, status in enumerate(path):
            day = entered[status]
            minute = 9 * 60 + 10 * i + r.randint(0, 5) if i else 9 * 60
            at = self._at(day, min(minute + r.randint(0, 400), 17 * 60 + 50))
            if last_at and at <= last_at:
                at = last_at + datetime.timedelta(minutes=7)
            reason = ""
            by = counsellor
            if status == S.ON_HOLD:
                reason = r.choice(_ON_HOLD_REASONS)
                case.on_hold_from, case.on_hold_reason = previous, reason
                overdue = r.random() < 0.4
                review = day + self._days(7, 45)
                if overdue and review >= self.today:
                    review = self.today - self._days(1, 14)
                if not overdue and review <= self.today:
                    review = self.today + self._days(3, 40)
                case.on_hold_review_on = max(review, day + datetime.timedelta(days=1))
            elif status == S.WITHDRAWN:
                reason = r.choice(_WITHDRAWN_REASONS)
            elif status == S.REJECTED:
                by = supervisor if r.random() < 0.5 else counsellor
                reason = {"excluded": "Nationality on the excluded-country list.",
                          "prior": "Assisted departure within the last five years.",
                          "objection": "The government objects to assisted return.",
                          "document": "No travel document held or requested."}[failure or "objection"]
            elif status == S.CLOSED:
                reason = r.choice(_CLOSED_FROM_CONTACT) if previous == S.CONTACT else "File closed."
                case.closed_on = day
            self.rows.status_changes.append(StatusChange(case=case, mission_id=case.mission_id, from_status=previous,
                                                         to_status=status, at=at, by=by, reason=reason))
            previous, last_at = status, at
        case.status_changed_at = last_at
        case.updated_at = last_at

    def _notes(self, case, path, entered, counsellor, principal):
        r = self.rng
        language = principal.preferred_language_id
        for status in path:
            texts = _NOTE_TEXTS.get(status)
            if not texts or r.random() < 0.35 and status != S.CONTACT:
                continue
            written = min(self.today, entered[status] + self._days(0, 2))
            if language in _INTERPRETED_LANGUAGES:
                interpreter = r.choice([Interpreter.IN_PERSON, Interpreter.PHONE])
            else:
                interpreter = Interpreter.NONE
            self.rows.notes.append(Note(case=case, mission_id=case.mission_id, written_on=written, author=counsellor, language_id=language,
                                        interpreter=interpreter, text=r.choice(texts),
                                        created_at=self._at(written, 17 * 60 + 30)))

