"""The custody log of travel documents: received, stored, handed over; never twice; where it is now."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from passage.audit.models import AuditEvent
from passage.core.errors import ServiceError
from passage.movements import services
from passage.movements.enums import CustodyEventKind, CustodyParty
from passage.movements.models import CustodyEvent
from passage.movements.selectors import custody_now, custody_now_for_user
from passage.people.enums import Custody
from passage.people.models import TravelDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def passport(ready_case):
    return TravelDocument.objects.filter(person__memberships__case=ready_case).order_by("pk").first()


def test_a_document_received_from_the_holder_is_in_our_custody_in_the_safe(movements_officer, passport):
    event = services.document_receive(actor=movements_officer, document=passport, party=CustodyParty.HOLDER,
                                      held_at="Office safe, The Hague")
    assert (event.kind, event.custody, event.held_at, event.recorded_by) == (
        CustodyEventKind.RECEIVED, Custody.WITH_ORGANISATION, "Office safe, The Hague", movements_officer)
    assert TravelDocument.objects.get(pk=passport.pk).custody == Custody.WITH_ORGANISATION
    assert AuditEvent.objects.filter(object_type="movements.custodyevent", action="create").count() == 1


def test_a_document_cannot_be_received_twice_without_a_hand_over(movements_officer, passport):
    services.document_receive(actor=movements_officer, document=passport, party=CustodyParty.POST, held_at="Safe")
    with pytest.raises(ServiceError) as exc:
        services.document_receive(actor=movements_officer, document=passport, party=CustodyParty.HOLDER,
                                  held_at="Safe")
    assert "already in our custody" in exc.value.message
    assert CustodyEvent.objects.filter(document=passport).count() == 1


def test_a_document_handed_over_cannot_be_handed_over_again(movements_officer, passport):
    services.document_receive(actor=movements_officer, document=passport, party=CustodyParty.HOLDER, held_at="Safe")
    services.document_hand_over(actor=movements_officer, document=passport, party=CustodyParty.PASSENGER_AT_GATE)
    with pytest.raises(ServiceError) as exc:
        services.document_hand_over(actor=movements_officer, document=passport, party=CustodyParty.HOLDER)
    assert exc.value.message.startswith("This document was already handed over (to The passenger, at the gate on ")
    assert exc.value.message.endswith("it cannot be handed over again.")
    assert TravelDocument.objects.get(pk=passport.pk).custody == Custody.HANDED_OVER


def test_a_document_never_received_cannot_be_handed_over(movements_officer, passport):
    with pytest.raises(ServiceError) as exc:
        services.document_hand_over(actor=movements_officer, document=passport, party=CustodyParty.HOLDER)
    assert exc.value.message == "This document is not in our custody: record its receipt first."


def test_a_document_given_back_to_the_holder_may_be_received_again(movements_officer, passport):
    services.document_receive(actor=movements_officer, document=passport, party=CustodyParty.HOLDER, held_at="Safe")
    services.document_hand_over(actor=movements_officer, document=passport, party=CustodyParty.HOLDER)
    assert TravelDocument.objects.get(pk=passport.pk).custody == Custody.WITH_HOLDER
    services.document_receive(actor=movements_officer, document=passport, party=CustodyParty.HOLDER, held_at="Safe")
    assert TravelDocument.objects.get(pk=passport.pk).custody == Custody.WITH_ORGANISATION


def test_refusals_per_field(movements_officer, passport):
    with pytest.raises(ServiceError) as exc:
        services.document_receive(actor=movements_officer, document=passport, party=CustodyParty.EMBASSY,
                                  held_at="", at=timezone.now() + datetime.timedelta(hours=1))
    assert exc.value.field_errors == {
        "party_name": "Give the name of the embassy, the authority or the officer.",
        "held_at": "Say where the document is kept: the office safe or a named location.",
        "at": "Give when it happened; it cannot be in the future.",
    }
    with pytest.raises(ServiceError) as exc:
        services.document_receive(actor=movements_officer, document=passport, party=CustodyParty.PASSENGER_AT_GATE,
                                  held_at="Safe")
    assert list(exc.value.field_errors) == ["party"]


def test_where_is_it_now_for_many_documents_in_one_query(movements_officer, ready_case):
    docs = list(TravelDocument.objects.filter(person__memberships__case=ready_case).order_by("pk"))
    for doc in docs:
        services.document_receive(actor=movements_officer, document=doc, party=CustodyParty.HOLDER, held_at="Safe")
    services.document_store(actor=movements_officer, document=docs[0], held_at="Airport desk safe")
    with CaptureQueriesContext(connection) as queries:
        now = custody_now([d.pk for d in docs])
    assert len(queries) == 1
    assert {k: (v.kind, v.held_at) for k, v in now.items()} == {
        docs[0].pk: (CustodyEventKind.STORED, "Airport desk safe"), docs[1].pk: (CustodyEventKind.RECEIVED, "Safe")}


def test_another_missions_staff_cannot_see_or_log_a_document(movements_ge, movements_officer, passport):
    services.document_receive(actor=movements_officer, document=passport, party=CustodyParty.HOLDER, held_at="Safe")
    with pytest.raises(ServiceError) as exc:
        services.document_hand_over(actor=movements_ge, document=passport, party=CustodyParty.HOLDER)
    assert exc.value.message == "This document does not exist or you may not see it."
    assert custody_now_for_user(movements_ge, [passport.pk]) == {}
    assert list(custody_now_for_user(movements_officer, [passport.pk])) == [passport.pk]
