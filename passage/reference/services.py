"""Writes on rules and partners. Rules are effective-dated: rows are never deleted, a change closes the version
in force and opens a new one, so a check on any date finds the rule that held on that date.

Each function is one transaction with its audit row (object type ``reference.*``).
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action, user_can
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.core.errors import ServiceError

from .enums import Programme, RuleCode
from .models import EligibilityRule, ExcludedCountry, PartnerLocation, PartnerOrganisation, Project
from .validation import project_code_error


def _require(actor) -> None:
    if not user_can(actor, Action.RULES_MANAGE):
        raise ServiceError(_("You are not allowed to change rules or reference data."))


def _audit(actor, action, obj, summary, changes=None):
    return audit_record(actor=actor, action=action, obj=obj, mission_id=getattr(actor, "mission_id", None),
                        summary=summary, changes=changes)


def _iso(day):
    return day.isoformat() if day else None


@transaction.atomic
def excluded_country_add(
    *,
    actor,
    country: str,
    valid_from: datetime.date,
    reason: str,
    valid_to: datetime.date | None = None,
    programme: str = Programme.AVRR,
) -> ExcludedCountry:
    """Put a country on the excluded-country list of a programme for a period (open-ended without ``valid_to``).

    Refused when the period overlaps a period already on the list for that
    country and programme, or ends before it starts. Side effect: a CREATE audit row.
    """
    _require(actor)
    country = (country or "").upper()
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Give the reason (for example the decision that put the country on the list).")
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = _("The end date cannot be before the start date.")
    if not errors:
        # Lock the country's rows so two administrators cannot add overlapping periods at once.
        rows = list(ExcludedCountry.objects.select_for_update().filter(country=country, programme=programme))
        end = valid_to or datetime.date.max
        clash = [r for r in rows if r.valid_from <= end and (r.valid_to is None or r.valid_to >= valid_from)]
        if clash:
            row = clash[0]
            errors["valid_from"] = _(
                "This period overlaps the period already on the list from %(start)s to %(end)s.") % {
                "start": _iso(row.valid_from), "end": _iso(row.valid_to) or _("no end date")}
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)
    row = ExcludedCountry.objects.create(programme=programme, country=country, valid_from=valid_from,
                                         valid_to=valid_to, reason=reason, created_by=actor)
    _audit(actor, AuditAction.CREATE, row, summary=f"excluded country {country} from {_iso(valid_from)}",
           changes={"country": [None, country], "valid_from": [None, _iso(valid_from)],
                    "valid_to": [None, _iso(valid_to)], "reason": [None, reason], "programme": [None, programme]})
    return row


@transaction.atomic
def excluded_country_end(*, actor, row: ExcludedCountry, valid_to: datetime.date) -> ExcludedCountry:
    """Take a country off the list from the day after ``valid_to``. The row stays, with its end date.

    Side effect: an UPDATE audit row.
    """
    _require(actor)
    locked = ExcludedCountry.objects.select_for_update().get(pk=row.pk)
    if locked.valid_to is not None:
        raise ServiceError(_("This period already ended on %(date)s.") % {"date": _iso(locked.valid_to)})
    if valid_to is None or valid_to < locked.valid_from:
        msg = _("The end date cannot be before the start date (%(date)s).") % {"date": _iso(locked.valid_from)}
        raise ServiceError(msg, field_errors={"valid_to": msg})
    locked.valid_to = valid_to
    locked.save(update_fields=["valid_to"])
    _audit(actor, AuditAction.UPDATE, locked, summary=f"excluded country {locked.country.code} ends {_iso(valid_to)}",
           changes={"valid_to": [None, _iso(valid_to)]})
    return locked


@transaction.atomic
def eligibility_rule_version_add(
    *,
    actor,
    code: str,
    valid_from: datetime.date,
    active: bool = True,
    lookback_years: int | None = None,
    note: str = "",
    programme: str = Programme.AVRR,
) -> EligibilityRule:
    """Open a new version of a rule from ``valid_from``; the version in force then ends the day before.

    Refused when a version of the rule already starts on or after ``valid_from``
    (versions are added in date order, so history is never rewritten). Side
    effects: an UPDATE audit row for the version closed, a CREATE row for the new one.
    """
    _require(actor)
    errors = {}
    if code not in RuleCode.values:
        errors["code"] = _("Choose a rule from the list.")
    if code == RuleCode.NO_PRIOR_ASSISTED_RETURN and active and not lookback_years:
        errors["lookback_years"] = _("Give the look-back period in years.")
    if lookback_years is not None and lookback_years < 1:
        errors["lookback_years"] = _("The look-back period is at least one year.")
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)
    # Lock every version of the rule: two administrators adding a version at once are serialised.
    versions = list(EligibilityRule.objects.select_for_update().filter(programme=programme, code=code)
                    .order_by("valid_from", "version"))
    later = [v for v in versions if v.valid_from >= valid_from]
    if later:
        msg = _("Version %(version)s of this rule already starts on %(date)s; a new version must start after "
                "it.") % {"version": later[0].version, "date": _iso(later[0].valid_from)}
        raise ServiceError(msg, field_errors={"valid_from": msg})
    previous_day = valid_from - datetime.timedelta(days=1)
    for current in versions:
        if current.valid_to is not None and current.valid_to < valid_from:
            continue
        old_end = current.valid_to
        current.valid_to = previous_day
        current.save(update_fields=["valid_to"])
        _audit(actor, AuditAction.UPDATE, current, summary=f"rule {code} v{current.version} ends {_iso(previous_day)}",
               changes={"valid_to": [_iso(old_end), _iso(previous_day)]})
    number = max((v.version for v in versions), default=0) + 1
    rule = EligibilityRule.objects.create(
        programme=programme, code=code, version=number, valid_from=valid_from, active=active,
        lookback_years=lookback_years, note=(note or "").strip(), created_by=actor,
    )
    _audit(actor, AuditAction.CREATE, rule, summary=f"rule {code} v{number} from {_iso(valid_from)}",
           changes={"version": [None, number], "valid_from": [None, _iso(valid_from)], "active": [None, active],
                    "lookback_years": [None, lookback_years], "note": [None, rule.note]})
    return rule


@transaction.atomic
def partner_organisation_create(*, actor, name: str, kind: str) -> PartnerOrganisation:
    _require(actor)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Please correct the marked fields."), field_errors={"name": _("This field is required.")})
    if PartnerOrganisation.objects.filter(name__iexact=name).exists():
        msg = _("A partner organisation with this name exists.")
        raise ServiceError(msg, field_errors={"name": msg})
    organisation = PartnerOrganisation.objects.create(name=name, kind=kind)
    _audit(actor, AuditAction.CREATE, organisation, summary=f"partner organisation {name}",
           changes={"name": [None, name], "kind": [None, kind]})
    return organisation


@transaction.atomic
def partner_location_create(
    *, actor, organisation: PartnerOrganisation, name: str, kind: str, city: str, address: str = "",
    postcode: str = "", country: str = "NL",
) -> PartnerLocation:
    _require(actor)
    errors = {f: _("This field is required.") for f, v in (("name", name), ("city", city)) if not (v or "").strip()}
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)
    location = PartnerLocation.objects.create(organisation=organisation, name=name.strip(), kind=kind,
                                              city=city.strip(), address=address.strip(), postcode=postcode.strip(),
                                              country=country)
    _audit(actor, AuditAction.CREATE, location, summary=f"partner location {location.name} of {organisation.name}",
           changes={"organisation": [None, organisation.name], "name": [None, location.name],
                    "city": [None, location.city]})
    return location


@transaction.atomic
def project_create(*, actor, code: str, name: str, funded_by: str, starts_on: datetime.date,
                   ends_on: datetime.date | None = None) -> Project:
    """A funded project of the administrator's mission: bookings record their costs against it."""
    _require(actor)
    if not actor.mission_id:
        raise ServiceError(_("You are not allowed to change rules or reference data."))
    code = (code or "").strip().upper()
    name, funded_by = (name or "").strip(), (funded_by or "").strip()
    errors = {f: _("This field is required.") for f, v in (("code", code), ("name", name), ("funded_by", funded_by))
              if not v}
    if code and (msg := project_code_error(code)):
        errors["code"] = msg
    elif code and Project.objects.filter(code=code).exists():
        errors["code"] = _("A project with this code exists.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The project ends before it starts.")
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)
    project = Project.objects.create(mission_id=actor.mission_id, code=code, name=name, funded_by=funded_by,
                                     starts_on=starts_on, ends_on=ends_on)
    _audit(actor, AuditAction.CREATE, project, summary=f"project {code}",
           changes={"code": [None, code], "funded_by": [None, funded_by], "starts_on": [None, _iso(starts_on)],
                    "ends_on": [None, _iso(ends_on)]})
    return project
