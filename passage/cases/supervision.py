"""What the supervisor's view shows, always over ``cases_visible_to(user)``: nobody counts what they cannot see.

Query cost (the page must stay cheap at a million cases):
- ``cases_visible_to`` itself: 1-3 small queries (the user's work posts, supervised work posts, clearances);
- ``open_counts`` (both tables): one GROUP BY, an index-only scan of the partial covering index
  ``case_open_board`` on PostgreSQL, and one query each for the work post and counsellor labels;
- ``overdue_reviews``: one query (the (status, on_hold_review_on) index) plus one count;
- ``blocked_cases``: one query for the candidates, one for their consents, then ``transition_blockers``
  per candidate — 1 to 6 queries each depending on status (members, documents, checks, vulnerabilities,
  guardians, fit-to-travel). Capped at ``BLOCKED_LIMIT`` candidates, so at most a few hundred small
  indexed queries whatever the data size; the view loads this part separately so the counts come first.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from passage.accounts.models import User, WorkPost

from .enums import CaseStatus
from .models import Case
from .workflow import transition_blockers

# Open statuses in workflow order: the columns of the tables.
# "Booked" is counted too (waiting for the flight); departed and arrived cases have left counselling.
# The partial index case_open_board (cases migrations 0002, 0007) lists exactly these statuses.
OPEN_COLUMNS = [
    CaseStatus.CONTACT, CaseStatus.APPLICATION, CaseStatus.ELIGIBILITY, CaseStatus.PREPARATION,
    CaseStatus.READY_TO_DEPART, CaseStatus.BOOKED, CaseStatus.ON_HOLD,
]

# The move forward that a supervisor expects next, per status.
FORWARD_MOVE = {
    CaseStatus.APPLICATION: CaseStatus.ELIGIBILITY,
    CaseStatus.ELIGIBILITY: CaseStatus.PREPARATION,
    CaseStatus.PREPARATION: CaseStatus.READY_TO_DEPART,
}

BLOCKED_LIMIT = 50
OVERDUE_LIMIT = 100


@dataclass
class CountRow:
    key: int | None
    label: str
    counts: list[int] = field(default_factory=list)  # one per OPEN_COLUMNS entry

    @property
    def total(self) -> int:
        return sum(self.counts)

    def cells(self):
        return list(zip(OPEN_COLUMNS, self.counts, strict=True))


@dataclass
class CountTable:
    rows: list[CountRow]

    @property
    def column_totals(self) -> list[int]:
        return [sum(r.counts[i] for r in self.rows) for i in range(len(OPEN_COLUMNS))]

    @property
    def total(self) -> int:
        return sum(self.column_totals)

    def total_cells(self):
        return list(zip(OPEN_COLUMNS, self.column_totals, strict=True))


def _pivot(rows, key_field: str, label_of) -> CountTable:
    index = {s: i for i, s in enumerate(OPEN_COLUMNS)}
    table: dict = {}
    for row in rows:
        key = row[key_field]
        if key not in table:
            table[key] = CountRow(key=key, label=label_of(key), counts=[0] * len(OPEN_COLUMNS))
        table[key].counts[index[row["status"]]] += row["n"]
    return CountTable(rows=sorted(table.values(), key=lambda r: r.label.lower()))


def _staff_label(user) -> str:
    name = f"{user.first_name} {user.last_name}".strip()
    return name or user.username


def open_counts(cases: QuerySet[Case]) -> tuple[CountTable, CountTable]:
    """Open cases per work post and status, and per counsellor and status: (by work post, caseload).

    One GROUP BY over ids only (work post, counsellor, status), which PostgreSQL answers with an index-only
    scan of ``case_open_board`` (cases migration 0002: open statuses only, covering the sensitivity flags that
    ``cases_visible_to`` tests), then the few labels by primary key: three queries whatever the data size."""
    rows = list(cases.filter(status__in=OPEN_COLUMNS).order_by()
                .values("work_post_id", "counsellor_id", "status").annotate(n=Count("*")))
    work_posts = {wp.pk: wp.name for wp in WorkPost.objects.filter(pk__in={r["work_post_id"] for r in rows})
                  .only("pk", "name")}
    staff = {u.pk: _staff_label(u) for u in User.objects.filter(pk__in={r["counsellor_id"] for r in rows})
             .only("pk", "first_name", "last_name", "username")}
    return (_pivot(rows, "work_post_id", lambda key: work_posts.get(key, "")),
            _pivot(rows, "counsellor_id", lambda key: staff.get(key, "")))


def status_by_work_post(cases: QuerySet[Case]) -> CountTable:
    """Open cases per work post and status."""
    return open_counts(cases)[0]


def caseload(cases: QuerySet[Case]) -> CountTable:
    """Open cases per counsellor and status."""
    return open_counts(cases)[1]


def overdue_reviews(cases: QuerySet[Case], today: datetime.date | None = None):
    """Cases on hold whose review date has passed, the longest overdue first: (first OVERDUE_LIMIT, total)."""
    today = today or timezone.localdate()
    overdue = cases.filter(status=CaseStatus.ON_HOLD, on_hold_review_on__lt=today)
    shown = list(overdue.select_related("work_post", "counsellor").order_by("on_hold_review_on", "id")[:OVERDUE_LIMIT])
    for case in shown:
        case.days_overdue = (today - case.on_hold_review_on).days
    total = len(shown) if len(shown) < OVERDUE_LIMIT else overdue.count()
    return shown, total


@dataclass
class BlockedCase:
    case: Case
    target: str
    blockers: list[str]
    waiting_days: int

    @property
    def target_label(self) -> str:
        return CaseStatus(self.target).label


def blocked_cases(cases: QuerySet[Case], now: datetime.datetime | None = None):
    """Of the ``BLOCKED_LIMIT`` cases waiting longest in application, eligibility or preparation, those whose
    next forward move is blocked, with what blocks it: (blocked, number examined)."""
    now = now or timezone.now()
    candidates = list(
        cases.filter(status__in=list(FORWARD_MOVE)).select_related("work_post", "counsellor")
        .prefetch_related("consents").order_by("status_changed_at", "id")[:BLOCKED_LIMIT]
    )
    blocked = []
    for case in candidates:
        target = FORWARD_MOVE[case.status]
        reasons = transition_blockers(case, target)
        if reasons:
            blocked.append(BlockedCase(case=case, target=target, blockers=reasons,
                                       waiting_days=(now - case.status_changed_at).days))
    return blocked, len(candidates)

