"""Every case-owned row carries its mission (ARCHITECTURE.md, "Scale path": shard by mission later).

The column is added nullable, filled from the parent row in SQL that runs on SQLite and PostgreSQL, then made
non-null. On PostgreSQL the new foreign keys are DEFERRABLE INITIALLY DEFERRED, and a table with pending trigger
events cannot be altered in the same transaction: constraints are checked at once while filling."""

import django.db.models.deletion
from django.db import migrations, models

FILL = [
    ("cases_casemember", "cases_case", "case_id"),
    ("cases_statuschange", "cases_case", "case_id"),
    ("cases_eligibilitycheck", "cases_case", "case_id"),
    ("cases_eligibilityoutcome", "cases_eligibilitycheck", "eligibility_check_id"),
    ("cases_vulnerability", "cases_case", "case_id"),
    ("cases_consent", "cases_case", "case_id"),
    ("cases_returnguardian", "cases_case", "case_id"),
    ("cases_fittotravel", "cases_case", "case_id"),
    ("cases_note", "cases_case", "case_id"),
    ("cases_attachment", "cases_case", "case_id"),
    ("cases_assisteddeparture", "people_person", "person_id"),
]


def forwards(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for child, parent, link in FILL:
        schema_editor.execute(
            f"UPDATE {child} SET mission_id = (SELECT p.mission_id FROM {parent} p WHERE p.id = {child}.{link})"
        )
    if postgresql:
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("cases", "0003_case_list_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="casemember",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="statuschange",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="eligibilitycheck",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="eligibilityoutcome",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="vulnerability",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="consent",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="returnguardian",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="fittotravel",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="note",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="attachment",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="assisteddeparture",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="casemember",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="eligibilitycheck",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="eligibilityoutcome",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="vulnerability",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="consent",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="returnguardian",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="fittotravel",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="note",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="assisteddeparture",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
    ]
