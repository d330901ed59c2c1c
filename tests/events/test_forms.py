"""The coordinator's event forms read what is typed and say clearly what is wrong; the rules
themselves are the services' (tested in test_events.py)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from events.forms.manage import (
    AttendanceForm,
    BuyerTableForm,
    CheckInSearchForm,
    EventForm,
    InvitationAddForm,
    MeetingMoveForm,
    slot_label,
)
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea
from tests.anchors.factories import InstitutionFactory
from tests.events.factories import BuyerTableFactory, EventFactory
from tests.matching.factories import CATERING, cpv_codes, open_lot
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def local(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def typed(moment: datetime) -> str:
    """How a browser's datetime-local input posts a moment."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def event_data(**overrides) -> dict:
    data = {
        "title": "Meet the Buyer: catering in East Birmingham",
        "description": "Meet the council's and the NHS trust's catering buyers.",
        "starts_at": typed(local(30, 9)),
        "ends_at": typed(local(30, 13)),
        "venue_name": "Bordesley Green community hall",
        "venue_address": "1 Bordesley Green, Birmingham",
        "venue_postcode": "b9 4aa",
        "online_url": "",
        "capacity": "40",
        "registration_deadline": typed(local(25, 17)),
        "first_slot_at": "",
        "slot_minutes": "15",
        "slot_count": "12",
        "max_meetings_per_business": "3",
        "target_area": str(NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG).pk),
    }
    return {**data, **overrides}


def test_a_complete_event_form_cleans_to_the_services_arguments():
    institution = InstitutionFactory()
    cpv_codes(CATERING)
    form = EventForm(
        event_data(institutions=[str(institution.pk)], focus_sectors="55520000-8, 55000000")
    )

    assert form.is_valid(), form.errors
    kwargs = form.service_kwargs()
    assert kwargs["starts_at"] == local(30, 9)
    assert kwargs["venue_postcode"] == "B9 4AA"
    assert kwargs["institutions"] == [institution]
    assert kwargs["focus_sectors"] == ["55520000", "55000000"]
    assert kwargs["lots"] == []
    assert kwargs["first_slot_at"] is None
    assert kwargs["target_area"].slug == EAST_BIRMINGHAM_SLUG


def test_dates_typed_without_a_picker_are_read_as_uk_day_month_year():
    form = EventForm(event_data(starts_at=local(30, 9).strftime("%d/%m/%Y %H:%M")))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_at"] == local(30, 9)


def test_a_new_event_defaults_to_east_birmingham():
    form = EventForm()

    area = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    assert form["target_area"].value() == area.pk
    assert 'type="datetime-local"' in str(form["starts_at"])


def test_missing_answers_each_get_a_message():
    form = EventForm({})

    assert not form.is_valid()
    assert form.errors["title"] == ["Enter a title for the event."]
    assert form.errors["starts_at"] == ["Enter the start date and time."]
    assert form.errors["capacity"] == [
        "Enter the number of businesses that can attend, as a whole number."
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param(
            {"starts_at": "31/02/2030 09:00"},
            "starts_at",
            "Enter a real date and time. For example, 31/3/2027 09:30 (24-hour clock).",
            id="no such date",
        ),
        pytest.param(
            {"ends_at": typed(local(30, 8))},
            "ends_at",
            "The event must end after it starts.",
            id="ends before it starts",
        ),
        pytest.param(
            {"registration_deadline": typed(local(31, 9))},
            "registration_deadline",
            "Registration must close before the start.",
            id="deadline after the start",
        ),
        pytest.param(
            {"first_slot_at": typed(local(30, 14))},
            "first_slot_at",
            "The first meeting must start during the event.",
            id="meetings after the event",
        ),
        pytest.param(
            {"venue_postcode": "", "online_url": ""},
            "venue_postcode",
            "Enter the venue’s postcode, or the online joining link.",
            id="nowhere",
        ),
        pytest.param(
            {"capacity": "0"},
            "capacity",
            "The number of businesses that can attend must be 1 or more.",
            id="no places",
        ),
        pytest.param(
            {"slot_minutes": "ten"},
            "slot_minutes",
            "Enter the length of each meeting in minutes as a whole number, like 10.",
            id="slot length in words",
        ),
        pytest.param(
            {"slot_count": "500"},
            "slot_count",
            "The number of meeting slots must be 48 or fewer.",
            id="too many slots",
        ),
        pytest.param(
            {"online_url": "not a link", "venue_postcode": ""},
            "online_url",
            "Enter a web address, like https://meet.example.com/event.",
            id="bad link",
        ),
    ],
)
def test_bad_event_details_are_refused_next_to_the_field(changes, field, message):
    form = EventForm(event_data(**changes))

    assert not form.is_valid()
    assert message in form.errors[field]


def test_an_online_event_needs_no_postcode():
    form = EventForm(event_data(venue_postcode="", online_url="https://meet.example.com/mtb"))

    assert form.is_valid(), form.errors
    assert form.service_kwargs()["venue_postcode"] == ""


def test_linked_lots_must_belong_to_a_participating_institution():
    council, trust = InstitutionFactory(name="Council"), InstitutionFactory(name="Trust")
    lot = open_lot(institution=trust)

    form = EventForm(event_data(institutions=[str(council.pk)], lots=[str(lot.pk)]))

    assert not form.is_valid()
    assert form.errors["lots"][0].startswith("Link only lots of the participating institutions")


def test_only_open_lots_and_our_own_institutions_are_offered():
    ours = InstitutionFactory(name="Council")
    imported = InstitutionFactory(name="Imported buyer", is_external=True)
    open_one = open_lot(institution=ours)
    draft = open_lot(institution=ours, published=False)

    form = EventForm()

    assert list(form.fields["institutions"].queryset) == [ours]
    assert imported not in form.fields["institutions"].queryset
    assert list(form.fields["lots"].queryset) == [open_one]
    assert draft not in form.fields["lots"].queryset


def test_editing_shows_the_events_values_and_keeps_its_linked_lots_on_offer():
    institution = InstitutionFactory()
    lot = open_lot(institution=institution, published=False)  # no longer open
    event = EventFactory()
    event.institutions.add(institution)
    event.lots.add(lot)

    form = EventForm(event=event)

    assert form["title"].value() == event.title
    assert form["institutions"].value() == [institution.pk]
    assert lot in form.fields["lots"].queryset
    assert typed(timezone.localtime(event.starts_at)) in str(form["starts_at"])


def test_a_new_table_offers_our_institutions_and_only_the_events_lots_of_the_one_chosen():
    council = InstitutionFactory(name="Council")
    trust = InstitutionFactory(name="Trust")
    event = EventFactory()
    event.institutions.add(trust)
    council_lot = open_lot(institution=council)
    event.lots.add(council_lot)

    form = BuyerTableForm(
        {"institution": str(trust.pk), "name": "Estates", "lots": [str(council_lot.pk)]},
        event=event,
    )

    assert BuyerTableForm(event=event)["institution"].value() == trust.pk  # the event's first
    assert set(form.fields["institution"].queryset) == {council, trust}
    assert not form.is_valid()
    assert form.errors["lots"] == ["Choose only lots of Trust."]


def test_a_tables_institution_cannot_be_changed_once_added():
    table = BuyerTableFactory()

    form = BuyerTableForm({"name": "Estates", "buyers": "Ann"}, event=table.event, table=table)

    assert "institution" not in form.fields
    assert form.is_valid(), form.errors
    assert form.update_kwargs() == {"name": "Estates", "buyers": "Ann", "lots": []}


def test_a_table_needs_a_name():
    event = EventFactory()
    institution = InstitutionFactory()

    form = BuyerTableForm({"institution": str(institution.pk)}, event=event)

    assert form.errors["name"] == ["Enter a name for the table."]


def test_a_deactivated_business_cannot_be_added_to_the_invite_list():
    business = BusinessFactory(is_active=False)

    form = InvitationAddForm({"business": str(business.pk)})

    assert form.errors["business"] == ["That business is not on LocalLots or is no longer active."]


def test_moving_a_meeting_offers_the_events_tables_and_slots_with_their_times():
    table = BuyerTableFactory(number=1, name="Estates")
    event = table.event
    other_event_table = BuyerTableFactory()

    form = MeetingMoveForm({"table": str(other_event_table.pk), "slot": "99"}, event=event)

    assert not form.is_valid()
    assert form.errors["table"] == ["Choose one of the event’s tables."]
    assert form.errors["slot"] == ["Choose one of the event’s time slots."]
    assert form.fields["slot"].choices[1] == (1, slot_label(event, 1))
    starts = timezone.localtime(event.slot_starts_at(1))
    assert slot_label(event, 1).startswith(f"Slot 2, {starts:%H:%M} to ")


def test_attendance_and_search_forms_refuse_what_they_cannot_read():
    assert AttendanceForm({"action": "dance"}).errors["action"] == [
        "Choose check in, did not come, or undo."
    ]
    assert CheckInSearchForm({"q": "x" * 101}).errors["q"] == ["Enter at most 100 characters."]
    search = CheckInSearchForm({"q": "  Sam  "})
    assert search.is_valid() and search.cleaned_data["q"] == "Sam"
