"""The cash contribution: operations propose it from the case's journey; finance approves or declines it from
its own queue. Finance has no case scope: the queue shows the case number and the money, nothing of the people,
and never links to the case (docs/decisions/0009-finance-approves-cash.md)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passage.accounts.permissions import Action, user_can
from passage.core.errors import ConcurrentEditError, ServiceError

from .. import services
from ..enums import LIVE_BOOKING_STATUSES, CashStatus, ItineraryLeg
from ..forms import CashDecisionForm, CashProposalForm
from ..models import Booking, CashContribution, Segment
from ..selectors import cash_proposals_for_finance
from .actions import _case_for, _form_view


def _queue_rows(user):
    """Open proposals first (oldest first), then the latest decisions; per row the case's approved amount and the
    first departure and project of its booking in progress: what finance needs, one query."""
    live = Booking.objects.filter(case_id=OuterRef("case_id"), status__in=sorted(LIVE_BOOKING_STATUSES))
    first = Segment.objects.filter(itinerary__booking__case_id=OuterRef("case_id"),
                                   itinerary__booking__status__in=sorted(LIVE_BOOKING_STATUSES),
                                   itinerary__leg=ItineraryLeg.MAIN, itinerary__superseded_at__isnull=True
                                   ).order_by("departs_at")
    approved = CashContribution.objects.filter(case_id=OuterRef("case_id"), superseded_at__isnull=True)
    qs = (cash_proposals_for_finance(user).select_related("case", "proposed_by", "decided_by")
          .only("pk", "status", "amount", "currency", "note", "proposed_at", "decided_at", "decision_note",
                "superseded_at", "case__number", "proposed_by__username", "proposed_by__first_name",
                "proposed_by__last_name", "decided_by__username", "decided_by__first_name", "decided_by__last_name")
          .annotate(project_code=Subquery(live.values("project_code")[:1]),
                    first_departs_at=Subquery(first.values("departs_at")[:1]),
                    approved_amount=Subquery(approved.values("amount")[:1]),
                    approved_currency=Subquery(approved.values("currency")[:1])))
    open_rows = list(qs.filter(status=CashStatus.PROPOSED, superseded_at__isnull=True).order_by("proposed_at", "pk"))
    decided = list(qs.exclude(status=CashStatus.PROPOSED).order_by("-decided_at", "-pk")[:50])
    return open_rows, decided


def _render_queue(request, *, status=200, error=None):
    open_rows, decided = _queue_rows(request.user)
    return render(request, "movements/cash_queue.html", {"open_rows": open_rows, "decided": decided,
                                                         "error": error}, status=status)


@require_GET
def cash_queue(request):
    if not user_can(request.user, Action.CASH_APPROVE):
        raise PermissionDenied
    return _render_queue(request)


@require_POST
def cash_decide_view(request, proposal_pk):
    if not user_can(request.user, Action.CASH_APPROVE):
        raise PermissionDenied
    proposal = cash_proposals_for_finance(request.user).filter(pk=proposal_pk).select_related("case").first()
    if proposal is None:
        raise Http404("No such cash contribution")
    form = CashDecisionForm(request.POST)
    if not form.is_valid():
        return _render_queue(request, status=400, error={
            "pk": proposal.pk, "message": _("Choose to approve or decline."), "details": []})
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.cash_contribution_decide(actor=request.user, proposal=proposal, approve=approve,
                                          note=form.cleaned_data["note"])
    except ServiceError as exc:
        return _render_queue(request, status=409 if isinstance(exc, ConcurrentEditError) else 400, error={
            "pk": proposal.pk, "message": exc.message, "details": [*exc.details, *exc.field_errors.values()],
            "note": form.cleaned_data["note"]})
    messages.success(request, (_("The cash contribution of %(amount)s %(currency)s for case %(case)s is approved.")
                               if approve else
                               _("The cash contribution of %(amount)s %(currency)s for case %(case)s is declined."))
                     % {"amount": proposal.amount, "currency": proposal.currency, "case": proposal.case.number})
    return redirect(reverse("cash-queue"))


@require_http_methods(["GET", "POST"])
def cash_propose_view(request, pk):
    case = _case_for(request, pk, Action.CASH_PROPOSE)

    def save(data, form):
        services.cash_contribution_propose(actor=request.user, case=case, amount=data["amount"],
                                           currency=data["currency"], note=data["note"])

    return _form_view(
        request, case, form_class=CashProposalForm, title=_("Propose the cash contribution"),
        submit=_("Send to finance"), action_url=reverse("cash-propose", args=[case.pk]), save=save,
        success=_("The cash contribution is proposed: finance approves it before the desk hands it over."),
        initial={"currency": "EUR"},
        intro=_("The cash handed over at departure, part of the reintegration support. It counts at the desk once "
                "finance has approved it."),
    )
