"""``python manage.py import_ocds FILE...``"""

import json
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from anchors.models import Contract, Institution, Lot
from ocds.models import ImportedRelease
from tests.ocds.test_importer import a_release
from tests.sectors.factories import CpvCodeFactory

pytestmark = pytest.mark.django_db

# Five real Contracts Finder releases, shipped with the tests (see data/README.md).
SAMPLE = Path(__file__).parent / "data" / "contractsfinder_west_midlands_subset.json"


def import_ocds(*paths) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_ocds", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (
        Contract.objects.count(),
        Lot.objects.count(),
        Institution.objects.count(),
        ImportedRelease.objects.count(),
    )


def test_importing_the_sample_twice_gives_five_opportunities_not_ten():
    sample = SAMPLE
    out, _ = import_ocds(sample)
    assert "5 releases: 5 created, 0 updated, 0 unchanged, 0 skipped" in out
    out, _ = import_ocds(sample)
    assert "5 releases: 0 created, 0 updated, 5 unchanged, 0 skipped" in out
    assert out.count("unchanged: already imported") == 5
    # An opportunity is a published lot (the public search and the API list lots).
    assert Lot.objects.published().count() == 5
    assert Contract.objects.published().count() == 5
    with time_machine.travel(datetime(2025, 1, 24, 9, tzinfo=UTC)):
        assert Lot.objects.open().count() == 5
    # Four buyers: Dudley publishes two of the notices.
    assert Institution.objects.filter(is_external=True).count() == 4


def test_the_sample_is_mapped_as_the_notices_say():
    for code in ("85300000", "85310000", "60130000"):
        CpvCodeFactory(code=code, parent_id=code[:2] + "000000")
    import_ocds(SAMPLE)
    contracts = {c.title: c for c in Contract.objects.prefetch_related("lots")}
    transport = contracts[
        "Our Lady of the Magnificat - Home to School Transport for St Bede's Catholic Middle School"
    ]
    assert transport.source == Contract.Source.CONTRACTS_FINDER
    assert transport.source_url == (
        "https://www.contractsfinder.service.gov.uk/Notice/dff009c9-c955-4f82-8f54-455a64c5bee0"
    )
    lot = transport.lots.get()
    assert (lot.value, lot.delivery_postcode, lot.delivery_district) == (405000, "B98 7HA", "B98")
    assert sorted(lot.cpv_codes.values_list("code", flat=True)) == ["60000000", "60130000"]
    waste = contracts[
        "Courier Service for Delivery of Waste Sacks to Birmingham City Council Trade Waste "
        "Customers"
    ]
    assert waste.estimated_value is None and waste.lots.get().value is None
    assert "\r" not in waste.description
    assert waste.institution.name == "Birmingham City Council"
    assert waste.closes_at == datetime(2025, 2, 17, 12, tzinfo=UTC)


def test_the_report_names_the_file_and_position_of_each_release(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [a_release(), {"ocid": "ocds-x-1"}, a_release(ocid="ocds-b5fd17-two", id="2")]
    path.write_text("\n".join(json.dumps(line) for line in lines))
    out, _ = import_ocds(path)
    assert "feed.jsonl line 1 ocds-b5fd17-" in out
    assert "feed.jsonl line 2: skipped: no ocid or no release id" in out
    assert "feed.jsonl: 3 releases: 2 created, 0 updated, 0 unchanged, 1 skipped" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"releases": [{"ocid": "ocds-b5fd17-1", ', "Not valid JSON"),
        ('{"rows": [1, 2, 3]}', "not OCDS"),
        ("\xff\xfe", "not UTF-8"),
    ],
)
def test_a_broken_file_is_reported_imports_nothing_and_fails_the_command(
    tmp_path, content, message
):
    good, broken = tmp_path / "good.json", tmp_path / "broken.json"
    good.write_text(json.dumps({"releases": [a_release()]}))
    broken.write_bytes(content.encode("latin-1"))
    with pytest.raises(CommandError) as caught:
        import_ocds(broken, good)
    assert "1 of 2 file(s) could not be imported: " in str(caught.value)
    # The good file still counts: one file, one transaction.
    assert counts() == (1, 1, 1, 1)


def test_a_broken_file_alone_leaves_the_database_unchanged(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"releases": [a_release()]})[:-5])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_ocds", str(broken), stdout=StringIO(), stderr=err)
    assert "broken.json: not imported: Not valid JSON" in err.getvalue()
    assert counts() == (0, 0, 0, 0)


def test_a_missing_file_is_reported_not_a_traceback(tmp_path):
    with pytest.raises(CommandError):
        import_ocds(tmp_path / "nowhere.json")
