"""``seed_demo`` as ``make run`` runs it: tasks in-process after each step's commit, emails to
the console backend. It prints its summary lines and the logins, not emails or task logs."""

import pytest

from core.models import OutboundEmail
from matching.models import Match
from tests.demo.conftest import run_seed_demo


# Committed data, so each step's matching runs after its commit; serialized_rollback restores
# the rows the migrations made (CPV divisions, East Birmingham) after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_demo_is_matched_and_its_emails_recorded_but_not_printed(settings, capfd):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

    output = run_seed_demo()

    printed = capfd.readouterr()
    assert "Subject:" not in printed.out and "Subject:" not in printed.err
    assert "celery.app.trace" not in printed.err
    assert "WARNING" not in printed.err
    # Each step committed on its own, so its matching ran before the next step.
    assert Match.objects.count() > 500
    emails = OutboundEmail.objects.all()
    assert emails.count() >= 60  # invitations and registration confirmations
    assert not emails.exclude(status=OutboundEmail.Status.SENT).exists()
    assert "Created 160 businesses" in output
    assert output.rstrip().splitlines()[-1].lstrip().startswith("Coordinator (events)")
