from django.db import migrations


def load(apps, schema_editor):
    from passage.reference.loaders import ensure_reference_data

    ensure_reference_data(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
