"""The SMPP connector's reading of what the SMSC sends, on real PDUs (encoded by smpp34, parsed by smpplib as
the connector does): delivery receipts in their TLV and text forms, and which refusals are worth a retry."""

import pytest
import smpp34
import smpplib.client
import smpplib.smpp

from passage.messaging.gateways import PermanentError, TemporaryError
from passage.messaging.smpp import Receipt, receipt_from, status_error


@pytest.fixture
def parse():
    client = smpplib.client.Client("127.0.0.1", 1, allow_unknown_opt_params=True)  # never connected
    yield lambda pdu: smpplib.smpp.parse_pdu(pdu.encode(), client=client, allow_unknown_opt_params=True)
    client._socket = None


def receipt(text: str, *, tlvs=(), esm_class=0x04):
    return smpp34.DeliverSm("IOM", "31612345678", text.encode(), esm_class=esm_class, tlvs=list(tlvs),
                            sequence_number=7)


TEXT = "id:{id} sub:001 dlvrd:{d} submit date:2612011000 done date:2612011001 stat:{stat} err:{err} text:Your fl"


def test_a_text_receipt_delivered(parse):
    assert receipt_from(parse(receipt(TEXT.format(id="a1b2", d="001", stat="DELIVRD", err="000")))) == \
        Receipt("a1b2", True, "")


def test_a_text_receipt_undeliverable_carries_the_state_and_the_error(parse):
    assert receipt_from(parse(receipt(TEXT.format(id="77", d="000", stat="UNDELIV", err="011")))) == \
        Receipt("77", False, "UNDELIV (err:011)")


def test_the_tlvs_win_over_the_text(parse):
    pdu = receipt(TEXT.format(id="0x4d", d="000", stat="REJECTD", err="002"),
                  tlvs=[smpp34.Tlv(smpp34.TLV_RECEIPTED_MESSAGE_ID, b"77\x00"),
                        smpp34.Tlv(smpp34.TLV_MESSAGE_STATE, bytes([8]))])
    assert receipt_from(parse(pdu)) == Receipt("77", False, "REJECTD (err:002)")


def test_a_tlv_only_receipt(parse):
    pdu = receipt("", tlvs=[smpp34.Tlv(smpp34.TLV_RECEIPTED_MESSAGE_ID, b"m-9\x00"),
                            smpp34.Tlv(smpp34.TLV_MESSAGE_STATE, bytes([2]))])
    assert receipt_from(parse(pdu)) == Receipt("m-9", True, "")


@pytest.mark.parametrize("stat", ["ENROUTE", "ACCEPTD"])
def test_an_intermediate_state_is_no_receipt_yet(parse, stat):
    assert receipt_from(parse(receipt(TEXT.format(id="5", d="000", stat=stat, err="000")))) is None


def test_an_incoming_sms_is_no_receipt(parse):
    assert receipt_from(parse(receipt("id:5 stat:DELIVRD", esm_class=0))) is None


@pytest.mark.parametrize(("status", "kind", "text"), [
    (0x58, TemporaryError, "SMSC refused: ESME_RTHROTTLED (0x00000058)"),
    (0x14, TemporaryError, "SMSC refused: ESME_RMSGQFUL (0x00000014)"),
    (0x08, TemporaryError, "SMSC refused: ESME_RSYSERR (0x00000008)"),
    (0x0B, PermanentError, "SMSC refused: ESME_RINVDSTADR (0x0000000B)"),
    (0x01, PermanentError, "SMSC refused: ESME_RINVMSGLEN (0x00000001)"),
    (0x400, PermanentError, "SMSC refused: error (0x00000400)"),
])
def test_which_refusals_are_retried(status, kind, text):
    error = status_error(status)
    assert type(error) is kind and str(error) == text
