"""The CPV 2008 list shipped with LocalLots (``sectors/data/``; source and licence in its README).

Set-up (``seed_demo``, ``load_cpv`` without a file) calls ``cpv_load_shipped``: it loads the copy
strictly, and only when the database does not hold it yet (see ``core.reference_files``).
"""

from pathlib import Path

from core.reference_files import ShippedLoad, shipped_file_load
from sectors.loaders import CPV_DATASET, load_cpv_file
from sectors.models import CpvCode

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_CPV_FILE = DATA_DIR / "cpv_2008_en.csv"
SHIPPED_CPV_CODES = 9454


def cpv_load_shipped(*, path: Path | None = None) -> ShippedLoad:
    """Load the shipped CPV list unless it is loaded already; ``CpvFileError`` if it is broken.

    ``path`` stands in for the shipped file (tests give it damaged copies).
    """

    def load(path: Path) -> str:
        report = load_cpv_file(path, strict=True, shipped=True)
        return f"Loaded {report.loaded:,} CPV codes from {path.name}."

    return shipped_file_load(
        dataset=CPV_DATASET,
        path=path or SHIPPED_CPV_FILE,
        table_rows=CpvCode.objects.count,
        load=load,
    )
