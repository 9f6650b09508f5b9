"""Seed PostgreSQL for ``make bench``: BENCH_CASES cases (default 1,000,000) with 2.5 persons per case.

Rows are made by ``INSERT ... SELECT`` over ``generate_series`` inside the
database (no row crosses the wire except ~200,000 distinct synthetic names,
sent once with COPY). Secondary indexes of the big tables are dropped first
and rebuilt after, foreign-key triggers are off for the session (the data is
consistent by construction), and the tables are vacuumed and analysed at the end.

Idempotent: when the database already holds exactly that many cases and
persons it does nothing; with another size it empties the case and person
tables and seeds again. The organisation (missions, work posts, the 40 demo
staff with their logins) is the demo's, so the same users exist here.
"""

import os
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from passage.accounts.enums import Role
from passage.cases.models import Case, EligibilityCheck
from passage.core.demo.cases import STATUS_SHARES
from passage.core.demo.load import ensure_organisation
from passage.core.demo.names import NATIONALITIES, NameMaker
from passage.people.models import Person
from passage.people.names import CASE_NAME_TOKENS_SQL, phonetic_key, search_key
from passage.reference.models import EligibilityRule

# Household sizes repeat in this cycle: mean 2.5 persons per case.
HOUSEHOLD_CYCLE = [1, 1, 2, 3, 4, 4]
NAME_COMBOS = 200_000
BIG_TABLES = [
    "people_person", "people_personname", "people_nationality", "people_traveldocument", "people_identifier",
    "people_phone", "cases_case", "cases_casemember", "cases_casenametoken", "cases_statuschange", "cases_eligibilitycheck",
    "cases_eligibilityoutcome", "cases_vulnerability", "cases_note",
]


def persons_for(n_cases: int) -> int:
    full, rest = divmod(n_cases, len(HOUSEHOLD_CYCLE))
    return full * sum(HOUSEHOLD_CYCLE) + sum(HOUSEHOLD_CYCLE[:rest])


class Command(BaseCommand):
    help = "Seed PostgreSQL with BENCH_CASES cases (default 1,000,000) and 2.5 persons per case, for make bench."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=None, help="number of cases (default $BENCH_CASES or 1000000)")

    def handle(self, *args, cases=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_seed needs PostgreSQL (DATABASE_URL).")
        n = cases or int(os.environ.get("BENCH_CASES") or 1_000_000)
        p = persons_for(n)
        marker = f"passage bench seed: {n} cases, {p} persons"
        with connection.cursor() as cur:
            cur.execute("SELECT obj_description('cases_case'::regclass, 'pg_class')")
            if cur.fetchone()[0] == marker:
                self.stdout.write(f"Already seeded: {n:,} cases, {p:,} persons; nothing to do.")
                return
        have_cases, have_persons = Case.objects.count(), Person.objects.count()
        started = time.monotonic()
        self.timings: list[tuple[str, float]] = []
        # One transaction: a seed that fails half-way leaves the database (and its indexes) as they were.
        with transaction.atomic(), connection.cursor() as cur:
            org, staff = ensure_organisation(timezone.localdate())
            if have_cases or have_persons:
                self.stdout.write(f"Database holds {have_cases:,} cases / {have_persons:,} persons: emptying.")
                cur.execute("TRUNCATE " + ", ".join(reversed(BIG_TABLES)) + ", cases_assisteddeparture, "
                            "cases_consent, cases_returnguardian, cases_fittotravel, cases_attachment, "
                            "people_person_languages RESTART IDENTITY CASCADE")
            dropped = self._drop_indexes(cur)
            cur.execute("SET LOCAL session_replication_role = replica")  # no FK triggers: consistent by construction
            cur.execute("SET LOCAL synchronous_commit = off")
            cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cur.execute("SET LOCAL work_mem = '256MB'")
            self._names(cur)
            self._lookup_tables(cur, org, staff)
            self._seed(cur, n, p, org)
            cur.execute("SET session_replication_role = origin")
            for sql in connection.ops.sequence_reset_sql(no_style(), [Person, Case, EligibilityCheck]):
                cur.execute(sql)
            self._step(cur, "rebuild indexes", dropped)
            cur.execute(f"COMMENT ON TABLE cases_case IS '{marker}'")
        # Outside the transaction: VACUUM sets the visibility map, so counts can use index-only scans.
        with connection.cursor() as cur:
            self._step(cur, "vacuum and analyse", "VACUUM (ANALYZE) " + ", ".join(BIG_TABLES))
        total = time.monotonic() - started
        for label, seconds in self.timings:
            self.stdout.write(f"  {label:<28} {seconds:7.1f} s")
        self.stdout.write(f"Seeded {n:,} cases and {p:,} persons in {total:.0f} s.")

    def _step(self, cur, label, sql, params=None):
        params = {} if params is None else params  # always through the driver, so %% means %
        t = time.monotonic()
        for statement in [sql] if isinstance(sql, str) else sql:
            cur.execute(statement, params)
        self.timings.append((label, time.monotonic() - t))

    def _drop_indexes(self, cur) -> list[str]:
        """Drop the secondary indexes of the big tables (not those behind constraints); return how to rebuild."""
        cur.execute("""
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """, [BIG_TABLES])
        rows = cur.fetchall()
        for name, _definition in rows:
            cur.execute(f'DROP INDEX IF EXISTS "{name}"')
        # The name tokens (~30 per case) arrive in no particular order: their primary key is built once, after.
        cur.execute("ALTER TABLE cases_casenametoken DROP CONSTRAINT IF EXISTS cases_casenametoken_pkey")
        return [definition for _name, definition in rows] + [
            "ALTER TABLE cases_casenametoken ADD CONSTRAINT cases_casenametoken_pkey PRIMARY KEY (case_id, token)"]

    def _names(self, cur):
        """~200,000 distinct synthetic names with the keys the services would store, sent once with COPY."""
        t = time.monotonic()
        rng = random.Random(7)
        maker = NameMaker(rng)
        codes = list(NATIONALITIES)
        weights = [NATIONALITIES[c][0] for c in codes]
        seen, rows = set(), []
        for _ in range(NAME_COMBOS * 5):
            nat = rng.choices(codes, weights=weights)[0]
            sex = rng.choice("MF")
            given, family = maker.given(nat, sex), maker.family(nat, sex)
            if (given, family) not in seen:
                seen.add((given, family))
                rows.append((len(rows) + 1, family, given, sex, nat, search_key(given, family),
                             phonetic_key(given, family)))
                if len(rows) == NAME_COMBOS:
                    break
        cur.execute("DROP TABLE IF EXISTS bench_names")
        cur.execute("CREATE TEMP TABLE bench_names (id int PRIMARY KEY, family text, given text, sex text, "
                    "nat text, skey text, pkey text)")
        raw = cur.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy("COPY bench_names FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        self.name_count = len(rows)
        self.timings.append(("names (COPY)", time.monotonic() - t))

    def _lookup_tables(self, cur, org, staff):
        cur.execute("DROP TABLE IF EXISTS bench_pairs, bench_status")
        cur.execute("CREATE TEMP TABLE bench_pairs (id int PRIMARY KEY, work_post_id bigint, counsellor_id bigint)")
        pairs = [(wp.pk, u.pk) for u in staff if u.role == Role.COUNSELLOR for wp in u.demo_work_posts]
        cur.executemany("INSERT INTO bench_pairs VALUES (%s, %s, %s)",
                        [(i + 1, wp, user) for i, (wp, user) in enumerate(pairs)])
        self.pair_count = len(pairs)
        cur.execute("CREATE TEMP TABLE bench_status (id int PRIMARY KEY, status text)")
        statuses = [s for s, share in STATUS_SHARES.items() for _ in range(share)]
        cur.executemany("INSERT INTO bench_status VALUES (%s, %s)", [(i + 1, s) for i, s in enumerate(statuses)])
        self.status_count = len(statuses)

    def _seed(self, cur, n, p, org):
        mission = org.missions["NL"].pk
        rules = list(EligibilityRule.objects.filter(programme="avrr").values_list("pk", "code"))
        params = {"n": n, "p": p, "m": mission, "names": self.name_count, "pairs": self.pair_count,
                  "statuses": self.status_count}
        sizes = "ARRAY" + str(HOUSEHOLD_CYCLE)
        starts = "ARRAY" + str([sum(HOUSEHOLD_CYCLE[:i]) for i in range(len(HOUSEHOLD_CYCLE))])
        cycle, per_cycle = len(HOUSEHOLD_CYCLE), sum(HOUSEHOLD_CYCLE)
        # Person index -> name row: a fixed scramble, so households are not alphabetical.
        name_of = "1 + ((i::bigint * 48271) %% %(names)s)"
        # mission_id of every child row is its parent's: rows read from cases_case / cases_eligibilitycheck take
        # the parent's column; rows made from generate_series take %(m)s, the one mission every person and case
        # here is written with (a join back to the parent per row would only slow the seed down).
        self._step(cur, "persons", f"""
            INSERT INTO people_person (id, mission_id, family_name, given_names, known_as, sex, birth_year,
                birth_month, birth_day, country_of_birth, preferred_language_id, residence_kind,
                residence_location_id, residence_address, merged_into_id, version, created_at, created_by_id,
                updated_at)
            SELECT 1 + i, %(m)s, nm.family, nm.given, '', nm.sex, 1950 + (i * 37) %% 60, 1 + i %% 12, 1 + i %% 28,
                   nm.nat, NULL, 'unknown', NULL, '', NULL, 1, now(), NULL, now()
            FROM generate_series(0, %(p)s - 1) i JOIN bench_names nm ON nm.id = {name_of}
        """, params)
        self._step(cur, "person names", f"""
            INSERT INTO people_personname (person_id, mission_id, kind, family_name, given_names, search_key, phonetic_key)
            SELECT 1 + i, %(m)s, 'document', nm.family, nm.given, nm.skey, nm.pkey
            FROM generate_series(0, %(p)s - 1) i JOIN bench_names nm ON nm.id = {name_of}
        """, params)
        self._step(cur, "nationalities", f"""
            INSERT INTO people_nationality (person_id, mission_id, country)
            SELECT 1 + i, %(m)s, nm.nat FROM generate_series(0, %(p)s - 1) i JOIN bench_names nm ON nm.id = {name_of}
        """, params)
        self._step(cur, "travel documents", """
            INSERT INTO people_traveldocument (person_id, mission_id, kind, status, number, number_key, issuing_country,
                issued_on, expires_on, requested_on, mrz, custody, version, created_at, created_by_id)
            SELECT 1 + i, %(m)s, 'passport', 'held', d.num, d.num, 'GE', date '2018-01-01' + i %% 2000,
                   date '2028-01-01' + i %% 2000, NULL, '', 'with_holder', 1, now(), NULL
            FROM generate_series(0, %(p)s - 1) i
            CROSS JOIN LATERAL (SELECT chr(65 + i %% 23) || chr(65 + (i / 23) %% 23) || lpad(i::text, 7, '0') AS num) d
            WHERE i %% 5 < 3
        """, params)
        self._step(cur, "foreigner's numbers", """
            INSERT INTO people_identifier (person_id, mission_id, kind, value)
            SELECT 1 + i, %(m)s, 'foreigner_number', (1000000000 + i)::text FROM generate_series(0, %(p)s - 1) i
            WHERE i %% 5 <> 4
        """, params)
        self._step(cur, "phones", """
            INSERT INTO people_phone (person_id, mission_id, number, sms_consent, sms_consent_at, sms_consent_by_id, created_at)
            SELECT 1 + i, %(m)s, '+316' || lpad((10000000 + i)::text, 8, '0'), i %% 2 = 0, NULL, NULL, now()
            FROM generate_series(0, %(p)s - 1) i WHERE i %% 3 = 0
        """, params)
        first_member = f"(c / {cycle}) * {per_cycle} + ({starts})[1 + c %% {cycle}]"
        self._step(cur, "cases", f"""
            INSERT INTO cases_case (id, number, programme, mission_id, work_post_id, counsellor_id, status,
                status_changed_at, on_hold_from, on_hold_reason, on_hold_review_on, referral_source,
                referral_partner_id, contact_on, application_on, closed_on, intended_destination,
                residence_procedure_withdrawn_on, residence_procedure_none, government_position,
                government_position_on, vulnerabilities_assessed_on, vulnerabilities_assessed_by_id,
                is_trafficking, is_unaccompanied_minor, is_medical, principal_name, version, created_at, updated_at)
            SELECT 1 + c, 'NL-' || extract(year FROM d.day)::int || '-' || lpad((1 + c)::text, greatest(6, length((1 + c)::text)), '0'), 'avrr', %(m)s,
                   pr.work_post_id, pr.counsellor_id, st.status, d.day + time '10:00' + (c %% 300) * interval '1 minute',
                   CASE WHEN st.status = 'on_hold' THEN 'preparation' ELSE '' END,
                   CASE WHEN st.status = 'on_hold' THEN 'Waiting for a laissez-passer.' ELSE '' END,
                   CASE WHEN st.status = 'on_hold' THEN current_date + (c %% 60 - 30) END,
                   'self', NULL, d.day,
                   CASE WHEN st.status NOT IN ('contact', 'closed') THEN d.day + 7 END,
                   CASE WHEN st.status = 'closed' THEN d.day + 30 END,
                   nm.nat, NULL, true, 'no_objection', d.day + 10, d.day + 7, NULL,
                   c %% 50 = 7, c %% 50 = 13, c %% 20 = 3,
                   upper(nm.family) || ', ' || nm.given, 1, d.day, d.day
            FROM generate_series(0, %(n)s - 1) c
            CROSS JOIN LATERAL (SELECT date '2021-01-01' + ((c::bigint * 7919) %% 1800)::int AS day) d
            JOIN bench_pairs pr ON pr.id = 1 + (c::bigint * 31) %% %(pairs)s
            JOIN bench_status st ON st.id = 1 + (c::bigint * 13) %% %(statuses)s
            JOIN bench_names nm ON nm.id = 1 + ((({first_member})::bigint * 48271) %% %(names)s)
        """, params)
        self._step(cur, "household members", f"""
            INSERT INTO cases_casemember (case_id, mission_id, person_id, relationship, added_at)
            SELECT 1 + c, %(m)s, 1 + {first_member} + j,
                   CASE WHEN j = 0 THEN 'principal' WHEN j = 1 THEN 'spouse' ELSE 'child' END, now()
            FROM generate_series(0, %(n)s - 1) c
            CROSS JOIN LATERAL generate_series(0, ({sizes})[1 + c %% {cycle}] - 1) j
        """, params)
        self._step(cur, "name tokens", CASE_NAME_TOKENS_SQL)
        self._step(cur, "status history", ["""
            INSERT INTO cases_statuschange (case_id, mission_id, from_status, to_status, at, by_id, reason)
            SELECT id, mission_id, '', 'contact', contact_on + time '09:00', counsellor_id, '' FROM cases_case
        """, """
            INSERT INTO cases_statuschange (case_id, mission_id, from_status, to_status, at, by_id, reason)
            SELECT id, mission_id, 'contact', status, status_changed_at, counsellor_id, '' FROM cases_case
            WHERE status <> 'contact'
        """])
        self._step(cur, "eligibility checks", """
            INSERT INTO cases_eligibilitycheck (case_id, mission_id, checked_on, run_at, run_by_id, passed)
            SELECT id, mission_id, contact_on + 14, contact_on + 14 + time '16:00', counsellor_id, status <> 'rejected'
            FROM cases_case WHERE status IN ('eligibility', 'preparation', 'ready_to_depart', 'rejected')
        """)
        values = ", ".join(f"({int(pk)}, '{code}')" for pk, code in rules if code.isidentifier())
        self._step(cur, "rule outcomes", f"""
            INSERT INTO cases_eligibilityoutcome (eligibility_check_id, mission_id, rule_id, rule_code, passed, reason_msgid,
                reason_params, overridden_by_id, overridden_at, override_reason)
            SELECT ch.id, ch.mission_id, r.rule_id, r.code, ch.passed OR r.code <> 'no_government_objection',
                   CASE WHEN ch.passed OR r.code <> 'no_government_objection' THEN 'Passed.'
                        ELSE 'The government objects to assisted return (recorded %%(date)s).' END,
                   jsonb_build_object('date', ch.checked_on::text), NULL, NULL, ''
            FROM cases_eligibilitycheck ch CROSS JOIN (VALUES {values}) AS r(rule_id, code)
        """)
        self._step(cur, "vulnerabilities", """
            INSERT INTO cases_vulnerability (case_id, mission_id, person_id, kind, detail, assessed_on, assessed_by_id, ended_on)
            SELECT c.id, c.mission_id, m.person_id, v.kind, '', c.contact_on + 7, c.counsellor_id, NULL
            FROM cases_case c JOIN cases_casemember m ON m.case_id = c.id AND m.relationship = 'principal'
            CROSS JOIN LATERAL (VALUES ('trafficking', c.is_trafficking), ('unaccompanied_minor', c.is_unaccompanied_minor),
                                       ('medical', c.is_medical)) AS v(kind, flag)
            WHERE v.flag
        """)
        self._step(cur, "notes", """
            INSERT INTO cases_note (case_id, mission_id, written_on, author_id, language_id, interpreter, text, created_at)
            SELECT id, mission_id, contact_on, counsellor_id, NULL, 'none',
                   'Information session on the return programme; explained reintegration support.', now()
            FROM cases_case
        """)
