"""Real data is messy: whatever JSON a release holds, the import reports a skip or a note for
it and never raises; a skipped release writes nothing at all.

Out-of-range dates (which used to raise OverflowError), amounts typed as text, duplicate lot
ids, items for unknown lots, values of the wrong type, text no database accepts, and a
hypothesis search over mutations of a rich release, all through the real import and database.
"""

import copy
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from anchors.models import Award, Contract, Institution, Lot
from core.models import AuditEvent
from ocds.models import ExternalBuyer, ImportedLotDetails, ImportedRelease
from ocds.readers import RawRelease
from ocds.services import OUTCOMES, ocds_import_releases
from tests.ocds.test_importer import a_release

pytestmark = pytest.mark.django_db

OPEN_UNTIL = {"endDate": "2099-01-01T12:00:00Z"}
LATE = "9999-12-31T23:59:59-05:00"  # past the end of datetime once in UTC
EARLY = "0001-01-01T00:00:00+01:00"  # before its start once in UTC
WRITTEN = (
    Contract,
    Lot,
    Institution,
    ExternalBuyer,
    ImportedRelease,
    ImportedLotDetails,
    Award,
    AuditEvent,
)


def written() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN}


NOTHING = {model.__name__: 0 for model in WRITTEN}


def import_text(tmp_path, text: str) -> str:
    """Run ``import_ocds`` on a file with this text; its output (it must not raise)."""
    path = tmp_path / "feed.json"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_ocds", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def import_release(tmp_path, release: dict) -> str:
    return import_text(tmp_path, json.dumps({"releases": [release]}))


def rich_release() -> dict:
    """A release using every part the import reads: lots, items, awards, parties, periods."""
    release = a_release(
        tender__tenderPeriod=OPEN_UNTIL,
        tender__datePublished="2025-01-23T10:00:00Z",
        tender__contractPeriod={"startDate": "2025-04-01T00:00:00Z", "endDate": "2026-03-31"},
        tender__otherRequirements={"reservedParticipation": ["sme"]},
        tender__lots=[
            {
                "id": "A",
                "title": "North schools",
                "value": {"amount": 10000, "currency": "GBP"},
                "suitability": {"sme": True},
            },
            {
                "id": "B",
                "title": "South schools",
                "value": {"amount": 30000, "currency": "GBP"},
                "otherRequirements": {
                    "reservedParticipationLocation": {"description": "West Midlands"}
                },
            },
        ],
        tender__items=[
            {
                "id": "1",
                "relatedLot": "A",
                "classification": {"scheme": "CPV", "id": "55000000"},
                "deliveryAddresses": [{"postalCode": "B23 6AA", "region": "West Midlands"}],
            },
            {"id": "2", "relatedLot": "B", "deliveryAddresses": [{"region": "Birmingham"}]},
        ],
        parties=[
            {"id": "GB-CFS-1", "name": "Birmingham City Council", "roles": ["buyer"]},
            {
                "id": "S1",
                "name": "Tasty Ltd",
                "roles": ["supplier"],
                "address": {"postalCode": "b94aa"},
            },
        ],
        awards=[
            {
                "id": "1",
                "status": "active",
                "date": "2025-02-28T00:00:00Z",
                "value": {"amount": 9500, "currency": "GBP"},
                "suppliers": [{"id": "S1", "name": "Tasty Ltd"}],
                "relatedLots": ["A"],
            }
        ],
    )
    return release


# --- Dates out of range -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "note"),
    [
        (
            {"tender__tenderPeriod": {"endDate": LATE}},
            f"closing date (tenderPeriod.endDate) '{LATE}' is outside the years 1900 to 2999: "
            "left out",
        ),
        (
            {"tender__datePublished": EARLY},
            f"publication date '{EARLY}' is outside the years 1900 to 2999: left out",
        ),
        (
            {"tender__contractPeriod": {"startDate": EARLY, "endDate": LATE}},
            f"contract period start '{EARLY}' is outside the years 1900 to 2999: left out",
        ),
    ],
)
def test_an_optional_date_out_of_range_is_a_note_not_a_crash(tmp_path, changes, note):
    out = import_release(tmp_path, a_release(**changes))
    assert "1 created" in out
    assert note in out


def test_a_closing_date_out_of_range_leaves_the_opportunity_without_one(tmp_path):
    import_release(tmp_path, a_release(tender__tenderPeriod={"endDate": LATE}))
    contract = Contract.objects.get()
    assert contract.closes_at is None
    assert not Lot.objects.open().exists()  # no closing date: not taking interest


@pytest.mark.parametrize("date", [EARLY, LATE, "2025-13-45T00:00:00Z", 20250123, ["2025"]])
def test_a_release_date_out_of_range_or_unreadable_skips_the_release(tmp_path, date):
    out = import_release(tmp_path, a_release(date=date))
    assert "skipped: no usable release date (" in out
    assert "cannot be ordered against other releases" in out
    assert written() == NOTHING


def test_an_award_date_out_of_range_falls_back_to_the_release_date(tmp_path):
    release = rich_release()
    release["awards"][0]["date"] = LATE
    out = import_release(tmp_path, release)
    assert f"award 1 date '{LATE}' is outside the years 1900 to 2999: left out" in out
    assert str(Award.objects.get().awarded_on) == "2025-01-23"


# --- Amounts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('"1,000.00"', Decimal("1000.00")),
        ('"£25,000"', Decimal("25000.00")),
        ('" 40000.5 "', Decimal("40000.50")),
        ("40000.005", Decimal("40000.00")),
    ],
)
def test_amounts_typed_as_text_are_read(tmp_path, raw, expected):
    text = json.dumps({"releases": [a_release()]}).replace('"amount": 40000', f'"amount": {raw}')
    import_text(tmp_path, text)
    assert Lot.objects.get().value == expected


@pytest.mark.parametrize(
    ("raw", "note"),
    [
        ('"1,00"', "tender value '1,00' is not a number"),
        ('"forty thousand"', "is not a number"),
        ("1e-300", "tender value 1E-300 is not more than £0"),
        ("-25000", "tender value -25000 is not more than £0"),
        ("1" + "0" * 5000, "is not a usable amount"),
        ("1e999999", "tender value 1E+999999 is not a usable amount"),
        ("NaN", "tender value NaN is not a usable amount"),
        ("[40000]", "tender value [40000] is not a number"),
        ('{"pounds": 4}', "is not a number"),
    ],
)
def test_an_unusable_amount_is_a_note_and_the_opportunity_is_kept(tmp_path, raw, note):
    text = json.dumps({"releases": [a_release()]}).replace('"amount": 40000', f'"amount": {raw}')
    out = import_text(tmp_path, text)
    assert "1 created" in out
    assert note in out
    assert Lot.objects.get().value is None


# --- Lots and items -----------------------------------------------------------------------


def test_duplicate_lot_ids_skip_the_release_and_write_nothing(tmp_path):
    release = rich_release()
    release["tender"]["lots"][1]["id"] = "A"
    out = import_release(tmp_path, release)
    assert (
        "skipped: the notice lists lot id 'A' more than once, so its items and awards cannot "
        "be told apart"
    ) in out
    assert written() == NOTHING


def test_an_item_for_a_lot_the_notice_does_not_list_is_noted_and_left_out(tmp_path):
    release = rich_release()
    release["tender"]["items"].append(
        {"id": "3", "relatedLot": "Z", "deliveryAddresses": [{"postalCode": "WS1 1AA"}]}
    )
    out = import_release(tmp_path, release)
    assert "item 3 is for lot 'Z', which the notice does not list" in out
    assert "WS1" not in Lot.objects.values_list("delivery_district", flat=True)


def test_a_lot_that_is_not_an_object_is_noted_and_the_others_kept(tmp_path):
    release = rich_release()
    release["tender"]["lots"].insert(0, "North schools")
    out = import_release(tmp_path, release)
    assert "tender lot 1 is not an object: left out" in out
    assert Lot.objects.count() == 2


def test_a_rich_release_is_imported_with_lots_places_reservations_and_award(tmp_path):
    out = import_release(tmp_path, rich_release())
    assert "1 created" in out
    north, south = Lot.objects.order_by("number")
    assert (north.delivery_district, north.reservation_suppliers) == ("B23", "sme")
    assert (south.delivery_postcode, south.import_details.delivery_region) == ("", "Birmingham")
    assert (south.reservation_suppliers, south.reservation_location) == ("sme", "county")
    assert Award.objects.get().lot == north


def test_more_lots_than_any_notice_has_skip_the_release(tmp_path):
    release = a_release(tender__lots=[{"id": str(n)} for n in range(1001)])
    out = import_release(tmp_path, release)
    assert "skipped: the notice lists 1001 lots, more than 1000" in out
    assert written() == NOTHING


# --- Wrong types and unstorable text ------------------------------------------------------


@pytest.mark.parametrize(
    ("release", "reason"),
    [
        (a_release(tender__title=42), "the tender has no title"),
        (a_release(tender__title=["School", "meals"]), "the tender has no title"),
        (a_release(buyer={"name": {"en": "Birmingham"}}), "no buyer name"),
        (a_release(buyer=["Birmingham City Council"]), "no buyer name"),
        (a_release(tender=["School meals"]), "no tender"),
        (a_release(ocid=True), "no ocid or no release id"),
        (a_release(ocid="ocds-b5fd17-" + "x" * 120), "the ocid is longer than 128 characters"),
        (a_release(id="x" * 257), "the release id is longer than 256 characters"),
    ],
)
def test_values_of_the_wrong_type_or_size_skip_the_release_with_the_reason(
    tmp_path, release, reason
):
    out = import_release(tmp_path, release)
    assert f"skipped: {reason}" in out
    assert written() == NOTHING


def test_wrong_types_in_optional_parts_are_ignored(tmp_path):
    release = a_release(
        tag="tender",
        tender__suitability=["sme"],
        tender__items={"id": "1"},
        tender__documents="https://example.org",
        tender__value=[40000],
        tender__tenderPeriod="2099-01-01",
        tender__contractPeriod={"startDate": 2025},
        tender__mainProcurementCategory=["works"],
        parties="Birmingham",
        awards={"id": "1"},
    )
    out = import_release(tmp_path, release)
    assert "1 created" in out
    assert "contract period start 2025 is not a date: left out" in out


def test_text_no_database_accepts_is_made_storable(tmp_path):
    text = json.dumps(
        {
            "releases": [
                a_release(
                    tender__title="School\u0000 meals",
                    tender__description="Hot \\ud800 lunches",
                    tag=["tender\u0000"],
                )
            ]
        }
    ).replace("\\\\ud800", "\\ud800")
    import_text(tmp_path, text)
    contract = Contract.objects.get()
    assert contract.title == "School meals"
    assert contract.description == "Hot ? lunches"
    assert ImportedRelease.objects.get().tag == ["tender"]


def test_a_release_that_is_a_number_string_or_null_is_skipped(tmp_path):
    out = import_text(tmp_path, json.dumps([1, "release", None, [], a_release()]))
    assert "5 releases: 1 created, 0 updated, 0 unchanged, 4 skipped" in out


# --- The safety net for what no check foresaw ----------------------------------------------


def test_an_unforeseen_error_reading_a_release_skips_it_and_logs_it(monkeypatch, caplog):
    from ocds import services

    real = services.parse_release

    def parse(data, **kwargs):
        if data.get("id") == "broken":
            raise TypeError("unhashable type: 'dict'")
        return real(data, **kwargs)

    monkeypatch.setattr(services, "parse_release", parse)
    raws = [
        RawRelease("releases[0]", a_release(id="broken")),
        RawRelease("releases[1]", a_release()),
    ]
    report = ocds_import_releases(releases=raws, source_name="feed.json")
    assert [line.outcome for line in report.lines] == ["skipped", "created"]
    assert report.lines[0].reason == (
        "could not be read (TypeError: unhashable type: 'dict'); logged for the maintainers"
    )
    assert "feed.json releases[0]" in caplog.text and "Traceback" in caplog.text


def test_an_unforeseen_error_storing_a_release_undoes_all_of_its_writes(monkeypatch):
    from ocds import upsert

    def fail_after_writing(lots, notice, notes):
        assert Lot.objects.exists()  # the contract, buyer and lot are written by now
        raise ArithmeticError("overflow somewhere new")

    monkeypatch.setattr(upsert, "_save_awards", fail_after_writing)
    report = ocds_import_releases(
        releases=[RawRelease("releases[0]", a_release())], source_name="feed.json"
    )
    assert report.lines[0].outcome == "skipped"
    assert "ArithmeticError: overflow somewhere new" in report.lines[0].reason
    assert written() == NOTHING


# --- Anything at all (hypothesis) ---------------------------------------------------------

# Values seen in real feeds, or at the edges of what the readers handle.
EDGE_VALUES = [
    LATE,
    EARLY,
    "",
    "1,000.00",
    "2025-02-30T00:00:00Z",
    "2025-01-01T00:00:00+99:00",
    "smeVcse",
    "shelteredWorkshop",
    "A",
    "B9 4AA",
    "55000000",
    "__HUGE_INT__",
    "__HUGE_EXPONENT__",
]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(EDGE_VALUES),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
# Half the time an edge value, so that the few paths where each one bites are reached.
replacements = st.one_of(st.sampled_from(EDGE_VALUES), json_values)


def _paths(value, prefix=()) -> list[tuple]:
    """Every place in a JSON value that a mutation can replace."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


RICH_PATHS = _paths(rich_release())[1:]


@st.composite
def mutated_releases(draw) -> str:
    """A rich release with one to four of its parts replaced by any JSON (or removed), as
    text: huge integers and exponents are spliced in where JSON libraries cannot write them."""
    release = rich_release()
    for path in draw(st.lists(st.sampled_from(RICH_PATHS), min_size=1, max_size=4)):
        parent = release
        try:
            for key in path[:-1]:
                parent = parent[key]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(replacements)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced this path's parent
    text = json.dumps({"releases": [release]})
    return text.replace('"__HUGE_INT__"', "9" * 5000).replace('"__HUGE_EXPONENT__"', "1e999999999")


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=mutated_releases())
def test_any_mutation_of_a_release_is_imported_or_skipped_never_raised(tmp_path, text):
    with transaction.atomic():
        out = import_text(tmp_path, text)
        (summary,) = [line for line in out.splitlines() if line.startswith("feed.json: ")]
        assert "1 releases: " in summary
        event(summary.split(": ", 2)[2])  # the outcome, for --hypothesis-show-statistics
        # The safety net for surprises is not what handled it: every case is foreseen.
        assert "could not be read (" not in out
        if "1 skipped" in summary:
            assert written() == NOTHING
        else:
            assert ImportedRelease.objects.count() == 1
            # And it is idempotent: the same file again changes nothing.
            again = import_text(tmp_path, text)
            assert "0 created, 0 updated, 1 unchanged, 0 skipped" in again
        transaction.set_rollback(True)


@settings(max_examples=60, deadline=None)
@given(release=json_values)
def test_any_json_at_all_in_place_of_a_release_is_skipped_or_imported(release):
    with transaction.atomic():
        raws = [RawRelease("releases[0]", copy.deepcopy(release))]
        report = ocds_import_releases(releases=raws, source_name="fuzz.json")
        assert [line.outcome for line in report.lines] == ["skipped"]
        assert report.lines[0].outcome in OUTCOMES
        assert written() == NOTHING
        transaction.set_rollback(True)
