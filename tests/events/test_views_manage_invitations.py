"""The invite list beyond East Birmingham, and what it says after a business cancels.

- The event's target area decides who counts as in the area: the ranking, the reasons, the
  focus-sector candidates, the invite list page and its CSV (here Sutton Coldfield, B72-B76).
- A business that cancels its registration has declined its invitation (answered when it
  cancelled): the invite list page and the CSV say so, and it can be removed from the list.
"""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Invitation, Registration
from events.selectors import invite_candidates
from places.models import NamedArea, NamedAreaDistrict
from suppliers.models import Business
from tests.accounts.factories import CoordinatorFactory
from tests.anchors.factories import InstitutionFactory
from tests.events.factories import EventFactory, InvitationFactory, RegistrationFactory, supplier
from tests.matching.factories import MatchFactory, matching_business, open_lot
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db

SMALL = {"staff_headcount": 20}  # not micro: ranked by score, then by the target area


def url(name: str, *args) -> str:
    return reverse(f"events:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def read_csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def invite_row(page: str, business: str) -> str:
    """The words of the invite list row of ``business``."""
    row = re.search(rf"<tr[^>]*>\s*<td[^>]*>\d+</td>\s*<td[^>]*>{business}(.*?)</tr>", page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", row[1]).split())


@pytest.fixture
def sutton_coldfield():
    area = NamedArea.objects.create(slug="sutton-coldfield", name="Sutton Coldfield")
    for district in ("B72", "B73", "B74", "B75"):
        NamedAreaDistrict.objects.create(area=area, district_code=district)
    NamedAreaDistrict.objects.create(area=area, district_code="B76", is_fringe=True)
    return area


@pytest.fixture
def council():
    return InstitutionFactory(name="Birmingham City Council")


def _event(council, area):
    event = EventFactory(title="Meet the Buyer: Sutton Coldfield", target_area=area)
    event.institutions.add(council)
    return event


def _matched(council, name: str, postcode: str, score: float, **fields) -> Business:
    business = matching_business(name=name, postcode=postcode, **fields)
    MatchFactory(lot=open_lot(institution=council), business=business, score=score)
    return business


# --- A target area other than East Birmingham -------------------------------------------------


def test_the_events_target_area_decides_who_is_in_the_area(council, sutton_coldfield):
    _matched(council, "Alum Rock Kitchens", "B8 1AA", 0.6, **SMALL)  # East Birmingham
    _matched(council, "Sutton Kitchens", "B73 5AA", 0.6, **SMALL)
    _matched(council, "Walmley Kitchens", "B76 1AA", 0.6, **SMALL)  # partly inside
    east = NamedArea.objects.get(slug="east-birmingham")

    in_sutton = invite_candidates(event=_event(council, sutton_coldfield))
    in_east = invite_candidates(event=_event(council, east))

    assert [(c.business.name, c.in_area) for c in in_sutton] == [
        ("Sutton Kitchens", True),  # equal scores: those in the area first, then by name
        ("Walmley Kitchens", True),
        ("Alum Rock Kitchens", False),
    ]
    assert [(c.business.name, c.in_area) for c in in_east] == [
        ("Alum Rock Kitchens", True),
        ("Sutton Kitchens", False),
        ("Walmley Kitchens", False),
    ]
    reasons = {c.business.name: c.reasons for c in in_sutton}
    assert "Based in B73, Sutton Coldfield" in reasons["Sutton Kitchens"]
    assert "Based in B76, partly in Sutton Coldfield" in reasons["Walmley Kitchens"]
    assert not any(r.startswith("Based in") for r in reasons["Alum Rock Kitchens"])


def test_focus_sector_candidates_come_from_the_events_target_area(council, sutton_coldfield):
    event = _event(council, sutton_coldfield)
    event.focus_sectors.add("55000000")
    BusinessFactory(name="Boldmere Bakery", postcode="B73 6AA")
    BusinessFactory(name="Bordesley Bakery", postcode="B9 4AA")  # East Birmingham: not here

    [candidate] = invite_candidates(event=event)

    assert candidate.business.name == "Boldmere Bakery"
    assert "Based in B73, Sutton Coldfield" in candidate.reasons


def test_the_invite_list_page_and_csv_favour_the_events_target_area(
    client, council, sutton_coldfield
):
    event = _event(council, sutton_coldfield)
    _matched(council, "Alum Rock Kitchens", "B8 1AA", 0.6, **SMALL)
    _matched(council, "Sutton Kitchens", "B73 5AA", 0.6, **SMALL)
    client.force_login(CoordinatorFactory())

    response = client.post(url("manage_invitations_generate", event.pk), follow=True)

    page = html(response)
    assert "favouring businesses in Sutton Coldfield" in page
    assert "East Birmingham" not in invite_row(page, "Sutton Kitchens")
    assert "Based in B73, Sutton Coldfield" in invite_row(page, "Sutton Kitchens")
    assert invite_row(page, "Sutton Kitchens").startswith("Small No B73")
    assert "Based in" not in invite_row(page, "Alum Rock Kitchens")
    rows = read_csv(client.get(url("manage_invitations_csv", event.pk)))
    assert [(r["Rank"], r["Business name"], r["Postcode district"]) for r in rows] == [
        ("1", "Sutton Kitchens", "B73"),
        ("2", "Alum Rock Kitchens", "B8"),
    ]
    assert "Based in B73, Sutton Coldfield" in rows[0]["Why invited"]
    assert "Based in" not in rows[1]["Why invited"]


# --- A registration cancelled: the invitation is declined ------------------------------------


@pytest.fixture
def registered(council):
    """An invited business that registered for the event (a confirmed place)."""
    event = EventFactory(title="Meet the Buyer: catering")
    business, user = supplier(name="Saltley Kitchen Ltd")
    invitation = InvitationFactory(
        event=event, business=business, status=Invitation.Status.REGISTERED, sent_at=timezone.now()
    )
    registration = RegistrationFactory(event=event, business=business, registered_by=user)
    return event, invitation, registration, user


def test_a_coordinator_cancelling_shows_the_invitation_declined_and_removable(client, registered):
    event, invitation, registration, _ = registered
    client.force_login(CoordinatorFactory())
    page = html(client.get(url("manage_invitations", event.pk)))
    remove = url("manage_invitation_remove", event.pk, invitation.pk)
    assert "Registered" in invite_row(page, "Saltley Kitchen Ltd") and remove not in page

    client.post(url("manage_registration_cancel", event.pk, registration.pk))

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    page = html(client.get(url("manage_invitations", event.pk)))
    assert "Declined" in invite_row(page, "Saltley Kitchen Ltd")
    assert "Registered" not in invite_row(page, "Saltley Kitchen Ltd")
    assert remove in page
    [row] = read_csv(client.get(url("manage_invitations_csv", event.pk)))
    assert row["Status"] == "Declined"
    assert row["Responded at"] == f"{timezone.localtime(invitation.responded_at):%Y-%m-%d %H:%M}"


def test_a_business_cancelling_its_own_place_declines_its_invitation(client, registered):
    _, invitation, registration, user = registered
    client.force_login(user)

    client.post(url("registration_cancel", registration.pk))

    registration.refresh_from_db()
    invitation.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.responded_at == registration.cancelled_at
