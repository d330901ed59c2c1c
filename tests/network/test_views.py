"""The dashboard page and its CSV downloads, per role, with exact figures read back."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory, officer_of
from tests.matching.factories import award_lot, open_lot
from tests.network.world import build_world, more_data, page_tables, read_csv
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("network:dashboard")
TABLES = ("districts", "awards", "institutions")


def export_url(table: str) -> str:
    return reverse("network:export", args=[table])


@pytest.fixture
def coordinator_client(client):
    client.force_login(CoordinatorFactory())
    return client


@pytest.fixture
def world():
    return build_world()


def dashboard(client, **params):
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    return response, page_tables(response.content.decode())


def test_urls_are_the_contract_between_helpers():
    assert DASHBOARD == "/network/"
    assert export_url("awards") == "/network/export/awards.csv"


# --- Access -------------------------------------------------------------------------------


def _business_member():
    user = UserFactory()
    BusinessFactory(owner=user)
    return user


@pytest.mark.parametrize("url", [DASHBOARD, *(export_url(table) for table in TABLES)])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(_business_member, id="business member"),
        pytest.param(lambda: officer_of(InstitutionFactory()), id="officer"),
        pytest.param(UserFactory, id="no role"),
    ],
)
@pytest.mark.parametrize("url", [DASHBOARD, *(export_url(table) for table in TABLES)])
def test_signed_in_non_coordinators_are_refused(client, make_user, url, world):
    client.force_login(make_user())

    response = client.get(url)

    assert response.status_code == 403
    assert b"Alpha Council" not in response.content


def test_coordinator_sees_the_dashboard_and_the_network_link(coordinator_client):
    response = coordinator_client.get(DASHBOARD)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'href="{DASHBOARD}"' in html  # service navigation
    assert "Network dashboard" in html


def test_dashboard_refuses_posts(coordinator_client):
    assert coordinator_client.post(DASHBOARD).status_code == 405


# --- The page -------------------------------------------------------------------------------


def test_headline_figures_on_the_page(coordinator_client, world):
    response, _tables = dashboard(coordinator_client)
    html = response.content.decode()
    stats = re.findall(
        r'<span class="ll-stats__figure">([^<]+)</span>\s*<span[^>]*>([^<]+)</span>', html
    )

    assert stats == [
        ("3", "Open lots"),
        ("£80,000", "Value of open lots"),
        ("66.7%", "Hyper-local share of open lots"),
        ("3", "Interests registered"),
        ("5", "Matched businesses"),
    ]
    assert "2 of 3 open lots have a target area." in html
    assert "Active interests, from 2 businesses." in html


def test_district_table_and_chart_show_the_same_figures(coordinator_client, world):
    response, tables = dashboard(coordinator_client)
    table = tables["districts-table"]

    assert table.caption == "Matched businesses by postcode district, most first"
    assert table.rows == [
        [
            "Postcode district",
            "In East Birmingham",
            "Matched businesses",
            "Of which micro-enterprises",
            "Of which VCSEs",
        ],
        ["B9", "Yes", "2", "2", "0"],
        ["B10", "Yes", "1", "0", "1"],
        ["B12", "Partly (fringe district)", "1", "1", "1"],
        ["WS1", "No", "1", "0", "0"],
    ]
    bars = re.findall(
        r'<span class="ll-bar-chart__label">([^<]+)</span>\s*'
        r'<span class="ll-bar-chart__bar" style="width: (\d+)%">(\d+)</span>',
        response.content.decode(),
    )
    assert bars == [
        ("B9 (East Birmingham)", "100", "2"),
        ("B10 (East Birmingham)", "50", "1"),
        ("B12 (partly East Birmingham)", "50", "1"),
        ("WS1", "50", "1"),
    ]
    assert 'aria-hidden="true"' in response.content.decode()


def test_awards_table_shows_count_value_and_share(coordinator_client, world):
    _response, tables = dashboard(coordinator_client)
    table = tables["awards-table"]

    assert table.caption.startswith("Awards by institution")
    assert table.rows[1:] == [
        [
            "Alpha Council",
            "2 awards | £25,000",
            "2 awards | £25,000 | 100.0% of value",
            "1 award | £20,000 | 80.0% of value",
            "0 awards | £0 | 0.0% of value",
            "1 award | £20,000 | 80.0% of value",
        ],
        [
            "Beta Hospital",
            "3 awards | £100,000",
            "2 awards | £50,000 | 50.0% of value",
            "1 award | £35,000 | 35.0% of value",
            "2 awards | £50,000 | 50.0% of value",
            "2 awards | £50,000 | 50.0% of value",
        ],
        [
            "All institutions",
            "5 awards | £125,000",
            "4 awards | £75,000 | 60.0% of value",
            "2 awards | £55,000 | 44.0% of value",
            "2 awards | £50,000 | 40.0% of value",
            "3 awards | £70,000 | 56.0% of value",
        ],
    ]


def test_institutions_table(coordinator_client, world):
    _response, tables = dashboard(coordinator_client)

    assert tables["institutions-table"].rows[1:] == [
        ["Alpha Council", "2", "£50,000", "1", "2", "2", "£25,000"],
        ["Beta Hospital", "1", "£30,000", "1", "1", "3", "£100,000"],
        ["Gamma College", "0", "£0", "0", "0", "0", "£0"],
    ]


def test_each_table_links_to_its_download(coordinator_client, world):
    response, _tables = dashboard(coordinator_client)
    html = response.content.decode()

    assert html.count(">Download this table (CSV)<") == 3
    for table in TABLES:
        assert f'href="{export_url(table)}"' in html


def test_filter_by_institution(coordinator_client, world):
    response, tables = dashboard(coordinator_client, institution=world.beta.pk)
    html = response.content.decode()

    assert "Showing figures for Beta Hospital only." in html
    assert f'<option value="{world.beta.pk}" selected>Beta Hospital</option>' in html
    assert [row[0] for row in tables["institutions-table"].rows[1:]] == ["Beta Hospital"]
    assert [row[0] for row in tables["districts-table"].rows[1:]] == ["B9", "B12"]
    # The downloads keep the filter.
    assert f'href="{export_url("awards")}?institution={world.beta.pk}"' in html


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1.5", "9" * 40, "１", "<script>", "0x1"])
def test_bad_institution_filter_is_ignored_with_a_message(coordinator_client, world, value):
    response, tables = dashboard(coordinator_client, institution=value)
    html = response.content.decode()

    assert "There is no institution with that reference, so the whole network is shown." in html
    assert len(tables["institutions-table"].rows) == 4
    assert "Showing figures for" not in html


def test_repeated_institution_parameter_uses_one_value(coordinator_client, world):
    response = coordinator_client.get(f"{DASHBOARD}?institution={world.alpha.pk}&institution=x")

    assert response.status_code == 200


def test_empty_dashboard_says_there_is_nothing_yet(coordinator_client):
    response, tables = dashboard(coordinator_client)
    html = response.content.decode()

    assert tables["districts-table"].rows[1:] == [["No matched businesses yet."]]
    assert tables["awards-table"].rows[1:] == [["No awards recorded yet."]]
    assert tables["institutions-table"].rows[1:] == [["No institutions yet."]]
    assert "ll-bar-chart__row" not in html
    assert "0 of 0 open lots have a target area." in html


# --- CSV downloads --------------------------------------------------------------------------


def test_unknown_table_is_not_found(coordinator_client):
    assert coordinator_client.get("/network/export/secrets.csv").status_code == 404
    assert coordinator_client.get("/network/export/.csv").status_code == 404


def test_csv_is_an_attachment_with_a_dated_filename(coordinator_client, world):
    response = coordinator_client.get(export_url("awards"))

    today = timezone.localdate().isoformat()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="locallots-network-awards-{today}.csv"'
    )
    filtered = coordinator_client.get(export_url("awards"), {"institution": world.beta.pk})
    assert filtered["Content-Disposition"] == (
        f'attachment; filename="locallots-network-awards-beta-hospital-{today}.csv"'
    )


def test_districts_csv(coordinator_client, world):
    rows = read_csv(coordinator_client.get(export_url("districts")))

    assert rows == [
        [
            "Postcode district",
            "In East Birmingham",
            "Matched businesses",
            "Of which micro-enterprises",
            "Of which VCSEs",
        ],
        ["B9", "Yes", "2", "2", "0"],
        ["B10", "Yes", "1", "0", "1"],
        ["B12", "Partly (fringe district)", "1", "1", "1"],
        ["WS1", "No", "1", "0", "0"],
    ]


def test_institutions_csv_has_plain_numbers(coordinator_client, world):
    rows = read_csv(coordinator_client.get(export_url("institutions")))

    assert rows == [
        [
            "Institution",
            "Open lots",
            "Open lots value excl. VAT (GBP)",
            "Hyper-local open lots",
            "Active interests",
            "Awards",
            "Awards value excl. VAT (GBP)",
        ],
        ["Alpha Council", "2", "50000.00", "1", "2", "2", "25000.00"],
        ["Beta Hospital", "1", "30000.00", "1", "1", "3", "100000.00"],
        ["Gamma College", "0", "0.00", "0", "0", "0", "0.00"],
    ]


def test_awards_csv_has_count_value_and_share_columns(coordinator_client, world):
    header, *rows = read_csv(coordinator_client.get(export_url("awards")))

    assert header[:6] == [
        "Institution",
        "Awards",
        "Awards value excl. VAT (GBP)",
        "To East Birmingham businesses: awards",
        "To East Birmingham businesses: value excl. VAT (GBP)",
        "To East Birmingham businesses: share of value (%)",
    ]
    assert header[-3:] == [
        "To East Birmingham micro-enterprises or VCSEs: awards",
        "To East Birmingham micro-enterprises or VCSEs: value excl. VAT (GBP)",
        "To East Birmingham micro-enterprises or VCSEs: share of value (%)",
    ]
    alpha = ["2", "25000.00", "2", "25000.00", "100.0", "1", "20000.00", "80.0"]
    alpha += ["0", "0.00", "0.0", "1", "20000.00", "80.0"]
    beta = ["3", "100000.00", "2", "50000.00", "50.0", "1", "35000.00", "35.0"]
    beta += ["2", "50000.00", "50.0", "2", "50000.00", "50.0"]
    assert rows == [["Alpha Council", *alpha], ["Beta Hospital", *beta]]
    assert all(len(row) == len(header) for row in rows)


def test_filtered_csv_has_only_that_institution(coordinator_client, world):
    rows = read_csv(
        coordinator_client.get(export_url("institutions"), {"institution": world.alpha.pk})
    )

    assert [row[0] for row in rows[1:]] == ["Alpha Council"]


@pytest.mark.parametrize(
    ("table", "columns"), [("districts", 5), ("awards", 15), ("institutions", 7)]
)
def test_empty_csv_still_has_its_headers(coordinator_client, table, columns):
    rows = read_csv(coordinator_client.get(export_url(table)))

    assert len(rows) == 1
    assert len(rows[0]) == columns


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab"]
)
def test_csv_text_cells_cannot_become_formulas(coordinator_client, name):
    institution = InstitutionFactory(name=name)
    award_lot(open_lot(institution=institution), BusinessFactory())

    for table in ("institutions", "awards"):
        rows = read_csv(coordinator_client.get(export_url(table)))
        assert rows[1][0] == f"'{name}"
    _response, tables = dashboard(coordinator_client)
    assert tables["institutions-table"].rows[1][0] == " ".join(name.split())  # page: as typed


# --- Query counts ---------------------------------------------------------------------------

# session + user + role check (2) + the dashboard's 8 aggregate queries + roles for navigation (2)
DASHBOARD_QUERIES = 14
# session + user + role check (2) + East Birmingham districts (not for institutions) + the table
EXPORT_QUERIES = {"districts": 6, "awards": 6, "institutions": 5}


def test_dashboard_query_count_is_constant(coordinator_client, django_assert_num_queries):
    with django_assert_num_queries(DASHBOARD_QUERIES):
        coordinator_client.get(DASHBOARD)
    world = build_world()
    more_data(world.gamma, 5)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = coordinator_client.get(DASHBOARD)
    assert len(page_tables(response.content.decode())["districts-table"].rows) == 10
    with django_assert_num_queries(DASHBOARD_QUERIES):
        coordinator_client.get(DASHBOARD, {"institution": world.gamma.pk})


@pytest.mark.parametrize("table", TABLES)
def test_export_query_count_is_constant(coordinator_client, django_assert_num_queries, table):
    with django_assert_num_queries(EXPORT_QUERIES[table]):
        coordinator_client.get(export_url(table))
    world = build_world()
    more_data(world.gamma, 5)
    with django_assert_num_queries(EXPORT_QUERIES[table]):
        response = coordinator_client.get(export_url(table))
    assert len(read_csv(response)) > 3
    with django_assert_num_queries(EXPORT_QUERIES[table] + 1):  # + the institution filter
        coordinator_client.get(export_url(table), {"institution": world.gamma.pk})
