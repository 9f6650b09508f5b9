"""A trigram index on PersonName.phonetic_key (PostgreSQL), so the case search's transliteration-proof tests
(key equal to, starting with, ending with or containing the word's key: ``LIKE '% key %'``) are index-backed
instead of reading every name row. SQLite keeps the plain B-tree index of the field (and scans; fine there)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS personname_phonetic_trgm ON people_personname USING gin (phonetic_key gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS personname_phonetic_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_trigram_search")]
    operations = [migrations.RunPython(forwards, backwards)]
