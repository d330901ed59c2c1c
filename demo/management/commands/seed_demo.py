"""``manage.py seed_demo``: the East Birmingham demo (the steps in ``demo.steps``)."""

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from demo.context import DEMO_PASSWORD
from demo.steps import demo_logins, seed_demo


class Command(BaseCommand):
    help = (
        "Create a realistic East Birmingham demo on the shipped reference data: anchor "
        "institutions, contracts split into lots, 160 local businesses, a Meet the Buyer event "
        "with its invite list and registrations, and demo logins (printed last). Safe to run "
        "again: it creates only what is missing."
    )

    def handle(self, *args, **options):
        try:
            lines = seed_demo(say=lambda line: self.stdout.write(self.style.SUCCESS(line)))
        except ApplicationError as error:  # a shipped reference file is damaged or missing
            raise CommandError(error.message) from error
        if not lines:
            self.stdout.write("The demo data is already there; nothing new.")
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"Demo logins (every password is {DEMO_PASSWORD})")
        )
        rows = [("Role", "Email", "What to try"), *demo_logins()]
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        for role, email, what in rows:
            self.stdout.write(f"  {role:<{widths[0]}}  {email:<{widths[1]}}  {what}")
