"""Fixtures for the browser tests: Chromium through Playwright against Django's live server.

``browser`` launches the Debian Chromium once for the tests of this folder; ``page`` is a fresh
context (cookies, storage) per test at 1280x900 whose relative URLs go to the live server;
``page_factory(java_script_enabled=False)`` makes more pages, e.g. one without JavaScript.
Every test here is marked ``browser``: without Playwright, Chromium or the built assets it
skips with the reason, and CI (``REQUIRE_SERVICES=1``) fails instead.
"""

import importlib.util
import os
from pathlib import Path

import pytest

from tests.browser import support

HERE = Path(__file__).resolve().parent
DEFAULT_TIMEOUT_MS = 10_000

if importlib.util.find_spec("playwright") is None:
    # The journeys import Playwright; test_infrastructure.py does not, and reports the skip.
    collect_ignore_glob = [
        path.name for path in HERE.glob("test_*.py") if path.name != "test_infrastructure.py"
    ]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser(django_db_setup):
    reason = support.browser_unavailable_reason()
    if reason:
        pytest.skip(f"needs a browser: {reason}")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Entering sync_playwright() leaves this thread in a new contextvars context, where Django's
    # connection handler makes new connection objects without the serialized reference data
    # (CPV divisions, East Birmingham) that serialized_rollback restores after each flush;
    # without it every browser test after the first would find those tables empty.
    serialized = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if hasattr(connection, "_test_serialized_contents")
    }

    # Playwright's sync API keeps an asyncio loop running in this thread, which makes Django
    # refuse ORM calls from test code ("SynchronousOnlyOperation"); the calls are synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents
            chromium = playwright.chromium.launch(
                executable_path=support.CHROMIUM, args=support.CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_factory(request, browser, live_server, django_db_serialized_rollback, transactional_db):
    """``page_factory(**context_options)``: a page in a new browser context on the live server.

    The live server needs committed data (``transactional_db``); the tables are flushed after
    each test, and ``serialized_rollback`` restores the reference data the migrations load
    (CPV divisions, East Birmingham) for the tests that follow."""
    support.start_test(request.node.name)
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        options.setdefault("base_url", live_server.url)
        context = browser.new_context(**options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        new_page = context.new_page()
        if options.get("java_script_enabled") is False:
            support.mark_no_js(new_page)
        return new_page

    yield make
    for context in contexts:
        context.close()
    support.end_test()


@pytest.fixture
def page(page_factory):
    return page_factory()
