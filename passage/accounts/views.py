"""Staff administration: the administrator's own mission only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from passage.core.errors import ConcurrentEditError, ServiceError

from . import services
from .forms import StaffForm, apply_service_error
from .permissions import Action, user_can
from .selectors import staff_get_for_user, staff_visible_to


def _require(request, action: Action) -> None:
    if not user_can(request.user, action):
        raise PermissionDenied


def staff_list(request):
    _require(request, Action.STAFF_MANAGE)
    staff = (staff_visible_to(request.user).prefetch_related("work_posts", "supervised_work_posts", "clearances")
             .order_by("-is_active", "last_name", "first_name", "username"))
    page = Paginator(staff, 100).get_page(request.GET.get("page"))
    return render(request, "accounts/staff_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def staff_create(request):
    _require(request, Action.STAFF_MANAGE)
    form = StaffForm(request.POST or None, mission_id=request.user.mission_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user, username=data["username"], password=data["password"], role=data["role"],
                first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
                work_posts=data["work_posts"], supervised_work_posts=data["supervised_work_posts"],
                clearances=data["clearances"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Staff member %(name)s created.") % {"name": user.username})
            return redirect("staff-list")
    return render(request, "accounts/staff_form.html", {"form": form, "staff_member": None})


@require_http_methods(["GET", "POST"])
def staff_edit(request, pk):
    _require(request, Action.STAFF_MANAGE)
    member = staff_get_for_user(request.user, pk)
    editing_self = member.pk == request.user.pk
    initial = {
        "username": member.username, "first_name": member.first_name, "last_name": member.last_name,
        "email": member.email, "role": member.role, "work_posts": list(member.work_posts.all()),
        "supervised_work_posts": list(member.supervised_work_posts.all()),
        "clearances": sorted(member.clearances.values_list("category", flat=True)), "version": member.version,
    }
    form = StaffForm(request.POST or None, initial=initial, mission_id=request.user.mission_id, editing=member,
                     editing_self=editing_self)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user, user=member, version=data["version"], first_name=data["first_name"],
                last_name=data["last_name"], email=data["email"], role=data["role"],
                work_posts=data["work_posts"], supervised_work_posts=data["supervised_work_posts"],
                clearances=data["clearances"],
            )
        except ConcurrentEditError as exc:
            # Keep what the user typed on screen; nothing was stored.
            form.add_error(None, exc.message)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Staff member %(name)s saved.") % {"name": member.username})
            return redirect("staff-list")
    return render(request, "accounts/staff_form.html", {"form": form, "staff_member": member})


@require_POST
def staff_deactivate(request, pk):
    return _set_active(request, pk, services.user_deactivate, _("Staff member %(name)s can no longer sign in."))


@require_POST
def staff_reactivate(request, pk):
    return _set_active(request, pk, services.user_reactivate, _("Staff member %(name)s can sign in again."))


def _set_active(request, pk, service, success_message):
    _require(request, Action.STAFF_MANAGE)
    member = staff_get_for_user(request.user, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        service(actor=request.user, user=member, version=version)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success_message % {"name": member.username})
    return redirect("staff-list")
