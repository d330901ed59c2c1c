"""Interests and matches API, under ``/api/v1/interests/`` and ``/api/v1/matches/``.

A supplier lists their businesses' interests and matches, registers interest in a published
lot and withdraws it. An officer lists the interests in and matches for one of their own lots
(``?lot=<id>``, with the reasons) and shortlists or declines an interest. The services apply the
rules (only a lawful reservation refuses an interest, PA23 s.85); other businesses' and
institutions' ids are 404.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from anchors.apis import BuyerSerializer
from anchors.models import Lot
from core.api import IdField, get_or_404, paginated_response, parse_body, parse_query
from core.exceptions import PermissionDenied
from core.pagination import Pagination
from matching import selectors, services
from matching.models import NOTE_MAX_LENGTH, Interest
from suppliers.selectors import businesses_of_member

NO_LOT = "There is no published lot with this id among your institutions' lots."
NO_INTEREST = "There is no interest with this id among yours."


class LotSummarySerializer(serializers.Serializer):
    class ContractSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        title = serializers.CharField()
        closes_at = serializers.DateTimeField(allow_null=True)
        buyer = BuyerSerializer(source="institution")

        class Meta:
            ref_name = "LotSummaryContract"

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    contract = ContractSerializer()

    class Meta:
        ref_name = "LotSummary"


class BusinessSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()

    class Meta:
        ref_name = "BusinessSummary"


class InterestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Interest.Status.choices)
    note = serializers.CharField(help_text="What the business told the buyer.")
    officer_note = serializers.CharField(help_text="The buyer's note when deciding.")
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text="Capacity and certificate points to weigh up."
    )
    registered_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    lot = LotSummarySerializer()
    business = BusinessSummarySerializer()

    class Meta:
        ref_name = "Interest"


class MatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.FloatField(help_text="0 to 1, best first.")
    sector_score = serializers.FloatField()
    location_score = serializers.FloatField()
    capacity_score = serializers.FloatField()
    inclusion_score = serializers.FloatField()
    distance_km = serializers.FloatField(allow_null=True)
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why the lot suits the business."
    )
    warnings = serializers.ListField(child=serializers.CharField())
    interest_status = serializers.ChoiceField(
        choices=Interest.Status.choices,
        allow_null=True,
        help_text="The business's interest in the lot, if any.",
    )
    computed_at = serializers.DateTimeField()
    lot = LotSummarySerializer()
    business = BusinessSummarySerializer()

    class Meta:
        ref_name = "Match"


class LotQuerySerializer(serializers.Serializer):
    lot = IdField(
        required=False,
        help_text="One of your institutions' published lots: list its rows instead of your "
        "businesses' (officers and coordinators).",
    )

    class Meta:
        ref_name = "LotQuery"


def _same_lot(lot: Lot):
    """Rows of one lot show the lot the officer's selector fetched (with contract and buyer)."""

    def prepare(rows):
        for row in rows:
            row.lot = lot

    return prepare


class InterestListApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination

    class CreateSerializer(serializers.Serializer):
        lot = IdField(help_text="A published lot that is open for interest.")
        business = IdField(
            required=False, help_text="Which of your businesses; needed only if you have several."
        )
        note = serializers.CharField(
            required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH, default=""
        )

        class Meta:
            ref_name = "InterestCreate"

    @extend_schema(
        operation_id="interests_list",
        parameters=[LotQuerySerializer],
        responses=InterestSerializer(many=True),
        description="Your businesses' interests, newest first; with `lot`, the interests in "
        "that lot of your institution.",
    )
    def get(self, request):
        query = parse_query(LotQuerySerializer, request, paginated=True)
        if "lot" not in query:
            rows, prepare = selectors.interests_for_user(user=request.user), None
        else:
            lot = get_or_404(
                selectors.lot_get_for_officer, NO_LOT, user=request.user, lot_id=query["lot"]
            )
            rows, prepare = selectors.lot_interests(lot=lot), _same_lot(lot)
        return paginated_response(
            request=request,
            view=self,
            queryset=rows,
            serializer_class=InterestSerializer,
            prepare=prepare,
        )

    @extend_schema(
        operation_id="interests_create",
        request=CreateSerializer,
        responses={201: InterestSerializer},
        description="Register your business's interest in an open lot (or register again "
        "after withdrawing). Only a lawful reservation refuses it (400, `extra.rule`); "
        "capacity and certificates come back as `warnings`.",
    )
    def post(self, request):
        data = parse_body(self.CreateSerializer, request)
        business = self._business(request.user, data.get("business"))
        try:
            lot = selectors.lot_for_interest(lot_id=data["lot"])
        except Lot.DoesNotExist:
            raise ValidationError({"lot": ["There is no published lot with this id."]}) from None
        outcome = services.interest_register(
            actor=request.user, business=business, lot=lot, note=data["note"]
        )
        return Response(InterestSerializer(outcome.interest).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def _business(user, business_id):
        mine = list(businesses_of_member(user=user))
        if business_id is None:
            if len(mine) == 1:
                return mine[0]
            if not mine:
                raise PermissionDenied("Only a business member can register interest.")
            raise ValidationError(
                {"business": ["You belong to several businesses: say which one."]}
            )
        for business in mine:
            if business.pk == business_id:
                return business
        raise ValidationError({"business": ["Choose one of your own businesses."]})


class InterestWithdrawApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="interests_withdraw",
        request=None,
        responses=InterestSerializer,
        description="Take your business's interest back; the buyer sees it was withdrawn.",
    )
    def post(self, request, pk: int):
        interest = get_or_404(
            selectors.interest_get_for_user, NO_INTEREST, user=request.user, interest_id=pk
        )
        interest = services.interest_withdraw(actor=request.user, interest=interest)
        return Response(InterestSerializer(interest).data)


class InterestDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NOTE_MAX_LENGTH,
        default="",
        help_text="Shown to the business, who is told by email.",
    )

    class Meta:
        ref_name = "InterestDecision"


class _InterestDecisionApi(APIView):
    permission_classes = [IsAuthenticated]
    service = None

    def post(self, request, pk: int):
        lot_id = Interest.objects.filter(pk=pk).values_list("lot_id", flat=True).first()
        interest = get_or_404(
            selectors.interest_get_for_officer,
            "There is no interest with this id in your institutions' lots.",
            user=request.user,
            lot_id=lot_id,
            interest_id=pk,
        )
        data = parse_body(InterestDecisionSerializer, request)
        interest = type(self).service(actor=request.user, interest=interest, note=data["note"])
        return Response(InterestSerializer(interest).data)


class InterestShortlistApi(_InterestDecisionApi):
    service = staticmethod(services.interest_shortlist)

    @extend_schema(
        operation_id="interests_shortlist",
        request=InterestDecisionSerializer,
        responses=InterestSerializer,
        description="Shortlist an interest in one of your institution's lots.",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class InterestDeclineApi(_InterestDecisionApi):
    service = staticmethod(services.interest_decline)

    @extend_schema(
        operation_id="interests_decline",
        request=InterestDecisionSerializer,
        responses=InterestSerializer,
        description="Decline an interest in one of your institution's lots, ideally saying why.",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class MatchListApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination

    @extend_schema(
        operation_id="matches_list",
        parameters=[LotQuerySerializer],
        responses=MatchSerializer(many=True),
        description="Your businesses' current matches on open lots, best first, with the "
        "reasons; with `lot`, every business matched with that lot of your institution.",
    )
    def get(self, request):
        query = parse_query(LotQuerySerializer, request, paginated=True)
        if "lot" not in query:
            rows, prepare = selectors.matches_for_user(user=request.user), None
        else:
            lot = get_or_404(
                selectors.lot_get_for_officer, NO_LOT, user=request.user, lot_id=query["lot"]
            )
            rows, prepare = selectors.lot_matches(lot=lot), _same_lot(lot)
        return paginated_response(
            request=request,
            view=self,
            queryset=rows,
            serializer_class=MatchSerializer,
            prepare=prepare,
        )
