"""Which staff records an administrator sees: the staff of their own mission, nobody else's."""

from django.db.models import QuerySet
from django.http import Http404

from .models import User, WorkPost
from .permissions import Action, user_can


def staff_visible_to(user) -> QuerySet[User]:
    if not user_can(user, Action.STAFF_MANAGE) or user.mission_id is None:
        return User.objects.none()
    return User.objects.filter(mission_id=user.mission_id)


def staff_get_for_user(user, pk) -> User:
    """The staff member if ``user`` administers their mission, else Http404."""
    try:
        return staff_visible_to(user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("No such staff member") from None


def work_posts_of_mission(mission_id) -> QuerySet[WorkPost]:
    return WorkPost.objects.filter(mission_id=mission_id, active=True).order_by("name")
