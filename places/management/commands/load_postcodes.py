"""``python manage.py load_postcodes [FILE] [--batch-size N]``: load a postcode reference file.

Without FILE, the files shipped in ``places/data/`` (the B district centroids and the East
Birmingham wards) are loaded, unless they are loaded already.
"""

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from places.loaders import DEFAULT_BATCH_SIZE, PostcodeFileError, load_postcodes_file
from places.shipped import places_load_shipped

REJECTIONS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Load postcode reference data: a postcode-district centroid CSV (Doogal layout) or the "
        "ONS Postcode Directory CSV. The format is recognised from the header; loading the same "
        "file again updates the rows in place. Bad rows are listed and skipped. Without FILE, "
        "the B district centroids and East Birmingham wards shipped in places/data/ are loaded "
        "unless they are loaded already (and refused whole if any row is bad)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Path to the CSV file.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows written per batch (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args, file, batch_size, **options):
        if file is None:
            self._load_shipped()
            return
        try:
            report = load_postcodes_file(file, batch_size=batch_size)
        except PostcodeFileError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))
        for rejection in report.rejected[:REJECTIONS_SHOWN]:
            self.stdout.write(f"  {rejection}")
        if report.rejected_count > REJECTIONS_SHOWN:
            self.stdout.write(f"  ... and {report.rejected_count - REJECTIONS_SHOWN:,} more")

    def _load_shipped(self):
        try:
            loads = places_load_shipped()
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for load in loads:
            self.stdout.write(load.summary)
