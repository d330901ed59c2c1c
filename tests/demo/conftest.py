"""The demo is seeded once per test module (building it takes seconds) inside a transaction
that is rolled back after the module; each test runs in a savepoint within it."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

# The hasher tests use (tests/conftest.py): the module's fixture runs before the per-test one.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The output of the first ``seed_demo``; the demo is in the database for the module."""
    unblocked = django_db_blocker.unblock()
    with unblocked, override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        yield run_seed_demo()
        transaction.set_rollback(True)
