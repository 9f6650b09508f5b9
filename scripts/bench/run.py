"""Measure the case pages, the airport's board and the day's manifests on the seeded PostgreSQL database and print
a markdown table.

Each page scenario makes BENCH_REQUESTS (default 200, at least 200 for the record)
GET requests through Django's test client (the whole stack: middleware,
access scoping, templates; no network), after a few warm-up requests; each
manifest (a file of the peak day's 1,400 passengers) BENCH_FILE_REQUESTS (default 50). Beside
each, the equivalent hand-written SQL (what the page must at least ask the
database) is timed on the same connection in the same run, and the number of
queries each page made is counted. Only the local database is touched.

Run through ``scripts/bench.sh`` (``make bench``), which seeds first.
"""

import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passage.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from passage.accounts.models import User  # noqa: E402
from passage.accounts.permissions import MISSION_WIDE_ROLES  # noqa: E402
from passage.cases.enums import CaseStatus  # noqa: E402
from passage.cases.selectors import cases_visible_to  # noqa: E402
from passage.cases.views.lists import NAME_CASES_PROBE  # noqa: E402
from passage.core.startup import freeze_loaded_objects  # noqa: E402
from passage.movements.selectors import day_bounds  # noqa: E402
from passage.people.names import fold, word_tokens  # noqa: E402

freeze_loaded_objects()  # as the server does once loaded (passage/wsgi.py)

REQUESTS = int(os.environ.get("BENCH_REQUESTS") or 200)
FILE_REQUESTS = int(os.environ.get("BENCH_FILE_REQUESTS") or 50)
# Each scenario's loop also stops after this many seconds, so a slow page cannot hold the run for hours.
SCENARIO_SECONDS = float(os.environ.get("BENCH_SCENARIO_SECONDS") or 180)
WARMUP = 5
TARGETS = {"search": 150, "list": 150, "detail": 80, "supervision": 300, "board": 250, "manifest": 3000}
# The movements seed (bench_seed_movements): the peak day at AMS.
PEAK_DAY, PEAK_AIRPORT = datetime.date(2026, 11, 30), "AMS"
MAX_QUERIES = 15
# The airport's board reads more than a case page (departures, arriving return cases, transits and arrivals, the
# airports to offer) and the manifest writes its audit row: their own budgets, as fixed whatever the passengers.
MAX_QUERIES_OF = {"board": 25, "manifest": 20}


def url(name, fallback, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# ------------------------------------------------------------------ the equivalent SQL
def scope_sql(user):
    """The WHERE clause of cases_visible_to(user), by hand."""
    clauses, params = ["c.mission_id = %s"], [user.mission_id]
    if user.role not in MISSION_WIDE_ROLES:
        posts = list(user.work_posts.values_list("pk", flat=True))
        supervised = list(user.supervised_work_posts.values_list("pk", flat=True)) if user.role == "supervisor" else []
        clauses.append("c.work_post_id = ANY(%s)")
        params.append(posts + supervised)
    cleared = user.cleared_categories()
    flags = [f for cat, f in (("trafficking", "is_trafficking"), ("unaccompanied_minor", "is_unaccompanied_minor"),
                              ("medical", "is_medical")) if cat not in cleared]
    if flags:
        own = "c.counsellor_id = %s"
        params.append(user.pk)
        if user.role == "supervisor":
            own += " OR c.work_post_id = ANY(%s)"
            params.append(list(user.supervised_work_posts.values_list("pk", flat=True)))
        clauses.append(f"(NOT ({' OR '.join('c.' + f for f in flags)}) OR {own})")
    return " AND ".join(clauses), params


LIST_PAGE = """
    SELECT c.id, c.number, c.principal_name, c.status, c.status_changed_at, c.contact_on, wp.name, u.first_name,
           u.last_name
    FROM cases_case c JOIN accounts_workpost wp ON wp.id = c.work_post_id JOIN accounts_user u ON u.id = c.counsellor_id
    WHERE {where} ORDER BY c.contact_on DESC, c.id DESC LIMIT 25
"""
# The page counts at most 1,001 cases (CappedPaginator): "more than 1,000" past that.
LIST_COUNT = "SELECT count(*) FROM (SELECT 1 FROM cases_case c WHERE {where} LIMIT 1001) capped"


def sql_list_page(cur, where, params):
    cur.execute(LIST_COUNT.format(where=where), params)
    cur.fetchall()
    cur.execute(LIST_PAGE.format(where=where), params)
    return cur.fetchall()


def sql_name_search(user, term):
    """Every word a look-up of its tokens in the user's work posts, the words intersected inside one sub-query
    (as cases.views.lists._name_case_ids)."""
    where, params = scope_sql(user)
    within, within_params = "mission_id = %s", [user.mission_id]
    if user.role not in MISSION_WIDE_ROLES:
        posts = list(user.work_posts.values_list("pk", flat=True))
        if user.role == "supervisor":
            posts += list(user.supervised_work_posts.values_list("pk", flat=True))
        within += " AND work_post_id = ANY(%s)"
        within_params.append(posts)
    sub, sub_params = None, []
    for word in reversed(fold(term).split()):
        clause = f"SELECT case_id FROM cases_casenametoken WHERE token = ANY(%s) AND {within}"
        clause_params = [word_tokens(word), *within_params]
        if sub:
            clause += f" AND case_id IN ({sub})"
            clause_params += sub_params
        sub, sub_params = clause, clause_params
    # The page's probe: up to 5,000 matching ids are fetched first and passed as one array (NAME_CASES_PROBE).
    with connection.cursor() as cur:
        cur.execute(f"SELECT DISTINCT case_id FROM ({sub}) m LIMIT %s", [*sub_params, NAME_CASES_PROBE + 1])
        ids = sorted(row[0] for row in cur.fetchall())
    if len(ids) <= NAME_CASES_PROBE:
        return where + " AND c.id = ANY(%s::bigint[])", [*params, ids]
    return where + f" AND c.id IN ({sub})", [*params, *sub_params]


def sql_document_search(user, number):
    where, params = scope_sql(user)
    where += (" AND EXISTS (SELECT 1 FROM cases_casemember m JOIN people_traveldocument d ON d.person_id = m.person_id"
              " WHERE m.case_id = c.id AND d.number_key = %s)")
    return where, [*params, number]


def sql_detail(cur, user, pk):
    where, params = scope_sql(user)
    cur.execute(f"SELECT c.* FROM cases_case c WHERE c.id = %s AND {where}", [pk, *params])
    cur.fetchall()
    for sql in [
        "SELECT m.*, p.* FROM cases_casemember m JOIN people_person p ON p.id = m.person_id WHERE m.case_id = %s",
        "SELECT n.* FROM people_personname n JOIN cases_casemember m ON m.person_id = n.person_id WHERE m.case_id = %s",
        "SELECT d.* FROM people_traveldocument d JOIN cases_casemember m ON m.person_id = d.person_id WHERE m.case_id = %s",
        "SELECT x.* FROM people_nationality x JOIN cases_casemember m ON m.person_id = x.person_id WHERE m.case_id = %s",
        "SELECT * FROM cases_statuschange WHERE case_id = %s ORDER BY at, id",
        "SELECT e.*, o.* FROM cases_eligibilitycheck e LEFT JOIN cases_eligibilityoutcome o ON o.eligibility_check_id = e.id"
        " WHERE e.case_id = %s ORDER BY e.run_at DESC, e.id DESC",
        "SELECT * FROM cases_note WHERE case_id = %s ORDER BY written_on DESC, id DESC",
        "SELECT * FROM cases_vulnerability WHERE case_id = %s",
        "SELECT * FROM cases_consent WHERE case_id = %s",
    ]:
        cur.execute(sql, [pk])
        cur.fetchall()


def sql_supervision(cur, user):
    where, params = scope_sql(user)
    cur.execute(f"SELECT c.work_post_id, c.status, count(*) FROM cases_case c WHERE {where} GROUP BY 1, 2", params)
    cur.fetchall()
    cur.execute(f"SELECT c.id, c.number, c.principal_name, c.on_hold_review_on, c.on_hold_reason FROM cases_case c "
                f"WHERE {where} AND c.status = 'on_hold' AND c.on_hold_review_on < current_date "
                f"ORDER BY c.on_hold_review_on LIMIT 50", params)
    cur.fetchall()
    # Blocked: in eligibility with a failed latest check.
    cur.execute(f"""
        SELECT c.id, c.number, c.principal_name FROM cases_case c
        WHERE {where} AND c.status = 'eligibility' AND EXISTS (
            SELECT 1 FROM cases_eligibilitycheck e WHERE e.case_id = c.id AND NOT e.passed
              AND e.id = (SELECT max(e2.id) FROM cases_eligibilitycheck e2 WHERE e2.case_id = c.id))
        ORDER BY c.status_changed_at LIMIT 50""", params)
    cur.fetchall()


def sql_board(cur, user, airport="AMS", day=PEAK_DAY, tz="Europe/Amsterdam", nationalities=False):
    """What the airport's day must at least ask: the day's first flights of current itineraries leaving the
    airport for bookings the user sees (not cancelled), their passengers with persons and escorts, special
    assistance, the desk's steps standing, escorts, documents in our custody with their latest custody event,
    the approved cash; the arrivals and transits of the day with their passengers and care. The manifest adds the
    passengers' nationalities."""
    start, end = day_bounds(day, tz)
    where, params = scope_sql(user)
    cur.execute(f"""
        SELECT s.id, s.flight_number, s.departs_at, s.destination_id, b.id, b.status, b.reference, b.case_id, c.number
        FROM movements_segment s JOIN movements_itinerary i ON i.id = s.itinerary_id
        JOIN movements_booking b ON b.id = i.booking_id JOIN cases_case c ON c.id = b.case_id
        WHERE s.position = 1 AND i.leg = 'main' AND i.superseded_at IS NULL AND s.origin_id = %s
          AND s.departs_at >= %s AND s.departs_at < %s AND b.status <> 'cancelled' AND {where}
        ORDER BY s.departs_at, s.flight_number, b.id""", [airport, start, end, *params])
    rows = cur.fetchall()
    bookings, cases = [r[4] for r in rows], [r[7] for r in rows]
    cur.execute("""
        SELECT p.id, p.booking_id, p.ticket_number, p.person_id, pe.family_name, pe.given_names, pe.sex,
               pe.birth_year, e.id, e.kind, e.external_name, u.first_name, u.last_name
        FROM movements_passenger p LEFT JOIN people_person pe ON pe.id = p.person_id
        LEFT JOIN movements_escort e ON e.id = p.escort_id LEFT JOIN accounts_user u ON u.id = e.staff_id
        WHERE p.booking_id = ANY(%s) ORDER BY p.booking_id, p.id""", [bookings])
    passengers = cur.fetchall()
    ids, persons = [p[0] for p in passengers], [p[3] for p in passengers if p[3]]
    cur.execute("SELECT passenger_id, code, text FROM movements_specialassistance WHERE passenger_id = ANY(%s)", [ids])
    cur.fetchall()
    cur.execute("SELECT id, passenger_id, step, amount, currency, at FROM movements_deskevent "
                "WHERE passenger_id = ANY(%s) AND undone_at IS NULL AND step <> 'undo'", [ids])
    cur.fetchall()
    cur.execute("SELECT e.booking_id, e.kind, e.external_name, u.first_name, u.last_name FROM movements_escort e "
                "LEFT JOIN accounts_user u ON u.id = e.staff_id WHERE e.booking_id = ANY(%s)", [bookings])
    cur.fetchall()
    cur.execute("""
        SELECT d.id, d.person_id, d.kind, d.number, latest.held_at FROM people_traveldocument d
        LEFT JOIN LATERAL (SELECT held_at FROM movements_custodyevent ce WHERE ce.document_id = d.id
                           ORDER BY ce.id DESC LIMIT 1) latest ON true
        WHERE d.person_id = ANY(%s) AND d.custody = 'with_organisation'""", [persons])
    cur.fetchall()
    cur.execute("SELECT case_id, amount, currency FROM movements_cashcontribution "
                "WHERE case_id = ANY(%s) AND superseded_at IS NULL", [cases])
    cur.fetchall()
    cur.execute("""
        SELECT m.id, m.kind, m.flight_number, m.arrives_at, m.onward_flight_number, m.onward_departs_at,
               count(mp.id), count(sc.id)
        FROM movements_movement m LEFT JOIN movements_movementpassenger mp ON mp.movement_id = m.id
        LEFT JOIN movements_strandedcare sc ON sc.passenger_id = mp.id
        WHERE m.mission_id = %s AND m.airport_id = %s
          AND ((m.arrives_at >= %s AND m.arrives_at < %s) OR (m.onward_departs_at >= %s AND m.onward_departs_at < %s))
        GROUP BY m.id""", [user.mission_id, airport, start, end, start, end])
    cur.fetchall()
    if nationalities:
        cur.execute("SELECT person_id, country FROM people_nationality WHERE person_id = ANY(%s) "
                    "ORDER BY person_id, country", [persons])
        cur.fetchall()


# ------------------------------------------------------------------ running
def measure_pages(client, urls, headers=None):
    """Response times, the Python process's own CPU time per request (what the page costs this process whatever
    else the shared machine runs; the database's work is in the raw SQL column), queries and HTTP statuses."""
    headers = headers or {}
    times, cpu, queries, statuses = [], [], [], set()
    for u in urls[:WARMUP]:
        client.get(u, **headers)
    started = time.monotonic()
    for u in urls:
        if time.monotonic() - started > SCENARIO_SECONDS:
            break
        with CaptureQueriesContext(connection) as ctx:
            t, c = time.perf_counter(), time.process_time()
            response = client.get(u, **headers)
            b"".join(response) if response.streaming else response.content  # the whole answer, as a browser
            elapsed = (time.perf_counter() - t) * 1000
            cpu.append((time.process_time() - c) * 1000)
        times.append(elapsed)
        queries.append(len(ctx.captured_queries))
        statuses.add(response.status_code)
    return times, cpu, queries, statuses


def measure_sql(fn, inputs):
    times = []
    with connection.cursor() as cur:
        for item in inputs[:WARMUP]:
            fn(cur, item)
        started = time.monotonic()
        for item in inputs:
            if time.monotonic() - started > SCENARIO_SECONDS:
                break
            t = time.perf_counter()
            fn(cur, item)
            times.append((time.perf_counter() - t) * 1000)
    return times


def cycle(items, n):
    return [items[i % len(items)] for i in range(n)] if items else []


def main():
    rng = random.Random(11)
    counsellor = User.objects.get(username="counsellor")
    supervisor = User.objects.get(username="supervisor")
    manager = User.objects.get(username="manager")
    n_cases = connection.cursor().execute("SELECT count(*) FROM cases_case").fetchone()[0]

    list_url = url("case-list", "/cases/")
    supervision_url = url("supervision", "/cases/supervision/")
    own = list(cases_visible_to(counsellor).order_by("-id").values_list("pk", "principal_name")[:5000])
    rng.shuffle(own)
    own = own[:REQUESTS]
    names = []
    for _pk, principal in own:
        family, _, given = principal.partition(", ")
        names.append(f"{given.split()[0]} {family.title()}" if given and rng.random() < 0.5 else family.title())
    with connection.cursor() as cur:
        cur.execute("""
            SELECT d.number FROM people_traveldocument d JOIN cases_casemember m ON m.person_id = d.person_id
            WHERE m.case_id = ANY(%s) AND d.number <> '' LIMIT %s""", [[pk for pk, _ in own], REQUESTS])
        numbers = [r[0] for r in cur.fetchall()]
    statuses = [s for s in CaseStatus.values]
    work_posts = list(counsellor.work_posts.values_list("pk", flat=True))
    mgr_posts = list(manager.mission.work_posts.values_list("pk", flat=True))

    scenarios = []  # (label, kind, user, page urls, sql fn, sql inputs)
    scenarios.append(("Search by name", "search", counsellor,
                      [f"{list_url}?q={n}" for n in cycle(names, REQUESTS)],
                      lambda cur, term: sql_list_page(cur, *sql_name_search(counsellor, term)), cycle(names, REQUESTS)))
    scenarios.append(("Search by name (whole mission)", "search", manager,
                      [f"{list_url}?q={n}" for n in cycle(names, REQUESTS)],
                      lambda cur, term: sql_list_page(cur, *sql_name_search(manager, term)), cycle(names, REQUESTS)))
    scenarios.append(("Search by document number", "search", counsellor,
                      [f"{list_url}?q={n}" for n in cycle(numbers, REQUESTS)],
                      lambda cur, num: sql_list_page(cur, *sql_document_search(counsellor, num)),
                      cycle(numbers, REQUESTS)))
    list_filters = [(rng.choice(statuses), rng.choice(work_posts)) for _ in range(REQUESTS)]
    scenarios.append(("Filtered case list (status + work post)", "list", counsellor,
                      [f"{list_url}?status={s}&work_post={w}" for s, w in list_filters],
                      lambda cur, f: sql_list_page(cur, scope_sql(counsellor)[0] + " AND c.status = %s AND c.work_post_id = %s",
                                                   [*scope_sql(counsellor)[1], *f]), list_filters))
    mgr_filters = [(rng.choice(statuses), rng.choice(mgr_posts)) for _ in range(REQUESTS)]
    scenarios.append(("Filtered case list (whole mission)", "list", manager,
                      [f"{list_url}?status={s}&work_post={w}" for s, w in mgr_filters],
                      lambda cur, f: sql_list_page(cur, scope_sql(manager)[0] + " AND c.status = %s AND c.work_post_id = %s",
                                                   [*scope_sql(manager)[1], *f]), mgr_filters))
    scenarios.append(("Case list, first page, no filter (whole mission)", "list", manager, [list_url] * REQUESTS,
                      lambda cur, _: sql_list_page(cur, *scope_sql(manager)), [None] * REQUESTS))
    detail_pks = cycle([pk for pk, _ in own], REQUESTS)
    scenarios.append(("Case detail", "detail", counsellor,
                      [url("case-detail", f"/cases/{pk}/", pk) for pk in detail_pks],
                      lambda cur, pk: sql_detail(cur, counsellor, pk), detail_pks))
    scenarios.append(("Supervisor's view", "supervision", supervisor, [supervision_url] * REQUESTS,
                      lambda cur, _: sql_supervision(cur, supervisor), [None] * REQUESTS))
    scenarios.append(("Supervisor's view (manager, whole mission)", "supervision", manager,
                      [supervision_url] * REQUESTS, lambda cur, _: sql_supervision(cur, manager), [None] * REQUESTS))

    # The airport's day at its peak (the movements seed): the board as a page and as the fragment every desk polls
    # every 15 s, and the day's manifests for the gate.
    movements = User.objects.get(username="movements")
    board = f"{url('airport-board', '/movements/airport/')}?airport={PEAK_AIRPORT}&day={PEAK_DAY.isoformat()}"
    board_sql = lambda cur, _: sql_board(cur, movements)  # noqa: E731
    scenarios.append(("Airport board, peak day (page)", "board", movements, [board] * REQUESTS, board_sql,
                      [None] * REQUESTS))
    scenarios.append(("Airport board, peak day (polled fragment)", "board", movements, [board] * REQUESTS,
                      board_sql, [None] * REQUESTS, {"HTTP_HX_REQUEST": "true"}))
    for fmt in ("pdf", "xlsx"):
        manifest = url(f"manifest-day-{fmt}", f"/movements/manifests/{PEAK_AIRPORT}/{PEAK_DAY}/manifest.{fmt}",
                       PEAK_AIRPORT, PEAK_DAY.isoformat())
        scenarios.append((f"Day manifest {fmt.upper()}, peak day", "manifest", movements, [manifest] * FILE_REQUESTS,
                          lambda cur, _: sql_board(cur, movements, nationalities=True), [None] * FILE_REQUESTS))

    only = os.environ.get("BENCH_ONLY", "").lower()  # e.g. BENCH_ONLY=name: the scenarios whose label has it
    scenarios = [s for s in scenarios if only in s[0].lower()]
    results = []
    for label, kind, user, urls, sql_fn, sql_inputs, *headers in scenarios:
        client = Client()
        client.force_login(user)
        page_times, cpu_times, queries, codes = measure_pages(client, urls, *headers)
        sql_times = measure_sql(sql_fn, sql_inputs)
        results.append({
            "scenario": label, "kind": kind, "user": user.username, "requests": len(page_times),
            "http": sorted(codes), "p50": percentile(page_times, 50), "p95": percentile(page_times, 95),
            "cpu_p50": percentile(cpu_times, 50), "cpu_p95": percentile(cpu_times, 95),
            "queries_max": max(queries), "queries_median": statistics.median(queries),
            "sql_p50": percentile(sql_times, 50), "sql_p95": percentile(sql_times, 95), "sql_requests": len(sql_times),
            "target": TARGETS[kind],
        })
        print(f"  measured: {label}", file=sys.stderr)

    with connection.cursor() as cur:
        cur.execute("SELECT (SELECT count(*) FROM movements_booking), (SELECT count(*) FROM movements_passenger), "
                    "(SELECT count(*) FROM movements_movementpassenger)")
        n_bookings, n_passengers, n_moving = cur.fetchone()
    print(f"\nCases in the database: {n_cases:,}; bookings {n_bookings:,} ({n_passengers:,} departing passengers), "
          f"{n_moving:,} passengers in transit or arriving; {REQUESTS} requests per page scenario, {FILE_REQUESTS} "
          f"per manifest (after {WARMUP} warm-up).\n")
    print("| page | as | requests | HTTP | p50 ms | p95 ms | CPU p50 / p95 ms | target p95 | queries/page (max) "
          "| raw SQL p50 ms | raw SQL p95 ms | verdict |")
    print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        ok_http = r["http"] == [200]
        verdict = []
        if not ok_http:
            verdict.append("not available")
        if r["p95"] > r["target"]:
            verdict.append("p95 over target")
        if r["requests"] < (FILE_REQUESTS if r["kind"] == "manifest" else REQUESTS):
            verdict.append(f"stopped after {SCENARIO_SECONDS:.0f} s")
        budget = MAX_QUERIES_OF.get(r["kind"], MAX_QUERIES)
        if r["queries_max"] > budget:
            verdict.append(f"> {budget} queries")
        print(f"| {r['scenario']} | {r['user']} | {r['requests']} | {','.join(map(str, r['http']))} | "
              f"{r['p50']:.1f} | {r['p95']:.1f} | {r['cpu_p50']:.0f} / {r['cpu_p95']:.0f} | "
              f"≤ {r['target']} | {r['queries_max']} | {r['sql_p50']:.1f} | {r['sql_p95']:.1f} | "
              f"{'; '.join(verdict) or 'ok'} |")
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "last.json").write_text(json.dumps({"cases": n_cases, "results": results}, indent=2))


if __name__ == "__main__":
    main()
