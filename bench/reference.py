"""Reference data for the synthetic dataset: the CPV list and the B postcode districts.

The real files are loaded through the app's own loaders (``load_cpv``, ``load_postcodes``): those
in the reference folder (``REFERENCE_DATA_DIR`` by default), else the copies shipped in
``sectors/data/`` and ``places/data/``, so a bare clone measures on the same data. With no folder
at all (the smoke tests), a short embedded sample stands in, and says so: real CPV codes (at
mixed depths) for the divisions local businesses work in, and the main Birmingham districts with
centroids and populations rounded from the ONS-derived district file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command

from places.models import PostcodeDistrict
from places.shipped import SHIPPED_DISTRICTS_FILE
from sectors import cpv
from sectors.models import CpvCode
from sectors.shipped import SHIPPED_CPV_FILE

CPV_FILE = "cpv_2008_en.csv"
DISTRICTS_FILE = "postcode_districts_B_area_doogal.csv"
FULL_CPV_MIN = 9000  # the official list has 9,454 codes
FULL_DISTRICTS_MIN = 60  # the B-area file has 79 districts

# (code, check digit, label) from the official CPV 2008 list; only used without the file.
FALLBACK_CPV_CODES: tuple[tuple[str, str, str], ...] = (
    ("45200000", "9", "Works for complete or part construction and civil engineering work"),
    ("45210000", "2", "Building construction work"),
    ("45211000", "9", "Construction work for multi-dwelling buildings and individual houses"),
    ("45400000", "1", "Building completion work"),
    ("45450000", "6", "Other building completion work"),
    ("45453000", "7", "Overhaul and refurbishment work"),
    ("45440000", "3", "Painting and glazing work"),
    ("45442100", "8", "Painting work"),
    ("45330000", "9", "Plumbing and sanitary works"),
    ("45310000", "3", "Electrical installation work"),
    ("45311000", "0", "Electrical wiring and fitting work"),
    ("45421000", "4", "Joinery work"),
    ("45260000", "7", "Roof works and other special trade construction works"),
    ("45261000", "4", "Erection and related works of roof frames and coverings"),
    ("90900000", "6", "Cleaning and sanitation services"),
    ("90910000", "9", "Cleaning services"),
    ("90911000", "6", "Accommodation, building and window cleaning services"),
    ("90911200", "8", "Building-cleaning services"),
    ("90911300", "9", "Window-cleaning services"),
    ("90919000", "2", "Office, school and office equipment cleaning services"),
    ("90919200", "4", "Office cleaning services"),
    ("90919300", "5", "School cleaning services"),
    ("90500000", "2", "Refuse and waste related services"),
    ("90511000", "2", "Refuse collection services"),
    ("90922000", "6", "Pest-control services"),
    ("55300000", "3", "Restaurant and food-serving services"),
    ("55320000", "9", "Meal-serving services"),
    ("55500000", "5", "Canteen and catering services"),
    ("55520000", "1", "Catering services"),
    ("55521000", "8", "Catering services for private households"),
    ("55521100", "9", "Meals-on-wheels services"),
    ("55523000", "2", "Catering services for other enterprises or other institutions"),
    ("55523100", "3", "School-meal services"),
    ("55524000", "9", "School catering services"),
    ("55510000", "8", "Canteen services"),
    ("72200000", "7", "Software programming and consultancy services"),
    ("72210000", "0", "Programming services of packaged software products"),
    ("72212000", "4", "Programming services of application software"),
    ("72220000", "3", "Systems and technical consultancy services"),
    ("72250000", "2", "System and support services"),
    ("72253000", "3", "Helpdesk and support services"),
    ("72253200", "5", "Systems support services"),
    ("72400000", "4", "Internet services"),
    ("72413000", "8", "World wide web (www) site design services"),
    ("72600000", "6", "Computer support and consultancy services"),
    ("72500000", "0", "Computer-related services"),
    ("60100000", "9", "Road transport services"),
    ("60130000", "8", "Special-purpose road passenger-transport services"),
    ("60120000", "5", "Taxi services"),
    ("60140000", "1", "Non-scheduled passenger transport"),
    ("60160000", "7", "Mail transport by road"),
    ("60161000", "4", "Parcel transport services"),
    ("60112000", "6", "Public road transport services"),
    ("85300000", "2", "Social work and related services"),
    ("85310000", "5", "Social work services"),
    ("85311000", "2", "Social work services with accommodation"),
    ("85311200", "4", "Welfare services for the handicapped"),
    ("85312000", "9", "Social work services without accommodation"),
    ("85312400", "3", "Welfare services not delivered through residential institutions"),
    ("85320000", "8", "Social services"),
    ("85323000", "9", "Community health services"),
    ("85140000", "2", "Miscellaneous health services"),
    ("85100000", "0", "Health services"),
    ("79200000", "6", "Accounting, auditing and fiscal services"),
    ("79210000", "9", "Accounting and auditing services"),
    ("79211000", "6", "Accounting services"),
    ("79400000", "8", "Business and management consultancy and related services"),
    ("79410000", "1", "Business and management consultancy services"),
    ("79340000", "9", "Advertising and marketing services"),
    ("79341000", "6", "Advertising services"),
    ("79800000", "2", "Printing and related services"),
    ("79810000", "5", "Printing services"),
    ("79820000", "8", "Services related to printing"),
    ("79530000", "8", "Translation services"),
    ("79600000", "0", "Recruitment services"),
    ("79710000", "4", "Security services"),
    ("79713000", "5", "Guard services"),
    ("79950000", "8", "Exhibition, fair and congress organisation services"),
    ("79952000", "2", "Event services"),
    ("80500000", "9", "Training services"),
    ("80510000", "2", "Specialist training services"),
    ("80530000", "8", "Vocational training services"),
    ("80400000", "8", "Adult and other education services"),
    ("80410000", "1", "Various school services"),
    ("80340000", "9", "Special education services"),
    ("50700000", "2", "Repair and maintenance services of building installations"),
    (
        "50710000",
        "5",
        "Repair and maintenance services of electrical and mechanical building installations",
    ),
    ("50720000", "8", "Repair and maintenance services of central heating"),
    ("50730000", "1", "Repair and maintenance services of cooler groups"),
    ("50110000", "9", "Repair and maintenance services of motor vehicles and associated equipment"),
    ("50112000", "3", "Repair and maintenance services of cars"),
    ("50800000", "3", "Miscellaneous repair and maintenance services"),
    ("50750000", "7", "Lift-maintenance services"),
    ("22100000", "1", "Printed books, brochures and leaflets"),
    ("22150000", "6", "Brochures"),
    ("22460000", "2", "Trade-advertising material, commercial catalogues and manuals"),
    ("22462000", "6", "Advertising material"),
    ("22900000", "9", "Miscellaneous printed matter"),
    ("77300000", "3", "Horticultural services"),
    ("77310000", "6", "Planting and maintenance services of green areas"),
    ("77311000", "3", "Ornamental and pleasure gardens maintenance services"),
    ("77312000", "0", "Weed-clearance services"),
    ("77313000", "7", "Parks maintenance services"),
    ("77314000", "4", "Grounds maintenance services"),
    ("77340000", "5", "Tree pruning and hedge trimming"),
    ("77341000", "2", "Tree pruning"),
    ("77211400", "6", "Tree-cutting services"),
    ("92300000", "4", "Entertainment services"),
    ("92310000", "7", "Artistic and literary creation and interpretation services"),
    ("92312000", "1", "Artistic services"),
    ("92600000", "7", "Sporting services"),
    ("92610000", "0", "Sports facilities operation services"),
    ("92620000", "3", "Sport-related services"),
    ("98300000", "6", "Miscellaneous services"),
    ("98310000", "9", "Washing and dry-cleaning services"),
    ("98341000", "5", "Accommodation services"),
    ("98341100", "6", "Accommodation management services"),
    ("98133000", "4", "Services furnished by social membership organisations"),
    ("98133100", "5", "Civic betterment and community facility support services"),
    ("71200000", "0", "Architectural and related services"),
    ("71220000", "6", "Architectural design services"),
    ("71300000", "1", "Engineering services"),
    ("71310000", "4", "Consultative engineering and construction services"),
    ("71315000", "9", "Building services"),
    ("71315200", "1", "Building consultancy services"),
    ("71320000", "7", "Engineering design services"),
    ("71240000", "2", "Architectural, engineering and planning services"),
    ("71400000", "2", "Urban planning and landscape architectural services"),
    ("71600000", "4", "Technical testing, analysis and consultancy services"),
    ("39100000", "3", "Furniture"),
    ("39130000", "2", "Office furniture"),
    ("39150000", "8", "Miscellaneous furniture and equipment"),
    ("39160000", "1", "School furniture"),
    ("39830000", "9", "Cleaning products"),
    ("39800000", "0", "Cleaning and polishing products"),
    ("33100000", "1", "Medical equipments"),
    ("33140000", "3", "Medical consumables"),
    ("33141000", "0", "Disposable non-chemical medical consumables and haematological consumables"),
    ("33190000", "8", "Miscellaneous medical devices and products"),
    ("33700000", "7", "Personal care products"),
    ("33760000", "5", "Toilet paper, handkerchiefs, hand towels and serviettes"),
    ("15800000", "6", "Miscellaneous food products"),
    ("15810000", "9", "Bread products, fresh pastry goods and cakes"),
    ("15811000", "6", "Bread products"),
    ("15500000", "3", "Dairy products"),
    ("15300000", "1", "Fruit, vegetables and related products"),
    ("15894000", "1", "Processed food products"),
    (
        "30100000",
        "0",
        "Office machinery, equipment and supplies except computers, printers and furniture",
    ),
    ("30190000", "7", "Various office equipment and supplies"),
    ("30192000", "1", "Office supplies"),
    ("30200000", "1", "Computer equipment and supplies"),
    ("30213000", "5", "Personal computers"),
    ("30230000", "0", "Computer-related equipment"),
    ("44100000", "1", "Construction materials and associated items"),
    ("44110000", "4", "Construction materials"),
    ("44111000", "1", "Building materials"),
    ("44190000", "8", "Miscellaneous construction materials"),
    ("44400000", "4", "Miscellaneous fabricated products and related items"),
    ("44500000", "5", "Tools, locks, keys, hinges, fasteners, chain and springs"),
)

# (district, latitude, longitude, local authority, population); only used without the file.
FALLBACK_DISTRICTS: tuple[tuple[str, float, float, str, int], ...] = (
    ("B1", 52.480, -1.908, "Birmingham", 8500),
    ("B2", 52.486, -1.897, "Birmingham", 700),
    ("B3", 52.482, -1.903, "Birmingham", 2200),
    ("B4", 52.484, -1.894, "Birmingham", 4300),
    ("B5", 52.472, -1.897, "Birmingham", 12200),
    ("B6", 52.502, -1.887, "Birmingham", 19500),
    ("B7", 52.494, -1.874, "Birmingham", 8600),
    ("B8", 52.490, -1.843, "Birmingham", 42300),
    ("B9", 52.478, -1.853, "Birmingham", 24900),
    ("B10", 52.470, -1.853, "Birmingham", 26000),
    ("B11", 52.455, -1.860, "Birmingham", 44400),
    ("B12", 52.461, -1.883, "Birmingham", 20500),
    ("B13", 52.435, -1.883, "Birmingham", 37700),
    ("B14", 52.419, -1.890, "Birmingham", 43100),
    ("B15", 52.468, -1.923, "Birmingham", 17900),
    ("B16", 52.475, -1.932, "Birmingham", 23600),
    ("B17", 52.462, -1.963, "Birmingham", 25600),
    ("B18", 52.492, -1.922, "Birmingham", 16700),
    ("B19", 52.496, -1.906, "Birmingham", 20200),
    ("B20", 52.513, -1.919, "Birmingham", 34800),
    ("B21", 52.505, -1.936, "Birmingham", 29600),
    ("B23", 52.528, -1.852, "Birmingham", 42900),
    ("B24", 52.520, -1.829, "Birmingham", 28300),
    ("B25", 52.461, -1.826, "Birmingham", 15900),
    ("B26", 52.461, -1.793, "Birmingham", 32500),
    ("B27", 52.446, -1.824, "Birmingham", 25300),
    ("B28", 52.428, -1.843, "Birmingham", 30300),
    ("B29", 52.438, -1.945, "Birmingham", 42600),
    ("B30", 52.421, -1.928, "Birmingham", 29500),
    ("B31", 52.409, -1.973, "Birmingham", 53800),
    ("B32", 52.451, -1.995, "Birmingham", 38400),
    ("B33", 52.481, -1.788, "Birmingham", 34500),
    ("B34", 52.496, -1.782, "Birmingham", 18900),
    ("B35", 52.517, -1.790, "Birmingham", 9900),
    ("B36", 52.505, -1.780, "Solihull", 35100),
    ("B37", 52.478, -1.742, "Solihull", 35900),
    ("B38", 52.401, -1.934, "Birmingham", 21100),
    ("B42", 52.535, -1.904, "Birmingham", 24300),
    ("B43", 52.548, -1.928, "Birmingham", 28800),
    ("B44", 52.545, -1.886, "Birmingham", 37400),
    ("B66", 52.494, -1.966, "Sandwell", 21500),
    ("B67", 52.488, -1.977, "Sandwell", 29900),
    ("B68", 52.480, -2.002, "Sandwell", 30900),
    ("B69", 52.503, -2.025, "Sandwell", 29000),
    ("B70", 52.520, -2.003, "Sandwell", 27800),
    ("B71", 52.535, -1.990, "Sandwell", 30900),
    ("B72", 52.554, -1.824, "Birmingham", 9700),
    ("B73", 52.559, -1.838, "Birmingham", 23100),
    ("B74", 52.582, -1.857, "Birmingham", 32000),
    ("B75", 52.578, -1.811, "Birmingham", 26900),
    ("B76", 52.545, -1.790, "Birmingham", 21500),
    ("B90", 52.401, -1.826, "Solihull", 45700),
    ("B91", 52.414, -1.781, "Solihull", 33300),
    ("B92", 52.435, -1.774, "Solihull", 36100),
)


@dataclass(frozen=True)
class ReferenceData:
    cpv_source: str
    districts_source: str


def reference_data_ensure(*, folder: Path | None, log: Callable[[str], None]) -> ReferenceData:
    """Load the full CPV list and the B districts unless already there; else the samples."""
    return ReferenceData(_cpv_ensure(folder, log), _districts_ensure(folder, log))


def _file(folder: Path | None, name: str, shipped: Path) -> Path | None:
    """The file in ``folder``, or the shipped copy when the folder lacks it; None: no folder."""
    if folder is None:
        return None
    return folder / name if (folder / name).is_file() else shipped


def _cpv_ensure(folder: Path | None, log) -> str:
    path = _file(folder, CPV_FILE, SHIPPED_CPV_FILE)
    if CpvCode.objects.count() >= FULL_CPV_MIN:
        return f"CPV 2008 list ({CpvCode.objects.count():,} codes, already loaded)"
    if path and path.is_file():
        log(f"loading {path} with load_cpv")
        call_command("load_cpv", str(path), stdout=_Log(log), stderr=_Log(log))
        return f"CPV 2008 list ({CpvCode.objects.count():,} codes) from {path}"
    known = set(CpvCode.objects.values_list("code", flat=True))
    rows = []
    for code, check_digit, label in FALLBACK_CPV_CODES:  # parents come first
        parent = cpv.nearest_parent(code, known)
        rows.append(
            CpvCode.build(code=code, check_digit=check_digit, label=label, parent_id=parent)
        )
        known.add(code)
    CpvCode.objects.bulk_create(rows, ignore_conflicts=True)
    log(f"no reference folder: using {len(rows)} embedded CPV codes and the 45 divisions")
    return f"embedded sample of {len(rows)} CPV codes (no reference folder)"


def _districts_ensure(folder: Path | None, log) -> str:
    path = _file(folder, DISTRICTS_FILE, SHIPPED_DISTRICTS_FILE)
    located = PostcodeDistrict.objects.geographic().with_location().filter(population__gt=0)
    if located.count() >= FULL_DISTRICTS_MIN:
        return f"postcode districts ({located.count()} with population, already loaded)"
    if path and path.is_file():
        log(f"loading {path} with load_postcodes")
        call_command("load_postcodes", str(path), stdout=_Log(log), stderr=_Log(log))
        return f"postcode districts ({located.count()} with population) from {path}"
    PostcodeDistrict.objects.bulk_create(
        [
            PostcodeDistrict(
                code=code,
                area="B",
                latitude=latitude,
                longitude=longitude,
                region=authority,
                post_town="Birmingham",
                population=population,
            )
            for code, latitude, longitude, authority, population in FALLBACK_DISTRICTS
        ],
        ignore_conflicts=True,
    )
    log(f"no reference folder: using {len(FALLBACK_DISTRICTS)} embedded districts")
    return f"embedded sample of {len(FALLBACK_DISTRICTS)} B districts (no reference folder)"


class _Log:
    """A file-like object for ``call_command`` that sends its lines to ``log``."""

    def __init__(self, log):
        self.log = log

    def write(self, text: str) -> None:
        if text.strip():
            self.log(text.rstrip())

    def flush(self) -> None:
        pass
