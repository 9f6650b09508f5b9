"""The eligibility rules of a programme, evaluated against the rule versions in force on a date.

Which rules apply, and their parameters, are data (reference.EligibilityRule,
reference.ExcludedCountry); this module only knows how to evaluate each code.
Reasons are stored untranslated (``msgid`` + params) and shown in the reader's
language.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from passage.people.enums import TRAVEL_DOCUMENT_KINDS, DocumentStatus
from passage.people.services import person_ids_matching
from passage.reference.enums import RuleCode
from passage.reference.models import EligibilityRule, ExcludedCountry

from .enums import GovernmentPosition
from .models import AssistedDeparture, Case


@dataclass
class RuleResult:
    rule: EligibilityRule
    passed: bool
    msgid: str
    params: dict = field(default_factory=dict)


def rules_in_force(programme: str, on: datetime.date) -> list[EligibilityRule]:
    """The highest version of each rule in force on ``on``; rules switched off for that date are left out."""
    latest: dict[str, EligibilityRule] = {}
    for rule in EligibilityRule.objects.in_force_on(on).filter(programme=programme).order_by("code", "-version"):
        latest.setdefault(rule.code, rule)
    order = list(RuleCode.values)
    return sorted((r for r in latest.values() if r.active),
                  key=lambda r: order.index(r.code) if r.code in order else len(order))


def _subtract_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _members(case: Case):
    return [m.person for m in case.members.select_related("person").order_by("id")]


def _display(person) -> str:
    return f"{person.family_name.upper()} {person.given_names}".strip()


def check_no_prior_assisted_return(case: Case, rule: EligibilityRule, on: datetime.date) -> RuleResult:
    years = rule.lookback_years or 5
    since = _subtract_years(on, years)
    for person in _members(case):
        ids = person_ids_matching([person.pk])
        departure = (
            AssistedDeparture.objects.filter(person__in=ids, departed_on__gte=since, departed_on__lte=on)
            .order_by("-departed_on")
            .first()
        )
        if departure:
            return RuleResult(
                rule, False,
                gettext_noop("%(name)s departed with assistance of %(by)s on %(date)s, within the last %(years)s years."),
                {"name": _display(person), "by": departure.assisted_by, "date": departure.departed_on.isoformat(),
                 "years": years},
            )
    return RuleResult(rule, True, gettext_noop("No assisted departure of any member since %(since)s."),
                      {"since": since.isoformat()})


def check_nationality_not_excluded(case: Case, rule: EligibilityRule, on: datetime.date) -> RuleResult:
    excluded = {
        row.country.code: row
        for row in ExcludedCountry.objects.in_force_on(on).filter(programme=case.programme)
    }
    for person in _members(case):
        for nat in person.nationalities.all():
            row = excluded.get(nat.country.code)
            if row:
                return RuleResult(
                    rule, False,
                    gettext_noop("%(name)s has the nationality of %(country)s, which is on the excluded-country list since "
                       "%(since)s (%(reason)s)."),
                    {"name": _display(person), "country": nat.country.code, "since": row.valid_from.isoformat(),
                     "reason": row.reason},
                )
    return RuleResult(rule, True, gettext_noop("No member's nationality is on the excluded-country list on %(date)s."),
                      {"date": on.isoformat()})


def check_travel_document(case: Case, rule: EligibilityRule, on: datetime.date) -> RuleResult:
    missing = []
    for person in _members(case):
        docs = [d for d in person.documents.all() if d.kind in TRAVEL_DOCUMENT_KINDS]
        if not any(d.valid_on(on) or d.status == DocumentStatus.REQUESTED for d in docs):
            missing.append(_display(person))
    if missing:
        return RuleResult(rule, False, gettext_noop("No valid travel document held or requested for: %(names)s."),
                          {"names": ", ".join(missing)})
    return RuleResult(rule, True, gettext_noop("Every member holds a valid travel document or has requested one."))


def check_residence_procedure_withdrawn(case: Case, rule: EligibilityRule, on: datetime.date) -> RuleResult:
    if case.residence_procedure_none:
        return RuleResult(rule, True, gettext_noop("No residence procedure is pending."))
    if case.residence_procedure_withdrawn_on and case.residence_procedure_withdrawn_on <= on:
        return RuleResult(rule, True, gettext_noop("Residence procedures withdrawn on %(date)s."),
                          {"date": case.residence_procedure_withdrawn_on.isoformat()})
    return RuleResult(rule, False, gettext_noop("The withdrawal of pending residence procedures is not recorded."))


def check_no_government_objection(case: Case, rule: EligibilityRule, on: datetime.date) -> RuleResult:
    if case.government_position == GovernmentPosition.NO_OBJECTION:
        return RuleResult(rule, True, gettext_noop("The government has no objection (recorded %(date)s)."),
                          {"date": (case.government_position_on or on).isoformat()})
    if case.government_position == GovernmentPosition.OBJECTION:
        return RuleResult(rule, False, gettext_noop("The government objects to assisted return (recorded %(date)s)."),
                          {"date": (case.government_position_on or on).isoformat()})
    return RuleResult(rule, False, gettext_noop("The government's position is not recorded yet."))


EVALUATORS = {
    RuleCode.NO_PRIOR_ASSISTED_RETURN: check_no_prior_assisted_return,
    RuleCode.NATIONALITY_NOT_EXCLUDED: check_nationality_not_excluded,
    RuleCode.TRAVEL_DOCUMENT: check_travel_document,
    RuleCode.RESIDENCE_PROCEDURE_WITHDRAWN: check_residence_procedure_withdrawn,
    RuleCode.NO_GOVERNMENT_OBJECTION: check_no_government_objection,
}


def evaluate(case: Case, on: datetime.date) -> list[RuleResult]:
    return [EVALUATORS[rule.code](case, rule, on) for rule in rules_in_force(case.programme, on)]
