"""A real SMSC for the tests: the ``smpp34`` package's SMPP 3.4 server on 127.0.0.1, in a thread with its own
asyncio loop. It binds ESMEs, answers each submit_sm (accepts with a message id, or with the status the test
scripts), pushes delivery receipts back over the bind, and can go down and come back on the same port."""

import asyncio
import socket
import ssl
import threading
import time
from dataclasses import dataclass

import smpp34

from passage.messaging.encoding import decode


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Submit:
    """One submit_sm as the SMSC got it."""

    destination: str
    source: str
    data_coding: int
    esm_class: int
    registered_delivery: int
    short_message: bytes
    at: float  # time.monotonic() on arrival
    answer: int  # the command_status it was answered with
    message_id: str  # when accepted

    @property
    def udh(self) -> tuple[int, int, int] | None:
        """(reference, total, number) of a concatenated part, or None."""
        if not self.esm_class & 0x40:
            return None
        header = self.short_message[: self.short_message[0] + 1]
        return header[3], header[4], header[5]

    @property
    def text(self) -> str:
        payload = self.short_message[self.short_message[0] + 1:] if self.udh else self.short_message
        return decode(self.data_coding, payload)


class Smsc:
    """``answers``: statuses for the next submit_sm, in order (then ESME_ROK). ``receipts``: None (none), the
    stat word pushed for every accepted part ("DELIVRD", "UNDELIV", ...), or a function of the ``Submit`` giving
    the stat word for that part (None: no receipt for it)."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.submits: list[Submit] = []
        self.answers: list[int] = []
        self.receipts: str | None = None
        self.binds = 0
        self.receipt_errors = 0  # receipts the ESME did not take (no deliver_sm_resp in time, an error status)
        self._sessions: dict = {}
        self._server = None
        self._serving = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def _call(self, coroutine, timeout=10):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    # -- up and down -----------------------------------------------------------------------------------------
    def start(self) -> "Smsc":
        self._call(self._start())
        return self

    async def _start(self):
        self._server = smpp34.Server("127.0.0.1", self.port, system_id="TESTSMSC")
        await self._server.start()
        self._serving = asyncio.ensure_future(self._serve(self._server))

    def stop(self, *, unbind: bool = True) -> None:
        """Down: the listener closes and every bind with it — after an unbind to each ESME, or (``unbind=False``,
        a crash) without a word."""
        self._call(self._stop(unbind))

    async def _stop(self, unbind: bool = True):
        server, self._server = self._server, None
        if server is None:
            return
        self._serving.cancel()
        for esme in list(self._sessions.values()) if unbind else []:
            try:
                await asyncio.wait_for(esme.unbind(), 2)
            except Exception:
                pass
        self._sessions.clear()
        await server.stop()

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    # -- the SMSC's work ---------------------------------------------------------------------------------------
    async def _serve(self, server):
        while True:
            event = await server.next()
            if isinstance(event, smpp34.Esme):
                self._sessions[event.session_id] = event
                self.binds += 1
            elif isinstance(event, smpp34.Unbound):
                self._sessions.pop(event.session_id, None)
            elif isinstance(event, smpp34.SubmitSmEvent):
                self._submit(event)

    def _submit(self, event):
        answer = self.answers.pop(0) if self.answers else smpp34.ESME_ROK
        message_id = f"smsc-{len(self.submits) + 1}"
        self.submits.append(Submit(event.destination_addr, event.source_addr, event.data_coding, event.esm_class,
                                   event.registered_delivery, bytes(event.short_message), time.monotonic(),
                                   answer, message_id if answer == smpp34.ESME_ROK else ""))
        if answer != smpp34.ESME_ROK:
            event.reject(answer)
            return
        event.accept(message_id)
        stat = self.receipts(self.submits[-1]) if callable(self.receipts) else self.receipts
        if stat and event.registered_delivery & 0x01:
            esme = self._sessions.get(event.session_id)
            if esme is not None:
                asyncio.ensure_future(self._receipt(esme, event, message_id, stat))

    async def _receipt(self, esme, event, message_id: str, stat: str):
        state = {"DELIVRD": 2, "EXPIRED": 3, "DELETED": 4, "UNDELIV": 5, "ACCEPTD": 6, "REJECTD": 8}[stat]
        err = "000" if stat == "DELIVRD" else "001"
        text = (f"id:{message_id} sub:001 dlvrd:{'001' if state == 2 else '000'} submit date:2612011000 "
                f"done date:2612011001 stat:{stat} err:{err} text:").encode()
        try:
            await esme.deliver_sm(event.source_addr, text, source_addr=event.destination_addr, esm_class=0x04,
                                  tlvs=[smpp34.Tlv(smpp34.TLV_RECEIPTED_MESSAGE_ID, message_id.encode() + b"\x00"),
                                        smpp34.Tlv(smpp34.TLV_MESSAGE_STATE, bytes([state]))])
        except Exception:  # a real SMSC would try the receipt again later; this one counts it
            self.receipt_errors += 1

    # -- what the handsets got -------------------------------------------------------------------------------
    def accepted(self) -> list[Submit]:
        return [s for s in self.submits if s.answer == smpp34.ESME_ROK]

    def texts(self) -> list[tuple[str, str]]:
        """(destination, text) of every accepted message, its parts reassembled by their header's reference."""
        out, partial = [], {}
        for submit in self.accepted():
            if submit.udh is None:
                out.append((submit.destination, submit.text))
                continue
            reference, total, number = submit.udh
            parts = partial.setdefault((submit.destination, reference), {})
            parts[number] = submit.text
            if len(parts) == total:
                out.append((submit.destination, "".join(parts[n] for n in range(1, total + 1))))
                del partial[(submit.destination, reference)]
        return out


def _drop(s: socket.socket) -> None:
    """Shut down, then close: shutdown wakes a thread blocked in accept() or recv() on it; close alone would not
    (the kernel keeps the socket while a call holds it, and would go on accepting)."""
    for step in (lambda: s.shutdown(socket.SHUT_RDWR), s.close):
        try:
            step()
        except OSError:
            pass


class Link:
    """The network between the connector and the SMSC: a TCP relay on its own port. ``cut()`` drops every
    connection without a word (the SMSC's host died, a firewall reset) and refuses new ones until
    ``restore()``; ``silence()`` keeps the connections open but carries nothing (a half-open link that only
    enquire_link can find out)."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self.silent = False
        self._listener = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        self.silent = False
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(8)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                near, _ = listener.accept()
            except OSError:
                return
            try:
                far = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                near.close()
                continue
            with self._lock:
                self._sockets += [near, far]
            for a, b in ((near, far), (far, near)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source, sink):
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                for s in (source, sink):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return
            if not self.silent:
                try:
                    sink.sendall(data)
                except OSError:
                    return

    def silence(self) -> None:
        self.silent = True

    def restore_traffic(self) -> None:
        self.silent = False

    def cut(self) -> None:
        _drop(self._listener)
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for s in sockets:
            _drop(s)

    def close(self) -> None:
        self.cut()


class TlsFront:
    """TLS in front of the SMSC (which speaks clear text), as an SMSC offering SMPP over TLS does: on its own
    port, with ``cert`` (a ``trustme`` certificate); each connection's bytes relayed to the SMSC. One asyncio loop
    in a thread (an SSL socket must not be read and written from two threads)."""

    def __init__(self, target_port: int, cert):
        self.target_port = target_port
        self.port = free_port()
        self.connections = 0
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._relay, "127.0.0.1", self.port, ssl=context), self._loop).result(10)

    async def _relay(self, reader, writer):
        self.connections += 1
        try:
            far_reader, far_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return

        async def pipe(source, sink):
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (OSError, ConnectionError):
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, far_writer), pipe(far_reader, writer))

    def close(self) -> None:
        async def stop():
            self._server.close()
            relays = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in relays:
                task.cancel()
            await asyncio.gather(*relays, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
