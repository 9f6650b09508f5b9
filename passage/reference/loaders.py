"""Reference data from maintained packages, never hand-typed lists."""

import airportsdata
import pycountry
from babel import Locale


def language_rows():
    dutch = Locale("nl").languages
    english = Locale("en").languages
    for lang in pycountry.languages:
        code = getattr(lang, "alpha_2", None)
        if not code:
            continue
        yield {
            "code": code,
            "name_en": english.get(code, lang.name)[:80],
            "name_nl": dutch.get(code, lang.name)[:80],
        }


def airport_rows():
    countries = {c.alpha_2 for c in pycountry.countries}
    for iata, row in airportsdata.load("IATA").items():
        if not row.get("tz") or row.get("country") not in countries:
            continue
        yield {
            "iata": iata,
            "name": row["name"][:120],
            "city": (row.get("city") or "")[:80],
            "country": row["country"],
            "tz": row["tz"],
        }


def load_languages(Language) -> int:
    existing = set(Language.objects.values_list("code", flat=True))
    new = [Language(**row) for row in language_rows() if row["code"] not in existing]
    Language.objects.bulk_create(new, batch_size=500)
    return len(new)


def load_airports(Airport) -> int:
    existing = set(Airport.objects.values_list("iata", flat=True))
    new = [Airport(**row) for row in airport_rows() if row["iata"] not in existing]
    Airport.objects.bulk_create(new, batch_size=1000)
    return len(new)


DEFAULT_RULES = [
    ("no_prior_assisted_return", 5, "No assisted departure in the last 5 years"),
    ("nationality_not_excluded", None, ""),
    ("travel_document", None, ""),
    ("residence_procedure_withdrawn", None, ""),
    ("no_government_objection", None, ""),
]


def load_default_rules(EligibilityRule) -> None:
    """Version 1 of each return-programme rule, in force from 2000; later versions are added by administrators."""
    import datetime

    for code, years, note in DEFAULT_RULES:
        EligibilityRule.objects.get_or_create(
            programme="avrr", code=code, version=1,
            defaults={"valid_from": datetime.date(2000, 1, 1), "lookback_years": years, "note": note},
        )


def ensure_reference_data(get_model=None) -> None:
    """Load languages, airports and default rules where missing (after migrations, or after a test flushed them)."""
    if get_model is None:
        from django.apps import apps

        get_model = apps.get_model
    Language = get_model("reference", "Language")
    EligibilityRule = get_model("reference", "EligibilityRule")
    if Language.objects.exists() and EligibilityRule.objects.exists():
        return
    load_languages(Language)
    load_airports(get_model("reference", "Airport"))
    load_default_rules(EligibilityRule)
