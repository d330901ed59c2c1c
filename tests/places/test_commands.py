from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from places.models import FullPostcode, PostcodeDistrict
from places.shipped import SHIPPED_DISTRICTS_FILE

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("load_postcodes", *args, stdout=out)
    return out.getvalue()


def test_load_postcodes_prints_the_summary():
    output = run(str(SHIPPED_DISTRICTS_FILE))
    assert output == "Loaded 79 postcode districts (79 new, 0 updated); 0 rows rejected.\n"
    assert PostcodeDistrict.objects.count() == 79


def test_load_postcodes_lists_the_first_50_rejected_rows_then_counts_the_rest(tmp_path):
    path = tmp_path / "onspd.csv"
    bad_rows = "".join(f"BAD{n},52.4,-1.8\n" for n in range(55))
    path.write_text(f"pcds,lat,long\nB9 4AA,52.4,-1.8\n{bad_rows}", encoding="utf-8")
    lines = run(str(path), "--batch-size", "10").splitlines()
    assert lines[0] == (
        "Loaded 1 postcode (1 new, 0 updated); 55 rows rejected; "
        "derived centroids for 1 postcode district."
    )
    assert lines[1] == "  row 3: postcode 'BAD0' is not a valid UK postcode"
    assert lines[50] == "  row 52: postcode 'BAD49' is not a valid UK postcode"
    assert lines[51:] == ["  ... and 5 more"]
    assert FullPostcode.objects.count() == 1


def test_load_postcodes_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "absent.csv"))


def test_load_postcodes_refuses_an_unrecognised_header(tmp_path):
    path = tmp_path / "cpv.csv"
    path.write_text("CODE,EN\n03000000-1,Agricultural products\n", encoding="utf-8")
    with pytest.raises(CommandError, match="expected a postcode-district CSV with columns"):
        run(str(path))


def test_load_postcodes_refuses_a_batch_size_below_one(tmp_path):
    with pytest.raises(CommandError, match="batch size"):
        run(
            str(SHIPPED_DISTRICTS_FILE),
            "--batch-size",
            "0",
        )
