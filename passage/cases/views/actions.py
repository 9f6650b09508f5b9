"""Actions on a case. Each view: obtains the case through the access selector (404 outside scope), checks
the role (403), validates the input with a form, calls one service, and answers — a redirect to the case
with a message, or the page again with the service's own messages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passage.accounts.permissions import Action, user_can
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.core.errors import ConcurrentEditError, ServiceError

from .. import services
from ..enums import CaseStatus
from ..forms import (
    AttachmentForm,
    CaseEditForm,
    ConsentForm,
    FitToTravelForm,
    NoteForm,
    OverrideForm,
    ReturnGuardianForm,
    TransitionForm,
    VulnerabilityForm,
)
from ..models import EligibilityOutcome
from ..selectors import attachment_get_for_user, case_get_for_user, cases_visible_to
from .detail import render_case_page


def _case_for(request, pk, action: Action, *, audit_read: bool = False):
    """The case if the user sees it (else 404) and their role grants ``action`` (else 403)."""
    case = case_get_for_user(request.user, pk, audit_read=audit_read)
    if not user_can(request.user, action):
        raise PermissionDenied
    return case


def _back(case, anchor: str = ""):
    response = redirect("case-detail", pk=case.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


# ---------------------------------------------------------------- status


@require_POST
def case_transition_view(request, pk):
    case = _case_for(request, pk, Action.CASE_TRANSITION)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        details = [f"{form.fields[n].label or n}: {' '.join(e)}" if n in form.fields else " ".join(e)
                   for n, e in form.errors.items()]
        return render_case_page(request, case, status=400, transition_error={
            "message": _("The move could not be made."), "details": details,
            "status": request.POST.get("to_status", "")})
    data = form.cleaned_data
    try:
        services.case_transition(actor=request.user, case=case, to_status=data["to_status"], reason=data["reason"],
                                 review_on=data["review_on"], version=data["version"])
    except ServiceError as exc:
        return render_case_page(
            request, case, status=409 if isinstance(exc, ConcurrentEditError) else 400,
            transition_error={"message": exc.message, "details": exc.details, "status": data["to_status"],
                              "reason": data["reason"], "review_on": data["review_on"]},
        )
    messages.success(request, _("The case moved to “%(status)s”.") % {"status": CaseStatus(data["to_status"]).label})
    return _back(case)


# ---------------------------------------------------------------- eligibility


@require_POST
def eligibility_run_view(request, pk):
    case = _case_for(request, pk, Action.ELIGIBILITY_RUN)
    try:
        check = services.eligibility_check_run(actor=request.user, case=case)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _back(case, "eligibility")
    if check.passed:
        messages.success(request, _("Eligibility check run: every rule is met."))
    else:
        messages.warning(request, _("Eligibility check run: not every rule is met. The reasons are shown below."))
    return _back(case, "eligibility")


@require_POST
def eligibility_override_view(request, pk, outcome_pk):
    case = _case_for(request, pk, Action.ELIGIBILITY_OVERRIDE)
    try:
        outcome = EligibilityOutcome.objects.select_related("eligibility_check").get(
            pk=outcome_pk, eligibility_check__case=case)
    except EligibilityOutcome.DoesNotExist:
        raise Http404("No such rule outcome") from None
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.eligibility_override(actor=request.user, outcome=outcome, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The rule is overridden."))
            return _back(case, "eligibility")
    errors = [str(e) for errs in form.errors.values() for e in errs]
    return render_case_page(request, case, status=400, override_error={"outcome": outcome.pk, "errors": errors,
                                                                        "reason": request.POST.get("reason", "")})


# ---------------------------------------------------------------- records added with a form


def _form_page(request, case, form, *, title, action_url, submit, multipart=False, status=200):
    template = "cases/case_action_form.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#action-form"
    return render(request, template, {"case": case, "form": form, "title": title, "action_url": action_url,
                                      "submit": submit, "multipart": multipart}, status=status)


def _record_view(request, pk, *, action, form_class, title, submit, url_name, save, success, anchor,
                 with_members=True, multipart=False, initial=None):
    """GET: the form (as a fragment for htmx). POST: validate, call the service through ``save``, answer."""
    case = _case_for(request, pk, action, audit_read=request.method == "GET")
    kwargs = {}
    if with_members:
        kwargs["members"] = list(case.members.select_related("person"))
    action_url = reverse(url_name, args=[case.pk])
    if request.method == "POST":
        form = form_class(request.POST, request.FILES or None, **kwargs)
        if form.is_valid():
            try:
                save(case, form)
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, success)
                return _back(case, anchor)
        return _form_page(request, case, form, title=title, action_url=action_url, submit=submit,
                          multipart=multipart, status=400)
    form = form_class(initial=initial, **kwargs)
    return _form_page(request, case, form, title=title, action_url=action_url, submit=submit, multipart=multipart)


def _today():
    return timezone.localdate()


@require_http_methods(["GET", "POST"])
def note_add_view(request, pk):
    def save(case, form):
        d = form.cleaned_data
        services.note_add(actor=request.user, case=case, text=d["text"], written_on=d["written_on"],
                          language=d["language"], interpreter=d["interpreter"])

    return _record_view(
        request, pk, action=Action.CASE_EDIT, form_class=NoteForm, title=_("Add a counselling note"),
        submit=_("Save the note"), url_name="case-note-add", save=save, success=_("The note is saved."),
        anchor="notes", with_members=False, initial={"written_on": _today(), "interpreter": "none"},
    )


@require_http_methods(["GET", "POST"])
def vulnerability_add_view(request, pk):
    def save(case, form):
        d = form.cleaned_data
        services.vulnerability_record(actor=request.user, case=case, person=form.member(), kind=d["kind"],
                                      detail=d["detail"], assessed_on=d["assessed_on"])

    return _record_view(
        request, pk, action=Action.CASE_EDIT, form_class=VulnerabilityForm, title=_("Record a vulnerability"),
        submit=_("Record the vulnerability"), url_name="case-vulnerability-add", save=save,
        success=_("The vulnerability is recorded."), anchor="vulnerabilities", initial={"assessed_on": _today()},
    )


@require_http_methods(["GET", "POST"])
def consent_add_view(request, pk):
    def save(case, form):
        d = form.cleaned_data
        services.consent_record(actor=request.user, case=case, kind=d["kind"], given_on=d["given_on"],
                                person=form.member(), given_by_name=d["given_by_name"])

    return _record_view(
        request, pk, action=Action.CASE_EDIT, form_class=ConsentForm, title=_("Record a consent"),
        submit=_("Record the consent"), url_name="case-consent-add", save=save,
        success=_("The consent is recorded."), anchor="consents", initial={"given_on": _today()},
    )


@require_http_methods(["GET", "POST"])
def guardian_add_view(request, pk):
    def save(case, form):
        d = form.cleaned_data
        services.return_guardian_record(
            actor=request.user, case=case, minor=form.member(), name=d["name"], relationship=d["relationship"],
            identified_by=d["identified_by"], confirmed_on=d["confirmed_on"],
        )

    return _record_view(
        request, pk, action=Action.CASE_EDIT, form_class=ReturnGuardianForm,
        title=_("Record the guardian in the country of return"), submit=_("Record the guardian"),
        url_name="case-guardian-add", save=save, success=_("The guardian in the country of return is recorded."),
        anchor="guardians", initial={"confirmed_on": _today()},
    )


@require_http_methods(["GET", "POST"])
def fit_to_travel_add_view(request, pk):
    def save(case, form):
        d = form.cleaned_data
        services.fit_to_travel_record(actor=request.user, case=case, person=form.member(), fit=d["fit"],
                                      statement_on=d["statement_on"], issued_by=d["issued_by"],
                                      conditions=d["conditions"])

    return _record_view(
        request, pk, action=Action.DOCUMENT_EDIT, form_class=FitToTravelForm,
        title=_("Record a fit-to-travel statement"), submit=_("Record the statement"),
        url_name="case-fit-to-travel-add", save=save, success=_("The fit-to-travel statement is recorded."),
        anchor="fit-to-travel", initial={"statement_on": _today()},
    )


@require_http_methods(["GET", "POST"])
def attachment_add_view(request, pk):
    def save(case, form):
        d = form.cleaned_data
        services.attachment_add(actor=request.user, case=case, kind=d["kind"], upload=d["file"],
                                person=form.member())

    return _record_view(
        request, pk, action=Action.CASE_EDIT, form_class=AttachmentForm, title=_("Attach a file"),
        submit=_("Upload"), url_name="case-attachment-add", save=save, success=_("The file is attached."),
        anchor="attachments", multipart=True,
    )


# ---------------------------------------------------------------- one-button actions


@require_POST
def vulnerability_end_view(request, pk, vulnerability_pk):
    case = _case_for(request, pk, Action.CASE_EDIT)
    vulnerability = case.vulnerabilities.filter(pk=vulnerability_pk).first()
    if vulnerability is None:
        raise Http404("No such vulnerability")
    if vulnerability.ended_on:
        messages.info(request, _("This vulnerability was already ended."))
        return _back(case, "vulnerabilities")
    try:
        services.vulnerability_end(actor=request.user, vulnerability=vulnerability)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The vulnerability no longer applies from today."))
    return _back(case, "vulnerabilities")


@require_POST
def vulnerabilities_assessed_view(request, pk):
    case = _case_for(request, pk, Action.CASE_EDIT)
    try:
        services.vulnerabilities_assessed(actor=request.user, case=case)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The household's vulnerabilities are recorded as assessed today."))
    return _back(case, "vulnerabilities")


@require_POST
def consent_withdraw_view(request, pk, consent_pk):
    case = _case_for(request, pk, Action.CASE_EDIT)
    consent = case.consents.filter(pk=consent_pk).first()
    if consent is None:
        raise Http404("No such consent")
    if consent.withdrawn_on:
        messages.info(request, _("This consent was already withdrawn."))
        return _back(case, "consents")
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The consent is recorded as withdrawn."))
    return _back(case, "consents")


# ---------------------------------------------------------------- attachments


@never_cache
@require_GET
def attachment_download_view(request, pk, attachment_pk):
    """Stream a stored attachment after the access check; every download leaves an audit row."""
    attachment = attachment_get_for_user(request.user, pk, attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The stored file is missing") from None
    try:
        with transaction.atomic():
            audit_record(actor=request.user, action=AuditAction.DOWNLOAD, obj=attachment, case_id=attachment.case_id,
                         person_id=attachment.person_id, mission_id=attachment.case.mission_id,
                         summary=f"downloaded attachment {attachment.kind}")
    except Exception:
        handle.close()
        raise
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ---------------------------------------------------------------- application details


@require_http_methods(["GET", "POST"])
def case_edit_view(request, pk):
    case = _case_for(request, pk, Action.CASE_EDIT, audit_read=request.method == "GET")
    status = 200
    if request.method == "POST":
        form = CaseEditForm(request.POST, case=case)
        if form.is_valid():
            try:
                services.case_update(actor=request.user, case=case, version=form.cleaned_data["version"],
                                     **form.service_fields())
            except ConcurrentEditError as exc:
                # The user's input stays on screen; nothing of the other person's save is lost.
                form.add_error(None, exc.message)
                status = 409
            except ServiceError as exc:
                form.add_service_error(exc)
                status = 400
            else:
                messages.success(request, _("The application details are saved."))
                if not cases_visible_to(request.user).filter(pk=case.pk).exists():
                    messages.info(request, _("The case is no longer in your caseload."))
                    return redirect("case-list")
                return _back(case)
        else:
            status = 400
    else:
        form = CaseEditForm(initial=CaseEditForm.initial_for(case), case=case)
    return render(request, "cases/case_edit.html", {"case": case, "form": form}, status=status)

