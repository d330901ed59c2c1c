"""Safety nets that hold for every page: CSRF on every form, and no 500 for oversized bodies."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)


def _templates():
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    for folder in folders:
        yield from sorted(folder.rglob("*.html"))


def test_there_are_post_forms_to_check():
    forms = [form for path in _templates() for form in POST_FORM.findall(path.read_text())]
    assert len(forms) >= 10


@pytest.mark.parametrize("path", list(_templates()), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_post_form_carries_a_csrf_token(path):
    for body in POST_FORM.findall(path.read_text()):
        assert "{% csrf_token %}" in body, f"a POST form in {path} has no csrf_token"


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused_with_a_clear_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:signup"),
        {"email": "a@example.org", "full_name": "A", "password1": "x", "password2": "x"},
    )
    assert response.status_code == 403
    assert b"Your form could not be sent" in response.content


@pytest.mark.django_db
def test_an_oversized_form_body_is_a_400_not_a_500(client):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(reverse("accounts:signup"), {"full_name": big})
    assert response.status_code == 400
    assert b"Something in the request was not right" in response.content
