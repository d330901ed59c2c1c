"""The reference data the demo stands on, as shipped: the CPV list, the B postcode districts and
the East Birmingham wards (each loaded only when the database does not hold it yet)."""

from core.reference_files import Outcome
from demo.context import Demo
from places.shipped import places_load_shipped
from sectors.shipped import cpv_load_shipped


def seed(demo: Demo) -> list[str]:
    loads = [cpv_load_shipped(), *places_load_shipped()]
    return [load.summary for load in loads if load.outcome == Outcome.LOADED]
