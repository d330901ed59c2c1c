import time

import pytest

from core.models import OutboundEmail
from core.services import email_queue


def wait_for(predicate, timeout=20.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_takes_the_task_from_redis_and_its_work_lands_in_postgres(
    celery_worker, mailoutbox
):
    email = email_queue(to="ann@example.org", subject="Hello", body_text="Body", kind="test")

    def sent():
        email.refresh_from_db()
        return email.status == OutboundEmail.Status.SENT

    assert wait_for(sent), f"the worker did not send the email (status {email.status})"
    assert email.sent_at is not None
    assert email.attempts == 1
    assert [m.to for m in mailoutbox] == [["ann@example.org"]]
