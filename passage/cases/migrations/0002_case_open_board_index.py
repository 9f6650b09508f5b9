"""A partial covering index for the supervisor's view (PostgreSQL): open cases only, keyed by mission, work
post, counsellor and status and carrying the sensitivity flags, so the counts per status x work post x
counsellor over ``cases_visible_to(user)`` are one index-only scan instead of a walk over the table; and one
for the overdue reviews (on hold, by review date).
SQLite keeps the model's (work_post, status) and (counsellor, status) indexes."""

from django.db import migrations

OPEN = ("contact", "application", "eligibility", "preparation", "ready_to_depart", "on_hold")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    statuses = ", ".join(f"'{s}'" for s in OPEN)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_open_board ON cases_case (mission_id, work_post_id, counsellor_id, status) "
        f"INCLUDE (is_trafficking, is_unaccompanied_minor, is_medical) WHERE status IN ({statuses})"
    )
    # Overdue reviews: cases on hold by review date, covering what the scope tests (index-only count).
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_on_hold_review ON cases_case (on_hold_review_on, id) "
        "INCLUDE (mission_id, work_post_id, counsellor_id, is_trafficking, is_unaccompanied_minor, is_medical) "
        "WHERE status = 'on_hold'"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS case_on_hold_review")
    schema_editor.execute("DROP INDEX IF EXISTS case_open_board")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
