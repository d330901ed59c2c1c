"""Loading postcode files: the shipped district CSV and small ONS Postcode Directory files."""

import datetime

import pytest

from places.loaders import PostcodeFileError, Rejection, load_postcodes_file
from places.models import FullPostcode, PostcodeDistrict
from places.selectors import distance_km
from places.shipped import SHIPPED_DISTRICTS_FILE
from tests.places.factories import PostcodeDistrictFactory

pytestmark = pytest.mark.django_db


# ONSPD up to 2024: 7-character pcd, osward, lsoa11, imd (rank), doterm (YYYYMM).
ONS_OLD = "\n".join(
    [
        "pcd,pcd2,pcds,dointr,doterm,oslaua,osward,usertype,oseast1m,osnrth1m,lsoa11,msoa11,"
        "lat,long,imd",
        "B9  4AA,B9   4AA,B9 4AA,198001,,E08000025,E05011127,0,410000,287000,E01009100,E02001900,"
        "52.474120,-1.857371,1234",
        "B9  4AB,B9   4AB,B9 4AB,198001,201905,E08000025,E05011127,0,410100,287100,E01009100,"
        "E02001900,52.475000,-1.856000,1234",
        "B99 1AA,B99  1AA,B99 1AA,200001,,E08000025,,1,,,,,99.999999,0.000000,",
        "XX,XX,XX,198001,,E08000025,E05011127,0,,,,,52.1,-1.8,1",
        "B33 8TH,B33  8TH,B33 8TH,198001,,E08000025,E05011138,0,,,E01009200,,abc,-1.78,",
        'B33 8TJ,B33  8TJ,B33 8TJ,198001,,E08000025,E05011138,0,,,E01009200,,52.48,-1.77,"3,924"',
        "B1  1AA,B1   1AA,B1 1AA,198001,,E08000025,E05011151,0,,,E01009000,,52.47,-1.90,oops",
        "",
    ]
)

# ONSPD from 2025: pcd7/pcd8, wdNNcd (the latest is used), lsoa11cd, lsoa21cd, imd20ind.
ONS_NEW = "\n".join(
    [
        "pcd7,pcd8,pcds,dointr,doterm,usrtypind,east1m,north1m,lad25cd,wd24cd,wd25cd,lsoa11cd,"
        "lsoa21cd,imd20ind,lat,long",
        "B9  4AA,B9   4AA,B9 4AA,198001,,0,410000,287000,E08000025,E05000001,E05011127,E01009100,"
        "E01033600,1234,52.474120,-1.857371",
        "B10 0AA,B10  0AA,B10 0AA,198001,,0,,,E08000025,E05000002,E05011167,E01009101,E01033601,,"
        "99.999999,0.000000",
        "b36 9zz,,b36 9zz,198001,,0,,,E08000025,,,,,,52.5,-1.75",
        "B9 4CA,,B9 4CA,198001,,0,,,E08000025,,,,,,52.5,-1.75",
        "",
    ]
)


@pytest.fixture
def write_csv(tmp_path):
    def write(text, name="postcodes.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_district_csv_loads_all_79_birmingham_districts_with_coordinates():
    report = load_postcodes_file(SHIPPED_DISTRICTS_FILE)
    assert (report.created, report.updated, report.rejected) == (79, 0, [])
    assert report.summary() == "Loaded 79 postcode districts (79 new, 0 updated); 0 rows rejected."
    districts = PostcodeDistrict.objects.all()
    assert districts.count() == 79
    assert districts.with_location().count() == 79
    assert set(districts.values_list("area", flat=True)) == {"B"}


def test_district_csv_keeps_the_details_and_trims_region():
    load_postcodes_file(SHIPPED_DISTRICTS_FILE)
    b9 = PostcodeDistrict.objects.get(code="B9")
    assert (b9.latitude, b9.longitude) == (
        pytest.approx(52.4770, abs=0.01),
        pytest.approx(-1.85, abs=0.02),
    )
    assert b9.post_town == "Birmingham"
    assert b9.population > 0 and b9.easting > 0 and b9.northing > 0
    assert PostcodeDistrict.objects.get(code="B1").region == "Birmingham"


def test_district_csv_flags_b22_and_b99_as_non_geographic():
    load_postcodes_file(SHIPPED_DISTRICTS_FILE)
    flagged = PostcodeDistrict.objects.filter(non_geographic=True)
    assert sorted(flagged.values_list("code", flat=True)) == ["B22", "B99"]


def test_loading_the_district_csv_twice_changes_nothing():
    load_postcodes_file(SHIPPED_DISTRICTS_FILE)
    before = list(PostcodeDistrict.objects.values_list("code", "latitude", "name", "created_at"))
    report = load_postcodes_file(SHIPPED_DISTRICTS_FILE)
    assert (report.created, report.updated) == (0, 79)
    assert (
        list(PostcodeDistrict.objects.values_list("code", "latitude", "name", "created_at"))
        == before
    )


def test_district_centroids_put_b9_between_4_and_6_km_from_b33():
    load_postcodes_file(SHIPPED_DISTRICTS_FILE)
    assert 4 < distance_km("B9", "B33") < 6
    assert 4 < distance_km("B9 4AA", "B33 8TH") < 6  # unknown full postcodes fall back


def test_district_csv_rejects_bad_rows_by_row_number_and_keeps_good_ones(write_csv):
    header = SHIPPED_DISTRICTS_FILE.read_text(encoding="utf-8").splitlines()[0]
    path = write_csv(
        f"{header}\n"
        "B9,52.47,-1.85,410000,287000,SP1,Bordesley,Birmingham,1,1,100,50,,West Midlands,"
        "Birmingham\n"
        "XX9X9,52.47,-1.85,,,,Nowhere,Birmingham,,,,,,West Midlands,\n"
        "B10,abc,-1.85,,,,Small Heath,Birmingham,,,,,,West Midlands,\n"
        "B11,52.45\n"
    )
    report = load_postcodes_file(path)
    assert [str(rejection) for rejection in report.rejected] == [
        "row 3: postcode district 'XX9X9' is not a valid UK postcode district",
        "row 4: latitude 'abc' is not a number",
        "row 5: has 2 columns, the header has at least 15",
    ]
    assert list(PostcodeDistrict.objects.values_list("code", flat=True)) == ["B9"]


def test_ons_old_columns_load_postcodes_with_ward_lsoa_imd_and_termination(write_csv):
    report = load_postcodes_file(write_csv(ONS_OLD))
    assert (report.created, report.updated) == (4, 0)
    row = FullPostcode.objects.get(postcode="B9 4AA")
    assert (row.district_code, row.ward_code, row.lsoa11_code, row.imd_rank) == (
        "B9",
        "E05011127",
        "E01009100",
        1234,
    )
    assert (row.latitude, row.longitude, row.terminated_on) == (52.47412, -1.857371, None)
    assert FullPostcode.objects.get(postcode="B9 4AB").terminated_on == datetime.date(2019, 5, 1)
    assert FullPostcode.objects.get(postcode="B33 8TJ").imd_rank == 3924


def test_ons_latitude_99_999999_means_no_location(write_csv):
    load_postcodes_file(write_csv(ONS_OLD))
    row = FullPostcode.objects.get(postcode="B99 1AA")
    assert (row.latitude, row.longitude) == (None, None)


def test_ons_bad_rows_are_reported_by_row_number_and_good_rows_kept(write_csv):
    report = load_postcodes_file(write_csv(ONS_OLD))
    assert report.rejected == [
        Rejection(5, "postcode 'XX' is not a valid UK postcode"),
        Rejection(6, "latitude 'abc' is not a number"),
        Rejection(8, "IMD rank 'oops' is not a whole number"),
    ]
    assert report.summary() == "Loaded 4 postcodes (4 new, 0 updated); 3 rows rejected; " + (
        "derived centroids for 2 postcode districts."
    )
    assert FullPostcode.objects.filter(postcode="B33 8TJ").exists()


def test_ons_load_twice_is_idempotent(write_csv):
    path = write_csv(ONS_OLD)
    load_postcodes_file(path, batch_size=2)
    fields = ["postcode", "latitude", "ward_code", "imd_rank", "terminated_on", "created_at"]
    before = list(FullPostcode.objects.values_list(*fields))
    report = load_postcodes_file(path, batch_size=2)
    assert (report.created, report.updated, len(report.rejected)) == (0, 4, 3)
    assert list(FullPostcode.objects.values_list(*fields)) == before


def test_ons_new_columns_use_the_latest_ward_and_both_lsoas(write_csv):
    report = load_postcodes_file(write_csv(ONS_NEW))
    assert report.rejected == [Rejection(5, "postcode 'B9 4CA' is not a valid UK postcode")]
    row = FullPostcode.objects.get(postcode="B9 4AA")
    assert (row.ward_code, row.lsoa11_code, row.lsoa21_code, row.imd_rank) == (
        "E05011127",
        "E01009100",
        "E01033600",
        1234,
    )
    assert FullPostcode.objects.get(postcode="B10 0AA").latitude is None
    assert FullPostcode.objects.filter(postcode="B36 9ZZ").exists()  # lower case is fine


def test_a_repeated_postcode_in_one_file_keeps_the_last_row(write_csv):
    path = write_csv("pcds,lat,long\nB9 4AA,52.1,-1.8\nb94aa,52.2,-1.9\n")
    report = load_postcodes_file(path)
    assert (report.created, report.updated) == (1, 1)
    assert FullPostcode.objects.get().latitude == 52.2


def test_ons_load_derives_centroids_only_for_districts_without_one(write_csv):
    PostcodeDistrictFactory(code="B9", latitude=52.0, longitude=-1.0)
    path = write_csv("pcds,lat,long\nB9 4AA,52.4,-1.8\nB33 8TH,52.4,-1.7\nB33 8TJ,52.6,-1.9\n")
    report = load_postcodes_file(path)
    assert report.districts_derived == 1
    b33 = PostcodeDistrict.objects.get(code="B33")
    assert (b33.area, b33.latitude, b33.longitude) == (
        "B",
        pytest.approx(52.5),
        pytest.approx(-1.8),
    )
    assert PostcodeDistrict.objects.get(code="B9").latitude == 52.0


def test_out_of_range_and_unpaired_coordinates_are_rejected(write_csv):
    path = write_csv("pcds,lat,long\nB9 4AA,95,-1.8\nB9 4AB,52.4,\nB9 4AD,nan,-1.8\n")
    report = load_postcodes_file(path)
    assert [str(r) for r in report.rejected] == [
        "row 2: latitude '95' is outside -90 to 90",
        "row 3: latitude and longitude must be given together",
        "row 4: latitude 'nan' is not a number",
    ]
    assert not FullPostcode.objects.exists()


def test_unrecognised_header_names_the_expected_columns(write_csv):
    path = write_csv("CODE,EN\n03000000-1,Agricultural products\n")
    with pytest.raises(PostcodeFileError) as caught:
        load_postcodes_file(path)
    assert "pcds (or pcd), lat, long" in caught.value.message
    assert "Postcode, Latitude, Longitude, Town/Area" in caught.value.message
    assert "Its header is: CODE, EN" in caught.value.message


def test_empty_file_is_unrecognised(write_csv):
    with pytest.raises(PostcodeFileError, match=r"Its header is: \(empty\)"):
        load_postcodes_file(write_csv(""))


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(PostcodeFileError, match="No such file"):
        load_postcodes_file(tmp_path / "absent.csv")


def test_a_file_that_is_not_utf8_is_refused_and_nothing_is_kept(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"pcds,lat,long\nB9 4AA,52.4,-1.8\nB9 4AB,52.4,-1.8\xe9\n")
    with pytest.raises(PostcodeFileError, match="not a readable UTF-8 CSV"):
        load_postcodes_file(path)
    assert not FullPostcode.objects.exists()
