"""SMS through SMPP 3.4: one long-running connector process (``manage.py smpp_connector``) holding one bind
(transceiver) to the SMSC with smpplib. It is the SMS channel's worker (``MESSAGING_CONNECTOR_CHANNELS``): it
claims due ``sms`` messages itself in batches (``delivery.claim_due``), submits them, and records each outcome
through ``delivery.outcome_record`` — the same states, attempts, history, dead letter and replay as every
channel.

- **TLS** (``SMPP_TLS``, on in production unless the link is protected otherwise): the SMSC's certificate and host
  name are checked (``SMPP_TLS_CA_FILE`` for an authority of its own); a link that fails the check never binds —
  no fall-back to clear text.
- **One bind, kept alive**: ``enquire_link`` every ``SMPP_ENQUIRE_LINK_SECONDS``; the SMSC's own enquire_link
  answered. An answer that does not come within ``SMPP_RESPONSE_TIMEOUT_SECONDS``, a closed socket or an unbind
  from the SMSC: the link is dead; the connector reconnects and rebinds with a doubling back-off
  (``SMPP_RECONNECT_SECONDS``). Messages keep waiting in the outbox meanwhile: nothing is claimed while unbound.
- **Throttling**: at most ``SMPP_RATE`` submit_sm a second (every part counts), ``SMPP_WINDOW`` unanswered at a
  time. ``ESME_RTHROTTLED`` / ``ESME_RMSGQFUL``: the message goes the temporary-error way (retried after its
  back-off, at least the pause) and the connector pauses (``SMPP_THROTTLE_SECONDS``, doubling while it lasts);
  the messages of the batch it had not sent yet are given back untried (``delivery.release``).
- **Encoding** (``messaging.encoding``): GSM-7 or UCS-2, a long text in concatenated parts with a user data
  header (esm_class UDHI), all parts submitted before the message counts as sent.
- **Receipts**: registered_delivery is asked for every part; a deliver_sm receipt (the receipted_message_id /
  message_state TLVs, or the standard ``id:… stat:…`` text) becomes ``services.receipts_record`` (those that came in, together). The SMSC's
  message_id of the first part is the message's ``provider_ref``. A long message is delivered once every part's
  receipt says so, and failed as soon as one part's says it failed (the connector remembers, in memory, which
  part ids make up each long message it sent — up to ``PARTS_REMEMBERED``; after a restart the first part's
  receipt stands for the message again). Receipts are applied between batches, after the submits are recorded,
  so one that overtakes its submit_sm_resp still finds its message.
- **The database away** (restarting, unreachable): the bind stays — no churn at the SMSC — and the connector tries
  again a moment later; what the SMSC took is recorded once the database is back (tried for half a lease), the
  receipts wait in memory.
- **At least once**: a link lost after a submit_sm and before its answer leaves the message to be retried (the
  SMSC may have taken it: the migrant may get it twice; SMPP 3.4 has no field to carry our id for the SMSC to
  drop duplicates by — user_message_reference is 2 bytes). See docs/decisions/0012.
"""

import datetime
import logging
import re
import select
import socket
import ssl
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import smpplib.client
import smpplib.exceptions
import smpplib.smpp
from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone

from . import delivery, encoding
from .enums import Channel
from .gateways import Gateway, PermanentError, Sent, TemporaryError
from .models import Message, MessageAttempt
from .services import receipts_record

log = logging.getLogger(__name__)

CHANNEL = Channel.SMS

# command_status answers that trying again later can cure; every other error is permanent.
THROTTLED = {0x58: "ESME_RTHROTTLED", 0x14: "ESME_RMSGQFUL"}
TEMPORARY = {**THROTTLED, 0x08: "ESME_RSYSERR", 0x45: "ESME_RSUBMITFAIL", 0x64: "ESME_RX_T_APPN",
             0xFF: "ESME_RUNKNOWNERR"}
NAMES = {**TEMPORARY, 0x01: "ESME_RINVMSGLEN", 0x0A: "ESME_RINVSRCADR", 0x0B: "ESME_RINVDSTADR",
         0x0C: "ESME_RINVMSGID", 0x45: "ESME_RSUBMITFAIL", 0x61: "ESME_RINVSCHED", 0x62: "ESME_RINVEXPIRY",
         0x65: "ESME_RX_P_APPN", 0x66: "ESME_RX_R_APPN"}

# A receipt's final states (SMPP 3.4 message_state, and the stat: words of the text form).
DELIVERED_STATES = {2: "DELIVRD"}
FAILED_STATES = {3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 8: "REJECTD"}
_RECEIPT_TEXT = re.compile(r"id:(?P<id>\S+).*?stat:(?P<stat>\w+)(?:.*?err:(?P<err>\w+))?", re.S | re.I)
_E164 = re.compile(r"^\+?[1-9]\d{6,14}$")


PARTS_REMEMBERED = 100_000  # part ids of long messages kept to read their receipts: hours of traffic


class _Client(smpplib.client.Client):
    """smpplib's client, its TLS socket told the host name to check the certificate against."""

    def _create_socket(self):
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.settimeout(self.timeout)
        return self._ssl_context.wrap_socket(raw, server_hostname=self.host) if self._ssl_context else raw

    def connect(self):
        try:
            super().connect()
        except smpplib.exceptions.ConnectionError as exc:  # smpplib says "Connection refused" for every failure
            if isinstance(exc.__context__, ssl.SSLError):
                raise smpplib.exceptions.ConnectionError(f"TLS refused: {exc.__context__}") from exc.__context__
            raise


class LinkLost(Exception):
    """The bind is gone (socket closed, no answer in time, the SMSC unbound): reconnect."""


def status_error(status: int) -> TemporaryError | PermanentError:
    name = NAMES.get(status, "error")
    text = f"SMSC refused: {name} (0x{status:08X})"
    return TemporaryError(text) if status in TEMPORARY else PermanentError(text)


@dataclass(frozen=True)
class Receipt:
    provider_ref: str
    delivered: bool
    error: str


def receipt_from(pdu) -> Receipt | None:
    """The delivery receipt a deliver_sm carries (esm_class bit 2), or None if it is none or not final yet."""
    if not (int(getattr(pdu, "esm_class", 0) or 0) & 0x04):
        return None
    text = _text(getattr(pdu, "short_message", b""))
    found = _RECEIPT_TEXT.search(text)
    ref = _text(getattr(pdu, "receipted_message_id", None)) or (found["id"] if found else "")
    state = getattr(pdu, "message_state", None)
    stat = (found["stat"].upper() if found else "") or DELIVERED_STATES.get(state) or FAILED_STATES.get(state, "")
    if state in DELIVERED_STATES or (state is None and stat == "DELIVRD"):
        return Receipt(ref, True, "") if ref else None
    if state in FAILED_STATES or (state is None and stat in FAILED_STATES.values()):
        stat = stat or FAILED_STATES[state]
        err = found["err"] if found and found["err"] else ""
        return Receipt(ref, False, f"{stat}" + (f" (err:{err})" if err else "")) if ref else None
    return None  # ENROUTE, ACCEPTD, UNKNOWN: not the end of the story


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("latin-1").rstrip("\x00")
    return str(value)


@dataclass(frozen=True)
class Config:
    host: str
    port: int
    system_id: str
    password: str
    system_type: str = ""
    source_addr: str = "IOM"
    tls: bool = False
    tls_ca_file: str = ""
    rate: float = 20.0
    window: int = 10
    batch: int = 50
    poll_seconds: float = 1.0
    enquire_link_seconds: float = 30.0
    response_timeout: float = 10.0
    reconnect: tuple[float, float] = (1.0, 60.0)
    throttle: tuple[float, float] = (1.0, 30.0)

    @classmethod
    def from_settings(cls) -> "Config":
        s = settings
        return cls(host=s.SMPP_HOST, port=int(s.SMPP_PORT), system_id=s.SMPP_SYSTEM_ID, password=s.SMPP_PASSWORD,
                   system_type=s.SMPP_SYSTEM_TYPE, source_addr=s.SMPP_SOURCE_ADDR, tls=bool(s.SMPP_TLS),
                   tls_ca_file=s.SMPP_TLS_CA_FILE, rate=float(s.SMPP_RATE),
                   window=int(s.SMPP_WINDOW), batch=int(s.SMPP_BATCH), poll_seconds=float(s.SMPP_POLL_SECONDS),
                   enquire_link_seconds=float(s.SMPP_ENQUIRE_LINK_SECONDS),
                   response_timeout=float(s.SMPP_RESPONSE_TIMEOUT_SECONDS),
                   reconnect=tuple(s.SMPP_RECONNECT_SECONDS), throttle=tuple(s.SMPP_THROTTLE_SECONDS))


@dataclass
class _Pending:
    """A claimed message on its way: its parts' answers as they come back."""

    message: Message
    started: datetime.datetime
    total: int
    ids: dict = field(default_factory=dict)  # part number → the SMSC's message_id
    error: Exception | None = None


class Connector:
    """The connector's loop: connect, bind, carry out due SMS, keep the link alive; reconnect when it drops.
    ``stop`` (a ``threading.Event``) ends it cleanly: the messages it holds are recorded or given back."""

    def __init__(self, config: Config, *, stop: threading.Event | None = None):
        self.config = config
        self.stop = stop or threading.Event()
        self.client = None
        self.receipts: list[Receipt] = []
        self._part_of: OrderedDict[str, str] = OrderedDict()  # a long message's part id → its first part's id
        self._parts_left: dict[str, set[str]] = {}  # first part's id → the parts whose delivery is still to come
        self._outcomes: list[tuple[str, bool, str]] = []  # message receipts waiting to be recorded
        self.binds = 0
        self._next_send = 0.0
        self._pause_until = 0.0
        self._throttle_pause = config.throttle[0]
        self._enquire_due = 0.0
        self._enquire_waiting: tuple[int, float] | None = None

    # -- the outer loop: (re)connect with back-off ---------------------------------------------------------
    def run(self) -> None:
        delay = self.config.reconnect[0]
        while not self.stop.is_set():
            try:
                self._connect()
                delay = self.config.reconnect[0]
                self._serve()
            except Exception as exc:  # refused, closed, silent, unbound; smpplib's errors; the database away
                log.warning("SMPP link to %s:%s down (%s: %s); reconnecting in %.1f s", self.config.host,
                            self.config.port, type(exc).__name__, exc, delay)
            finally:
                self._close()
                close_old_connections()
            if self.stop.wait(delay):
                break
            delay = min(delay * 2, self.config.reconnect[1])
        try:
            self._apply_receipts()
        except DatabaseError as exc:
            log.warning("stopping with %d receipts not recorded: %s", len(self._outcomes), exc)

    def _connect(self) -> None:
        context = None
        if self.config.tls:  # the certificate checked against the system's authorities (or the one given), and the host
            context = ssl.create_default_context(cafile=self.config.tls_ca_file or None)
        client = _Client(self.config.host, self.config.port, timeout=self.config.response_timeout,
                         allow_unknown_opt_params=True, ssl_context=context)
        self.client = client
        client.connect()
        client.bind_transceiver(system_id=self.config.system_id, password=self.config.password,
                                system_type=self.config.system_type)
        self.binds += 1
        self._enquire_due = time.monotonic() + self.config.enquire_link_seconds
        self._enquire_waiting = None
        log.info("SMPP bound to %s:%s as %s", self.config.host, self.config.port, self.config.system_id)

    def _close(self) -> None:
        client, self.client = self.client, None
        if client is None or client._socket is None:
            return
        try:
            if self.stop.is_set():  # a clean stop unbinds; a dead link has nobody to unbind from
                client.unbind()
        except Exception:
            pass
        try:
            client.disconnect()
        except Exception:
            pass

    # -- bound: batches of due messages, receipts, keep-alive ----------------------------------------------
    def _serve(self) -> None:
        while not self.stop.is_set():
            self._keep_alive()
            try:
                batch = self._claim_batch() if time.monotonic() >= self._pause_until else []
                if batch:
                    self._submit(batch)
                else:
                    wait = max(min(self.config.poll_seconds, self._pause_until - time.monotonic()), 0.05)
                    self._read_for(wait)
                self._apply_receipts()
            except DatabaseError as exc:
                self._database_away(exc)

    def _database_away(self, exc: Exception, *, link: bool = True) -> None:
        """The database is restarting or unreachable: the bind stays (no churn at the SMSC), the broken connection
        is dropped, and the loop tries again a moment later — answering the SMSC meanwhile."""
        log.warning("database unavailable (%s: %s); the bind stays, trying again", type(exc).__name__, exc)
        close_old_connections()
        if link and self.client is not None:
            self._read_for(self.config.poll_seconds)
        else:
            self.stop.wait(self.config.poll_seconds)

    def _claim_batch(self) -> list[Message]:
        # No more than the rate lets out well within the lease, even at a few parts each: a batch's last message
        # must still be ours when its answer comes.
        limit = min(self.config.batch, max(1, int(self.config.rate * settings.MESSAGING_LEASE_SECONDS / 8)))
        return delivery.claim_due(CHANNEL, limit)

    def _submit(self, batch: list[Message]) -> None:
        """Submit every part of every message, at most ``window`` unanswered, then record each message."""
        pending: dict[int, tuple[_Pending, int]] = {}  # sequence → (message on its way, part number)
        ways: list[_Pending] = []
        unsent = list(batch)
        try:
            while unsent and not self.stop.is_set() and time.monotonic() >= self._pause_until:
                message = unsent.pop(0)
                way = self._prepare(message)
                ways.append(way)
                if way.error is not None:
                    continue
                for number, pdu in self._pdus(message):
                    while len(pending) >= self.config.window:
                        self._read_answers(pending)
                    self._throttle_wait(pending)
                    self.client.send_pdu(pdu)
                    pending[pdu.sequence] = (way, number)
            while pending:
                self._read_answers(pending)
        except Exception as exc:
            # The link dropped with answers outstanding: those messages may have reached the SMSC — retried.
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            lost = TemporaryError(f"SMPP link lost before the SMSC answered ({reason})")
            for way, _number in pending.values():
                way.error = way.error or lost
            self._record(ways, link=False)
            self._give_back(unsent)
            raise LinkLost(reason) from exc
        self._record(ways)
        self._give_back(unsent)

    def _prepare(self, message: Message) -> _Pending:
        way = _Pending(message=message, started=timezone.now(), total=0)
        number = message.recipient.replace(" ", "")
        if not _E164.match(number):
            way.error = PermanentError("not a valid international number")
            return way
        found = encoding.segments(message.body)
        if not message.body:
            way.error = PermanentError("empty text")
        elif len(found.chunks) > 255:
            way.error = PermanentError(f"too long: {len(found.chunks)} parts")
        way.total = len(found.chunks)
        return way

    def _pdus(self, message: Message):
        found = encoding.segments(message.body)
        alpha = not self.config.source_addr.lstrip("+").isdigit()
        common = {
            "service_type": "", "source_addr_ton": 5 if alpha else 1, "source_addr_npi": 0 if alpha else 1,
            "source_addr": self.config.source_addr.lstrip("+"), "dest_addr_ton": 1, "dest_addr_npi": 1,
            "destination_addr": message.recipient.replace(" ", "").lstrip("+"),
            "registered_delivery": 1, "data_coding": found.data_coding,
        }
        total = len(found.chunks)
        reference = message.pk.int & 0xFF  # the same for every part, and for every attempt of this message
        for number, chunk in enumerate(found.chunks, start=1):
            if total == 1:
                pdu = smpplib.smpp.make_pdu("submit_sm", client=self.client, esm_class=0, short_message=chunk,
                                            **common)
            else:
                pdu = smpplib.smpp.make_pdu("submit_sm", client=self.client, esm_class=0x40,
                                            short_message=encoding.udh(reference, total, number) + chunk, **common)
            yield number, pdu

    def _throttle_wait(self, pending) -> None:
        """At most ``rate`` submit_sm a second: until the next one's slot, read what comes in."""
        while True:
            now = time.monotonic()
            if now >= self._next_send:
                self._next_send = max(self._next_send, now) + 1.0 / self.config.rate
                return
            self._read_for(self._next_send - now, pending)

    def _read_answers(self, pending) -> None:
        """Read until one submit_sm_resp came back (or the SMSC stays silent too long: the link is dead)."""
        before = len(pending)
        deadline = time.monotonic() + self.config.response_timeout
        while len(pending) == before:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LinkLost(f"no submit_sm_resp in {self.config.response_timeout:.0f} s")
            self._read_for(left, pending, until_one=True)

    def _read_for(self, seconds: float, pending=None, *, until_one: bool = False) -> None:
        """Handle the PDUs that arrive within ``seconds``."""
        deadline = time.monotonic() + max(seconds, 0)
        while True:
            left = deadline - time.monotonic()
            sock = self.client._socket
            # TLS: what was already decrypted waits in the socket's buffer, where select cannot see it.
            buffered = isinstance(sock, ssl.SSLSocket) and sock.pending()
            readable = buffered or select.select([sock], [], [], max(left, 0))[0]
            if not readable:
                return
            answered = self._handle(self.client.read_pdu(), pending)
            if until_one and answered:
                return
            if left <= 0:
                return

    def _handle(self, pdu, pending) -> bool:
        """One PDU from the SMSC. True if it answered one of our submit_sm."""
        command = pdu.command
        if command == "submit_sm_resp":
            entry = (pending or {}).pop(pdu.sequence, None)
            if entry is None:
                log.warning("submit_sm_resp for an unknown sequence %s", pdu.sequence)
                return False
            way, number = entry
            if pdu.status == 0:
                way.ids[number] = _text(getattr(pdu, "message_id", ""))
                self._throttle_pause = self.config.throttle[0]
            else:
                error = status_error(pdu.status)
                if pdu.status in THROTTLED:
                    self._pause()
                    error.retry_after = self._throttle_pause
                if way.error is None or isinstance(error, PermanentError):
                    way.error = error
            return True
        if command == "deliver_sm":
            receipt = receipt_from(pdu)
            if receipt is not None:
                self.receipts.append(receipt)
            answer = smpplib.smpp.make_pdu("deliver_sm_resp", client=self.client)
            answer.sequence = pdu.sequence
            self.client.send_pdu(answer)
        elif command == "enquire_link":
            answer = smpplib.smpp.make_pdu("enquire_link_resp", client=self.client)
            answer.sequence = pdu.sequence
            self.client.send_pdu(answer)
        elif command == "enquire_link_resp":
            self._enquire_waiting = None
        elif command == "unbind":
            answer = smpplib.smpp.make_pdu("unbind_resp", client=self.client)
            answer.sequence = pdu.sequence
            self.client.send_pdu(answer)
            raise LinkLost("the SMSC unbound")
        elif command == "generic_nack":
            raise LinkLost(f"generic_nack 0x{pdu.status:08X}")
        return False

    def _pause(self) -> None:
        """The SMSC throttles: send nothing for a while, longer each time it goes on."""
        now = time.monotonic()
        if now >= self._pause_until:  # a new pause, not one more answer of the same burst
            if self._pause_until:
                self._throttle_pause = min(self._throttle_pause * 2, self.config.throttle[1])
            self._pause_until = now + self._throttle_pause
            log.warning("SMSC throttles: pausing %.1f s", self._throttle_pause)

    def _keep_alive(self) -> None:
        now = time.monotonic()
        if self._enquire_waiting and now - self._enquire_waiting[1] > self.config.response_timeout:
            raise LinkLost(f"no enquire_link_resp in {self.config.response_timeout:.0f} s")
        if now >= self._enquire_due and self._enquire_waiting is None:
            pdu = smpplib.smpp.make_pdu("enquire_link", client=self.client)
            self.client.send_pdu(pdu)
            self._enquire_waiting = (pdu.sequence, now)
            self._enquire_due = now + self.config.enquire_link_seconds

    # -- recording --------------------------------------------------------------------------------------------
    def _record(self, ways: list[_Pending], *, link: bool = True) -> None:
        """One transaction for the batch (each message's record is its own savepoint): one commit, not one each.
        The database away: tried again for up to half a lease, so what the SMSC took is recorded once it is back;
        after that the messages stay ``sending`` until their lease runs out and go again — at least once."""
        deadline = time.monotonic() + settings.MESSAGING_LEASE_SECONDS / 2
        while True:
            try:
                with transaction.atomic():
                    self._record_each(ways)
                return
            except DatabaseError as exc:
                if self.stop.is_set() or time.monotonic() > deadline:
                    raise
                self._database_away(exc, link=link)

    def _record_each(self, ways: list[_Pending]) -> None:
        history: list = []
        for way in ways:
            if way.error is not None:
                result = way.error
            elif len(way.ids) == way.total:
                result = Sent(provider_ref=way.ids[1])
                if way.total > 1:
                    self._remember_parts(way.ids)
            else:  # stopped part-way (cannot happen without an error; kept safe)
                result = TemporaryError("not every part was submitted")
            delivery.outcome_record(way.message, way.started, result, history=history)
        MessageAttempt.objects.bulk_create(history)

    def _give_back(self, unsent: list[Message]) -> None:
        not_before = timezone.now() + datetime.timedelta(seconds=max(self._pause_until - time.monotonic(), 0))
        for message in unsent:
            delivery.release(message, not_before=not_before)

    def _remember_parts(self, ids: dict) -> None:
        first = ids[1]
        self._parts_left[first] = set(ids.values())
        for part in ids.values():
            self._part_of[part] = first
        while len(self._part_of) > PARTS_REMEMBERED:
            self._parts_left.pop(self._part_of.popitem(last=False)[1], None)

    def _message_receipts(self, receipts: list[Receipt]) -> list[tuple[str, bool, str]]:
        """Part receipts → message receipts: a part failed, the message failed; delivered once its last part is.
        A part not remembered (a short message, or sent before a restart) stands for its message."""
        outcomes = []
        for receipt in receipts:
            first = self._part_of.get(receipt.provider_ref, receipt.provider_ref)
            left = self._parts_left.get(first)
            if left is not None:
                if receipt.delivered:
                    left.discard(receipt.provider_ref)
                    if left:
                        continue  # more parts to come
                self._parts_left.pop(first, None)
            outcomes.append((first, receipt.delivered, receipt.error))
        return outcomes

    def _apply_receipts(self) -> None:
        """The receipts that came in, as message outcomes, recorded together (one transaction); they leave the
        list only once recorded: with the database away they wait for the next try."""
        if self.receipts:
            self._outcomes += self._message_receipts(self.receipts)
            self.receipts = []
        if not self._outcomes:
            return
        taken = self._outcomes[:1000]
        changed = receipts_record(channel=CHANNEL, receipts=taken)
        if len(changed) < len(taken):
            log.debug("%d receipts for unknown or no longer sent SMS", len(taken) - len(changed))
        del self._outcomes[:len(taken)]


class SmppGateway(Gateway):
    """The SMS channel's gateway name when SMS leave through SMPP. The Celery workers never call it (the channel
    is the connector's, ``MESSAGING_CONNECTOR_CHANNELS``); if a worker does, the message waits for the
    connector instead of being lost."""

    channel = CHANNEL

    def send(self, message) -> Sent:
        raise TemporaryError("SMS leave through the smpp_connector process; is it in MESSAGING_CONNECTOR_CHANNELS?")


def run(*, stop: threading.Event | None = None) -> Connector:
    connector = Connector(Config.from_settings(), stop=stop)
    connector.run()
    return connector


