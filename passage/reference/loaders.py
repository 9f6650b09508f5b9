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
