"""``manage.py seed_demo``: the demo's content, its output, and a second run adding nothing."""

from collections import Counter

import pytest

from accounts.models import User
from anchors import rules
from anchors.models import Award, Contract, Institution, Lot
from anchors.services.lots import reservation_request_for
from demo.context import COORDINATOR_EMAIL, DEMO_PASSWORD
from demo.institutions import INSTITUTIONS
from demo.sectors import SECTOR_FAMILIES, family_of
from places.areas import EAST_BIRMINGHAM_CORE_DISTRICTS
from places.models import NamedArea, PostcodeDistrict
from sectors.models import CpvCode
from suppliers.models import Business, BusinessSector
from tests.demo.conftest import run_seed_demo

pytestmark = pytest.mark.django_db


def _totals() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "institutions": Institution.objects.count(),
        "contracts": Contract.objects.count(),
        "lots": Lot.objects.count(),
        "awards": Award.objects.count(),
        "businesses": Business.objects.count(),
        "sectors": BusinessSector.objects.count(),
    }


def test_institutions_of_several_kinds_and_every_regime(seeded):
    institutions = Institution.objects.all()
    assert institutions.count() >= 5
    assert len({i.kind for i in institutions}) >= 3
    assert {i.reservation_regime for i in institutions} == set(Institution.Regime.values)


def test_contracts_and_lots(seeded):
    assert Contract.objects.count() >= 15
    lots = Lot.objects.all()
    assert lots.count() >= 40
    assert lots.hyper_local().count() >= 10
    statuses = Counter(c.status for c in Contract.objects.all())
    assert statuses[Contract.Status.DRAFT] == 2
    assert statuses[Contract.Status.CANCELLED] == 1
    assert statuses[Contract.Status.AWARDED] == 2
    assert statuses[Contract.Status.OPEN] >= 10


def test_reservations_are_lawful(seeded):
    reserved = list(Lot.objects.reserved().select_related("contract__institution"))
    assert len(reserved) >= 3
    for lot in reserved:
        assert lot.reservation_rationale
        assert rules.reservation_breaches(reservation_request_for(lot.contract, lot)) == []
    regimes = {lot.contract.institution.reservation_regime for lot in reserved}
    assert regimes == {"order_2026", "ppn_005"}


def test_notifiable_contracts_carry_a_notice_reference(seeded):
    at_or_above, below = [], []
    for contract in Contract.objects.select_related("institution"):
        gross = rules.vat_inclusive(contract.estimated_value, vat_exempt=contract.vat_exempt)
        notifiable = rules.notifiable_value_for(
            threshold_class=contract.institution.threshold_class,
            on=contract.created_at.date(),
        )
        (at_or_above if gross >= notifiable else below).append(contract)
    assert at_or_above and below
    assert all(c.find_a_tender_ref for c in at_or_above)


def test_awards_go_to_local_businesses_and_an_outside_supplier(seeded):
    awards = list(Award.objects.select_related("business"))
    local = [
        a for a in awards if a.business and a.business.district in EAST_BIRMINGHAM_CORE_DISTRICTS
    ]
    assert len(local) >= 3
    assert any(a.business is None and a.supplier_name for a in awards)


def test_businesses(seeded):
    businesses = Business.objects.all()
    total = businesses.count()
    assert total >= 150
    assert businesses.filter(size_class=Business.SizeClass.MICRO).count() > total / 2
    assert businesses.filter(is_vcse=True).count() >= 30
    local = businesses.filter(district__in=EAST_BIRMINGHAM_CORE_DISTRICTS).count()
    assert local >= 0.6 * total
    assert all(b.members.filter(role="owner").exists() for b in businesses[:10])


def test_every_sector_family_has_lots_and_businesses(seeded):
    lot_families = {
        family_of(code)
        for code in Lot.cpv_codes.through.objects.values_list("cpv_code_id", flat=True)
    }
    business_families = {
        family_of(code) for code in BusinessSector.objects.values_list("cpv_code_id", flat=True)
    }
    assert set(SECTOR_FAMILIES) <= lot_families
    assert set(SECTOR_FAMILIES) <= business_families


def test_second_run_creates_nothing_and_says_so(seeded):
    before = _totals()
    output = run_seed_demo()
    assert _totals() == before
    assert output.splitlines()[0] == "The demo data is already there; nothing new."


def test_the_demo_stands_on_the_shipped_reference_data(seeded):
    assert CpvCode.objects.count() == 9454
    assert PostcodeDistrict.objects.with_location().count() == 79
    assert NamedArea.objects.get(slug="east-birmingham").wards.count() == 20


def test_one_line_per_kind_of_thing_created_then_the_logins_last(seeded):
    lines = seeded.splitlines()
    heading = lines.index("Demo logins (every password is locallots-demo)")
    # How many are invited depends on the matches stored by then (none in a test transaction).
    event_line = lines[heading - 3]
    assert event_line.startswith("Created a Meet the Buyer event with 3 buyer tables, ")
    assert event_line.endswith(" invitations sent, 6 confirmed places and 1 on the waitlist")
    assert lines[:heading] == [
        "Loaded 9,454 CPV codes from cpv_2008_en.csv.",
        "Loaded 79 postcode districts from postcode_districts_B_area_doogal.csv.",
        "Loaded the 20 wards of East Birmingham from east_birmingham_wards.csv.",
        "Created 7 anchor institutions, each with an officer",
        "Created 160 businesses (130 micro, 60 VCSE, 119 in East Birmingham), each with its "
        "owner's login",
        "Created 21 contracts with 56 lots (48 hyper-local, 11 reserved, 5 awarded)",
        "Created 2 clarification questions (1 answered)",
        event_line,
        "Created 168 demo logins",
        "",
    ]
    assert lines[-1].split()[:2] == ["Coordinator", "(events)"]


def test_logins_are_printed_and_work(seeded):
    assert f"every password is {DEMO_PASSWORD}" in seeded
    assert COORDINATOR_EMAIL in seeded
    for spec in INSTITUTIONS:
        assert spec.officer_email in seeded
    assert "business@demo.locallots.test" in seeded
    owner = User.objects.get(email="business@demo.locallots.test")
    assert owner.check_password(DEMO_PASSWORD)
    assert owner.business_memberships.get().business.name == "Small Heath Community Kitchen CIC"
    coordinator = User.objects.get(email=COORDINATOR_EMAIL)
    assert coordinator.email_verified
    assert coordinator.is_coordinator and coordinator.is_staff


def test_coordinator_can_browse_the_admin(seeded, client):
    client.force_login(User.objects.get(email=COORDINATOR_EMAIL))
    assert client.get("/admin/anchors/contract/").status_code == 200
    assert client.get("/admin/suppliers/business/").status_code == 200
