"""Staff administration: an administrator manages their own mission's staff and cannot grant what they do not hold."""

import pytest
from django.urls import reverse
from django.utils import translation

from passage.accounts import services
from passage.accounts.enums import Role, SensitiveCategory
from passage.accounts.models import Clearance, User
from passage.audit.models import AuditEvent
from passage.core.errors import ConcurrentEditError, ServiceError
from passage.testing.factories import UserFactory, WorkPostFactory

PASSWORD = "Lantaarnpaal-Zeven7"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read English messages, whatever translations are compiled (Dutch is the default)."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def _create(actor, **overrides):
    kwargs = {"actor": actor, "username": "new_counsellor", "password": PASSWORD, "role": Role.COUNSELLOR,
              "first_name": "Nina", "last_name": "Nieuw", "email": "nina@passage.example"}
    kwargs.update(overrides)
    return services.user_create(**kwargs)


@pytest.fixture
def ge_work_post(mission_ge):
    return WorkPostFactory(mission=mission_ge, code="GE1", name="Tbilisi office")


@pytest.fixture
def trafficking_admin(mission):
    user = UserFactory(username="trafficking_admin", mission=mission, role=Role.ADMIN)
    Clearance.objects.create(user=user, category=SensitiveCategory.TRAFFICKING)
    return user


# --- services -------------------------------------------------------------------------------------------


def test_user_create_makes_staff_of_the_admins_mission_with_audit_rows(admin_user, work_post_a, work_post_b):
    user = _create(admin_user, work_posts=[work_post_a, work_post_b])
    assert (user.mission_id, user.role, user.is_superuser, user.is_active) == (
        admin_user.mission_id, Role.COUNSELLOR, False, True)
    assert set(user.work_posts.values_list("code", flat=True)) == {"A", "B"}
    assert user.check_password(PASSWORD)
    rows = list(AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk))
                .order_by("id").values_list("action", "changes"))
    assert [r[0] for r in rows] == ["create", "grant"]
    assert rows[0][1]["work_posts"] == [None, ["A", "B"]]
    assert rows[1][1] == {"role": [None, "counsellor"]}
    assert all(e.actor_id == admin_user.pk for e in AuditEvent.objects.all())


def test_user_create_refuses_a_clearance_the_admin_does_not_hold(admin_user):
    with pytest.raises(ServiceError) as exc:
        _create(admin_user, clearances=[SensitiveCategory.TRAFFICKING])
    assert "clearances" in exc.value.field_errors
    assert "do not hold yourself" in str(exc.value.field_errors["clearances"])
    assert not User.objects.filter(username="new_counsellor").exists()
    assert not AuditEvent.objects.exists()


def test_user_create_grants_a_clearance_the_admin_holds_with_a_grant_row(trafficking_admin):
    user = _create(trafficking_admin, clearances=[SensitiveCategory.TRAFFICKING])
    clearance = user.clearances.get()
    assert (clearance.category, clearance.granted_by) == (SensitiveCategory.TRAFFICKING, trafficking_admin)
    assert AuditEvent.objects.filter(action="grant", changes={"clearance": [None, "trafficking"]}).count() == 1


def test_user_create_refuses_work_posts_of_another_mission(admin_user, work_post_a, ge_work_post):
    with pytest.raises(ServiceError) as exc:
        _create(admin_user, work_posts=[work_post_a, ge_work_post])
    assert "Tbilisi office" in str(exc.value.field_errors["work_posts"])
    with pytest.raises(ServiceError) as exc:
        _create(admin_user, role=Role.SUPERVISOR, supervised_work_posts=[ge_work_post])
    assert "supervised_work_posts" in exc.value.field_errors
    assert not User.objects.filter(username="new_counsellor").exists()


def test_user_create_refuses_a_superuser(admin_user):
    with pytest.raises(ServiceError) as exc:
        _create(admin_user, is_superuser=True)
    assert "superuser" in str(exc.value.message)
    assert not User.objects.filter(is_superuser=True).exists()


def test_user_create_refuses_taken_user_name_weak_password_and_unknown_role(admin_user, counsellor_a):
    with pytest.raises(ServiceError) as exc:
        _create(admin_user, username="Counsellor_A", password="short", role="pilot")
    assert set(exc.value.field_errors) == {"username", "password", "role"}


def test_user_create_by_a_non_administrator_is_refused(manager):
    with pytest.raises(ServiceError):
        _create(manager)


def test_admin_cannot_change_their_own_role_or_clearances(trafficking_admin):
    with pytest.raises(ServiceError) as exc:
        services.user_update(actor=trafficking_admin, user=trafficking_admin, version=trafficking_admin.version,
                             first_name="A", last_name="B", email="", role=Role.MANAGER, work_posts=[],
                             supervised_work_posts=[], clearances=[])
    assert set(exc.value.field_errors) == {"role", "clearances"}
    trafficking_admin.refresh_from_db()
    assert trafficking_admin.role == Role.ADMIN
    assert trafficking_admin.clearances.count() == 1
    with pytest.raises(ServiceError):
        services.clearance_revoke(actor=trafficking_admin, user=trafficking_admin,
                                  category=SensitiveCategory.TRAFFICKING)


def test_admin_may_change_their_own_name(admin_user):
    services.user_update(actor=admin_user, user=admin_user, version=admin_user.version, first_name="Ada",
                         last_name="Admin", email="ada@passage.example", role=Role.ADMIN, work_posts=[],
                         supervised_work_posts=[], clearances=[])
    admin_user.refresh_from_db()
    assert (admin_user.get_full_name(), admin_user.version) == ("Ada Admin", 2)


def test_user_update_changes_role_posts_and_clearances_with_grant_and_revoke_rows(
    trafficking_admin, counsellor_a, work_post_a, work_post_b
):
    Clearance.objects.create(user=counsellor_a, category=SensitiveCategory.MEDICAL)
    services.user_update(actor=trafficking_admin, user=counsellor_a, version=counsellor_a.version,
                         first_name="Carla", last_name="Counsel", email="c@passage.example", role=Role.SUPERVISOR,
                         work_posts=[work_post_a], supervised_work_posts=[work_post_b],
                         clearances=[SensitiveCategory.TRAFFICKING])
    counsellor_a.refresh_from_db()
    assert counsellor_a.role == Role.SUPERVISOR
    assert list(counsellor_a.supervised_work_posts.values_list("code", flat=True)) == ["B"]
    assert set(counsellor_a.clearances.values_list("category", flat=True)) == {"trafficking"}
    rows = {(e.action, tuple(sorted(e.changes))) for e in AuditEvent.objects.filter(object_id=str(counsellor_a.pk))}
    assert rows == {
        ("update", ("email", "first_name", "last_name", "supervised_work_posts")),
        ("grant", ("role",)),
        ("grant", ("clearance",)),
        ("revoke", ("clearance",)),
    }


def test_user_update_refuses_granting_an_unheld_clearance_but_keeps_one_already_held(admin_user, counsellor_a):
    Clearance.objects.create(user=counsellor_a, category=SensitiveCategory.MEDICAL)
    common = {"actor": admin_user, "user": counsellor_a, "version": counsellor_a.version, "first_name": "x",
              "last_name": "y", "email": "", "role": Role.COUNSELLOR, "work_posts": [], "supervised_work_posts": []}
    with pytest.raises(ServiceError) as exc:
        services.user_update(**common, clearances=[SensitiveCategory.MEDICAL, SensitiveCategory.TRAFFICKING])
    assert "Victim of trafficking" in str(exc.value.field_errors["clearances"])
    # Keeping a clearance the staff member already holds grants nothing new.
    services.user_update(**common, clearances=[SensitiveCategory.MEDICAL])
    assert set(counsellor_a.clearances.values_list("category", flat=True)) == {"medical"}


def test_clearance_grant_refused_unless_the_admin_holds_it(admin_user, trafficking_admin, counsellor_a):
    with pytest.raises(ServiceError) as exc:
        services.clearance_grant(actor=admin_user, user=counsellor_a, category=SensitiveCategory.TRAFFICKING)
    assert "do not hold yourself" in str(exc.value.message)
    services.clearance_grant(actor=trafficking_admin, user=counsellor_a, category=SensitiveCategory.TRAFFICKING)
    services.clearance_revoke(actor=admin_user, user=counsellor_a, category=SensitiveCategory.TRAFFICKING)
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == ["grant", "revoke"]
    assert not counsellor_a.clearances.exists()


def test_user_update_refuses_a_stale_version_and_stores_nothing(admin_user, counsellor_a):
    stale = counsellor_a.version
    common = {"actor": admin_user, "user": counsellor_a, "email": "", "role": Role.COUNSELLOR, "work_posts": [],
              "supervised_work_posts": [], "clearances": [], "last_name": "L"}
    services.user_update(**common, version=stale, first_name="First")
    with pytest.raises(ConcurrentEditError):
        services.user_update(**common, version=stale, first_name="Second")
    counsellor_a.refresh_from_db()
    assert (counsellor_a.first_name, counsellor_a.version) == ("First", stale + 1)


def test_admin_cannot_change_staff_of_another_mission_or_a_superuser(admin_user, other_mission_staff, mission):
    superuser = UserFactory(username="root", mission=mission, role=Role.ADMIN, is_superuser=True)
    for target in (other_mission_staff, superuser):
        with pytest.raises(ServiceError):
            services.user_deactivate(actor=admin_user, user=target)
        target.refresh_from_db()
        assert target.is_active


def test_deactivate_stops_sign_in_and_is_audited_and_refused_for_oneself(admin_user, counsellor_a, client):
    with pytest.raises(ServiceError):
        services.user_deactivate(actor=admin_user, user=admin_user)
    services.user_deactivate(actor=admin_user, user=counsellor_a)
    assert not client.login(username="counsellor_a", password="correct horse battery")
    event = AuditEvent.objects.get()
    assert (event.action, event.changes) == ("revoke", {"is_active": [True, False]})
    services.user_reactivate(actor=admin_user, user=counsellor_a)
    assert client.login(username="counsellor_a", password="correct horse battery")


# --- views ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["counsellor_a", "supervisor_a", "manager", "dpo", "other_mission_staff"])
def test_staff_pages_are_forbidden_to_other_roles(client, persona, request, counsellor_b):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("staff-list")).status_code == 403
    assert client.get(reverse("staff-create")).status_code == 403
    assert client.get(reverse("staff-edit", args=[counsellor_b.pk])).status_code == 403
    assert client.post(reverse("staff-deactivate", args=[counsellor_b.pk])).status_code == 403


def test_staff_list_shows_only_the_admins_mission(client, admin_user, counsellor_a, other_mission_staff):
    client.force_login(admin_user)
    response = client.get(reverse("staff-list"))
    assert response.status_code == 200
    usernames = {m.username for m in response.context["page"]}
    assert usernames == {"admin", "counsellor_a"}
    assert b"ge_reintegration" not in response.content


def test_staff_of_another_mission_answer_404(client, admin_user, other_mission_staff):
    client.force_login(admin_user)
    assert client.get(reverse("staff-edit", args=[other_mission_staff.pk])).status_code == 404
    assert client.post(reverse("staff-edit", args=[other_mission_staff.pk]), {"role": "admin"}).status_code == 404
    assert client.post(reverse("staff-deactivate", args=[other_mission_staff.pk])).status_code == 404
    other_mission_staff.refresh_from_db()
    assert other_mission_staff.is_active


def test_staff_create_page_creates_a_counsellor(client, admin_user, work_post_a):
    client.force_login(admin_user)
    response = client.post(reverse("staff-create"), {
        "username": "walter", "first_name": "Walter", "last_name": "Werk", "email": "w@passage.example",
        "role": "counsellor", "work_posts": [work_post_a.pk], "password": PASSWORD,
    })
    assert response.status_code == 302
    walter = User.objects.get(username="walter")
    assert (walter.mission_id, list(walter.work_posts.all())) == (admin_user.mission_id, [work_post_a])


def test_staff_create_page_shows_the_refusal_of_an_unheld_clearance_on_the_field(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("staff-create"), {
        "username": "walter", "role": "counsellor", "password": PASSWORD, "clearances": ["medical"],
    })
    assert response.status_code == 200
    assert response.context["form"].errors["clearances"] == [
        "You cannot grant a clearance you do not hold yourself: Medical."]
    assert b'id="id_clearances-error"' in response.content
    assert not User.objects.filter(username="walter").exists()


def test_staff_create_page_refuses_a_work_post_of_another_mission(client, admin_user, ge_work_post):
    client.force_login(admin_user)
    response = client.post(reverse("staff-create"), {
        "username": "walter", "role": "counsellor", "password": PASSWORD, "work_posts": [ge_work_post.pk],
    })
    assert response.status_code == 200
    assert "not one of your mission" in response.context["form"].errors["work_posts"][0]
    assert not User.objects.filter(username="walter").exists()


def test_staff_edit_page_with_a_stale_version_says_so_and_keeps_the_stored_record(client, admin_user, counsellor_a):
    client.force_login(admin_user)
    data = {"first_name": "Old", "last_name": "Version", "email": "", "role": "counsellor",
            "version": counsellor_a.version}
    assert client.post(reverse("staff-edit", args=[counsellor_a.pk]), data).status_code == 302
    response = client.post(reverse("staff-edit", args=[counsellor_a.pk]), {**data, "first_name": "Lost"})
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    counsellor_a.refresh_from_db()
    assert counsellor_a.first_name == "Old"


def test_staff_edit_page_of_oneself_keeps_role_and_clearances_fixed(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("staff-edit", args=[admin_user.pk]), {
        "first_name": "Ada", "last_name": "Admin", "email": "", "role": "manager", "clearances": ["medical"],
        "version": admin_user.version,
    })
    assert response.status_code == 302
    admin_user.refresh_from_db()
    # Disabled fields ignore what was posted: the role and clearances stay as they were.
    assert (admin_user.first_name, admin_user.role, admin_user.clearances.count()) == ("Ada", Role.ADMIN, 0)
