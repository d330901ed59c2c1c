import pytest
from django.urls import reverse

from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea
from tests.places.factories import FullPostcodeFactory, PostcodeDistrictFactory

pytestmark = pytest.mark.django_db

MODELS = ["postcodedistrict", "fullpostcode", "namedarea", "namedareadistrict", "namedareaward"]


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_every_places_model(admin_client, model):
    PostcodeDistrictFactory(code="B9")
    FullPostcodeFactory(postcode="B9 4AA")
    response = admin_client.get(reverse(f"admin:places_{model}_changelist"), {"q": "b9"})
    assert response.status_code == 200


def test_admin_finds_a_full_postcode_typed_in_any_spelling(admin_client):
    FullPostcodeFactory(postcode="B9 4AA")
    FullPostcodeFactory(postcode="B9 4AB")
    response = admin_client.get(reverse("admin:places_fullpostcode_changelist"), {"q": "b94aa"})
    assert list(response.context["cl"].result_list.values_list("postcode", flat=True)) == ["B9 4AA"]


def test_admin_shows_a_named_area_with_its_districts_and_wards(admin_client):
    area = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    response = admin_client.get(reverse("admin:places_namedarea_change", args=[area.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "B37" in content and "E05011186" in content
