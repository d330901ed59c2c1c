"""``python manage.py load_cpv [FILE] [--batch-size N]``: load the official CPV 2008 list.

Without FILE, the copy shipped in ``sectors/data/`` is loaded, unless it is loaded already.
"""

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from sectors.loaders import DEFAULT_BATCH_SIZE, load_cpv_file
from sectors.shipped import SHIPPED_CPV_FILE, cpv_load_shipped


class Command(BaseCommand):
    help = (
        "Load the CPV 2008 codes from the official CSV (columns CODE and EN). Safe to run again:"
        " codes are updated in place. Bad rows are listed and skipped. Without FILE, the copy"
        f" shipped in {SHIPPED_CPV_FILE.parent.name}/ is loaded unless it is loaded already (and"
        " refused whole if any row is bad)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV file, such as cpv_2008_en.csv")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows per database statement (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args, file, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        try:
            if file is None:
                self.stdout.write(cpv_load_shipped().summary)
                return
            report = load_cpv_file(file, batch_size=batch_size)
        except ApplicationError as error:  # an unreadable file, or a missing shipped one
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(report.summary()))
        for row, reason in report.rejected:
            self.stderr.write(f"row {row}: {reason}")
