import smtplib

import pytest

from core.models import OutboundEmail
from core.services import email_deliver, email_queue
from core.tasks import email_send

pytestmark = pytest.mark.django_db


def test_email_is_queued_in_the_transaction_and_sent_after_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(
            to="a@example.org", subject="S", body_text="T", body_html="<p>T</p>", kind="k"
        )
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert mailoutbox[0].alternatives[0].content == "<p>T</p>"


def test_delivering_twice_sends_once(mailoutbox):
    email = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T", kind="k")
    assert email_deliver(email=email) is True
    assert email_deliver(email=email) is False
    assert len(mailoutbox) == 1


def test_email_send_for_a_deleted_email_does_nothing(mailoutbox):
    email_send.delay(999_999)
    assert mailoutbox == []


def test_a_transient_failure_is_retried_then_marked_failed(settings, monkeypatch, mailoutbox):
    email = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T", kind="k")
    calls = []

    def broken_send(self, fail_silently=False):
        calls.append(1)
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken_send)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        email_send.apply(args=[email.pk], retries=email_send.max_retries, throw=True)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert "connection lost" in email.last_error
    assert calls == [1]
