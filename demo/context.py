"""What the demo's steps share: its people, and the records earlier steps made or found."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

DEMO_PASSWORD = "locallots-demo"
DEMO_DOMAIN = "demo.locallots.test"
COORDINATOR_EMAIL = f"coordinator@{DEMO_DOMAIN}"
COORDINATOR_NAME = "Demo Coordinator"


class Login(NamedTuple):
    """A demo login as the command prints it (every one has the password ``DEMO_PASSWORD``)."""

    role: str
    email: str
    what_to_try: str


@dataclass
class Demo:
    """Passed from step to step: ``institutions`` and ``businesses`` are filled by their steps
    (with what they created or found), and ``users_created`` counts the new logins."""

    now: datetime = field(default_factory=timezone.now)
    institutions: dict = field(default_factory=dict)  # slug -> (Institution, officer)
    businesses: dict = field(default_factory=dict)  # name -> Business
    users_created: int = 0

    @cached_property
    def password_hash(self) -> str:
        """One hash for every demo login, computed only when a login is created."""
        return make_password(DEMO_PASSWORD)

    def users(self, people: Mapping[str, str], **flags) -> dict:
        """The users with these emails (``{email: full name}``), the missing ones created in
        one statement, verified, with the demo password; keyed by email."""
        User = get_user_model()
        found = {user.email: user for user in User.objects.filter(email__in=list(people))}
        missing = [
            User(
                email=email,
                full_name=name,
                email_verified_at=self.now,
                password=self.password_hash,
                **flags,
            )
            for email, name in people.items()
            if email not in found
        ]
        User.objects.bulk_create(missing)
        self.users_created += len(missing)
        if any(user.pk is None for user in missing):  # SQLite before 3.35 returns no ids
            missing = User.objects.filter(email__in=[user.email for user in missing])
        return found | {user.email: user for user in missing}

    @cached_property
    def coordinator(self):
        """The network coordinator: sees everything, and is the admin superuser."""
        flags = {"is_coordinator": True, "is_staff": True, "is_superuser": True}
        return self.users({COORDINATOR_EMAIL: COORDINATOR_NAME}, **flags)[COORDINATOR_EMAIL]
