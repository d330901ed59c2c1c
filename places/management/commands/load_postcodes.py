"""``python manage.py load_postcodes FILE [--batch-size N]``: load a postcode reference file."""

from django.core.management.base import BaseCommand, CommandError

from places.loaders import DEFAULT_BATCH_SIZE, PostcodeFileError, load_postcodes_file

REJECTIONS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Load postcode reference data: a postcode-district centroid CSV (Doogal layout) or the "
        "ONS Postcode Directory CSV. The format is recognised from the header; loading the same "
        "file again updates the rows in place. Bad rows are listed and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the CSV file.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows written per batch (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args, file, batch_size, **options):
        try:
            report = load_postcodes_file(file, batch_size=batch_size)
        except PostcodeFileError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))
        for rejection in report.rejected[:REJECTIONS_SHOWN]:
            self.stdout.write(f"  {rejection}")
        if report.rejected_count > REJECTIONS_SHOWN:
            self.stdout.write(f"  ... and {report.rejected_count - REJECTIONS_SHOWN:,} more")
