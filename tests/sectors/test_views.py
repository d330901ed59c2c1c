from django.urls import reverse

from tests.sectors.factories import CpvCodeFactory

BROWSE_URL = "/sectors/"
LQ, RQ = "\u2018", "\u2019"  # the page quotes queries with typographic quotes


def test_browse_url_is_named():
    assert reverse("sectors:browse") == BROWSE_URL


def test_browse_lists_the_divisions_linking_to_their_codes(client, db, django_assert_num_queries):
    with django_assert_num_queries(2):  # count and page
        response = client.get(BROWSE_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The 45 divisions" in html
    assert '<td class="cpv-browse__code">45000000-7</td>' in html
    assert '<a class="govuk-link" href="?q=45">Construction work</a>' in html
    assert '<label class="label" for="cpv-browse-q">Search CPV codes</label>' in html


def test_browse_searches_by_keyword(client, catering_tree):
    response = client.get(BROWSE_URL, {"q": "  school   meal "})

    html = response.content.decode()
    assert f"2 codes match {LQ}school meal{RQ}" in html
    assert "15894210-0" in html and "School-meal services" in html
    assert 'value="school meal"' in html


def test_browse_pages_through_many_results_keeping_the_query(client, db, django_assert_num_queries):
    for n in range(60):
        CpvCodeFactory(code=f"7777{n:04d}", label=f"Widget service {n}")

    with django_assert_num_queries(2):
        first = client.get(BROWSE_URL, {"q": "widget"}).content.decode()
    last = client.get(BROWSE_URL, {"q": "widget", "page": 2}).content.decode()

    assert f"60 codes match {LQ}widget{RQ}" in first
    assert "Showing 1 to 50 of 60" in first
    assert '<a class="govuk-link" href="?q=widget&amp;page=2" rel="next">Next page</a>' in first
    assert "Showing 51 to 60 of 60" in last
    assert '<a class="govuk-link" href="?q=widget&amp;page=1" rel="prev">Previous page</a>' in last


def test_browse_explains_an_empty_result(client, db):
    response = client.get(BROWSE_URL, {"q": "xyz"})

    assert response.status_code == 200
    html = response.content.decode()
    assert f"No CPV codes match {LQ}xyz{RQ}" in html
    assert "Try a broader word" in html
    assert "<table" not in html


def test_browse_escapes_the_query(client, db):
    html = client.get(BROWSE_URL, {"q": "<script>"}).content.decode()
    assert "<script>" not in html.split("<main", 1)[1].split("</main>")[0]
