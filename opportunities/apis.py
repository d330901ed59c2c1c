"""Public opportunities API: ``GET /api/v1/opportunities/`` and ``.../<id>/``.

The list takes the web search's filters (``opportunities.selectors.OpportunityFilter``) under
the same names, but where the web page ignores a value it cannot read, the API refuses it: an
unknown parameter or an unreadable value is a 400 naming the field, so a client never mistakes
an unfiltered list for a filtered one.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from anchors.apis import (
    AreaSerializer,
    BuyerSerializer,
    CertificationSummarySerializer,
    CpvLinkSerializer,
)
from anchors.models import Contract, Lot
from core.api import DateField, MoneyField, get_or_404, paginated_response, parse_query
from core.pagination import Pagination
from opportunities import selectors


class OpportunityContractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    procurement_type = serializers.ChoiceField(choices=Contract.ProcurementType.choices)
    closes_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField()
    source = serializers.ChoiceField(
        choices=Contract.Source.choices,
        help_text="Posted on LocalLots, or imported from open data (see `source_url`).",
    )
    source_url = serializers.CharField(help_text="The source notice; empty for our own.")
    buyer = BuyerSerializer(source="institution")

    class Meta:
        ref_name = "OpportunityContract"


class OpportunitySuitabilitySerializer(serializers.Serializer):
    sme = serializers.BooleanField(
        source="suitable_for_sme", allow_null=True, help_text="Suitable for SMEs; null: not said."
    )
    vcse = serializers.BooleanField(
        source="suitable_for_vcse",
        allow_null=True,
        help_text="Suitable for VCSEs; null: not said.",
    )

    class Meta:
        ref_name = "OpportunitySuitability"


class OpportunitySerializer(serializers.Serializer):
    """A published lot as the search lists it."""

    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text="The lot's number within its contract.")
    title = serializers.CharField()
    value = MoneyField(
        allow_null=True, help_text="Pounds, excluding VAT; null when an imported notice has none."
    )
    delivery_district = serializers.CharField()
    is_hyper_local = serializers.BooleanField()
    target_area = AreaSerializer(allow_null=True)
    target_districts = serializers.ListField(child=serializers.CharField())
    reservation_suppliers = serializers.ChoiceField(choices=Lot.SupplierReservation.choices)
    reservation_location = serializers.ChoiceField(choices=Lot.LocationReservation.choices)
    cpv_codes = CpvLinkSerializer(source="cpv_links", many=True)
    suitability = OpportunitySuitabilitySerializer(
        source="import_details",
        allow_null=True,
        read_only=True,
        help_text="What an imported notice says about who the lot suits: advice, not a "
        "reservation. Null for lots posted on LocalLots.",
    )
    delivery_region = serializers.CharField(
        source="import_details.delivery_region",
        allow_null=True,
        read_only=True,
        help_text="The region an imported notice names (useful when it gives no postcode); "
        "empty when it names none, null for lots posted on LocalLots.",
    )
    contract = OpportunityContractSerializer()

    class Meta:
        ref_name = "Opportunity"


class OpportunityListApi(APIView):
    """Open lots (published, before their closing date, not awarded), closing soonest first.

    Filters combine (all must hold). ``area`` is a named area's slug (``east-birmingham``);
    ``district`` a postcode district (``B9``) matched against the delivery district, the lot's
    target districts and its target area; ``cpv`` a code at any level (``45000000`` for all
    construction). Dates are ISO (``2026-03-31``).
    """

    permission_classes = [AllowAny]
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(
            required=False,
            max_length=selectors.Q_MAX_LENGTH,
            help_text="Words in the title, description or buyer's name.",
        )
        cpv = serializers.CharField(
            required=False, max_length=20, help_text="A CPV code, with or without check digit."
        )
        district = serializers.CharField(
            required=False, max_length=8, help_text="A postcode district, like B9."
        )
        area = serializers.SlugField(
            required=False, max_length=80, help_text="A named area's slug, like east-birmingham."
        )
        hyper_local = serializers.BooleanField(
            required=False, help_text="Only lots with a target area."
        )
        reserved = serializers.ChoiceField(
            required=False, choices=selectors.OpportunityFilter.RESERVED_CHOICES
        )
        value_min = MoneyField(required=False, min_value=0)
        value_max = MoneyField(required=False, min_value=0)
        closing_after = DateField(required=False)
        closing_before = DateField(required=False)
        sort = serializers.ChoiceField(
            required=False, choices=selectors.OpportunityFilter.SORT_CHOICES
        )

        class Meta:
            ref_name = "OpportunityFilter"

    @extend_schema(
        operation_id="opportunities_list",
        parameters=[FilterSerializer],
        responses=OpportunitySerializer(many=True),
    )
    def get(self, request):
        filters = parse_query(self.FilterSerializer, request, paginated=True)
        params = {
            name: ("true" if value else "") if isinstance(value, bool) else str(value)
            for name, value in filters.items()
        }
        lots, filterset = selectors.opportunity_search(params=params)
        if filterset.is_bound and not filterset.is_valid():
            raise ValidationError({k: list(v) for k, v in filterset.errors.items()})
        return paginated_response(
            request=request, view=self, queryset=lots, serializer_class=OpportunitySerializer
        )


class OpportunityDetailApi(APIView):
    """One published lot with its contract and buyer, open or not (``is_open`` says).

    Drafts and cancelled contracts' lots are 404.
    """

    permission_classes = [AllowAny]

    class OutputSerializer(OpportunitySerializer):
        class ContractSerializer(OpportunityContractSerializer):
            description = serializers.CharField()
            estimated_value = MoneyField(allow_null=True)
            starts_on = serializers.DateField(allow_null=True)
            ends_on = serializers.DateField(allow_null=True)
            ocid = serializers.CharField(help_text="Open Contracting id of an imported notice.")

            class Meta:
                ref_name = "OpportunityContractDetail"

        class AwardSerializer(serializers.Serializer):
            supplier = serializers.CharField(source="supplier_display")
            value = MoneyField()
            awarded_on = serializers.DateField()

            class Meta:
                ref_name = "LotAward"

        description = serializers.CharField()
        delivery_postcode = serializers.CharField()
        reservation_rationale = serializers.CharField()
        required_certifications = CertificationSummarySerializer(
            many=True, help_text="Advisory: never a bar to registering interest (PA23 s.85)."
        )
        is_open = serializers.BooleanField(help_text="Still taking interest.")
        award = AwardSerializer(allow_null=True)
        contract = ContractSerializer()

        class Meta:
            ref_name = "OpportunityDetail"

    @extend_schema(operation_id="opportunities_retrieve", responses=OutputSerializer)
    def get(self, request, pk: int):
        lot = get_or_404(
            selectors.opportunity_get, "There is no published lot with this id.", lot_id=pk
        )
        return Response(self.OutputSerializer(lot).data)
