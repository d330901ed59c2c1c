"""The place data shipped with LocalLots (``places/data/``; sources and licences in its README):
the Birmingham ``B`` postcode-district centroids and the East Birmingham wards.

Set-up (``seed_demo``, ``load_postcodes`` without a file) calls ``places_load_shipped``: each
file is loaded strictly, and only when the database does not hold it yet (see
``core.reference_files``).
"""

from pathlib import Path

from core.reference_files import ShippedLoad, shipped_file_load
from places.areas import EAST_BIRMINGHAM_SLUG
from places.loaders import load_postcodes_file
from places.models import NamedArea, NamedAreaWard, PostcodeDistrict
from places.postcode_files import DISTRICTS_DATASET
from places.wards import area_wards_load

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_DISTRICTS_FILE = DATA_DIR / "postcode_districts_B_area_doogal.csv"
SHIPPED_WARDS_FILE = DATA_DIR / "east_birmingham_wards.csv"
SHIPPED_DISTRICTS = 79
WARDS_DATASET = "east-birmingham-wards"


def districts_load_shipped(*, path: Path | None = None) -> ShippedLoad:
    """The B district centroids, unless loaded; ``PostcodeFileError`` (with rows) if broken.

    ``path`` stands in for the shipped file (tests give it damaged copies).
    """

    def load(path: Path) -> str:
        report = load_postcodes_file(path, strict=True, shipped=True)
        return f"Loaded {report.loaded:,} postcode districts from {path.name}."

    return shipped_file_load(
        dataset=DISTRICTS_DATASET,
        path=path or SHIPPED_DISTRICTS_FILE,
        table_rows=PostcodeDistrict.objects.count,
        load=load,
    )


def wards_load_shipped(*, path: Path | None = None) -> ShippedLoad:
    """The East Birmingham wards, unless loaded; ``WardFileError`` (with rows) if broken."""
    area = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)

    def load(path: Path) -> str:
        count = area_wards_load(path=path, area=area, dataset=WARDS_DATASET, shipped=True)
        return f"Loaded the {count} wards of {area.name} from {path.name}."

    return shipped_file_load(
        dataset=WARDS_DATASET,
        path=path or SHIPPED_WARDS_FILE,
        table_rows=NamedAreaWard.objects.filter(area=area).count,
        load=load,
    )


def places_load_shipped() -> list[ShippedLoad]:
    """Both shipped files, districts first."""
    return [districts_load_shipped(), wards_load_shipped()]
