"""``seed_demo`` stands on the shipped reference data: a damaged or missing copy stops it with
the reason (the bad rows by number) before it writes anything."""

import pytest
from django.core.management import CommandError

from anchors.models import Institution
from sectors import shipped
from sectors.models import CpvCode
from tests.demo.conftest import run_seed_demo

pytestmark = pytest.mark.django_db

DIVISIONS = 45  # built in by a migration


def test_a_shipped_file_edited_into_bad_rows_stops_the_demo_before_anything_is_written(
    tmp_path, monkeypatch
):
    lines = shipped.SHIPPED_CPV_FILE.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    lines[6] = "55520000-1;Catering services\n"  # row 7: a semicolon typed for the comma
    broken = tmp_path / "cpv_2008_en.csv"
    broken.write_text("".join(lines), encoding="utf-8-sig")
    monkeypatch.setattr(shipped, "SHIPPED_CPV_FILE", broken)

    with pytest.raises(CommandError, match=r"row 7: code '55520000-1;Catering services' is not"):
        run_seed_demo()

    assert CpvCode.objects.count() == DIVISIONS
    assert not Institution.objects.exists()


def test_a_missing_shipped_file_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(shipped, "SHIPPED_CPV_FILE", tmp_path / "cpv_2008_en.csv")
    with pytest.raises(CommandError, match=r"cpv_2008_en\.csv is missing: it ships with LocalLots"):
        run_seed_demo()
