"""core.db: ``pk__any_of`` (one array parameter on PostgreSQL, an IN list elsewhere)."""

import pytest

from passage.accounts.models import Mission
from passage.testing.factories import MissionFactory

pytestmark = pytest.mark.django_db


def test_any_of_finds_exactly_the_rows_with_those_keys():
    missions = [MissionFactory(code=code) for code in ("AA", "BB", "CC")]
    wanted = [missions[0].pk, missions[2].pk, 10**12]  # a key that does not exist matches nothing
    assert set(Mission.objects.filter(pk__any_of=wanted).values_list("code", flat=True)) == {"AA", "CC"}
    assert set(Mission.objects.filter(pk__any_of=[str(missions[1].pk)]).values_list("code", flat=True)) == {"BB"}


def test_any_of_an_empty_list_matches_nothing_and_combines_with_other_filters():
    MissionFactory(code="AA")
    assert list(Mission.objects.filter(pk__any_of=[])) == []
    assert Mission.objects.exclude(pk__any_of=[]).count() == Mission.objects.count()
