"""``manage.py seed_demo``: the East Birmingham demo (``anchors.demo``), then its Meet the Buyer
event (``events.demo``).

The command lives here, not in ``anchors``, because anchors may not import events (DESIGN
section 2) and the events demo needs the anchors demo first.
"""

import time

from django.core.management.base import BaseCommand

from anchors.demo import seed_demo
from events.demo import seed_events_demo


class Command(BaseCommand):
    help = (
        "Create a realistic East Birmingham demo: anchor institutions, contracts split into "
        "lots, 160 local businesses, a Meet the Buyer event with its invite list and "
        "registrations, and demo logins. Safe to run again: it creates only what is missing."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        summary = seed_demo(stdout=self.stdout)
        self.stdout.write("Meet the Buyer event...")
        events = seed_events_demo()
        summary.created.update(events.created)
        summary.counts.update(events.counts)
        summary.logins.extend(events.logins)
        elapsed = time.monotonic() - started
        if summary.already_present:
            self.stdout.write(self.style.WARNING("The demo data is already there; nothing new."))
        else:
            made = ", ".join(f"{n} {what}" for what, n in summary.created.items() if n)
            self.stdout.write(self.style.SUCCESS(f"Created {made} in {elapsed:.1f}s."))
        self.stdout.write("")
        width = max(len(name) for name in summary.counts)
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>4}")
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins (all share one password)"))
        rows = [("Role", "Email", "Password", "What to try"), *summary.logins]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for role, email, password, what in rows:
            self.stdout.write(
                f"  {role:<{widths[0]}}  {email:<{widths[1]}}  {password:<{widths[2]}}  {what}"
            )
