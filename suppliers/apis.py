"""Businesses API, under ``/api/v1/businesses/``: a supplier's own businesses.

Members list, read and change their businesses; anyone signed in may register one (and becomes
its owner); a network coordinator lists and reads every business but changes none. Another
business's id is 404 to everyone else. ``suppliers.services`` applies every rule.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import MoneyField, get_or_404, paginated_response, parse_body, parse_query
from core.pagination import Pagination
from suppliers import selectors, services
from suppliers.models import DESCRIPTION_MAX_LENGTH, Business

NO_BUSINESS = "There is no business with this id among yours."
MAX_SECTORS = 50


class BusinessSerializer(serializers.Serializer):
    class SectorSerializer(serializers.Serializer):
        code = serializers.CharField(source="cpv_code_id")
        label = serializers.CharField(source="cpv_code.label")

        class Meta:
            ref_name = "BusinessSector"

    class CertificationSerializer(serializers.Serializer):
        slug = serializers.CharField()
        name = serializers.CharField()

        class Meta:
            ref_name = "BusinessCertification"

    id = serializers.IntegerField()
    name = serializers.CharField()
    legal_form = serializers.ChoiceField(choices=Business.LegalForm.choices)
    companies_house_number = serializers.CharField()
    charity_number = serializers.CharField()
    postcode = serializers.CharField()
    district = serializers.CharField(help_text="Postcode district, derived from the postcode.")
    size_class = serializers.ChoiceField(
        choices=Business.SizeClass.choices,
        allow_null=True,
        help_text="Derived from staff and turnover; null until the number of staff is known.",
    )
    is_sme = serializers.BooleanField()
    is_vcse = serializers.BooleanField()
    staff_headcount = serializers.IntegerField(allow_null=True)
    annual_turnover = MoneyField(allow_null=True)
    max_contract_value = MoneyField(allow_null=True)
    concurrent_capacity = serializers.IntegerField()
    description = serializers.CharField()
    website = serializers.CharField()
    public_profile = serializers.BooleanField()
    social_enterprise_declared = serializers.BooleanField()
    is_active = serializers.BooleanField()
    sectors = SectorSerializer(many=True, source="sector_links.all")
    certifications = CertificationSerializer(many=True, source="certifications.all")
    profile_missing = serializers.ListField(
        child=serializers.CharField(), help_text="What matching still needs, in words."
    )

    class Meta:
        ref_name = "Business"


class BusinessFieldsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    legal_form = serializers.ChoiceField(choices=Business.LegalForm.choices)
    postcode = serializers.CharField(max_length=10)
    sector_codes = serializers.ListField(
        child=serializers.CharField(max_length=12),
        max_length=MAX_SECTORS,
        help_text="CPV codes the business works in (replaced as a whole).",
    )
    staff_headcount = serializers.IntegerField(
        min_value=0, max_value=10_000_000, allow_null=True, required=False
    )
    annual_turnover = MoneyField(min_value=0, allow_null=True, required=False)
    max_contract_value = MoneyField(min_value=0, allow_null=True, required=False)
    concurrent_capacity = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    certification_slugs = serializers.ListField(
        child=serializers.SlugField(max_length=64), max_length=MAX_SECTORS, required=False
    )
    companies_house_number = serializers.CharField(max_length=12, allow_blank=True, required=False)
    charity_number = serializers.CharField(max_length=12, allow_blank=True, required=False)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, required=False
    )
    website = serializers.URLField(max_length=200, allow_blank=True, required=False)
    public_profile = serializers.BooleanField(required=False)
    social_enterprise_declared = serializers.BooleanField(required=False)

    class Meta:
        ref_name = "BusinessFields"


class BusinessListApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(
            required=False, max_length=200, help_text="Name or postcode contains."
        )
        size_class = serializers.ChoiceField(required=False, choices=Business.SizeClass.choices)
        legal_form = serializers.ChoiceField(required=False, choices=Business.LegalForm.choices)
        is_vcse = serializers.BooleanField(required=False)
        is_active = serializers.BooleanField(required=False)
        public_profile = serializers.BooleanField(required=False)
        district = serializers.CharField(
            required=False, max_length=8, help_text="A postcode district, like B9."
        )
        division = serializers.RegexField(
            r"^\d{2}$", required=False, help_text="A CPV division: two digits, like 55."
        )
        area = serializers.SlugField(
            required=False, max_length=80, help_text="A named area's slug, like east-birmingham."
        )

        class Meta:
            ref_name = "BusinessListFilter"

    @extend_schema(
        operation_id="businesses_list",
        parameters=[FilterSerializer],
        responses=BusinessSerializer(many=True),
        description="The businesses you belong to, by name (every business for a network "
        "coordinator).",
    )
    def get(self, request):
        filters = parse_query(self.FilterSerializer, request, paginated=True)
        filters = {
            name: ("true" if value else "false") if isinstance(value, bool) else value
            for name, value in filters.items()
        }
        return paginated_response(
            request=request,
            view=self,
            queryset=selectors.business_list(user=request.user, filters=filters),
            serializer_class=BusinessSerializer,
        )

    @extend_schema(
        operation_id="businesses_create",
        request=BusinessFieldsSerializer,
        responses={201: BusinessSerializer},
        description="Register a business; you become its owner. A profile may start "
        "incomplete: `profile_missing` says what matching still needs.",
    )
    def post(self, request):
        data = {"staff_headcount": None, **parse_body(BusinessFieldsSerializer, request)}
        business = services.business_create(actor=request.user, **data)
        business = selectors.business_get_for_user(user=request.user, business_id=business.pk)
        return Response(BusinessSerializer(business).data, status=status.HTTP_201_CREATED)


class BusinessDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    class UpdateSerializer(BusinessFieldsSerializer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, partial=True, **kwargs)

        class Meta:
            ref_name = "BusinessUpdate"

    @extend_schema(operation_id="businesses_retrieve", responses=BusinessSerializer)
    def get(self, request, pk: int):
        business = get_or_404(
            selectors.business_get_for_user, NO_BUSINESS, user=request.user, business_id=pk
        )
        return Response(BusinessSerializer(business).data)

    @extend_schema(
        operation_id="businesses_partial_update",
        request=UpdateSerializer,
        responses=BusinessSerializer,
        description="Change some of the profile (members only); sectors and certifications "
        "given replace the current ones.",
    )
    def patch(self, request, pk: int):
        business = get_or_404(
            selectors.business_get_for_user, NO_BUSINESS, user=request.user, business_id=pk
        )
        changes = parse_body(self.UpdateSerializer, request)
        if not changes:
            raise ValidationError({"non_field_errors": ["Send at least one field to change."]})
        services.business_update(actor=request.user, business=business, **changes)
        business = selectors.business_get_for_user(user=request.user, business_id=pk)
        return Response(BusinessSerializer(business).data)
