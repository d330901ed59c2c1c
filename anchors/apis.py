"""Officers' contracts and lots API, under ``/api/v1/``: the buyer workspace's operations.

``contracts/`` lists, creates, reads and (as a draft) changes an officer's contracts;
``contracts/<id>/split/``, ``.../publish/`` and ``.../cancel/`` act on one; ``lots/<id>/`` reads
and changes a draft lot's words, target area and reservation. The same services as the web
apply every rule: a coordinator reads every institution's contracts but changes none (403 with
the reason), and another institution's ids are 404.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from anchors import selectors, services
from anchors.forms import TEXT_MAX
from anchors.models import MAX_CPV_CODES, MAX_LOTS, Contract, Institution, Lot
from core.api import (
    DateField,
    DateTimeField,
    IdField,
    MoneyField,
    get_or_404,
    paginated_response,
    parse_body,
    parse_query,
)
from core.exceptions import PermissionDenied
from core.money import PENNY
from core.pagination import Pagination
from places.models import NamedArea
from places.postcodes import InvalidPostcode, normalise_district
from suppliers.models import Certification

NO_CONTRACT = "There is no contract with this id among your institutions' contracts."
NO_LOT = "There is no lot with this id among your institutions' contracts."
NOTHING_TO_CHANGE = "Send at least one field to change."


class DistrictField(serializers.CharField):
    """A postcode district in any spelling ("b9 "), normalised ("B9")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 8)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return normalise_district(value)
        except InvalidPostcode as exc:
            raise serializers.ValidationError(str(exc)) from exc


def _districts(**kwargs) -> serializers.ListField:
    return serializers.ListField(child=DistrictField(), max_length=MAX_LOTS, **kwargs)


def _cpv_list(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=12),
        max_length=MAX_CPV_CODES,
        help_text="CPV codes, with or without check digit (45000000 or 45000000-7).",
        **kwargs,
    )


# Output (the public opportunities API shares the first three) -----------------------------


class BuyerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    kind = serializers.ChoiceField(choices=Institution.Kind.choices)
    is_external = serializers.BooleanField(
        help_text="A buyer known only from imported notices (no members here)."
    )

    class Meta:
        ref_name = "Buyer"


class CpvLinkSerializer(serializers.Serializer):
    code = serializers.CharField(source="cpv_code_id")
    label = serializers.CharField(source="cpv_code.label")

    class Meta:
        ref_name = "LotCpvCode"


class CertificationSummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()

    class Meta:
        ref_name = "CertificationSummary"


class AreaSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()

    class Meta:
        ref_name = "NamedAreaSummary"


class ContractSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    institution = BuyerSerializer()
    status = serializers.ChoiceField(choices=Contract.Status.choices)
    procurement_type = serializers.ChoiceField(choices=Contract.ProcurementType.choices)
    estimated_value = MoneyField(help_text="Pounds, excluding VAT.")
    closes_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    lot_count = serializers.IntegerField(source="lot_total")
    source = serializers.ChoiceField(choices=Contract.Source.choices)

    class Meta:
        ref_name = "ContractSummary"


class OfficerLotSerializer(serializers.Serializer):
    class AwardSerializer(serializers.Serializer):
        supplier = serializers.CharField(source="supplier_display")
        business_id = serializers.IntegerField(allow_null=True)
        value = MoneyField()
        awarded_on = serializers.DateField()

        class Meta:
            ref_name = "OfficerLotAward"

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    value = MoneyField(help_text="Pounds, excluding VAT.")
    delivery_postcode = serializers.CharField()
    delivery_district = serializers.CharField()
    is_hyper_local = serializers.BooleanField()
    target_area = AreaSerializer(allow_null=True)
    target_districts = serializers.ListField(child=serializers.CharField())
    is_reserved = serializers.BooleanField()
    reservation_suppliers = serializers.ChoiceField(choices=Lot.SupplierReservation.choices)
    reservation_location = serializers.ChoiceField(choices=Lot.LocationReservation.choices)
    reservation_rationale = serializers.CharField()
    cpv_codes = CpvLinkSerializer(source="cpv_links", many=True)
    award = AwardSerializer(allow_null=True)

    class Meta:
        ref_name = "OfficerLot"


class BreachSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="The legal or house rule, like 'PA23 s.18'.")
    field = serializers.CharField()
    message = serializers.CharField()

    class Meta:
        ref_name = "PublishBreach"


class ContractDetailSerializer(ContractSummarySerializer):
    class CpvCodeSerializer(serializers.Serializer):
        code = serializers.CharField()
        label = serializers.CharField()

        class Meta:
            ref_name = "ContractCpvCode"

    description = serializers.CharField()
    vat_exempt = serializers.BooleanField()
    delivery_postcode = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    no_lots_reason = serializers.CharField()
    find_a_tender_ref = serializers.CharField()
    cross_border_interest = serializers.BooleanField()
    cancel_reason = serializers.CharField()
    source_url = serializers.CharField()
    cpv_codes = CpvCodeSerializer(many=True, source="cpv_codes.all")
    lots = OfficerLotSerializer(many=True, source="lots.all")
    publish_breaches = BreachSerializer(
        many=True,
        help_text="What stops a draft being published now (empty when it may be, and for a "
        "contract that is not a draft).",
    )

    class Meta:
        ref_name = "ContractDetail"


def _contract_detail(user, pk: int) -> dict:
    contract = get_or_404(selectors.contract_get_for_buyer, NO_CONTRACT, user=user, contract_id=pk)
    is_draft = contract.status == Contract.Status.DRAFT
    contract.publish_breaches = (
        selectors.contract_publish_check(contract=contract) if is_draft else []
    )
    return ContractDetailSerializer(contract).data


# Input --------------------------------------------------------------------------------------


class ContractFieldsSerializer(serializers.Serializer):
    """The fields an officer sets on a draft (all optional when changing one)."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=TEXT_MAX)
    estimated_value = MoneyField(min_value=PENNY, help_text="Pounds, excluding VAT.")
    delivery_postcode = serializers.CharField(max_length=10)
    cpv_codes = _cpv_list()
    procurement_type = serializers.ChoiceField(
        choices=Contract.ProcurementType.choices, required=False
    )
    closes_at = DateTimeField(required=False, allow_null=True)
    starts_on = DateField(required=False, allow_null=True)
    ends_on = DateField(required=False, allow_null=True)
    vat_exempt = serializers.BooleanField(required=False)
    no_lots_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX,
        help_text="Why the contract is not split into lots (PA23 s.18).",
    )
    find_a_tender_ref = serializers.CharField(required=False, allow_blank=True, max_length=64)
    cross_border_interest = serializers.BooleanField(required=False)

    class Meta:
        ref_name = "ContractFields"


class ContractListApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ContractListFilter"

    class CreateSerializer(ContractFieldsSerializer):
        institution = IdField(
            required=False,
            help_text="The buying institution; needed only by officers of more than one.",
        )

        class Meta:
            ref_name = "ContractCreate"

    @extend_schema(
        operation_id="contracts_list",
        responses=ContractSummarySerializer(many=True),
        description="Your institutions' contracts (every institution's for a coordinator), "
        "newest first. Anyone else gets an empty list.",
    )
    def get(self, request):
        parse_query(self.FilterSerializer, request, paginated=True)
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.contracts_for_user(user=request.user),
            serializer_class=ContractSummarySerializer,
        )

    @extend_schema(
        operation_id="contracts_create",
        request=CreateSerializer,
        responses={201: ContractDetailSerializer},
        description="Create a draft contract with one lot covering all of it; split it or "
        "record why it cannot be split (`no_lots_reason`), then publish it.",
    )
    def post(self, request):
        data = dict(parse_body(self.CreateSerializer, request))
        institution = self._institution(request.user, data.pop("institution", None))
        contract = services.contract_create(actor=request.user, institution=institution, **data)
        return Response(_contract_detail(request.user, contract.pk), status=status.HTTP_201_CREATED)

    @staticmethod
    def _institution(user, institution_id):
        mine = list(selectors.officer_institutions(user=user))
        if institution_id is None:
            if len(mine) == 1:
                return mine[0]
            if not mine:
                raise PermissionDenied("Only a procurement officer can create contracts.")
            raise ValidationError(
                {"institution": ["You are an officer of several institutions: say which one."]}
            )
        for institution in mine:
            if institution.pk == institution_id:
                return institution
        raise ValidationError({"institution": ["Choose one of your own institutions."]})


class ContractDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    class UpdateSerializer(ContractFieldsSerializer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, partial=True, **kwargs)

        class Meta:
            ref_name = "ContractUpdate"

    @extend_schema(operation_id="contracts_retrieve", responses=ContractDetailSerializer)
    def get(self, request, pk: int):
        return Response(_contract_detail(request.user, pk))

    @extend_schema(
        operation_id="contracts_partial_update",
        request=UpdateSerializer,
        responses=ContractDetailSerializer,
        description="Change a draft; send only the fields to change. A single-lot contract's "
        "lot follows its value, postcode and codes. Published contracts cannot be changed here.",
    )
    def patch(self, request, pk: int):
        contract = get_or_404(
            selectors.contract_get_for_buyer, NO_CONTRACT, user=request.user, contract_id=pk
        )
        changes = dict(parse_body(self.UpdateSerializer, request))
        if not changes:
            raise ValidationError({"non_field_errors": [NOTHING_TO_CHANGE]})
        services.contract_update(actor=request.user, contract=contract, **changes)
        return Response(_contract_detail(request.user, pk))


class ContractSplitApi(APIView):
    """Replace a draft contract's lots, all of them or none."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class LotSerializer(serializers.Serializer):
            title = serializers.CharField(max_length=200)
            value = MoneyField(min_value=PENNY, help_text="Pounds, excluding VAT.")
            description = serializers.CharField(
                required=False, allow_blank=True, max_length=TEXT_MAX
            )
            delivery_postcode = serializers.CharField(
                required=False, allow_blank=True, max_length=10
            )
            target_districts = _districts(required=False)
            cpv_codes = _cpv_list(required=False)

            class Meta:
                ref_name = "SplitLot"

        PLANS = (
            ("even", "`count` lots of equal value"),
            ("value_cap", "the fewest equal lots each worth at most `cap`"),
            ("districts", "one lot per postcode district in `districts`, each targeted there"),
            ("lots", "exactly the `lots` given, whose values add up to the contract's"),
        )
        plan = serializers.ChoiceField(choices=PLANS)
        count = serializers.IntegerField(
            required=False, min_value=2, max_value=MAX_LOTS, help_text="For `even`."
        )
        cap = MoneyField(required=False, min_value=PENNY, help_text="For `value_cap`: pounds.")
        districts = _districts(
            required=False, help_text="For `districts`: postcode districts, like B9."
        )
        lots = LotSerializer(many=True, required=False, max_length=MAX_LOTS)

        NEEDS = {"even": "count", "value_cap": "cap", "districts": "districts", "lots": "lots"}

        class Meta:
            ref_name = "ContractSplit"

        def validate(self, data):
            needed = self.NEEDS[data["plan"]]
            if data.get(needed) in (None, []):
                raise serializers.ValidationError({needed: [f"Give {needed} for this plan."]})
            return data

    @extend_schema(
        operation_id="contracts_split",
        request=InputSerializer,
        responses=ContractDetailSerializer,
    )
    def post(self, request, pk: int):
        contract = get_or_404(
            selectors.contract_get_for_buyer, NO_CONTRACT, user=request.user, contract_id=pk
        )
        data = parse_body(self.InputSerializer, request)
        services.contract_split_into_lots(
            actor=request.user, contract=contract, plan=self._plan(contract, data)
        )
        return Response(_contract_detail(request.user, pk))

    @staticmethod
    def _plan(contract: Contract, data: dict) -> list[services.LotDraft]:
        plan = data["plan"]
        if plan == "even":
            return services.propose_even_split(contract=contract, lots=data["count"])
        if plan == "value_cap":  # the service refuses a cap that makes more than MAX_LOTS lots
            return services.propose_by_value_cap(contract=contract, cap=data["cap"])
        if plan == "districts":
            return services.propose_by_district(contract=contract, districts=data["districts"])
        return [_lot_draft(lot) for lot in data["lots"]]


def _lot_draft(lot: dict) -> services.LotDraft:
    """As the web's split: a lot targeted at one district is delivered there."""
    districts = lot.get("target_districts", [])
    only_district = districts[0] if len(districts) == 1 else ""
    return services.LotDraft(
        **lot,
        delivery_district="" if lot.get("delivery_postcode") else only_district,
    )


class ContractPublishApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="contracts_publish",
        request=None,
        responses=ContractDetailSerializer,
        description="Publish a draft and all its lots, or nothing: every legal check must "
        "pass first (the 400 lists each breach under its field, naming the rule).",
    )
    def post(self, request, pk: int):
        contract = get_or_404(
            selectors.contract_get_for_buyer, NO_CONTRACT, user=request.user, contract_id=pk
        )
        services.contract_publish(actor=request.user, contract=contract)
        return Response(_contract_detail(request.user, pk))


class ContractCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=TEXT_MAX, help_text="Bidders will see it.")

        class Meta:
            ref_name = "ContractCancel"

    @extend_schema(
        operation_id="contracts_cancel",
        request=InputSerializer,
        responses=ContractDetailSerializer,
        description="Cancel a draft or published contract that has no awards.",
    )
    def post(self, request, pk: int):
        contract = get_or_404(
            selectors.contract_get_for_buyer, NO_CONTRACT, user=request.user, contract_id=pk
        )
        data = parse_body(self.InputSerializer, request)
        services.contract_cancel(actor=request.user, contract=contract, reason=data["reason"])
        return Response(_contract_detail(request.user, pk))


class LotDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(OfficerLotSerializer):
        class ContractSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            title = serializers.CharField()
            status = serializers.ChoiceField(choices=Contract.Status.choices)
            institution = BuyerSerializer()

            class Meta:
                ref_name = "OfficerLotContract"

        contract = ContractSerializer()
        required_certifications = CertificationSummarySerializer(many=True)

        class Meta:
            ref_name = "OfficerLotDetail"

    class UpdateSerializer(serializers.Serializer):
        title = serializers.CharField(required=False, max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)
        delivery_postcode = serializers.CharField(required=False, allow_blank=True, max_length=10)
        cpv_codes = _cpv_list(required=False)
        required_certifications = serializers.SlugRelatedField(
            slug_field="slug",
            queryset=Certification.objects.all(),
            many=True,
            required=False,
            help_text="Certification slugs: advisory, never a bar to interest (PA23 s.85).",
        )
        target_area = serializers.SlugRelatedField(
            slug_field="slug",
            queryset=NamedArea.objects.all(),
            required=False,
            allow_null=True,
            help_text="A named area's slug. With `target_districts`, replaces the lot's target "
            "as a whole: send one of them, or null and [] to make the lot not hyper-local.",
        )
        target_districts = _districts(required=False)
        reservation_suppliers = serializers.ChoiceField(
            choices=Lot.SupplierReservation.choices, required=False
        )
        reservation_location = serializers.ChoiceField(
            choices=Lot.LocationReservation.choices, required=False
        )
        reservation_rationale = serializers.CharField(
            required=False, allow_blank=True, max_length=TEXT_MAX
        )

        class Meta:
            ref_name = "OfficerLotUpdate"

    TEXT = ("title", "description", "delivery_postcode", "cpv_codes", "required_certifications")
    TARGET = ("target_area", "target_districts")
    RESERVATION = ("reservation_suppliers", "reservation_location", "reservation_rationale")

    @classmethod
    def _parts(cls, lot: Lot, data: dict) -> dict:
        """``lot_configure``'s parts for the fields sent; a reservation field not sent keeps
        the lot's value, and a target area replaces the target as a whole."""
        parts = {}
        if any(name in data for name in cls.TEXT):
            parts["details"] = {k: v for k, v in data.items() if k in cls.TEXT}
        if any(name in data for name in cls.TARGET):
            parts["target"] = {
                "area": data.get("target_area"),
                "districts": data.get("target_districts") or [],
            }
        if any(name in data for name in cls.RESERVATION):
            parts["reservation"] = {
                "suppliers": data.get("reservation_suppliers", lot.reservation_suppliers),
                "location": data.get("reservation_location", lot.reservation_location),
                "rationale": data.get("reservation_rationale", lot.reservation_rationale),
            }
        return parts

    @extend_schema(operation_id="lots_retrieve", responses=OutputSerializer)
    def get(self, request, pk: int):
        lot = get_or_404(selectors.lot_get_for_buyer, NO_LOT, user=request.user, lot_id=pk)
        return Response(self.OutputSerializer(lot).data)

    @extend_schema(
        operation_id="lots_partial_update",
        request=UpdateSerializer,
        responses=OutputSerializer,
        description="Change a draft lot's words, codes, target area and reservation, all or "
        "nothing. A reservation is checked against the law (PA23 and the institution's regime); "
        "a target area is a preference that never stops anyone registering interest.",
    )
    def patch(self, request, pk: int):
        lot = get_or_404(selectors.lot_get_for_buyer, NO_LOT, user=request.user, lot_id=pk)
        data = parse_body(self.UpdateSerializer, request)
        if not data:
            raise ValidationError({"non_field_errors": [NOTHING_TO_CHANGE]})
        services.lot_configure(actor=request.user, lot=lot, **self._parts(lot, data))
        lot = get_or_404(selectors.lot_get_for_buyer, NO_LOT, user=request.user, lot_id=pk)
        return Response(self.OutputSerializer(lot).data)
