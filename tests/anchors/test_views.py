"""The buyer workspace through the test client: the whole officer journey, and who may see what.

Roles: the institution's officer, an officer of another institution (404 on every id), a
business member (403 page), an anonymous visitor (sent to sign in) and a coordinator (reads
everything, changes nothing).
"""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from anchors.models import Contract, Institution, Lot
from matching.models import Interest, Match
from matching.services import interest_register
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import ContractFactory, InstitutionFactory, officer_of
from tests.matching.factories import CATERING, cpv_codes, matching_business

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def future(days=30) -> str:
    return (timezone.localdate() + timedelta(days=days)).strftime("%d/%m/%Y")


def contract_data(**overrides) -> dict:
    data = {
        "title": "School meals for East Birmingham",
        "description": "Hot lunches for three primary schools, term time only.",
        "procurement_type": "services",
        "cpv_codes": CATERING,
        "estimated_value": "£90,000",
        "delivery_postcode": "b9 4aa",
        "closes_on": future(),
        "closes_time": "12:00",
        "find_a_tender_ref": "2027/S 000-012345",
    }
    return {**data, **overrides}


def rows_data(rows, *, action="check", total=None) -> dict:
    """POST data for step 2/3 of a split: the management form and one entry per row."""
    data = {
        "lots-TOTAL_FORMS": str(len(rows) if total is None else total),
        "lots-INITIAL_FORMS": str(len(rows)),
        "lots-MIN_NUM_FORMS": "0",
        "lots-MAX_NUM_FORMS": "50",
        "action": action,
    }
    for index, (title, value, districts) in enumerate(rows):
        data[f"lots-{index}-title"] = title
        data[f"lots-{index}-value"] = value
        data[f"lots-{index}-districts"] = districts
    return data


def lot_data(lot, **overrides) -> dict:
    data = {
        "title": lot.title,
        "description": "",
        "delivery_postcode": "",
        "cpv_codes": CATERING,
        "target": "none",
        "target_districts": "",
        "reservation_suppliers": "none",
        "reservation_location": "none",
        "reservation_rationale": "",
        "action": "save",
    }
    return {**data, **overrides}


@pytest.fixture
def buyer():
    cpv_codes(CATERING)
    institution = InstitutionFactory(
        name="Birmingham City Council", reservation_regime=Institution.Regime.ORDER_2026
    )
    return SimpleNamespace(institution=institution, officer=officer_of(institution))


@pytest.fixture
def draft(buyer):
    """A draft contract of the buyer, split into two lots."""
    contract = ContractFactory(
        institution=buyer.institution,
        estimated_value=Decimal("20000"),
        lots=["8000", "12000"],
        lots__cpv=[CATERING],
    )
    return contract


# The whole journey ---------------------------------------------------------------------------


def test_officer_creates_splits_reserves_publishes_and_shortlists(
    client, buyer, django_capture_on_commit_callbacks
):
    owner = UserFactory()
    business = matching_business(name="Saltley Kitchen Ltd", owner=owner)
    client = signed_in(client, buyer.officer)

    empty = client.get(reverse("anchors:contracts"))
    assert empty.status_code == 200
    assert b"Create a contract" in empty.content

    created = client.post(reverse("anchors:contract_create"), contract_data())
    assert created.status_code == 302
    contract = Contract.objects.get()
    assert created.url == reverse("anchors:contract_detail", args=[contract.pk])
    assert contract.estimated_value == Decimal("90000")
    assert contract.delivery_postcode == "B9 4AA"
    assert contract.find_a_tender_ref == "2027/S 000-012345"
    assert contract.lots.count() == 1

    # Step 1: choose a plan; step 2 shows the service's proposal, evenly split.
    split_url = reverse("anchors:contract_split", args=[contract.pk])
    proposal = client.post(split_url, {"plan": "even", "lots": "3"})
    assert proposal.status_code == 200
    initial = [form.initial for form in proposal.context["formset"].forms]
    assert [row["value"] for row in initial] == [Decimal("30000")] * 3
    assert contract.lots.count() == 1  # nothing is saved until the officer confirms

    # Step 2: adjust titles and values; step 3: check, then confirm.
    rows = [
        ("Saltley school kitchen", "40000", "B8"),
        ("Small Heath school kitchen", "30000", "b10"),
        ("Bordesley Green school kitchen", "20000", ""),
    ]
    lots_url = reverse("anchors:contract_split_lots", args=[contract.pk])
    check = client.post(lots_url, rows_data(rows, action="check"))
    assert check.status_code == 200
    assert b"Confirm the split" in check.content
    assert b"\xc2\xa390,000" in check.content  # the lots add up to £90,000
    confirmed = client.post(lots_url, rows_data(rows, action="confirm"))
    assert confirmed.status_code == 302
    lots = list(contract.lots.order_by("number"))
    assert [(lot.title, lot.value) for lot in lots] == [
        ("Saltley school kitchen", Decimal("40000")),
        ("Small Heath school kitchen", Decimal("30000")),
        ("Bordesley Green school kitchen", Decimal("20000")),
    ]
    assert lots[1].target_districts == ["B10"]

    # Lot settings: the legal check answers inline, by htmx and without JavaScript.
    lot = lots[0]
    choice = {
        "reservation_suppliers": "sme",
        "reservation_location": "none",
        "reservation_rationale": "A strong local market of small caterers.",
    }
    fragment = client.post(
        reverse("anchors:reservation_check", args=[lot.pk]), choice, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content
    assert "Allowed" in fragment.content.decode()
    assert "£108,000 including VAT" in fragment.content.decode()
    edit_url = reverse("anchors:lot_edit", args=[lot.pk])
    no_js = client.post(
        edit_url, lot_data(lot, target="area:east-birmingham", action="check", **choice)
    )
    assert no_js.status_code == 200
    assert "Allowed" in no_js.content.decode()
    lot.refresh_from_db()
    assert lot.reservation_suppliers == "none"  # checking saves nothing
    saved = client.post(edit_url, lot_data(lot, target="area:east-birmingham", **choice))
    assert saved.status_code == 302
    lot.refresh_from_db()
    assert lot.target_area.slug == "east-birmingham"
    assert lot.reservation_suppliers == Lot.SupplierReservation.SME
    assert lot.reservation_rationale == choice["reservation_rationale"]

    # Publish: the check shows nothing to fix; matching runs (eagerly in tests).
    detail = client.get(reverse("anchors:contract_detail", args=[contract.pk]))
    assert detail.context["breaches"] == []
    assert b"Publish contract" in detail.content
    with django_capture_on_commit_callbacks(execute=True):  # matching runs after the commit
        published = client.post(reverse("anchors:contract_publish", args=[contract.pk]))
    assert published.status_code == 302
    contract.refresh_from_db()
    assert contract.published_at is not None
    assert Match.objects.filter(lot=lot, business=business).exists()

    # The lot page ranks the match with its reasons; the officer shortlists an interest.
    outcome = interest_register(actor=owner, business=business, lot=lot, note="We cook locally")
    page = client.get(reverse("matching:officer_lot_detail", args=[lot.pk]))
    assert page.status_code == 200
    match = page.context["matches"][0]["match"]
    assert match.business == business
    assert match.reasons[0] in page.content.decode()
    assert b"Record the award" in page.content
    assert b"Questions" in page.content
    pk = outcome.interest.pk
    decided = client.post(
        reverse("matching:interest_decide", args=[lot.pk, pk]),
        {f"interest-{pk}-decision": "shortlist", f"interest-{pk}-officer_note": "Let us talk."},
    )
    assert decided.status_code == 302
    assert Interest.objects.get(pk=pk).status == Interest.Status.SHORTLISTED


# Contracts list ------------------------------------------------------------------------------


def test_contracts_list_shows_status_as_a_tag_with_text_lots_value_and_closing(client, buyer):
    ContractFactory(
        institution=buyer.institution, estimated_value=Decimal("20000"), lots=["8000", "12000"]
    )
    ContractFactory(
        institution=buyer.institution, title="Grounds care", published_at=timezone.now()
    )
    ContractFactory(title="Another council's contract")
    response = signed_in(client, buyer.officer).get(reverse("anchors:contracts"))
    body = response.content.decode()
    assert [row["contract"].institution for row in response.context["rows"]] == [
        buyer.institution
    ] * 2
    assert "Another council" not in body
    assert '<strong class="govuk-tag govuk-tag--grey">Draft</strong>' in body
    assert '<strong class="govuk-tag govuk-tag--green">Open</strong>' in body
    assert "£20,000" in body


def test_contracts_list_query_count_is_pinned(client, buyer, django_assert_num_queries):
    for _ in range(3):
        ContractFactory(institution=buyer.institution, lots=["50000", "50000"])
    client = signed_in(client, buyer.officer)
    client.get(reverse("anchors:contracts"))  # warm the session
    with django_assert_num_queries(12):
        response = client.get(reverse("anchors:contracts"))
    assert len(response.context["rows"]) == 3
    for _ in range(5):
        ContractFactory(institution=buyer.institution, lots=["50000", "50000"])
    with django_assert_num_queries(12):
        client.get(reverse("anchors:contracts"))


def test_contracts_list_paginates_and_ignores_a_garbled_page(client, buyer):
    for n in range(23):
        ContractFactory(institution=buyer.institution, title=f"Contract {n}")
    client = signed_in(client, buyer.officer)
    second = client.get(reverse("anchors:contracts"), {"page": "2"})
    assert len(second.context["rows"]) == 3
    for page in ("abc", "-1", "99999999999999999999", ""):
        response = client.get(reverse("anchors:contracts"), {"page": page})
        assert response.status_code == 200


def test_user_without_an_institution_gets_the_helpful_page(client):
    response = signed_in(client, UserFactory()).get(reverse("anchors:contracts"))
    assert response.status_code == 403
    assert b"Join your institution first" in response.content


# Access per role -----------------------------------------------------------------------------


def id_urls(contract, lot):
    return [
        ("get", reverse("anchors:contract_detail", args=[contract.pk])),
        ("get", reverse("anchors:contract_edit", args=[contract.pk])),
        ("get", reverse("anchors:contract_split", args=[contract.pk])),
        ("post", reverse("anchors:contract_split_lots", args=[contract.pk])),
        ("post", reverse("anchors:contract_publish", args=[contract.pk])),
        ("get", reverse("anchors:contract_cancel", args=[contract.pk])),
        ("get", reverse("anchors:lot_edit", args=[lot.pk])),
        ("post", reverse("anchors:reservation_check", args=[lot.pk])),
        ("get", reverse("anchors:award_record", args=[lot.pk])),
    ]


def test_officer_of_another_institution_gets_404_on_every_url_with_ids(client, draft):
    stranger = officer_of(InstitutionFactory(name="Solihull College"))
    client = signed_in(client, stranger)
    for method, url in id_urls(draft, draft.lots.first()):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        assert draft.title.encode() not in response.content
    published = ContractFactory(institution=draft.institution, published_at=timezone.now())
    response = client.get(reverse("anchors:contract_detail", args=[published.pk]))
    assert response.status_code == 404


def test_business_member_gets_the_no_institution_page(client, draft):
    member = UserFactory()
    matching_business(owner=member)
    client = signed_in(client, member)
    for method, url in [("get", reverse("anchors:contracts")), *id_urls(draft, draft.lots.first())]:
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert draft.title.encode() not in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client, draft):
    urls = [("get", reverse("anchors:contracts")), ("get", reverse("anchors:contract_create"))]
    for method, url in urls + id_urls(draft, draft.lots.first()):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response.url
    assert draft.lots.count() == 2


def test_coordinator_reads_everything_and_changes_nothing(client, draft):
    client = signed_in(client, CoordinatorFactory())
    listing = client.get(reverse("anchors:contracts"))
    assert listing.status_code == 200
    assert b"Create a contract" not in listing.content
    detail = client.get(reverse("anchors:contract_detail", args=[draft.pk]))
    assert detail.status_code == 200
    assert b"Publish contract" not in detail.content
    assert reverse("anchors:lot_edit", args=[draft.lots.first().pk]).encode() not in detail.content
    assert client.get(reverse("anchors:contract_create")).status_code == 403
    lot = draft.lots.first()
    for method, url in id_urls(draft, lot):
        if "reservation-check" in url or url.endswith(f"/contracts/{draft.pk}/"):
            continue
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
    response = client.post(
        reverse("anchors:lot_edit", args=[lot.pk]),
        lot_data(lot, reservation_suppliers="sme", reservation_rationale="x"),
    )
    assert response.status_code == 403
    lot.refresh_from_db()
    assert lot.reservation_suppliers == "none"
    assert Contract.objects.get(pk=draft.pk).published_at is None


def test_post_only_endpoints_refuse_get(client, draft):
    client = signed_in(client, officer_of(draft.institution))
    assert client.get(reverse("anchors:contract_publish", args=[draft.pk])).status_code == 405
    assert client.get(reverse("anchors:contract_split_lots", args=[draft.pk])).status_code == 405
    lot = draft.lots.first()
    assert client.get(reverse("anchors:reservation_check", args=[lot.pk])).status_code == 405


# Creating and editing contracts --------------------------------------------------------------


def test_create_form_errors_are_specific_and_linked(client, buyer):
    response = signed_in(client, buyer.officer).post(
        reverse("anchors:contract_create"),
        contract_data(
            title="t" * 201,
            estimated_value="lots",
            delivery_postcode="not a postcode",
            cpv_codes="99999999",
            closes_on="31/02/2027",
            procurement_type="bribery",
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_title"' in body
    assert 'href="#id_estimated_value"' in body
    assert 'href="#id_delivery_postcode"' in body
    assert 'href="#id_closes_on"' in body
    assert 'href="#id_procurement_type_0"' in body
    assert "<title>Error: " in body
    assert not Contract.objects.exists()


def test_create_rejects_oversized_and_absurd_values(client, buyer):
    client = signed_in(client, buyer.officer)
    for value in ("1e100", "NaN", "-5", "0", "12.345"):
        response = client.post(
            reverse("anchors:contract_create"), contract_data(estimated_value=value)
        )
        assert response.status_code == 200, value
        assert response.context["form"].errors["estimated_value"], value
    response = client.post(
        reverse("anchors:contract_create"), contract_data(description="d" * 100_000)
    )
    assert response.context["form"].errors["description"]
    assert not Contract.objects.exists()


def test_officer_of_several_institutions_chooses_which_one_buys(client, buyer):
    second = InstitutionFactory(name="Aston University")
    officer_of(second, user=buyer.officer)
    client = signed_in(client, buyer.officer)
    form = client.get(reverse("anchors:contract_create")).context["form"]
    assert "institution" in form.fields
    stranger = InstitutionFactory(name="Not mine")
    refused = client.post(
        reverse("anchors:contract_create"), contract_data(institution=str(stranger.pk))
    )
    assert "institution" in refused.context["form"].errors
    created = client.post(
        reverse("anchors:contract_create"), contract_data(institution=str(second.pk))
    )
    assert created.status_code == 302
    assert Contract.objects.get().institution == second


def test_officer_of_one_institution_is_not_asked_which(client, buyer):
    form = signed_in(client, buyer.officer).get(reverse("anchors:contract_create")).context["form"]
    assert "institution" not in form.fields


def test_editing_a_draft_records_the_no_lots_reason(client, buyer):
    contract = ContractFactory(institution=buyer.institution, lots__cpv=[CATERING])
    client = signed_in(client, buyer.officer)
    form = client.get(reverse("anchors:contract_edit", args=[contract.pk])).context["form"]
    assert form.initial["title"] == contract.title
    response = client.post(
        reverse("anchors:contract_edit", args=[contract.pk]),
        contract_data(
            cpv_codes=CATERING,
            estimated_value="20000",
            no_lots_reason="One kitchen: it cannot reasonably be split.",
        ),
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.no_lots_reason.startswith("One kitchen")
    assert contract.lots.get().value == Decimal("20000")  # the single lot follows the contract


def test_editing_a_split_contract_value_shows_the_service_refusal(client, draft):
    client = signed_in(client, officer_of(draft.institution))
    response = client.post(
        reverse("anchors:contract_edit", args=[draft.pk]), contract_data(estimated_value="25000")
    )
    assert response.status_code == 200
    assert "Change the split to change its value" in response.content.decode()
    draft.refresh_from_db()
    assert draft.estimated_value == Decimal("20000")


def test_editing_a_published_contract_is_refused_with_the_service_message(client, draft):
    Contract.objects.filter(pk=draft.pk).update(published_at=timezone.now())
    client = signed_in(client, officer_of(draft.institution))
    response = client.post(
        reverse("anchors:contract_edit", args=[draft.pk]), contract_data(estimated_value="20000")
    )
    assert response.status_code == 200
    assert "already published" in response.content.decode()


def test_cancelling_requires_a_reason(client, draft):
    client = signed_in(client, officer_of(draft.institution))
    url = reverse("anchors:contract_cancel", args=[draft.pk])
    response = client.post(url, {"cancel_reason": "  "})
    assert response.status_code == 200
    assert "Say why the contract is cancelled" in response.content.decode()
    assert client.post(url, {"cancel_reason": "Budget withdrawn."}).status_code == 302
    draft.refresh_from_db()
    assert draft.cancel_reason == "Budget withdrawn."
    assert draft.status == Contract.Status.CANCELLED


# Splitting -----------------------------------------------------------------------------------


def test_split_by_district_proposes_one_hyper_local_lot_per_district(client, draft):
    client = signed_in(client, officer_of(draft.institution))
    response = client.post(
        reverse("anchors:contract_split", args=[draft.pk]),
        {"plan": "district", "districts": "b8, B9 b10"},
    )
    initial = [form.initial for form in response.context["formset"].forms]
    assert [row["districts"] for row in initial] == ["B8", "B9", "B10"]
    assert sum(row["value"] for row in initial) == draft.estimated_value


def test_split_by_value_cap_proposes_the_fewest_lots_under_the_cap(client, draft):
    client = signed_in(client, officer_of(draft.institution))
    response = client.post(
        reverse("anchors:contract_split", args=[draft.pk]), {"plan": "cap", "cap": "£7,000"}
    )
    initial = [form.initial for form in response.context["formset"].forms]
    assert len(initial) == 3
    assert all(row["value"] <= 7000 for row in initial)


def test_split_by_hand_starts_from_the_current_lots_and_adds_a_row_without_javascript(
    client, draft
):
    client = signed_in(client, officer_of(draft.institution))
    response = client.post(reverse("anchors:contract_split", args=[draft.pk]), {"plan": "hand"})
    assert [f.initial["value"] for f in response.context["formset"].forms] == [
        Decimal("8000"),
        Decimal("12000"),
    ]
    rows = [("Lot A", "8000", ""), ("Lot B", "6000", "")]
    added = client.post(
        reverse("anchors:contract_split_lots", args=[draft.pk]), rows_data(rows, action="add")
    )
    forms = added.context["formset"].forms
    assert len(forms) == 3
    assert forms[0].initial["title"] == "Lot A"
    assert added.context["errors"] == []
    assert b"Add another lot" in added.content
    done = client.post(
        reverse("anchors:contract_split_lots", args=[draft.pk]),
        rows_data([*rows, ("Lot C", "6000", "B9")], action="confirm"),
    )
    assert done.status_code == 302
    assert list(draft.lots.values_list("value", flat=True)) == [
        Decimal("8000"),
        Decimal("6000"),
        Decimal("6000"),
    ]


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        ({}, "Choose how to split the contract."),
        ({"plan": "quarters"}, "Choose one of the ways to split the contract."),
        ({"plan": "even"}, "Enter how many lots to split the contract into."),
        ({"plan": "even", "lots": "1"}, "Split into at least 2 lots."),
        ({"plan": "even", "lots": "three"}, "Enter the number of lots as a whole number"),
        ({"plan": "even", "lots": "100000"}, "Split into at most 50 lots."),
        ({"plan": "district", "districts": "B9"}, "List at least 2 different postcode districts"),
        ({"plan": "district", "districts": "B9, ZZZZ9"}, "ZZZZ9"),
        ({"plan": "cap", "cap": "0.01"}, "That would make more than 50 lots"),
        ({"plan": "cap", "cap": "-100"}, "must be more than £0"),
    ],
)
def test_split_plan_errors_are_shown_and_nothing_changes(client, draft, plan, expected):
    client = signed_in(client, officer_of(draft.institution))
    response = client.post(reverse("anchors:contract_split", args=[draft.pk]), plan)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert expected in response.content.decode()
    assert draft.lots.count() == 2


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("A", "10000", ""), ("B", "9000", "")], "add £1,000 so they match exactly"),
        ([("A", "25000", ""), ("B", "-5000", "")], "Enter an amount more than £0"),
        ([("A", "20000", ""), ("B", "0", "")], "Lot 2 must be worth more than £0"),
        ([("A", "10000", ""), ("B", "ten thousand", "")], "Enter an amount in pounds"),
        ([("A", "10000", ""), ("B", "1e100", "")], "Enter an amount under"),
        ([("A", "10000", ""), ("", "10000", "")], "Enter a title for this lot."),
        ([("A", "10000", ""), ("B", "10000", "NOT A DISTRICT")], "NOT A DISTRICT"),
        ([("A", "20000", "")], "A split needs two or more lots."),
        ([("A", "10000", ""), ("B", "10000", ""), ("C", "5000", "")], "take off £5,000"),
        ([("t" * 201, "10000", ""), ("B", "10000", "")], "at most 200 characters"),
    ],
)
def test_tampered_or_wrong_split_rows_are_form_errors_and_create_no_lots(
    client, draft, rows, expected
):
    client = signed_in(client, officer_of(draft.institution))
    before = list(draft.lots.values_list("pk", "value"))
    response = client.post(
        reverse("anchors:contract_split_lots", args=[draft.pk]), rows_data(rows, action="confirm")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert expected in body
    assert list(draft.lots.values_list("pk", "value")) == before


@pytest.mark.parametrize(
    "management",
    [
        {"lots-TOTAL_FORMS": "100000"},
        {"lots-TOTAL_FORMS": "abc"},
        {"lots-TOTAL_FORMS": ""},
        {"lots-TOTAL_FORMS": "-1"},
    ],
)
def test_garbled_management_form_never_crashes_nor_writes(client, draft, management):
    client = signed_in(client, officer_of(draft.institution))
    data = {**rows_data([("A", "10000", ""), ("B", "10000", "")], action="confirm"), **management}
    response = client.post(reverse("anchors:contract_split_lots", args=[draft.pk]), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert draft.lots.count() == 2
    assert sorted(draft.lots.values_list("value", flat=True)) == [Decimal("8000"), Decimal("12000")]


def test_more_rows_than_the_maximum_are_refused(client, draft):
    client = signed_in(client, officer_of(draft.institution))
    rows = [(f"Lot {n}", "400", "") for n in range(50)] + [("Extra", "0.01", "")]
    response = client.post(
        reverse("anchors:contract_split_lots", args=[draft.pk]), rows_data(rows, action="confirm")
    )
    assert response.status_code == 200
    assert "Please submit at most 50 forms" in response.content.decode()
    assert draft.lots.count() == 2


def test_split_of_a_published_contract_shows_the_service_refusal(client, draft):
    Contract.objects.filter(pk=draft.pk).update(published_at=timezone.now())
    client = signed_in(client, officer_of(draft.institution))
    response = client.post(
        reverse("anchors:contract_split_lots", args=[draft.pk]),
        rows_data([("A", "10000", ""), ("B", "10000", "")], action="confirm"),
    )
    assert response.status_code == 200
    assert "already published" in response.content.decode()
    assert draft.lots.count() == 2
