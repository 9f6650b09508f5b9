"""Every person-owned row carries its mission (ARCHITECTURE.md, "Scale path": shard by mission later).

The column is added nullable, filled from the parent row in SQL that runs on SQLite and PostgreSQL, then made
non-null. On PostgreSQL the new foreign keys are DEFERRABLE INITIALLY DEFERRED, and a table with pending trigger
events cannot be altered in the same transaction: constraints are checked at once while filling."""

import django.db.models.deletion
from django.db import migrations, models

FILL = [
    ("people_personname", "people_person", "person_id"),
    ("people_nationality", "people_person", "person_id"),
    ("people_phone", "people_person", "person_id"),
    ("people_identifier", "people_person", "person_id"),
    ("people_traveldocument", "people_person", "person_id"),
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
        ("people", "0003_phonetic_trigram"),
    ]

    operations = [
        migrations.AddField(
            model_name="personname",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="nationality",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="phone",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="identifier",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AddField(
            model_name="traveldocument",
            name="mission",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="personname",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="nationality",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="phone",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="identifier",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
        migrations.AlterField(
            model_name="traveldocument",
            name="mission",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission'),
        ),
    ]
