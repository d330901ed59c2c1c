"""What the buyer pages say about a lot and a proposed split (``anchors.presenters``)."""

from decimal import Decimal

import pytest

from anchors import presenters
from anchors.models import Contract, Lot
from anchors.services import LotDraft
from places.models import NamedArea


def test_a_lot_s_target_is_its_area_or_its_districts_or_nothing():
    area = NamedArea(pk=7, name="East Birmingham", slug="east-birmingham")
    assert presenters.target_words(Lot(target_area=area)) == "East Birmingham"
    assert presenters.target_words(Lot(target_districts=["B9", "B10"])) == "B9, B10"
    assert presenters.target_words(Lot()) == ""


@pytest.mark.parametrize(
    ("suppliers", "location", "words"),
    [
        ("none", "none", ""),
        ("sme", "none", "Reserved for SMEs"),
        ("none", "uk", "Suppliers based in the UK"),
        ("vcse", "county", "Reserved for VCSEs; Suppliers based in the county"),
    ],
)
def test_a_lot_s_reservation_in_its_labels(suppliers, location, words):
    lot = Lot(reservation_suppliers=suppliers, reservation_location=location)
    assert presenters.reservation_words(lot) == words


def test_a_proposal_becomes_formset_rows_and_checked_rows_show_both_values(settings):
    settings.VAT_RATE = "0.20"
    drafts = [
        LotDraft(title="North", value=Decimal("100"), target_districts=["B9", "B10"]),
        LotDraft(title="South", value=Decimal("50.50")),
    ]
    assert presenters.proposal_rows(drafts) == [
        {"title": "North", "value": Decimal("100"), "districts": "B9, B10"},
        {"title": "South", "value": Decimal("50.50"), "districts": ""},
    ]
    checked = presenters.split_rows(
        [{"title": "North", "value": Decimal("100"), "districts": []}], Contract(vat_exempt=False)
    )
    assert (checked[0]["districts"], checked[0]["value"].incl) == ("None", "£120")
