import datetime

from django.db import migrations


def load(apps, schema_editor):
    from passage.reference.loaders import load_airports, load_languages

    load_languages(apps.get_model("reference", "Language"))
    load_airports(apps.get_model("reference", "Airport"))
    EligibilityRule = apps.get_model("reference", "EligibilityRule")
    start = datetime.date(2000, 1, 1)
    rules = [
        ("no_prior_assisted_return", 5, "No assisted departure in the last 5 years"),
        ("nationality_not_excluded", None, ""),
        ("travel_document", None, ""),
        ("residence_procedure_withdrawn", None, ""),
        ("no_government_objection", None, ""),
    ]
    for code, years, note in rules:
        EligibilityRule.objects.get_or_create(
            programme="avrr", code=code, version=1,
            defaults={"valid_from": start, "lookback_years": years, "note": note},
        )


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
