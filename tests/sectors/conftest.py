import pytest

from tests.sectors.factories import CpvCodeFactory

# A small slice of the real tree: catering under division 55, and school meals (15894210) whose
# nearest stored ancestor is its division, as happens when intermediate codes are not loaded.
CATERING_TREE = [
    ("55500000", "5", "Canteen and catering services", "55000000"),
    ("55520000", "1", "Catering services", "55500000"),
    ("55521000", "8", "Catering services for private households", "55520000"),
    ("55523000", "2", "Catering services for other enterprises or other institutions", "55520000"),
    ("55523100", "3", "School-meal services", "55523000"),
    ("15894210", "0", "School meals", "15000000"),
]


@pytest.fixture
def catering_tree(db):
    """The codes of ``CATERING_TREE`` stored, keyed by code."""
    return {
        code: CpvCodeFactory(code=code, check_digit=check, label=label, parent_id=parent)
        for code, check, label, parent in CATERING_TREE
    }
