"""``python manage.py rematch``."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from matching.models import Match
from tests.matching.factories import close_lot, matching_business, open_lot

pytestmark = pytest.mark.django_db


def rematch(*args) -> str:
    out = StringIO()
    call_command("rematch", *args, stdout=out)
    return out.getvalue()


def test_rematch_one_lot():
    lot, other = open_lot(), open_lot()
    business = matching_business()

    output = rematch("--lot", str(lot.pk))

    assert f"Lot {lot.pk}: 1 matches, 0 removed." in output
    assert output.rstrip().splitlines()[-1].startswith("Done in ")
    assert set(Match.objects.values_list("lot_id", "business_id")) == {(lot.pk, business.pk)}
    assert not other.matches.exists()


def test_rematch_a_closed_lot_says_it_was_left_alone():
    lot = close_lot(open_lot())
    matching_business()

    output = rematch("--lot", str(lot.pk))

    assert f"Lot {lot.pk}: not open, left as it was, 0 removed." in output
    assert not Match.objects.exists()


def test_rematch_several_lots_and_businesses():
    first, second = open_lot(), open_lot()
    business = matching_business()
    late = matching_business()

    output = rematch("--lot", str(first.pk), "--lot", str(second.pk), "--business", str(late.pk))

    assert f"Lot {first.pk}: 2 matches" in output and f"Lot {second.pk}: 2 matches" in output
    assert f"Business {late.pk}: 2 matches, 0 removed." in output
    assert Match.objects.count() == 4
    assert Match.objects.filter(business=business).count() == 2


def test_rematch_a_business_removes_what_no_longer_holds():
    lot = open_lot()
    business = matching_business()
    rematch("--lot", str(lot.pk))
    business.is_active = False
    business.save(update_fields=["is_active"])

    output = rematch("--business", str(business.pk))

    assert f"Business {business.pk}: 0 matches, 1 removed." in output
    assert not Match.objects.exists()


def test_rematch_everything_open_reports_progress_per_chunk(settings):
    settings.MATCHING = {**settings.MATCHING, "REMATCH_CHUNK_SIZE": 2}
    lots = [open_lot() for _ in range(3)]
    close_lot(open_lot())
    matching_business()

    output = rematch()

    assert "2/3 open lots re-matched (2 matches)." in output
    assert "3/3 open lots re-matched (3 matches)." in output
    assert set(Match.objects.values_list("lot_id", flat=True)) == {lot.pk for lot in lots}


def test_rematch_with_nothing_open_says_so():
    output = rematch()
    assert "No open lots to match." in output
    assert "Done in" in output


def test_an_unknown_id_is_a_command_error_and_nothing_runs():
    lot = open_lot()
    matching_business()

    with pytest.raises(CommandError, match=r"Not found: lot 987654, business 123456\."):
        rematch("--lot", str(lot.pk), "--lot", "987654", "--business", "123456")
    assert not Match.objects.exists()
