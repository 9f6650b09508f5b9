"""E-mail to a partner location without a webhook endpoint (and to administrators), through Django's mail
backend: the console in the quick start, the SMTP relay in production. The message's id is the Message-ID."""

import smtplib

from django.core.mail import EmailMessage

from . import Gateway, PermanentError, Sent, TemporaryError


class EmailGateway(Gateway):
    channel = "email"

    def send(self, message) -> Sent:
        subject = f"Passage: {message.kind}"
        mail = EmailMessage(subject=subject, body=message.body, to=[message.recipient],
                            headers={"Message-ID": f"<{message.pk}@passage>"})
        try:
            mail.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentError(f"recipient refused: {exc.recipients}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryError(f"mail server: {type(exc).__name__}") from None
        return Sent(provider_ref=f"<{message.pk}@passage>")
