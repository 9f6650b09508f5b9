"""The minimum connection times the movements team works with; airports without a row use the default (60)."""

from django.db import migrations

MINUTES = {"AMS": 50, "IST": 60}


def forwards(apps, schema_editor):
    Airport = apps.get_model("reference", "Airport")
    MinimumConnectionTime = apps.get_model("movements", "MinimumConnectionTime")
    for iata in Airport.objects.filter(iata__in=MINUTES).values_list("iata", flat=True):
        MinimumConnectionTime.objects.get_or_create(airport_id=iata, defaults={"minutes": MINUTES[iata]})


def backwards(apps, schema_editor):
    apps.get_model("movements", "MinimumConnectionTime").objects.filter(airport_id__in=MINUTES).delete()


class Migration(migrations.Migration):
    dependencies = [("movements", "0001_initial"), ("reference", "0002_load_reference_data")]
    operations = [migrations.RunPython(forwards, backwards)]
