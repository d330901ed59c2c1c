"""The shape of a demo contract: its lots (or how to split it), target areas, reservations, the
state it is taken to, and its awards."""

from dataclasses import dataclass, field

from anchors.models import Contract

EAST = "east-birmingham"  # target: the built-in East Birmingham area

BCC_RESERVATION = (
    "sme_vcse",
    "authority_area",
    "Small, local and social-enterprise providers can deliver this lot well; reserving it "
    "supports the East Birmingham Inclusive Growth Strategy (2026 Order).",
)
WMCA_RESERVATION = (
    "sme_vcse",
    "authority_area",
    "A below-threshold lot suited to SMEs and VCSEs in the combined authority area; reserved "
    "under the 2026 Order to grow local supply chains.",
)
WMP_RESERVATION = (
    "sme_vcse",
    "county",
    "Below threshold and suited to small local providers; reserved for SMEs and VCSEs in the "
    "West Midlands county under PPN 005.",
)


@dataclass(frozen=True)
class LotSpec:
    title: str
    value: str
    description: str = ""
    cpv_codes: tuple[str, ...] = ()
    delivery_postcode: str = ""


@dataclass(frozen=True)
class AwardSpec:
    lot: int
    business: str = ""  # a demo business's name, or
    supplier_name: str = ""  # an outside supplier
    supplier_postcode: str = ""
    share: str = "0.97"  # award value as a share of the lot value


@dataclass(frozen=True)
class ContractSpec:
    institution: str
    title: str
    description: str
    value: str
    postcode: str
    cpv_codes: tuple[str, ...]
    procurement_type: str = Contract.ProcurementType.SERVICES
    vat_exempt: bool = False
    even: int = 0  # split evenly into this many lots
    districts: tuple[str, ...] = ()  # or one lot per district (each hyper-local to it)
    lots: tuple[LotSpec, ...] = ()  # or these lots
    no_lots_reason: str = ""  # or not split, and why
    target: object = None  # EAST, a tuple of districts, or {lot number: EAST | districts}
    reserve: dict = field(default_factory=dict)  # {lot number: (suppliers, location, rationale)}
    state: str = "open"  # open | draft | cancelled | awarded
    closes_in_days: int = 28
    awards: tuple[AwardSpec, ...] = ()
