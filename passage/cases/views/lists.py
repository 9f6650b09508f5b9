"""The case list: search, filters, sorting and pages over the cases the user may see, updated as they type."""

import re

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from passage.accounts.enums import Role
from passage.accounts.models import User, WorkPost
from passage.accounts.permissions import MISSION_WIDE_ROLES
from passage.people.enums import IdentifierKind
from passage.people.models import Identifier, PersonName, TravelDocument
from passage.people.names import fold, word_tokens
from passage.people.selectors import name_search_q
from passage.people.validation import normalise_document_number

from ..forms import DEFAULT_SORT, PAGE_SIZE, SORTS, CaseListForm
from ..models import CaseMember, CaseNameToken, Vulnerability
from ..selectors import CaseScope, case_scope, cases_visible_to


def _name_case_ids(term: str, *, fuzzy: bool = False, scope: CaseScope | None = None) -> QuerySet:
    """Ids of cases with a member named like ``term`` (a sub-query), among the cases of ``scope`` if given.

    Every word must match a name of a member: a name word that starts with it (whole words only below
    people.names.PREFIX_MIN letters), or one with the same transliteration-proof key ("Muhammad" finds
    "Mohammed"). Each word is one equality look-up on CaseNameToken (``token IN (...)``, narrowed to the
    scope's mission and work posts: an index-only scan whose row estimate the database gets right), and the
    words intersect on the case inside the sub-query, so a search for two common names costs the look-ups,
    not a walk of every case in scope.

    ``fuzzy``: the trigram test on the members' folded names instead (SQLite: substring), for when the
    look-ups find nothing (a typo the key does not absorb)."""
    words = fold(term).split()
    if fuzzy:
        q = Q()
        for word in words:
            q &= name_search_q(word)
        return CaseMember.objects.filter(person_id__in=PersonName.objects.filter(q).values("person_id")).values(
            "case_id")
    within = Q()
    if scope is not None:
        within = Q(mission_id=scope.mission_id)
        if scope.work_post_ids is not None:
            within &= Q(work_post_id__in=scope.work_post_ids)
    matches = None
    for word in reversed(words):  # the first word is the outer look-up, the others narrow it
        tokens = CaseNameToken.objects.filter(within, token__in=word_tokens(word))
        matches = tokens if matches is None else tokens.filter(case_id__in=matches)
        matches = matches.values("case_id")
    return matches


# A document or foreigner's number belongs to a handful of persons; more case ids than this from one number
# would be a data error, and the list stays bounded whatever the data.
NUMBER_CASES_LIMIT = 1000


def _number_case_ids(term: str) -> list[int]:
    """Ids of cases with a member holding the document number or foreigner's number ``term``, in one query:
    each branch uses its own index (TravelDocument.number_key, Identifier (kind, value), CaseMember.person)."""
    branches = []
    doc_key = normalise_document_number(term)
    if doc_key:
        branches.append(TravelDocument.objects.filter(number_key=doc_key).order_by().values("person_id"))
    digits = re.sub(r"\D", "", term)
    if digits:
        branches.append(Identifier.objects.filter(kind=IdentifierKind.FOREIGNER_NUMBER, value=digits).order_by()
                        .values("person_id"))
    if not branches:
        return []
    holders = branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]
    members = CaseMember.objects.filter(person_id__in=holders).order_by().values_list("case_id", flat=True)
    return list(members.distinct()[:NUMBER_CASES_LIMIT])


# Case ids a name search resolves before it filters the cases (see case_search_q).
NAME_CASES_PROBE = 5000


def case_search_q(term: str, *, fuzzy: bool = False, scope: CaseScope | None = None) -> Q:
    """Cases matching a free-text term: a case number, foreigner's number or document number when the term
    has digits; a member's name otherwise. ``scope`` (the user's, case_scope) narrows the name look-ups early;
    the caller still filters the cases by what the user may see.

    Numbers are resolved to case ids first (one small indexed query), so the filter on the cases is
    "number starts with, or id in (...)": both index-backed, where an OR of sub-queries would make the
    database walk every case in scope. ``fuzzy``: names by the trigram test (see _name_case_ids)."""
    term = term.strip()
    if not term:
        return Q()
    if any(ch.isdigit() for ch in term):
        return Q(number__startswith=term.upper()) | Q(pk__in=_number_case_ids(term))
    if not fold(term):
        return Q(pk__in=[])
    if fuzzy:
        return Q(pk__in=_name_case_ids(term, fuzzy=True))
    # Probe first (index-only): a name that few cases in scope carry is resolved to their ids, so the database
    # fetches just those cases by key; for a common name (more ids than the probe takes) it gets the sub-query
    # and walks the cases in the page's order instead, finding a page of matches within a few rows.
    # Distinct cases, not rows: a case matching a word twice (word and key) is two rows, and a limit on rows
    # could stop before a case it never read.
    matches = _name_case_ids(term, scope=scope)
    ids = list(matches.order_by().values_list("case_id", flat=True).distinct()[:NAME_CASES_PROBE + 1])
    return Q(pk__any_of=sorted(ids)) if len(ids) <= NAME_CASES_PROBE else Q(pk__in=matches)


def filter_cases(qs: QuerySet, filters: dict, *, fuzzy: bool = False, scope: CaseScope | None = None) -> QuerySet:
    if filters.get("q"):
        qs = qs.filter(case_search_q(filters["q"], fuzzy=fuzzy, scope=scope))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("work_post"):
        qs = qs.filter(work_post_id=filters["work_post"])
    if filters.get("counsellor"):
        qs = qs.filter(counsellor_id=filters["counsellor"])
    if filters.get("programme"):
        qs = qs.filter(programme=filters["programme"])
    if filters.get("contact_from"):
        qs = qs.filter(contact_on__gte=filters["contact_from"])
    if filters.get("contact_to"):
        qs = qs.filter(contact_on__lte=filters["contact_to"])
    if filters.get("nationality"):
        qs = qs.filter(Exists(CaseMember.objects.filter(
            case=OuterRef("pk"), person__nationalities__country=filters["nationality"])))
    if filters.get("vulnerability"):
        qs = qs.filter(Exists(Vulnerability.objects.filter(
            case=OuterRef("pk"), kind=filters["vulnerability"], ended_on__isnull=True)))
    return qs


def _sorted(qs: QuerySet, sort: str) -> QuerySet:
    key = sort.removeprefix("-")
    column = SORTS.get(key, SORTS[DEFAULT_SORT.removeprefix("-")])
    descending = sort.startswith("-")
    return qs.order_by(f"-{column}" if descending else column, "-pk" if descending else "pk")


def _filter_choices(user):
    """Work posts and counsellors to filter by: those of the user's scope (one query each)."""
    work_posts = WorkPost.objects.filter(mission_id=user.mission_id)
    if user.role not in MISSION_WIDE_ROLES:
        own = Q(staff=user)
        if user.role == Role.SUPERVISOR:
            own |= Q(supervisors=user)
        work_posts = work_posts.filter(own).distinct()
    counsellors = User.objects.filter(
        mission_id=user.mission_id, role__in=[Role.COUNSELLOR, Role.SUPERVISOR]
    ).order_by("last_name", "first_name")
    return list(work_posts.order_by("name")), list(counsellors.only("pk", "first_name", "last_name", "username"))


_COLUMNS = [
    ("number", _("Case number")),
    ("principal", _("Principal applicant")),
    ("status", _("Status")),
    ("status_since", _("Status since")),
    ("work_post", _("Work post")),
    ("counsellor", _("Counsellor")),
    ("contact", _("First contact")),
]


def _columns(sort: str) -> list[dict]:
    """Each sortable column with the sort its header link asks for and its aria-sort state."""
    current, descending = sort.removeprefix("-"), sort.startswith("-")
    columns = []
    for key, label in _COLUMNS:
        active = key == current
        columns.append({
            "key": key, "label": label,
            "next_sort": f"-{key}" if active and not descending else key,
            "aria_sort": ("descending" if descending else "ascending") if active else "",
        })
    return columns


class CappedPaginator(Paginator):
    """Counts at most ``cap`` + 1 cases, so a page of a search that matches half the mission costs what a page
    of a small result does; past the cap the page says "more than 1,000 cases" and asks for a narrower search."""

    cap = 1000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def _page(qs: QuerySet, request):
    return CappedPaginator(qs.select_related("work_post", "counsellor"), PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
def case_list(request):
    work_posts, counsellors = _filter_choices(request.user)
    form = CaseListForm(request.GET or None, work_posts=work_posts, counsellors=counsellors)
    filters = form.filters() if form.is_bound else {}
    sort = filters.get("sort") or DEFAULT_SORT
    # cases_visible_to is the base of everything shown here, the count included.
    base, scope = cases_visible_to(request.user), case_scope(request.user)
    page = _page(_sorted(filter_cases(base, filters, scope=scope), sort), request)
    fuzzy = False
    term = filters.get("q", "")
    if not page.paginator.count and term and not any(ch.isdigit() for ch in term):
        # No name starts with these words nor sounds like them: try similar spellings before saying "none".
        fuzzy = True
        page = _page(_sorted(filter_cases(base, filters, fuzzy=True), sort), request)
    context = {
        "form": form,
        "page": page,
        "cases": page.object_list,
        "sort": sort,
        "columns": _columns(sort),
        "filtered": bool(filters.keys() - {"sort"}),
        "fuzzy": fuzzy,
    }
    template = "cases/case_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)
