"""Cross-cutting fixtures and the real-services switch.

Tests that need PostgreSQL or Redis carry ``@pytest.mark.postgres`` / ``@pytest.mark.redis``;
the browser tests (tests/browser/, marked ``browser``) need Playwright, Chromium and the built
assets. On a bare machine they skip with the reason; with ``REQUIRE_SERVICES=1`` (CI) any skip fails
the run instead, so CI cannot go green without exercising the real services.
"""

import os

import pytest
from django.db import connection

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes"}


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (the suite is on SQLite)")
    if item.get_closest_marker("redis"):
        from tests.services import redis_unavailable_reason

        reason = redis_unavailable_reason()
        if reason:
            pytest.skip(f"needs Redis: {reason}")
    if item.get_closest_marker("browser"):
        from tests.browser.support import browser_unavailable_reason

        reason = browser_unavailable_reason()
        if reason:
            pytest.skip(f"needs a browser: {reason}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_SERVICES=1 turns this skip into a failure: {reason}"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    """Fast password hashing, and Celery tasks run in-process unless a test asks for a worker."""
    from procurement.celery import app

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (a thread of this process) consuming from the configured Redis broker.

    Tasks are sent through the broker rather than run eagerly, and the worker reads and writes
    the same test database, so a test sees what a production worker would do. Needs committed
    data, hence ``transactional_db``; mark the test ``redis`` (and ``postgres`` where it matters).
    """
    from celery.contrib.testing.worker import start_worker

    from procurement.celery import app

    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
    app.conf.task_always_eager = True
