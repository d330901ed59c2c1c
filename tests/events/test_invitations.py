import pytest
from django.utils import timezone

from core.exceptions import ApplicationError, PermissionDenied
from core.models import OutboundEmail
from events.models import Invitation
from events.selectors import invite_candidates
from events.services import (
    invitation_add,
    invitation_decline,
    invitation_from_token,
    invitation_remove,
    invitation_token,
    invitations_send,
    invite_list_generate,
)
from places.models import NamedArea
from suppliers.models import Business
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory
from tests.events.factories import EventFactory, InvitationFactory, member_of
from tests.matching.factories import MatchFactory, close_lot, matching_business, open_lot
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db

SMALL = {"staff_headcount": 20}  # a small business: not micro


@pytest.fixture
def council():
    return InstitutionFactory(name="Birmingham City Council")


@pytest.fixture
def event(council):
    event = EventFactory(target_area=NamedArea.objects.get(slug="east-birmingham"))
    event.institutions.add(council)
    return event


def _match(council, business, score=0.8, **lot_fields):
    return MatchFactory(
        lot=open_lot(institution=council, **lot_fields), business=business, score=score
    )


def test_candidates_come_from_matches_on_the_institutions_open_lots_with_reasons(council, event):
    business = matching_business(name="Small Heath Kitchen")
    _match(council, business)
    _match(council, business, score=0.6)
    closed = open_lot(institution=council)
    MatchFactory(lot=close_lot(closed), business=matching_business(name="Closed Lot Caterer"))
    MatchFactory(business=matching_business(name="Other Buyer's Match"))  # another institution
    [candidate] = invite_candidates(event=event)
    assert candidate.business == business
    assert candidate.score == 0.8
    assert candidate.reasons == [
        "Matches 2 open lots from Birmingham City Council",
        "Micro-enterprise",
        "Based in B9, East Birmingham",
    ]


def test_lots_linked_to_the_event_count_too(event):
    lot = open_lot(institution=InstitutionFactory(name="Aston University"))
    event.lots.add(lot)
    MatchFactory(lot=lot, business=matching_business(name="Linked"))
    [candidate] = invite_candidates(event=event)
    assert candidate.reasons[0] == "Matches 1 open lot from Aston University"


def test_micro_and_vcse_first_then_best_score_then_in_area(council, event):
    small_best = matching_business(name="Small best", **SMALL)
    micro_weak = matching_business(name="Micro weak")
    vcse_small = matching_business(name="VCSE small", legal_form=Business.LegalForm.CIC, **SMALL)
    small_out = matching_business(name="Small out of area", postcode="B15 2TT", **SMALL)
    small_in = matching_business(name="Small in area", **SMALL)
    _match(council, small_best, 0.95)
    _match(council, micro_weak, 0.55)
    _match(council, vcse_small, 0.7)
    _match(council, small_out, 0.6)
    _match(council, small_in, 0.6)
    names = [c.business.name for c in invite_candidates(event=event)]
    assert names == [
        "VCSE small",
        "Micro weak",
        "Small best",
        "Small in area",
        "Small out of area",
    ]
    vcse = invite_candidates(event=event)[0]
    assert "Voluntary, community or social enterprise (VCSE)" in vcse.reasons


def test_focus_sector_businesses_in_the_target_area_are_candidates(event):
    event.focus_sectors.add("55000000")
    local = BusinessFactory(name="Local caterer", postcode="B12 0AA")
    BusinessFactory(name="Far caterer", postcode="B15 2TT")
    BusinessFactory(name="Local builder", sector_codes=["45000000"])
    [candidate] = invite_candidates(event=event)
    assert candidate.business == local
    assert candidate.score == 0
    assert "Based in B12, partly in East Birmingham" in candidate.reasons
    assert any("a focus sector of this event" in r for r in candidate.reasons)


def test_only_active_businesses_with_a_complete_profile(council, event):
    _match(council, matching_business(name="Gone", is_active=False))
    _match(council, matching_business(name="Half done", description=""))
    assert invite_candidates(event=event) == []


def test_the_limit_keeps_the_best(council, event):
    for score in (0.6, 0.9, 0.7):
        _match(council, matching_business(name=f"Caterer {score}"), score)
    assert [c.score for c in invite_candidates(event=event, limit=2)] == [0.9, 0.7]


def test_generating_creates_proposed_invitations_in_rank_order(council, event):
    first, second = matching_business(name="A"), matching_business(name="B")
    _match(council, first, 0.9)
    _match(council, second, 0.7)
    invitations = invite_list_generate(user=CoordinatorFactory(), event=event)
    assert [(i.business, i.rank, i.status, i.source) for i in invitations] == [
        (first, 1, "proposed", "matches"),
        (second, 2, "proposed", "matches"),
    ]
    assert invitations[0].reasons[0] == "Matches 1 open lot from Birmingham City Council"


def test_generating_again_is_idempotent_keeps_manual_adds_and_never_re_adds_removed(council, event):
    coordinator = CoordinatorFactory()
    kept, removed = matching_business(name="Kept"), matching_business(name="Removed")
    _match(council, kept, 0.9)
    _match(council, removed, 0.8)
    invite_list_generate(user=coordinator, event=event)
    invitation_remove(user=coordinator, invitation=Invitation.objects.get(business=removed))
    manual = invitation_add(user=coordinator, event=event, business=BusinessFactory(name="Manual"))
    before = list(Invitation.objects.values_list("business__name", "rank", "removed_at"))
    again = invite_list_generate(user=coordinator, event=event)
    assert [i.business.name for i in again] == ["Kept", "Manual"]
    assert list(Invitation.objects.values_list("business__name", "rank", "removed_at")) == before
    newcomer = matching_business(name="Newcomer")
    _match(council, newcomer, 0.95)
    ranked = invite_list_generate(user=coordinator, event=event)
    assert [(i.business.name, i.rank) for i in ranked] == [
        ("Newcomer", 1),
        ("Kept", 2),
        ("Manual", 3),
    ]
    manual.refresh_from_db()
    assert manual.source == "manual"


def test_only_a_coordinator_manages_the_invite_list(event):
    with pytest.raises(PermissionDenied):
        invite_list_generate(user=UserFactory(), event=event)
    with pytest.raises(PermissionDenied):
        invitation_add(user=UserFactory(), event=event, business=BusinessFactory())


def test_adding_a_business_twice_is_refused_and_a_removed_one_comes_back(event):
    coordinator = CoordinatorFactory()
    business = BusinessFactory(name="Twice Ltd")
    invitation = invitation_add(user=coordinator, event=event, business=business)
    with pytest.raises(ApplicationError, match="Twice Ltd is already on the invite list"):
        invitation_add(user=coordinator, event=event, business=business)
    invitation_remove(user=coordinator, invitation=invitation)
    back = invitation_add(user=coordinator, event=event, business=business)
    assert back.pk == invitation.pk and back.removed_at is None


def test_a_registered_business_cannot_be_removed(event):
    invitation = InvitationFactory(event=event, status=Invitation.Status.REGISTERED)
    with pytest.raises(ApplicationError, match="cancel its registration instead"):
        invitation_remove(user=CoordinatorFactory(), invitation=invitation)


def test_sending_emails_each_member_an_rsvp_link_and_marks_invited(event):
    business = BusinessFactory()
    first, second = member_of(business), member_of(business)
    invitation = InvitationFactory(event=event, business=business)
    already = InvitationFactory(event=event, status=Invitation.Status.INVITED)
    removed = InvitationFactory(event=event, removed_at=timezone.now())
    assert invitations_send(user=CoordinatorFactory(), event=event) == 1
    emails = OutboundEmail.objects.filter(kind="event_invitation")
    assert sorted(emails.values_list("to", flat=True)) == sorted([first.email, second.email])
    assert f"/events/rsvp/{invitation_token(invitation)}/" in emails.first().body_text
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.INVITED and invitation.sent_at
    for other in (already, removed):
        other.refresh_from_db()
    assert removed.status == Invitation.Status.PROPOSED
    assert invitations_send(user=CoordinatorFactory(), event=event) == 0  # nothing left to send
    assert emails.count() == 2


def test_a_business_with_nobody_to_email_stays_proposed(event):
    invitation = InvitationFactory(event=event)
    assert invitations_send(user=CoordinatorFactory(), event=event) == 0
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PROPOSED


def test_invitations_wait_for_the_event_to_be_published():
    event = EventFactory(draft=True)
    InvitationFactory(event=event)
    with pytest.raises(ApplicationError, match="Publish the event before sending invitations"):
        invitations_send(user=CoordinatorFactory(), event=event)


def test_the_rsvp_token_names_the_invitation_and_resists_tampering(event):
    invitation = InvitationFactory(event=event)
    token = invitation_token(invitation)
    assert invitation_from_token(token) == invitation
    assert invitation_from_token(token + "x") is None
    assert invitation_from_token("nonsense") is None


def test_declining_records_the_answer_once(event):
    invitation = InvitationFactory(event=event, status=Invitation.Status.INVITED)
    declined = invitation_decline(invitation=invitation)
    assert declined.status == Invitation.Status.DECLINED and declined.responded_at
    assert invitation_decline(invitation=invitation).responded_at == declined.responded_at


def test_a_registered_business_cannot_decline(event):
    invitation = InvitationFactory(event=event, status=Invitation.Status.REGISTERED)
    with pytest.raises(ApplicationError, match="cancel the registration instead"):
        invitation_decline(invitation=invitation)
