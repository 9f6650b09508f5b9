"""Write the demo: the organisation through the ORM, the year of cases with ``bulk_create``.

Everything is one transaction: the demo is either fully there, with its one
"demo loaded" audit row, or not at all; the audit row is how a second run
knows there is nothing to do.
"""

import contextlib
import datetime
import random
import time
from collections import Counter

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from passage.accounts.models import Clearance, Mission, User, WorkPost
from passage.audit.enums import AuditAction
from passage.audit.models import AuditEvent
from passage.audit.services import audit_record
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
from passage.movements.models import CustodyEvent
from passage.people.models import Identifier, Nationality, Person, PersonName, Phone, TravelDocument
from passage.people.services import case_name_tokens_refresh
from passage.reference.models import (
    EligibilityRule,
    ExcludedCountry,
    Language,
    PartnerLocation,
    PartnerOrganisation,
)

from . import appointments as demo_appointments
from . import movements as demo_movements
from . import organisation as demo_org
from .cases import EXCLUDED_NATIONALITY, EXCLUDED_REASON, EXCLUDED_SINCE_DAYS, CaseBuilder, Org
from .cases import Rows as CaseRows

DEMO_MARKER = {"object_type": "core.demo", "object_id": "demo"}
SCALES = {"small": 60, "full": 1500}
# Cases that left and arrived in the weeks before, on top of the movements every scale has.
EXTRA_ARRIVED = {"small": 0, "full": 6}
SEED = 20260101


def demo_is_loaded() -> bool:
    return AuditEvent.objects.filter(**DEMO_MARKER).exists()


@contextlib.contextmanager
def _keep_timestamps(*models):
    """Let bulk_create store the given created/updated times instead of 'now' (auto_now / auto_now_add)."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def ensure_organisation(today: datetime.date) -> tuple[Org, list[User]]:
    missions = {}
    for code, name, country, is_host, airport in demo_org.MISSIONS:
        missions[code], _ = Mission.objects.get_or_create(code=code, defaults={"name": name, "country": country,
                                                                                "is_host": is_host,
                                                                                "airport_id": airport})
    posts = {}
    for row in demo_org.host_work_posts():
        posts[row["code"]], _ = WorkPost.objects.get_or_create(code=row["code"], defaults={**row, "mission": missions["NL"]})
    for mission_code, row in demo_org.ABROAD_WORK_POSTS:
        posts[row["code"]], _ = WorkPost.objects.get_or_create(code=row["code"],
                                                               defaults={**row, "mission": missions[mission_code]})
    host_posts = [posts[row["code"]] for row in demo_org.host_work_posts()]

    partners, locations = {}, {}
    for name, kind, locs in demo_org.PARTNERS:
        organisation, created = PartnerOrganisation.objects.get_or_create(name=name, defaults={"kind": kind})
        partners.setdefault(kind, organisation)
        if created:
            PartnerLocation.objects.bulk_create([
                PartnerLocation(organisation=organisation, name=loc_name, kind=loc_kind, city=city)
                for loc_name, loc_kind, city in locs
            ])
        for loc in organisation.locations.all():
            locations.setdefault((loc.kind, loc.city), loc)

    password = make_password(demo_org.DEMO_PASSWORD)
    plan = demo_org.staff_plan([p.code for p in host_posts])
    existing = set(User.objects.filter(username__in=[p["username"] for p in plan]).values_list("username", flat=True))
    new_users = [
        User(username=p["username"], first_name=p["first_name"], last_name=p["last_name"], role=p["role"],
             email=f"{p['username']}@passage.example", mission=missions[p["mission"]], password=password,
             is_staff=p["role"] == "admin")
        for p in plan if p["username"] not in existing
    ]
    User.objects.bulk_create(new_users)
    users = {u.username: u for u in User.objects.filter(username__in=[p["username"] for p in plan])}
    WorkPostLink, SupervisedLink = User.work_posts.through, User.supervised_work_posts.through
    created = {u.username for u in new_users}
    WorkPostLink.objects.bulk_create([WorkPostLink(user_id=users[p["username"]].pk, workpost_id=posts[c].pk)
                                      for p in plan if p["username"] in created for c in p["work_posts"]])
    SupervisedLink.objects.bulk_create([SupervisedLink(user_id=users[p["username"]].pk, workpost_id=posts[c].pk)
                                        for p in plan if p["username"] in created for c in p["supervised"]])
    Clearance.objects.bulk_create([Clearance(user=users[p["username"]], category=cat)
                                   for p in plan if p["username"] in created for cat in p["clearances"]])
    staff = []
    for p in plan:
        user = users[p["username"]]
        user.demo_work_posts = [posts[c] for c in p["work_posts"]]
        user.demo_supervised = [posts[c] for c in p["supervised"]]
        staff.append(user)

    if not ExcludedCountry.objects.filter(country=EXCLUDED_NATIONALITY).exists():
        ExcludedCountry.objects.create(country=EXCLUDED_NATIONALITY, reason=EXCLUDED_REASON,
                                       valid_from=today - datetime.timedelta(days=EXCLUDED_SINCE_DAYS),
                                       created_by=users["admin"])
    rules = {}
    for rule in EligibilityRule.objects.in_force_on(today).filter(programme="avrr").order_by("code", "-version"):
        rules.setdefault(rule.code, rule)
    rules = {code: rule for code, rule in rules.items() if rule.active}
    org = Org(missions=missions, work_posts=host_posts, staff=staff, partners=partners, locations=locations,
              rules=rules, languages=set(Language.objects.values_list("code", flat=True)))
    return org, staff


def _write(rows: CaseRows) -> None:
    batch = 1000
    with _keep_timestamps(Person, Case, CaseMember, Phone, TravelDocument, Note):
        Person.objects.bulk_create(rows.persons, batch_size=batch)
        Link = Person.languages.through
        Link.objects.bulk_create([Link(person_id=p, language_id=code) for p, code in rows.person_languages],
                                 batch_size=batch)
        for model, objs in [(PersonName, rows.names), (Nationality, rows.nationalities), (Phone, rows.phones),
                            (Identifier, rows.identifiers), (TravelDocument, rows.documents), (Case, rows.cases),
                            (CaseMember, rows.members), (StatusChange, rows.status_changes),
                            (AssistedDeparture, rows.departures), (EligibilityCheck, rows.checks),
                            (EligibilityOutcome, rows.outcomes), (Vulnerability, rows.vulnerabilities),
                            (Consent, rows.consents), (ReturnGuardian, rows.guardians),
                            (FitToTravel, rows.fit_statements), (Note, rows.notes),
                            (CustodyEvent, rows.custody_events)]:
            model.objects.bulk_create(objs, batch_size=batch)
    case_name_tokens_refresh(case_ids=[c.pk for c in rows.cases])
    # Rows were given their primary keys here (case numbers carry them): move the sequences past them.
    statements = connection.ops.sequence_reset_sql(no_style(), [Person, Case, EligibilityCheck])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def load_demo(*, scale: str = "full", write=print) -> bool:
    """Load the demo unless it is there already. Returns False when there was nothing to do."""
    if scale not in SCALES:
        raise ValueError(f"Unknown demo scale {scale!r}: use one of {', '.join(SCALES)}.")
    started = time.monotonic()
    with transaction.atomic():
        if demo_is_loaded():
            return False
        # The last working day: every generated moment lies before now.
        today = timezone.localdate() - datetime.timedelta(days=1)
        org, staff = ensure_organisation(today)
        # The journeys around the real today (the airport's board), and the cases ready in time for them.
        trips = demo_movements.plan(timezone.localdate(), extra_arrived=EXTRA_ARRIVED[scale],
                                    rng=random.Random(SEED + 1))
        builder = CaseBuilder(org=org, n_cases=SCALES[scale], rng=random.Random(SEED), today=today,
                              first_ids={"person": _next_id(Person), "case": _next_id(Case),
                                         "check": _next_id(EligibilityCheck)})
        rows = builder.build(movement_ready_days=[t.ready_on for t in trips])
        _write(rows)
        moved = demo_movements.load_movements(
            trips=trips, cases=rows.movement_cases, staff={u.username: u for u in staff}, missions=org.missions,
            locations=org.locations, rng=random.Random(SEED + 2))
        appointments = demo_appointments.load_appointments(rng=random.Random(SEED + 3))
        statuses = Counter(Case.objects.filter(pk__in=[c.pk for c in rows.cases]).values_list("status", flat=True))
        audit_record(actor=None, action=AuditAction.CREATE, summary="demo loaded", changes={
            "scale": [None, scale], "cases": [None, len(rows.cases)], "persons": [None, len(rows.persons)],
            "staff": [None, len(staff)], "statuses": [None, dict(sorted(statuses.items()))],
            "bookings": [None, moved["bookings"]], "movements": [None, moved["movements"]],
            "appointments": [None, appointments],
        }, **DEMO_MARKER)
    write(f"Demo loaded ({scale}): {len(rows.cases)} cases, {len(rows.persons)} persons, {len(staff)} staff, "
          f"{len(org.work_posts)} work posts of the host mission, {moved['bookings']} bookings and "
          f"{moved['movements']} transits and arrivals ({moved['service_calls']} service calls), {appointments} "
          f"appointments, "
          f"in {time.monotonic() - started:.1f} s.")
    return True
