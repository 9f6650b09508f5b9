"""A gateway for the delivery tests whose answers the test scripts: the edge of the system (the SMSC, a
partner's endpoint), where the tests of part 4 put real peers."""

from passage.messaging.gateways import Gateway, PermanentError, Sent, TemporaryError


class ScriptedGateway(Gateway):
    """Answers with the next item of ``script`` (then "ok"): "ok", "temporary", ("temporary", retry_after),
    "permanent", or an exception instance to raise. Records what it was asked to send."""

    script: list = []
    sent: list = []

    def send(self, message):
        type(self).sent.append(message.pk)
        answer = type(self).script.pop(0) if type(self).script else "ok"
        if answer == "ok":
            return Sent(provider_ref=f"ref-{len(type(self).sent)}")
        if answer == "temporary":
            raise TemporaryError("SMSC throttled (ESME_RTHROTTLED)")
        if isinstance(answer, tuple):
            raise TemporaryError("429 Too Many Requests", retry_after=answer[1])
        if answer == "permanent":
            raise PermanentError("invalid destination address")
        raise answer


class ReceiverGateway(Gateway):
    """POSTs each message to a real HTTP receiver (``settings.MESSAGING_TEST_RECEIVER``) with its id in the
    ``webhook-id`` header, as a partner's endpoint would get it: 2xx is sent, 5xx or no answer temporary."""

    def send(self, message):
        import json
        import urllib.error
        import urllib.request

        from django.conf import settings

        request = urllib.request.Request(settings.MESSAGING_TEST_RECEIVER, method="POST",
                                         data=json.dumps({"id": str(message.pk), "kind": message.kind}).encode(),
                                         headers={"content-type": "application/json", "webhook-id": str(message.pk)})
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return Sent(provider_ref=answer.headers.get("x-receipt", ""))
        except urllib.error.HTTPError as exc:
            raise TemporaryError(f"HTTP {exc.code}") from None
        except OSError as exc:
            raise TemporaryError(f"unreachable: {exc}") from None
