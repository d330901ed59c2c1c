"""The steps of ``manage.py seed_demo``, in order, and the runner.

To add to the demo, write a module with ``seed(demo) -> list[str]``, which creates what is
missing through the services and returns one line per kind of thing it created (nothing when
everything was there already), and add it to ``STEPS`` after the steps it builds on; give it
``logins`` if it brings a demo login worth trying. Each step runs in its own transaction, so the
work its services queue for after commit (matching a new business or lot) runs before the next
step: a step sees the matches of the steps before it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.test.utils import override_settings

from demo import businesses, contracts, events, institutions, questions, reference
from demo.context import Demo, Login

# Logged once per in-process task (hundreds while the demo is built); warnings still show.
QUIET_LOGGERS = ("celery.app.trace", "matching", "events", "core.tasks")


@dataclass(frozen=True)
class Step:
    name: str
    seed: Callable[[Demo], list[str]]
    logins: Callable[[], list[Login]] = list


STEPS: tuple[Step, ...] = (
    Step("reference data", reference.seed),
    Step("institutions", institutions.seed, institutions.logins),
    Step("businesses", businesses.seed, businesses.logins),
    Step("contracts", contracts.seed),
    Step("questions", questions.seed),
    Step("Meet the Buyer event", events.seed, events.logins),
)


def seed_demo(*, say: Callable[[str], None] = lambda line: None) -> list[str]:
    """Create whatever part of the demo is missing; ``say`` each step's lines as it ends.

    Returns every line said (none when the demo was complete). Emails the demo queues (event
    invitations, registration confirmations) are recorded in the outbox and marked sent, but go
    nowhere: the demo's addresses are ``.test`` ones, and a terminal full of them hides the
    logins. With a broker set, a worker sends them as it would any other.
    """
    demo = Demo()
    lines: list[str] = []
    with _quietly():
        for step in STEPS:
            with transaction.atomic():
                made = step.seed(demo)
            for line in made:
                say(line)
            lines += made
    if demo.users_created:
        lines.append(f"Created {demo.users_created} demo logins")
        say(lines[-1])
    return lines


def demo_logins() -> list[Login]:
    return [login for step in STEPS for login in step.logins()]


@contextmanager
def _quietly() -> Iterator[None]:
    """No emails printed and no per-task log lines while the demo is built."""
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
