"""A person's choice of match digests: from their account, or by a link in any digest."""

import pytest

from core.exceptions import ApplicationError
from core.models import AuditEvent
from matching.notifications import unsubscribe_token
from matching.services import alert_preferences_update, digest_unsubscribe
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_turns_the_digest_off_and_on_and_each_change_is_audited():
    user = UserFactory()
    assert user.match_digest is True

    alert_preferences_update(actor=user, match_digest=False)
    user.refresh_from_db()
    assert user.match_digest is False

    alert_preferences_update(actor=user, match_digest=True)
    user.refresh_from_db()
    assert user.match_digest is True
    summaries = list(
        AuditEvent.objects.filter(verb="alerts.updated")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [{"match_digest": False}, {"match_digest": True}]


def test_setting_the_same_choice_again_records_nothing():
    user = UserFactory()
    alert_preferences_update(actor=user, match_digest=True)
    assert not AuditEvent.objects.filter(verb="alerts.updated").exists()


def test_the_unsubscribe_link_turns_the_digest_off_without_signing_in():
    user, other = UserFactory(), UserFactory()

    returned = digest_unsubscribe(token=unsubscribe_token(user))

    assert returned == user
    user.refresh_from_db()
    other.refresh_from_db()
    assert (user.match_digest, other.match_digest) == (False, True)
    event = AuditEvent.objects.get(verb="alerts.updated")
    assert event.actor == user


def test_unsubscribing_twice_is_harmless():
    user = UserFactory()
    token = unsubscribe_token(user)
    digest_unsubscribe(token=token)
    digest_unsubscribe(token=token)
    user.refresh_from_db()
    assert user.match_digest is False
    assert AuditEvent.objects.filter(verb="alerts.updated").count() == 1


@pytest.mark.parametrize("mangle", ["tamper", "garbage", "empty", "deleted_user", "other_salt"])
def test_a_bad_unsubscribe_link_is_refused_and_changes_nothing(mangle):
    from django.core import signing

    user = UserFactory()
    token = unsubscribe_token(user)
    if mangle == "tamper":
        token = token[:-2] + ("xx" if not token.endswith("xx") else "yy")
    elif mangle == "garbage":
        token = "not-a-token"
    elif mangle == "empty":
        token = ""
    elif mangle == "deleted_user":
        UserFactory().delete()
        token = signing.dumps({"user": 987654}, salt="matching.digest-unsubscribe")
    elif mangle == "other_salt":
        token = signing.dumps({"user": user.pk}, salt="accounts.something-else")

    with pytest.raises(ApplicationError, match="not valid"):
        digest_unsubscribe(token=token)
    user.refresh_from_db()
    assert user.match_digest is True
