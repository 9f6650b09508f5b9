"""The case search's name tokens (CaseNameToken), filled from the names of every case's members. The search looks
names up by these instead of the trigram / LIKE tests on PersonName, so the trigram index on
PersonName.phonetic_key (people 0003) goes; the one on search_key stays for the fuzzy fallback."""

import django.db.models.deletion
from django.db import migrations, models

from passage.people.names import CASE_NAME_TOKENS_SQL, name_tokens


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CASE_NAME_TOKENS_SQL)
        schema_editor.execute("DROP INDEX IF EXISTS personname_phonetic_trgm")
        return
    CaseMember = apps.get_model("cases", "CaseMember")
    CaseNameToken = apps.get_model("cases", "CaseNameToken")
    names, cases = {}, {}
    for case_id, mission_id, work_post_id, given, family in CaseMember.objects.values_list(
            "case_id", "case__mission_id", "case__work_post_id", "person__names__given_names",
            "person__names__family_name").iterator():
        cases[case_id] = (mission_id, work_post_id)
        if given is not None or family is not None:
            names.setdefault(case_id, []).append((given or "", family or ""))
    CaseNameToken.objects.bulk_create(
        [CaseNameToken(case_id=case_id, mission_id=cases[case_id][0], work_post_id=cases[case_id][1], token=token)
         for case_id, pairs in names.items() for token in sorted(name_tokens(*pairs))], batch_size=1000)


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS personname_phonetic_trgm ON people_personname "
                              "USING gin (phonetic_key gin_trgm_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('cases', '0005_booked_departed_arrived'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseNameToken',
            fields=[
                ('pk', models.CompositePrimaryKey('case', 'token', blank=True, editable=False, primary_key=True, serialize=False)),
                ('token', models.CharField(max_length=64)),
                ('case', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case')),
                ('mission', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.mission')),
                ('work_post', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.workpost')),
            ],
            options={
                'indexes': [models.Index(fields=['token', 'mission', 'work_post', 'case'], name='casenametoken_lookup')],
            },
        ),
        migrations.RunPython(fill, unfill),
    ]
