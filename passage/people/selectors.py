"""Reads on persons that do not depend on case access (that lives in cases.selectors)."""

import difflib
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from .models import Identifier, Person, PersonName, TravelDocument
from .names import phonetic_key, search_key
from .validation import normalise_document_number


def name_search_q(term: str, prefix: str = "") -> Q:
    """A filter on PersonName.search_key matching ``term`` fuzzily.

    PostgreSQL: trigram word similarity (index personname_search_trgm). SQLite:
    every folded word of the term must occur. ``prefix`` is the relation path to
    PersonName from the queried model (e.g. ``"members__person__names__"``).
    """
    folded = search_key(term)
    if not folded:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        q = Q()
        for word in folded.split():
            q &= Q(**{f"{prefix}search_key__trigram_word_similar": word})
        return q
    q = Q()
    for word in folded.split():
        q &= Q(**{f"{prefix}search_key__contains": word})
    return q


@dataclass
class DuplicateCandidate:
    person: Person
    reasons: list[str]
    score: float


def person_duplicates(
    *,
    family_name: str = "",
    given_names: str = "",
    birth_year: int | None = None,
    nationalities: list[str] = (),
    document_numbers: list[str] = (),
    identifiers: list[tuple[str, str]] = (),
    exclude_ids: list[int] = (),
    limit: int = 10,
) -> list[DuplicateCandidate]:
    """Likely existing records of the same person, best first.

    Strong: the same document number or identifier. Likely: the same phonetic
    name (across transliterations and word order) with the same year of birth
    and a shared nationality, where given.
    """
    found: dict[int, DuplicateCandidate] = {}

    def add(person, reason, score):
        cand = found.setdefault(person.pk, DuplicateCandidate(person=person, reasons=[], score=0.0))
        cand.reasons.append(reason)
        cand.score = max(cand.score, score)

    live = Person.objects.filter(merged_into__isnull=True).exclude(pk__in=exclude_ids)
    keys = [normalise_document_number(n) for n in document_numbers if normalise_document_number(n)]
    if keys:
        for doc in TravelDocument.objects.filter(number_key__in=keys, person__in=live).select_related("person"):
            add(doc.person, "document", 1.0)
    for kind, value in identifiers:
        if value:
            for ident in Identifier.objects.filter(kind=kind, value=value, person__in=live).select_related("person"):
                add(ident.person, "identifier", 1.0)

    key = phonetic_key(given_names, family_name)
    if key:
        names = PersonName.objects.filter(person__in=live).select_related("person")
        candidates = names.filter(phonetic_key=key)
        if birth_year:
            candidates = candidates | names.filter(
                person__birth_year=birth_year, phonetic_key__startswith=key.split()[0]
            )
        seen = set()
        for name in candidates[:200]:
            person = name.person
            if person.pk in seen:
                continue
            seen.add(person.pk)
            ratio = difflib.SequenceMatcher(None, key, name.phonetic_key).ratio()
            if ratio < 0.75:
                continue
            if birth_year and person.birth_year and abs(person.birth_year - birth_year) > 1:
                continue
            if nationalities:
                theirs = set(person.nationalities.values_list("country", flat=True))
                if theirs and not theirs & set(nationalities):
                    continue
            add(person, "name", 0.6 + 0.3 * ratio)
    return sorted(found.values(), key=lambda c: -c.score)[:limit]
