"""``python manage.py import_ocds FILE...``: import OCDS files as external opportunities."""

from django.core.management.base import BaseCommand, CommandError

from anchors.models import Contract
from ocds.services import ocds_import_file


class Command(BaseCommand):
    help = (
        "Import Contracts Finder / Find a Tender OCDS files (release packages, record packages, "
        "arrays of releases or JSON Lines) as external opportunities. Idempotent on ocid + "
        "release id: importing a file again changes nothing. Each file is one transaction; a "
        "broken file is reported, imports nothing, and makes the command exit non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="OCDS JSON or JSON Lines.")
        parser.add_argument(
            "--source",
            choices=[c for c in Contract.Source.values if c != Contract.Source.LOCALLOTS],
            default=Contract.Source.OCDS,
            help="Source for releases whose ocid prefix is not Contracts Finder's or Find a "
            "Tender's (default: ocds).",
        )
        parser.add_argument(
            "--quiet-lines", action="store_true", help="Print only each file's summary."
        )

    def handle(self, *args, files, source, quiet_lines, **options):
        broken = []
        for path in files:
            report = ocds_import_file(path=path, default_source=source)
            if report.broken:
                broken.append(path)
                self.stderr.write(self.style.ERROR(report.summary()))
                continue
            if not quiet_lines:
                for line in report.describe_lines():
                    self.stdout.write(f"  {line}")
            self.stdout.write(self.style.SUCCESS(report.summary()))
        if broken:
            raise CommandError(
                f"{len(broken)} of {len(files)} file(s) could not be imported: {', '.join(broken)}"
            )
