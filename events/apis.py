"""Meet the Buyer events API, under ``/api/v1/``: ``events/`` (public: upcoming published
events, and one event with its buyers' tables) and ``registrations/`` (a supplier's own: list,
register a business, read one, change the buyers it wants to meet, cancel). ``events.services.registrations`` applies every rule (room left,
deadline, waitlist, one active place per business); other businesses' ids are 404.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from anchors.apis import AreaSerializer, BuyerSerializer
from core.api import (
    IdField,
    get_or_404,
    paginated_response,
    parse_body,
    parse_query,
)
from core.pagination import Pagination
from events import selectors
from events.models import Event, Registration
from events.services.registrations import (
    registration_cancel,
    registration_create,
    registration_update_choices,
)
from matching.apis import BusinessSummarySerializer
from suppliers.selectors import businesses_of_member

NO_EVENT = "There is no published event with this id."
NO_REGISTRATION = "There is no registration with this id among your businesses'."


@extend_schema_field(serializers.ChoiceField(choices=Event.Status.choices))
class EventStatusField(serializers.Field):
    """The event's status now, derived from its dates (``Event.status_at``)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, event):
        return event.status_at(timezone.now())


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = EventStatusField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    registration_deadline = serializers.DateTimeField()
    venue_name = serializers.CharField()
    venue_address = serializers.CharField()
    venue_postcode = serializers.CharField()
    online_url = serializers.CharField()
    capacity = serializers.IntegerField(help_text="How many businesses can attend.")
    confirmed_count = serializers.IntegerField()
    waitlisted_count = serializers.IntegerField()
    table_count = serializers.IntegerField()
    target_area = AreaSerializer(allow_null=True)
    institutions = BuyerSerializer(many=True)

    class Meta:
        ref_name = "Event"


class EventListApi(APIView):
    permission_classes = [AllowAny]
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer):
        class Meta:
            ref_name = "EventListFilter"

    @extend_schema(
        operation_id="events_list",
        responses=EventSerializer(many=True),
        description="Published Meet the Buyer events that have not ended, soonest first.",
    )
    def get(self, request):
        parse_query(self.FilterSerializer, request, paginated=True)
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.events_public(),
            serializer_class=EventSerializer,
        )


class EventDetailApi(APIView):
    permission_classes = [AllowAny]

    class OutputSerializer(EventSerializer):
        class TableSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            number = serializers.IntegerField()
            name = serializers.CharField()
            buyers = serializers.CharField()
            institution = BuyerSerializer()

            class Meta:
                ref_name = "EventTable"

        class SectorSerializer(serializers.Serializer):
            code = serializers.CharField()
            label = serializers.CharField()

            class Meta:
                ref_name = "EventSector"

        tables = TableSerializer(many=True, help_text="The buyers' tables, by number.")
        focus_sectors = SectorSerializer(many=True)

        class Meta:
            ref_name = "EventDetail"

    @extend_schema(operation_id="events_retrieve", responses=OutputSerializer)
    def get(self, request, pk: int):
        event = get_or_404(selectors.event_get_public, NO_EVENT, pk=pk)
        return Response(self.OutputSerializer(event).data)


class TableRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField()

    class Meta:
        ref_name = "EventTableRef"


class RegistrationSerializer(serializers.Serializer):
    class EventSummarySerializer(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()
        starts_at = serializers.DateTimeField()

        class Meta:
            ref_name = "RegistrationEvent"

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Registration.Status.choices)
    event = EventSummarySerializer()
    business = BusinessSummarySerializer()
    wanted_tables = TableRefSerializer(many=True, help_text="The buyers it wants to meet.")
    attendee_name = serializers.CharField()
    attendee_email = serializers.CharField()
    accessibility_needs = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    waitlisted_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "Registration"


class RegistrationListApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegistrationListFilter"

    class CreateSerializer(serializers.Serializer):
        event = IdField(help_text="A published event open for registration.")
        business = IdField(
            required=False, help_text="Which of your businesses; needed only if you have several."
        )
        wanted_tables = serializers.ListField(
            child=IdField(), required=False, max_length=100, help_text="Ids of the event's tables."
        )
        attendee_name = serializers.CharField(max_length=200)
        attendee_email = serializers.EmailField(max_length=254)
        accessibility_needs = serializers.CharField(
            required=False, allow_blank=True, max_length=2000, default=""
        )

        class Meta:
            ref_name = "RegistrationCreate"

    @extend_schema(
        operation_id="registrations_list",
        responses=RegistrationSerializer(many=True),
        description="Your businesses' event registrations, soonest event first.",
    )
    def get(self, request):
        parse_query(self.FilterSerializer, request, paginated=True)
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.registrations_for_user(user=request.user),
            serializer_class=RegistrationSerializer,
        )

    @extend_schema(
        operation_id="registrations_create",
        request=CreateSerializer,
        responses={201: RegistrationSerializer},
        description="Register your business: a confirmed place while there is room, otherwise "
        "the waitlist (`status` says which).",
    )
    def post(self, request):
        data = dict(parse_body(self.CreateSerializer, request))
        try:
            event = selectors.event_get_public(pk=data.pop("event"))
        except Event.DoesNotExist:
            raise ValidationError({"event": [NO_EVENT]}) from None
        business = self._business(request.user, data.pop("business", None))
        registration = registration_create(
            user=request.user,
            event=event,
            business=business,
            wanted_tables=data.pop("wanted_tables", []),
            **data,
        )
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def _business(user, business_id):
        """The only business of a single-business member; the service refuses anyone else."""
        mine = list(businesses_of_member(user=user))
        if business_id is None:
            return mine[0] if len(mine) == 1 else None
        for business in mine:
            if business.pk == business_id:
                return business
        raise ValidationError({"business": ["Choose one of your own businesses."]})


def _own_registration(request, pk: int) -> Registration:
    """One of the user's businesses' registrations; anyone else's is a 404."""
    return get_or_404(
        selectors.registration_get_for_user, NO_REGISTRATION, user=request.user, pk=pk
    )


class RegistrationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    class UpdateSerializer(serializers.Serializer):
        wanted_tables = serializers.ListField(
            child=IdField(),
            max_length=100,
            allow_empty=True,
            help_text="Ids of the event's tables: the buyers the business wants to meet.",
        )

        class Meta:
            ref_name = "RegistrationUpdate"

    @extend_schema(operation_id="registrations_retrieve", responses=RegistrationSerializer)
    def get(self, request, pk: int):
        registration = _own_registration(request, pk)
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(
        operation_id="registrations_partial_update",
        request=UpdateSerializer,
        responses=RegistrationSerializer,
        description="Change the buyers your business wants to meet, until the event starts. "
        "Only `wanted_tables` can be changed here; cancel and register again for the rest.",
    )
    def patch(self, request, pk: int):
        registration = _own_registration(request, pk)
        data = parse_body(self.UpdateSerializer, request, reject_unknown=True)
        registration_update_choices(
            user=request.user, registration=registration, wanted_tables=data["wanted_tables"]
        )
        registration = selectors.registration_get_for_user(user=request.user, pk=pk)
        return Response(RegistrationSerializer(registration).data)


class RegistrationCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="registrations_cancel",
        request=None,
        responses=RegistrationSerializer,
        description="Cancel your place (or leave the waitlist); a freed place goes to the "
        "first business waiting.",
    )
    def post(self, request, pk: int):
        registration = _own_registration(request, pk)
        registration = registration_cancel(user=request.user, registration=registration)
        return Response(RegistrationSerializer(registration).data)
