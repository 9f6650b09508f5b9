"""Writes on staff accounts. Each function is one transaction with its audit rows.

The rule that governs all of them: nobody can grant a right they do not hold.
An administrator manages the staff of their own mission only, cannot change
their own role or clearances, cannot grant a clearance they do not hold
themselves, cannot create or edit superusers, and cannot assign work posts of
another mission. Every refusal is a ServiceError with a message for the user
(and, where a form field is at fault, a message for that field).
"""

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.core.errors import ConcurrentEditError, ServiceError

from .enums import Role, SensitiveCategory
from .models import Clearance, User, WorkPost
from .permissions import Action, user_can


def _require_admin(actor) -> None:
    if not user_can(actor, Action.STAFF_MANAGE) or actor.mission_id is None:
        raise ServiceError(_("You are not allowed to manage staff."))


def _audit(actor, action, user: User, summary: str, changes: dict | None = None):
    return audit_record(actor=actor, action=action, obj=user, mission_id=user.mission_id, summary=summary,
                        changes=changes)


def _post_labels(posts: Iterable[WorkPost]) -> list[str]:
    return sorted(p.code for p in posts)


def _check_assignment(actor, *, role: str, work_posts: list[WorkPost], supervised: list[WorkPost]) -> dict:
    """Field errors for a role and work posts the actor may not assign."""
    errors = {}
    if role not in Role.values:
        errors["role"] = _("Choose a role from the list.")
    foreign = [p for p in work_posts if p.mission_id != actor.mission_id]
    if foreign:
        errors["work_posts"] = _("You can only assign work posts of your own mission; not: %(posts)s.") % {
            "posts": ", ".join(str(p) for p in foreign)}
    foreign = [p for p in supervised if p.mission_id != actor.mission_id]
    if foreign:
        errors["supervised_work_posts"] = _(
            "You can only assign work posts of your own mission; not: %(posts)s.") % {
            "posts": ", ".join(str(p) for p in foreign)}
    elif supervised and role != Role.SUPERVISOR:
        errors["supervised_work_posts"] = _("Only a supervisor supervises work posts.")
    return errors


def _check_clearances_grantable(actor, categories: Iterable[str]) -> str | None:
    """The message refusing clearances the actor does not hold, or None."""
    unknown = [c for c in categories if c not in SensitiveCategory.values]
    if unknown:
        return _("Unknown clearance: %(names)s.") % {"names": ", ".join(unknown)}
    not_held = [c for c in categories if c not in actor.cleared_categories()]
    if not_held:
        return _("You cannot grant a clearance you do not hold yourself: %(names)s.") % {
            "names": ", ".join(str(SensitiveCategory(c).label) for c in sorted(not_held))}
    return None


def _grant(actor, user: User, category: str) -> Clearance:
    clearance = Clearance.objects.create(user=user, category=category, granted_by=actor)
    _audit(actor, AuditAction.GRANT, user, summary=f"granted clearance {category} to {user.username}",
           changes={"clearance": [None, category]})
    return clearance


def _revoke(actor, user: User, category: str) -> None:
    Clearance.objects.filter(user=user, category=category).delete()
    _audit(actor, AuditAction.REVOKE, user, summary=f"revoked clearance {category} from {user.username}",
           changes={"clearance": [category, None]})


def _lock(actor, user: User, version: int | None) -> User:
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.mission_id != actor.mission_id:
        raise ServiceError(_("This staff member belongs to another mission."))
    if locked.is_superuser:
        raise ServiceError(_("A superuser holds rights you do not hold; you cannot change their account."))
    if version is not None and locked.version != version:
        raise ConcurrentEditError()
    return locked


def _bump(user: User, fields: list[str]) -> None:
    user.version = F("version") + 1
    user.save(update_fields=[*fields, "version"])
    user.refresh_from_db(fields=["version"])


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    work_posts: Iterable[WorkPost] = (),
    supervised_work_posts: Iterable[WorkPost] = (),
    clearances: Iterable[str] = (),
    is_superuser: bool = False,
) -> User:
    """Create a staff member of the actor's mission with an initial password.

    Side effects: a CREATE audit row, a GRANT row for the role and one GRANT row
    per clearance, all in this transaction.
    """
    _require_admin(actor)
    if is_superuser:
        raise ServiceError(_("Nobody can create a superuser here: it would grant rights you do not hold."))
    username = (username or "").strip()
    work_posts, supervised, clearances = list(work_posts), list(supervised_work_posts), sorted(set(clearances))
    errors = _check_assignment(actor, role=role, work_posts=work_posts, supervised=supervised)
    if not username:
        errors["username"] = _("This field is required.")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This user name is taken.")
    refusal = _check_clearances_grantable(actor, clearances)
    if refusal:
        errors["clearances"] = refusal
    candidate = User(username=username, first_name=first_name, last_name=last_name, email=email)
    try:
        validate_password(password or "", user=candidate)
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)
    user = User(username=username, first_name=first_name.strip(), last_name=last_name.strip(),
                email=email.strip(), role=role, mission_id=actor.mission_id, is_active=True)
    user.set_password(password)
    user.save()
    user.work_posts.set(work_posts)
    user.supervised_work_posts.set(supervised)
    _audit(actor, AuditAction.CREATE, user, summary=f"created staff member {username}",
           changes={"username": [None, username], "name": [None, user.get_full_name()], "email": [None, user.email],
                    "work_posts": [None, _post_labels(work_posts)],
                    "supervised_work_posts": [None, _post_labels(supervised)]})
    _audit(actor, AuditAction.GRANT, user, summary=f"granted role {role} to {username}", changes={"role": [None, role]})
    for category in clearances:
        _grant(actor, user, category)
    return user


@transaction.atomic
def user_update(
    *,
    actor,
    user: User,
    version: int,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    work_posts: Iterable[WorkPost],
    supervised_work_posts: Iterable[WorkPost],
    clearances: Iterable[str],
) -> User:
    """Change a staff member's details, role, work posts and clearances, refusing a save on top of another.

    Side effects: an UPDATE audit row with the changed details, a GRANT row for a
    changed role, a GRANT or REVOKE row per clearance added or taken away.
    """
    _require_admin(actor)
    locked = _lock(actor, user, version)
    work_posts, supervised, clearances = list(work_posts), list(supervised_work_posts), set(clearances)
    held = set(locked.clearances.values_list("category", flat=True))
    errors = _check_assignment(actor, role=role, work_posts=work_posts, supervised=supervised)
    if locked.pk == actor.pk:
        if role != locked.role:
            errors["role"] = _("You cannot change your own role.")
        if clearances != held:
            errors["clearances"] = _("You cannot change your own clearances.")
    if "clearances" not in errors:
        refusal = _check_clearances_grantable(actor, clearances - held)
        if refusal:
            errors["clearances"] = refusal
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)

    before = {"first_name": locked.first_name, "last_name": locked.last_name, "email": locked.email,
              "work_posts": _post_labels(locked.work_posts.all()),
              "supervised_work_posts": _post_labels(locked.supervised_work_posts.all())}
    after = {"first_name": first_name.strip(), "last_name": last_name.strip(), "email": email.strip(),
             "work_posts": _post_labels(work_posts), "supervised_work_posts": _post_labels(supervised)}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    old_role = locked.role
    if not changes and role == old_role and clearances == held:
        return locked
    locked.first_name, locked.last_name, locked.email, locked.role = (
        after["first_name"], after["last_name"], after["email"], role)
    _bump(locked, ["first_name", "last_name", "email", "role"])
    if "work_posts" in changes:
        locked.work_posts.set(work_posts)
    if "supervised_work_posts" in changes:
        locked.supervised_work_posts.set(supervised)
    if changes:
        _audit(actor, AuditAction.UPDATE, locked, summary=f"changed staff member {locked.username}", changes=changes)
    if role != old_role:
        _audit(actor, AuditAction.GRANT, locked, summary=f"granted role {role} to {locked.username}",
               changes={"role": [old_role, role]})
    for category in sorted(clearances - held):
        _grant(actor, locked, category)
    for category in sorted(held - clearances):
        _revoke(actor, locked, category)
    return locked


@transaction.atomic
def clearance_grant(*, actor, user: User, category: str) -> Clearance:
    """Clear ``user`` for one sensitive category; refused unless the actor holds that clearance."""
    _require_admin(actor)
    locked = _lock(actor, user, None)
    if locked.pk == actor.pk:
        raise ServiceError(_("You cannot change your own clearances."))
    refusal = _check_clearances_grantable(actor, [category])
    if refusal:
        raise ServiceError(refusal, field_errors={"clearances": refusal})
    if locked.clearances.filter(category=category).exists():
        raise ServiceError(_("This staff member already holds this clearance."))
    clearance = _grant(actor, locked, category)
    _bump(locked, [])
    return clearance


@transaction.atomic
def clearance_revoke(*, actor, user: User, category: str) -> None:
    _require_admin(actor)
    locked = _lock(actor, user, None)
    if locked.pk == actor.pk:
        raise ServiceError(_("You cannot change your own clearances."))
    if not locked.clearances.filter(category=category).exists():
        raise ServiceError(_("This staff member does not hold this clearance."))
    _revoke(actor, locked, category)
    _bump(locked, [])


@transaction.atomic
def user_deactivate(*, actor, user: User, version: int | None = None) -> User:
    """Stop a staff member from signing in. The account and everything it did stay on record."""
    _require_admin(actor)
    locked = _lock(actor, user, version)
    if locked.pk == actor.pk:
        raise ServiceError(_("You cannot deactivate your own account."))
    if not locked.is_active:
        raise ServiceError(_("This account is already deactivated."))
    locked.is_active = False
    _bump(locked, ["is_active"])
    _audit(actor, AuditAction.REVOKE, locked, summary=f"deactivated staff member {locked.username}",
           changes={"is_active": [True, False]})
    return locked


@transaction.atomic
def user_reactivate(*, actor, user: User, version: int | None = None) -> User:
    _require_admin(actor)
    locked = _lock(actor, user, version)
    if locked.is_active:
        raise ServiceError(_("This account is already active."))
    locked.is_active = True
    _bump(locked, ["is_active"])
    _audit(actor, AuditAction.GRANT, locked, summary=f"reactivated staff member {locked.username}",
           changes={"is_active": [False, True]})
    return locked
