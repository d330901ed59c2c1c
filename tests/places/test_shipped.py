"""The place data shipped in places/data/: the B district centroids and the East Birmingham
wards, loaded once, strictly, never over an official file."""

import csv
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import ReferenceFile
from core.reference_files import Outcome
from places import shipped
from places.areas import EAST_BIRMINGHAM_SLUG, EAST_BIRMINGHAM_WARDS
from places.loaders import PostcodeFileError, load_postcodes_file
from places.models import NamedArea, NamedAreaWard, PostcodeDistrict
from places.shipped import (
    SHIPPED_DISTRICTS,
    SHIPPED_DISTRICTS_FILE,
    SHIPPED_WARDS_FILE,
    districts_load_shipped,
    places_load_shipped,
    wards_load_shipped,
)
from places.wards import WardFileError

pytestmark = pytest.mark.django_db


@pytest.fixture
def copy(tmp_path):
    """``copy(shipped_file, edit)``: a copy of a shipped file with ``edit`` applied to its lines."""

    def make(source, edit=None, *, name=None):
        path = tmp_path / (name or source.name)
        shutil.copyfile(source, path)
        if edit is not None:
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            path.write_text("".join(edit(lines)), encoding="utf-8")
        return path

    return make


def east_birmingham_wards():
    area = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    return sorted(area.wards.values_list("ward_code", "ward_name"))


def test_the_shipped_files_load_79_districts_and_20_wards():
    NamedAreaWard.objects.all().delete()  # as if the built-in area had none yet

    loads = places_load_shipped()

    assert [load.summary for load in loads] == [
        "Loaded 79 postcode districts from postcode_districts_B_area_doogal.csv.",
        "Loaded the 20 wards of East Birmingham from east_birmingham_wards.csv.",
    ]
    assert PostcodeDistrict.objects.count() == SHIPPED_DISTRICTS == 79
    assert PostcodeDistrict.objects.with_location().count() == 79
    assert east_birmingham_wards() == sorted(EAST_BIRMINGHAM_WARDS)
    assert set(ReferenceFile.objects.values_list("dataset", "shipped")) == {
        ("postcode-districts", True),
        ("east-birmingham-wards", True),
    }


def test_the_built_in_area_agrees_with_the_shipped_ward_list():
    """The migration that creates East Birmingham uses places.areas; the file is the source."""
    with SHIPPED_WARDS_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    listed = sorted(
        (row["ward_gss_code"], row["ward_name"])
        for row in rows
        if row["in_EBIGS_cabinet_report_2020"] == "yes"
    )
    assert listed == sorted(EAST_BIRMINGHAM_WARDS)
    assert east_birmingham_wards() == listed


def test_unchanged_copies_are_not_loaded_again():
    places_load_shipped()
    PostcodeDistrict.objects.filter(code="B9").update(name="Changed since")

    loads = places_load_shipped()

    assert [load.outcome for load in loads] == [Outcome.UNCHANGED, Outcome.UNCHANGED]
    assert PostcodeDistrict.objects.get(code="B9").name == "Changed since"


def test_an_official_district_file_is_never_replaced_by_the_shipped_one(copy):
    official = copy(SHIPPED_DISTRICTS_FILE, lambda ls: [ls[0], ls[9].replace("52.4", "53.4", 1)])
    load_postcodes_file(official)

    load = districts_load_shipped()

    assert load.outcome == Outcome.KEPT
    assert list(PostcodeDistrict.objects.values_list("code", flat=True)) == ["B9"]


def _break_districts(lines):
    lines[3] = lines[3].replace("B3,", "B3X9,", 1)  # row 4: not a district
    lines[60] = lines[60].replace(",52.", ",5x.", 1)  # row 61: latitude garbled
    lines[78] = "B99,52.4\n"  # row 79: cut short
    return lines


def test_a_district_copy_with_bad_rows_is_refused_whole_with_each_row_number(copy):
    with pytest.raises(PostcodeFileError) as refused:
        districts_load_shipped(path=copy(SHIPPED_DISTRICTS_FILE, _break_districts))

    message = refused.value.message
    assert "3 rows refused, so nothing was loaded" in message
    assert "row 4: postcode district 'B3X9' is not a valid UK postcode district" in message
    assert "row 61: latitude '5x." in message
    assert "row 79: has 2 columns, the header has at least 15" in message
    # The good rows before and after were read in the same transaction: none was kept.
    assert not PostcodeDistrict.objects.exists()
    assert not ReferenceFile.objects.exists()


def test_a_district_copy_refused_late_in_a_batched_load_keeps_nothing(copy):
    path = copy(SHIPPED_DISTRICTS_FILE, lambda ls: [*ls[:-1], ls[-1].replace(",52.", ",north", 1)])
    with pytest.raises(PostcodeFileError, match="row 80: latitude 'north4959' is not a number"):
        load_postcodes_file(path, batch_size=10, strict=True, shipped=True)
    assert not PostcodeDistrict.objects.exists()


def _break_wards(lines):
    lines[2] = lines[2].replace("E05011126", "E0501126", 1)  # row 3: a digit lost
    lines[5] = lines[5].replace("Castle Vale", "", 1)  # row 6: no name
    lines[7] = lines[6]  # row 8 repeats row 7
    lines[9] = lines[9].replace(",yes,", ",maybe,", 1)  # row 10
    return lines


def test_a_ward_copy_with_bad_rows_is_refused_whole_with_each_row_number(copy):
    before = east_birmingham_wards()
    with pytest.raises(WardFileError) as refused:
        wards_load_shipped(path=copy(SHIPPED_WARDS_FILE, _break_wards))

    message = refused.value.message
    assert "4 rows refused, so nothing was loaded" in message
    assert "row 3: ward code 'E0501126' is not an ONS ward code" in message
    assert "row 6: the ward name is empty" in message
    assert "row 8: ward code E05011137 repeats row 7" in message
    assert "row 10: in_EBIGS_cabinet_report_2020 'maybe' is neither 'yes' nor 'no ...'" in message
    assert east_birmingham_wards() == before


def test_a_ward_file_without_its_columns_is_refused(copy):
    path = copy(SHIPPED_WARDS_FILE, lambda ls: ["name,code\n", *ls[1:]])
    with pytest.raises(WardFileError, match="the header lacks ward_name, ward_gss_code"):
        wards_load_shipped(path=path)


def test_the_area_gets_exactly_the_listed_wards(copy):
    NamedAreaWard.objects.filter(ward_code="E05011120").update(ward_name="Old name")
    area = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    NamedAreaWard.objects.create(area=area, ward_code="E05099999", ward_name="Not listed")
    fewer = copy(SHIPPED_WARDS_FILE, lambda ls: [ls[0], *ls[2:]])  # Alum Rock dropped

    wards_load_shipped(path=fewer)

    codes = [code for code, _ in east_birmingham_wards()]
    assert len(codes) == 19
    assert "E05011120" not in codes and "E05099999" not in codes


def test_load_postcodes_without_a_file_loads_the_shipped_copies_once():
    out = StringIO()
    call_command("load_postcodes", stdout=out)
    call_command("load_postcodes", stdout=out)
    assert out.getvalue().splitlines()[2:] == [
        "The shipped postcode_districts_B_area_doogal.csv is loaded already.",
        "The shipped east_birmingham_wards.csv is loaded already.",
    ]


def test_load_postcodes_reports_a_broken_shipped_copy_as_a_command_error(copy, monkeypatch):
    monkeypatch.setattr(
        shipped, "SHIPPED_WARDS_FILE", copy(SHIPPED_WARDS_FILE, _break_wards, name="w.csv")
    )
    with pytest.raises(CommandError, match="row 3: ward code 'E0501126'"):
        call_command("load_postcodes", stdout=StringIO())
