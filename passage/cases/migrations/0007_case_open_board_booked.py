"""The supervisor's board counts booked cases too (issue 3): the partial covering index ``case_open_board``
(0002) is rebuilt with "booked" in its predicate, so the counts stay one index-only scan. PostgreSQL only."""

from django.db import migrations

BEFORE = ("contact", "application", "eligibility", "preparation", "ready_to_depart", "on_hold")
AFTER = ("contact", "application", "eligibility", "preparation", "ready_to_depart", "booked", "on_hold")


def _rebuild(schema_editor, statuses):
    if schema_editor.connection.vendor != "postgresql":
        return
    listed = ", ".join(f"'{s}'" for s in statuses)
    schema_editor.execute("DROP INDEX IF EXISTS case_open_board")
    schema_editor.execute(
        "CREATE INDEX case_open_board ON cases_case (mission_id, work_post_id, counsellor_id, status) "
        f"INCLUDE (is_trafficking, is_unaccompanied_minor, is_medical) WHERE status IN ({listed})"
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_case_name_tokens")]
    operations = [migrations.RunPython(lambda apps, se: _rebuild(se, AFTER), lambda apps, se: _rebuild(se, BEFORE))]
