"""Dutch is the default language: every string has a Dutch translation, and the compiled catalogue is current."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "nl" / "LC_MESSAGES"


def test_every_string_is_translated_to_dutch():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries() if e.msgid] == []


def test_compiled_catalogue_matches_the_source():
    po = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0)) for e in polib.pofile(str(LOCALE / "django.po"))
          if e.msgid and not e.obsolete}
    mo = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0)) for e in polib.mofile(str(LOCALE / "django.mo"))
          if e.msgid}
    assert mo == po, "run `make messages` to compile django.mo"
