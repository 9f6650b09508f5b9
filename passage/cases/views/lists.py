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
from passage.people.names import fold, phonetic_key
from passage.people.selectors import name_search_q
from passage.people.validation import normalise_document_number

from ..forms import DEFAULT_SORT, PAGE_SIZE, SORTS, CaseListForm
from ..models import CaseMember, Vulnerability
from ..selectors import cases_visible_to


def _name_matches(term: str) -> QuerySet:
    """Ids of persons with a name like ``term``: every word must match one name row, by trigram (or LIKE)
    on the folded name, or by its transliteration-proof key (so "Muhammad" finds "Mohammed").

    On PostgreSQL every branch is index-backed: the trigram test by ``personname_search_trgm``, the key
    equal / starting with / ending with / containing the word's key by ``personname_phonetic_trgm``
    (people migration 0003), so the database combines bitmaps instead of reading every name row."""
    q = Q()
    for word in fold(term).split():
        key = phonetic_key(word)
        word_q = name_search_q(word)
        if key:
            word_q |= (Q(phonetic_key=key) | Q(phonetic_key__startswith=f"{key} ")
                       | Q(phonetic_key__endswith=f" {key}") | Q(phonetic_key__contains=f" {key} "))
        q &= word_q
    return PersonName.objects.filter(q).values("person_id")


def _name_case_ids(term: str) -> QuerySet:
    """Ids of cases with a member named like ``term`` (a sub-query: matching names -> persons -> cases)."""
    return CaseMember.objects.filter(person_id__in=_name_matches(term)).values("case_id")


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


def case_search_q(term: str) -> Q:
    """Cases matching a free-text term: a case number, foreigner's number or document number when the term
    has digits; a member's name otherwise.

    Numbers are resolved to case ids first (one small indexed query), so the filter on the cases is
    "number starts with, or id in (...)": both index-backed, where an OR of sub-queries would make the
    database walk every case in scope."""
    term = term.strip()
    if not term:
        return Q()
    if any(ch.isdigit() for ch in term):
        return Q(number__startswith=term.upper()) | Q(pk__in=_number_case_ids(term))
    if not fold(term):
        return Q(pk__in=[])
    return Q(pk__in=_name_case_ids(term))


def filter_cases(qs: QuerySet, filters: dict) -> QuerySet:
    if filters.get("q"):
        qs = qs.filter(case_search_q(filters["q"]))
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


@require_GET
def case_list(request):
    work_posts, counsellors = _filter_choices(request.user)
    form = CaseListForm(request.GET or None, work_posts=work_posts, counsellors=counsellors)
    filters = form.filters() if form.is_bound else {}
    sort = filters.get("sort") or DEFAULT_SORT
    # cases_visible_to is the base of everything shown here, the count included.
    qs = filter_cases(cases_visible_to(request.user), filters)
    qs = _sorted(qs.select_related("work_post", "counsellor"), sort)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "cases": page.object_list,
        "sort": sort,
        "columns": _columns(sort),
        "filtered": bool(filters.keys() - {"sort"}),
    }
    template = "cases/case_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)
