"""The channels notifications go out on: SMS through the pluggable gateway (the same kind of
sender as the one-time codes), e-mail over SMTP. In-app needs no sending."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from gridwork.config import Settings
from gridwork.domain.notifications import Channel
from gridwork.services.otp import CodeSender, load_sender


@dataclass(frozen=True)
class SmtpSettings:
    """Where e-mail goes out (an empty host: e-mail is off)."""

    host: str = ""
    port: int = 25
    sender: str = "gridwork@localhost"
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 10.0


class SmtpMailer:
    """Sends one message per SMTP connection (deliveries are few and retried on failure)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, to: str, subject: str, body: str) -> None:
        """Hand the message to the SMTP server; raise if it is refused or unreachable."""
        s = self.settings
        if not s.host:
            raise RuntimeError("e-mail is not configured (GRIDWORK_SMTP_HOST is empty)")
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = s.sender, to, subject
        message.set_content(body)
        with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as server:
            if s.starttls:
                server.starttls()
            if s.username:
                server.login(s.username, s.password)
            server.send_message(message)


@dataclass(frozen=True)
class Channels:
    """The senders behind each channel."""

    sms: CodeSender
    mailer: SmtpMailer

    def send(self, channel: Channel, address: str | None, subject: str, body: str) -> None:
        """Deliver through `channel` (raise on failure)."""
        if channel is Channel.IN_APP:
            return
        if not address:
            raise RuntimeError(f"no address for {channel.value}")
        if channel is Channel.SMS:
            self.sms.send(address, f"{subject}: {body}")
        else:
            self.mailer.send(address, subject, body)


def channels_from(settings: Settings) -> Channels:
    """The channels the settings describe."""
    smtp = SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=settings.smtp_password,
    )
    return Channels(sms=load_sender(settings.sms_sender), mailer=SmtpMailer(smtp))
