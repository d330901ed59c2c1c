"""``python manage.py rematch [--lot ID ...] [--business ID ...]``: run matching now.

Without options every open lot is re-matched, in this process, through the same services the
Celery tasks call, printing progress per chunk.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anchors.models import Lot
from matching.services import match_business, match_lot, match_lots, open_lot_chunks
from suppliers.models import Business


class Command(BaseCommand):
    help = "Re-match lots and businesses now (all open lots when no option is given)."

    def add_arguments(self, parser):
        parser.add_argument("--lot", type=int, action="append", default=[], metavar="ID")
        parser.add_argument("--business", type=int, action="append", default=[], metavar="ID")

    def handle(self, *args, lot, business, **options):
        started = time.perf_counter()
        missing_lots = set(lot) - set(Lot.objects.filter(pk__in=lot).values_list("pk", flat=True))
        missing_businesses = set(business) - set(
            Business.objects.filter(pk__in=business).values_list("pk", flat=True)
        )
        if missing_lots or missing_businesses:
            parts = [f"lot {i}" for i in sorted(missing_lots)]
            parts += [f"business {i}" for i in sorted(missing_businesses)]
            raise CommandError(f"Not found: {', '.join(parts)}.")
        for lot_id in lot:
            run = match_lot(lot_id=lot_id)
            state = "not open, left as it was" if run.skipped else f"{run.stored} matches"
            self.stdout.write(f"Lot {lot_id}: {state}, {run.removed} removed.")
        for business_id in business:
            run = match_business(business_id=business_id)
            self.stdout.write(
                f"Business {business_id}: {run.stored} matches, {run.removed} removed."
            )
        if not lot and not business:
            self._rematch_all()
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f}s.")

    def _rematch_all(self):
        total_lots = Lot.objects.open().count()
        done = stored = 0
        for chunk in open_lot_chunks(size=settings.MATCHING["REMATCH_CHUNK_SIZE"]):
            run = match_lots(lot_ids=chunk)
            done, stored = done + len(chunk), stored + run.stored
            self.stdout.write(f"{done}/{total_lots} open lots re-matched ({stored} matches).")
        if total_lots == 0:
            self.stdout.write("No open lots to match.")
