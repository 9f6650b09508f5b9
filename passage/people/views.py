"""Person pages: registration (a walk-in, or a household member of a case), duplicate suggestions, the person
page with its names, contact details, identifiers and documents, and the supervisor's merge.

Every view obtains persons and cases through ``passage.cases.selectors`` (outside the user's scope: 404) and
checks the role's action with ``user_can`` (not granted: 403), then calls the services.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passage.accounts.permissions import Action, user_can
from passage.cases.enums import Relationship
from passage.cases.models import CaseMember
from passage.cases.selectors import (
    case_get_for_user,
    cases_visible_to,
    person_get_for_user,
    persons_visible_to,
)
from passage.cases.services import case_member_add, case_open
from passage.core.errors import ServiceError

from . import services
from .enums import IdentifierKind
from .forms import (
    REGISTER_FIELD_MAP,
    CaseStartForm,
    DocumentEditForm,
    DocumentForm,
    DuplicateQueryForm,
    ExistingPersonForm,
    IdentifierAddForm,
    MergeForm,
    NameAddForm,
    PersonEditForm,
    PersonFieldsForm,
    PersonRegisterForm,
    PhoneAddForm,
)
from .models import Nationality
from .selectors import person_duplicates

HOUSEHOLD_RELATIONSHIPS = (Relationship.SPOUSE, Relationship.CHILD, Relationship.OTHER_RELATIVE)

MATCH_REASONS = {
    "document": gettext_lazy("same document number"),
    "identifier": gettext_lazy("same foreigner's number or identifier"),
    "name": gettext_lazy("similar name, year of birth and nationality"),
}


def _require(user, action: Action) -> None:
    if not user_can(user, action):
        raise PermissionDenied


def _case_url(case) -> str:
    return reverse("case-detail", args=[case.pk])


def _apply_service_error(form, exc: ServiceError, field_map: dict | None = None) -> None:
    """Put a refused service call's messages on the form: per field where it names one, else on top."""
    placed = False
    for name, message in exc.field_errors.items():
        target = (field_map or {}).get(name, name)
        if target and target in form.fields:
            form.add_error(target, message)
            placed = True
        else:
            form.add_error(None, message)
            placed = True
    if not placed or not exc.field_errors:
        form.add_error(None, exc.message)
    for detail in exc.details:
        form.add_error(None, detail)


# --- live (inline) validation ------------------------------------------------------------------------------

# Fields whose messages depend on each other: when one is checked, the others of its group that hold a value
# are checked again too (out of band), so a message that the change made obsolete disappears.
LIVE_GROUPS = (
    ("birth_year", "birth_month", "birth_day"),
    ("document_number", "document_mrz", "document_expires_on"),
    ("number", "mrz", "expires_on", "issued_on"),
)


def _live_validation(request, form):
    """The error placeholder of the field named by HX-Trigger-Name, after the form's own validation.

    The form is only validated: nothing is stored, no duplicate check runs, and only the typed values are
    looked at. The answer is ``people/_field_error.html`` for that field (empty when the field is valid), plus
    out-of-band placeholders of related fields that hold a value.
    """
    name = request.headers.get("HX-Trigger-Name", "")
    if name not in form.fields or form.fields[name].widget.is_hidden:
        return HttpResponseBadRequest(_("Unknown field."))
    form.is_valid()
    related = [
        other for group in LIVE_GROUPS if name in group for other in group
        if other != name and other in form.fields and request.POST.get(other, "").strip()
    ]
    html = [render_to_string("people/_field_error.html", {"field": form[name], "oob": False}, request=request)]
    html += [render_to_string("people/_field_error.html", {"field": form[other], "oob": True}, request=request)
             for other in related]
    return HttpResponse("".join(html))


@require_POST
def person_register_validate(request):
    """Live check of one registration field (htmx); the same ``PersonRegisterForm`` as on submit."""
    _require(request.user, Action.CASE_CREATE)
    return _live_validation(request, PersonRegisterForm(request.POST, user=request.user))


@require_POST
def person_edit_validate(request):
    """Live check of one field of the person edit form (htmx)."""
    _require(request.user, Action.CASE_EDIT)
    return _live_validation(request, PersonFieldsForm(request.POST))


@require_POST
def person_document_validate(request):
    """Live check of one field of the document form (add or edit, htmx)."""
    _require(request.user, Action.DOCUMENT_EDIT)
    return _live_validation(request, DocumentForm(request.POST))


def _live(form, url_name: str, keyup_fields=()):
    form.enable_live_validation(reverse(url_name), keyup_fields=keyup_fields)
    return form


# --- registration ------------------------------------------------------------------------------------------


def _household_target(request):
    """The case a household member joins (``?for_case=&relationship=``), or (None, None) for a walk-in."""
    pk = request.GET.get("for_case")
    if not pk:
        return None, None
    case = case_get_for_user(request.user, pk)
    relationship = request.GET.get("relationship", "")
    if relationship not in HOUSEHOLD_RELATIONSHIPS:
        return case, None
    return case, relationship


def _duplicate_context(user, query: dict, *, exclude_ids=()) -> dict:
    """Likely matches: the ones the user may see with their details, the others only counted."""
    searched = any(query.get(k) for k in ("family_name", "given_names", "document_numbers", "identifiers"))
    if not searched:
        return {"searched": False, "matches": [], "hidden_count": 0, "strong": False}
    candidates = person_duplicates(**query, exclude_ids=list(exclude_ids), limit=50)
    ids = [c.person.pk for c in candidates]
    visible_ids = set(persons_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    nationalities = defaultdict(list)
    for nat in Nationality.objects.filter(person_id__in=visible_ids).order_by("country"):
        nationalities[nat.person_id].append(nat.country)
    case_numbers = defaultdict(list)
    members = CaseMember.objects.filter(person_id__in=visible_ids, case__in=cases_visible_to(user)).select_related(
        "case").order_by("case__number")
    for member in members:
        case_numbers[member.person_id].append(member.case)
    matches = [
        {
            "person": c.person,
            "nationalities": nationalities[c.person.pk],
            "cases": case_numbers[c.person.pk],
            "reasons": [MATCH_REASONS.get(r, r) for r in dict.fromkeys(c.reasons)],
            "strong": bool({"document", "identifier"} & set(c.reasons)),
        }
        for c in candidates
        if c.person.pk in visible_ids
    ]
    return {
        "searched": True,
        "matches": matches,
        "hidden_count": len(candidates) - len(matches),
        "strong": any({"document", "identifier"} & set(c.reasons) for c in candidates),
    }


def _register_query(form) -> dict:
    d = form.cleaned_data
    return {
        "family_name": d.get("family_name") or "",
        "given_names": d.get("given_names") or "",
        "birth_year": d.get("birth_year"),
        "nationalities": list(d.get("nationalities") or []),
        "document_numbers": [d["document_number"]] if d.get("document_number") else [],
        "identifiers": [(IdentifierKind.FOREIGNER_NUMBER, d["foreigner_number"])] if d.get("foreigner_number") else [],
    }


def _members_of(case) -> list[int]:
    return list(case.members.values_list("person_id", flat=True)) if case is not None else []


def _duplicates_url(case, relationship) -> str:
    url = reverse("person-duplicates")
    if case is not None:
        url += "?" + urlencode({"for_case": case.pk, "relationship": relationship})
    return url


def _register_page(request, form, *, case, relationship, duplicates=None, status=200):
    _live(form, "person-register-validate", keyup_fields=("document_mrz",))
    return render(request, "people/register.html", {
        "form": form,
        "for_case": case,
        "relationship_label": Relationship(relationship).label if relationship else "",
        "duplicates": duplicates or {"searched": False, "matches": [], "hidden_count": 0},
        "duplicates_url": _duplicates_url(case, relationship),
    }, status=status)


class _Stage(Exception):
    """A ServiceError with the step of the registration that raised it (for mapping its field errors)."""

    def __init__(self, stage: str, error: ServiceError):
        super().__init__(str(error))
        self.stage, self.error = stage, error


def _register(user, form: PersonRegisterForm, case, relationship):
    """Person, phone, identifier, document and case (or household membership) in one transaction: all or nothing.

    Returns the case the person is now in.
    """
    d = form.cleaned_data
    stage = "person"
    try:
        with transaction.atomic():
            mission = case.mission if case is not None else d["work_post"].mission
            person = services.person_register(actor=user, mission=mission, **form.person_kwargs())
            if d["mobile"]:
                stage = "phone"
                services.phone_add(actor=user, person=person, number=d["mobile"], sms_consent=d["sms_consent"])
            if d["foreigner_number"]:
                stage = "identifier"
                services.identifier_add(actor=user, person=person, kind=IdentifierKind.FOREIGNER_NUMBER,
                                        value=d["foreigner_number"])
            if form.has_document:
                stage = "document"
                services.document_add(actor=user, person=person, **form.document_kwargs())
            stage = "case"
            if case is not None:
                case_member_add(actor=user, case=case, person=person, relationship=relationship)
                return case
            return case_open(actor=user, principal=person, work_post=d["work_post"],
                             referral_source=d["referral_source"])
    except ServiceError as exc:
        raise _Stage(stage, exc) from exc


@require_http_methods(["GET", "POST"])
def person_register(request):
    """Register a walk-in and open their case, or (``?for_case=``) register a household member of a case."""
    user = request.user
    case, relationship = _household_target(request)
    _require(user, Action.CASE_EDIT if case is not None else Action.CASE_CREATE)
    if case is not None and relationship is None:
        return HttpResponseBadRequest(_("Choose the relationship: spouse, child or other relative."))
    if request.method == "POST" and request.POST.get("existing_person"):
        return _use_existing_person(request, case, relationship)

    form = PersonRegisterForm(request.POST or None, user=user, for_case=case)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicate_context(user, _register_query(form), exclude_ids=_members_of(case))
        if duplicates["strong"] and not form.cleaned_data["different_person"]:
            form.add_error(None, _(
                "A person with the same document number or foreigner's number is already registered. "
                "Use that person, or tick \"this is a different person\" if you checked that it is not the same."
            ))
        else:
            try:
                target = _register(user, form, case, relationship)
            except _Stage as stage:
                _apply_service_error(form, stage.error, REGISTER_FIELD_MAP[stage.stage])
            else:
                if case is not None:
                    messages.success(request, _("The household member was registered and added to the case."))
                else:
                    messages.success(request, _("The person was registered and case %(number)s was opened.")
                                     % {"number": target.number})
                return redirect(_case_url(target))
    elif request.method == "POST":
        query_form = DuplicateQueryForm(request.POST)
        duplicates = _duplicate_context(user, query_form.query(), exclude_ids=_members_of(case))
    status = 422 if request.method == "POST" else 200
    return _register_page(request, form, case=case, relationship=relationship, duplicates=duplicates,
                          status=status)


def _use_existing_person(request, case, relationship):
    """"Use this person": open a case for an existing person, or add them to the household."""
    user = request.user
    chosen = ExistingPersonForm(request.POST)
    if not chosen.is_valid():
        raise Http404("No such person")
    person = person_get_for_user(user, chosen.cleaned_data["existing_person"])
    start = CaseStartForm(request.POST, user=user, for_case=case)
    error = None
    if person.merged_into_id:
        error = _("This record was merged into another one; use that record instead.")
    elif start.is_valid():
        try:
            with transaction.atomic():
                if case is not None:
                    case_member_add(actor=user, case=case, person=person, relationship=relationship)
                    target = case
                else:
                    target = case_open(actor=user, principal=person, work_post=start.cleaned_data["work_post"],
                                       referral_source=start.cleaned_data["referral_source"])
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, _("%(person)s was added to case %(number)s.")
                             % {"person": person, "number": target.number})
            return redirect(_case_url(target))
    else:
        error = _("Choose the work post and the referral source for the new case.")
    form = PersonRegisterForm(request.POST, user=user, for_case=case)
    form.is_valid()
    form.add_error(None, error)
    query_form = DuplicateQueryForm(request.POST)
    duplicates = _duplicate_context(user, query_form.query(), exclude_ids=_members_of(case))
    return _register_page(request, form, case=case, relationship=relationship, duplicates=duplicates, status=422)


@require_GET
def person_duplicates_view(request):
    """The htmx partial of likely matches while the registration form is typed."""
    user = request.user
    case, _relationship = _household_target(request)
    _require(user, Action.CASE_EDIT if case is not None else Action.CASE_CREATE)
    query = DuplicateQueryForm(request.GET).query()
    return render(request, "people/_duplicates.html", {
        "duplicates": _duplicate_context(user, query, exclude_ids=_members_of(case)),
    })


# --- the person page -------------------------------------------------------------------------------------


def _person_facts(user, person) -> dict:
    """What the person page and the merge comparison show of one person (cases: only visible ones)."""
    return {
        "person": person,
        "names": list(person.names.order_by("kind", "id")),
        "nationalities": [n.country for n in person.nationalities.order_by("country")],
        "languages": list(person.languages.all()),
        "phones": list(person.phones.select_related("sms_consent_by").order_by("id")),
        "identifiers": list(person.identifiers.order_by("kind", "value")),
        "documents": list(person.documents.order_by("-expires_on", "-id")),
        "memberships": list(
            CaseMember.objects.filter(person=person, case__in=cases_visible_to(user))
            .select_related("case", "case__work_post", "case__counsellor").order_by("-case__contact_on")
        ),
        "merged_from": list(person.merged_from.order_by("pk")),
    }


@require_GET
def person_detail(request, pk):
    user = request.user
    person = person_get_for_user(user, pk, audit_read=True)
    return render(request, "people/person_detail.html", {
        **_person_facts(user, person),
        "can_edit": user_can(user, Action.CASE_EDIT),
        "can_edit_documents": user_can(user, Action.DOCUMENT_EDIT),
        "can_merge": user_can(user, Action.PERSON_MERGE),
    })


def _form_page(request, person, form, *, title, submit_label, status=200, live=None):
    if live is not None:
        _live(form, live, keyup_fields=("mrz",))
    return render(request, "people/person_form.html", {
        "person": person, "form": form, "title": title, "submit_label": submit_label,
    }, status=status)


def _person_for_action(request, pk, action: Action):
    person = person_get_for_user(request.user, pk)
    _require(request.user, action)
    return person


@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = _person_for_action(request, pk, Action.CASE_EDIT)
    if request.method == "POST":
        form = PersonEditForm(request.POST)
        if form.is_valid():
            try:
                services.person_update(actor=request.user, person=person, **form.update_kwargs())
            except ServiceError as exc:
                _apply_service_error(form, exc)
            else:
                messages.success(request, _("The person's details were saved."))
                return redirect("person-detail", pk=person.pk)
        return _form_page(request, person, form, title=_("Edit person"), submit_label=_("Save"), status=422,
                          live="person-edit-validate")
    form = PersonEditForm(initial=PersonEditForm.initial_for(person))
    return _form_page(request, person, form, title=_("Edit person"), submit_label=_("Save"),
                      live="person-edit-validate")


def _simple_add(request, pk, *, action, form_class, title, submit_label, call, field_map=None, success,
                live=None):
    person = _person_for_action(request, pk, action)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                call(person, form.cleaned_data)
            except ServiceError as exc:
                _apply_service_error(form, exc, field_map)
            else:
                messages.success(request, success)
                return redirect("person-detail", pk=person.pk)
        return _form_page(request, person, form, title=title, submit_label=submit_label, status=422, live=live)
    return _form_page(request, person, form_class(), title=title, submit_label=submit_label, live=live)


@require_http_methods(["GET", "POST"])
def person_name_add(request, pk):
    return _simple_add(
        request, pk, action=Action.CASE_EDIT, form_class=NameAddForm, title=_("Add a name"),
        submit_label=_("Add name"), success=_("The name was added."),
        call=lambda person, d: services.person_name_add(
            actor=request.user, person=person, kind=d["kind"], family_name=d["family_name"],
            given_names=d["given_names"]),
    )


@require_http_methods(["GET", "POST"])
def person_phone_add(request, pk):
    return _simple_add(
        request, pk, action=Action.CASE_EDIT, form_class=PhoneAddForm, title=_("Add a mobile number"),
        submit_label=_("Add number"), success=_("The mobile number was added."),
        call=lambda person, d: services.phone_add(
            actor=request.user, person=person, number=d["number"], sms_consent=d["sms_consent"]),
    )


@require_http_methods(["GET", "POST"])
def person_identifier_add(request, pk):
    return _simple_add(
        request, pk, action=Action.CASE_EDIT, form_class=IdentifierAddForm, title=_("Add an identifier"),
        submit_label=_("Add identifier"), success=_("The identifier was added."),
        call=lambda person, d: services.identifier_add(
            actor=request.user, person=person, kind=d["kind"], value=d["value"]),
    )


@require_http_methods(["GET", "POST"])
def person_document_add(request, pk):
    return _simple_add(
        request, pk, action=Action.DOCUMENT_EDIT, form_class=DocumentForm, title=_("Add a document"),
        submit_label=_("Add document"), success=_("The document was added."), live="person-document-validate",
        call=lambda person, d: services.document_add(actor=request.user, person=person, **{
            k: d[k] for k in ("kind", "status", "number", "issuing_country", "issued_on", "expires_on",
                              "requested_on", "mrz", "custody")}),
    )


@require_http_methods(["GET", "POST"])
def person_document_edit(request, pk, document_pk):
    person = _person_for_action(request, pk, Action.DOCUMENT_EDIT)
    document = person.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404("No such document")
    title = _("Edit document %(document)s") % {"document": document}
    if request.method == "POST":
        form = DocumentEditForm(request.POST)
        if form.is_valid():
            try:
                services.document_update(actor=request.user, document=document,
                                         version=form.cleaned_data["version"], **form.service_kwargs())
            except ServiceError as exc:
                _apply_service_error(form, exc)
            else:
                messages.success(request, _("The document was saved."))
                return redirect("person-detail", pk=person.pk)
        return _form_page(request, person, form, title=title, submit_label=_("Save"), status=422,
                          live="person-document-validate")
    form = DocumentEditForm(initial=DocumentEditForm.initial_for(document))
    return _form_page(request, person, form, title=title, submit_label=_("Save"), live="person-document-validate")


# --- merge -----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def person_merge(request):
    """A supervisor merges a duplicate record into the one to keep, after a side-by-side comparison."""
    user = request.user
    _require(user, Action.PERSON_MERGE)
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST" or (data.get("survivor") and data.get("duplicate")):
        form = MergeForm(data)
    else:
        form = MergeForm(initial={"survivor": data.get("survivor", "")})
    survivor = duplicate = None
    if form.is_bound and form.is_valid():
        survivor = person_get_for_user(user, form.cleaned_data["survivor"])
        duplicate = person_get_for_user(user, form.cleaned_data["duplicate"])
        if request.method == "POST":
            if not form.cleaned_data["reason"].strip():
                form.add_error("reason", _("Give the reason for the merge."))
            else:
                try:
                    services.person_merge(actor=user, survivor=survivor, duplicate=duplicate,
                                          reason=form.cleaned_data["reason"])
                except ServiceError as exc:
                    _apply_service_error(form, exc)
                else:
                    messages.success(request, _("Person %(duplicate)s was merged into %(survivor)s.")
                                     % {"duplicate": duplicate.pk, "survivor": survivor.pk})
                    return redirect("person-detail", pk=survivor.pk)
    comparison = None
    if survivor is not None and duplicate is not None:
        comparison = {"survivor": _person_facts(user, survivor), "duplicate": _person_facts(user, duplicate)}
    status = 422 if request.method == "POST" else 200
    return render(request, "people/merge.html", {"form": form, "comparison": comparison}, status=status)
