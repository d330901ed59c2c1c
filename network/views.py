"""The network coordinator's dashboard and its CSV downloads.

Thin views: parse the optional institution filter, call one selector, shape the context. Only
coordinators come in (``accounts.web.coordinator_required``: anonymous visitors are sent to sign
in, anyone else gets the 403 page; the page is the same for every coordinator, so there is
nothing to hide by a 404); the selectors refuse anyone else too.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from accounts.web import coordinator_required
from core.web import attachment, money
from network import exports, selectors
from network.forms import InstitutionFilterForm

CHART_DISTRICTS = 10  # the chart shows the districts with most matched businesses; the table all
# East Birmingham is named in words on each bar, never shown by colour alone.
CHART_AREA_NOTES = {"core": " (East Birmingham)", "fringe": " (partly East Birmingham)"}
FILTER_IGNORED = "There is no institution with that reference, so the whole network is shown."


def _institution_id(request) -> tuple[int | None, bool]:
    """The ``?institution=`` id, and whether a value was given that is not an id."""
    raw = request.GET.get("institution", "").strip()
    if not raw:
        return None, False
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return None, True
    return int(raw), False


@require_safe
@coordinator_required
def dashboard(request):
    institution_id, malformed = _institution_id(request)
    data = selectors.network_dashboard(user=request.user, institution_id=institution_id)
    if malformed or data.institution_unknown:
        messages.warning(request, FILTER_IGNORED)
    form = InstitutionFilterForm(
        initial={"institution": str(data.institution.pk) if data.institution else ""},
        institutions=data.institutions,
    )
    query = f"?{urlencode({'institution': data.institution.pk})}" if data.institution else ""
    return render(
        request,
        "network/dashboard.html",
        {
            "data": data,
            "form": form,
            "headline": _headline_stats(data.headline),
            "chart": _chart(data.districts),
            "chart_limited": len(data.districts) > CHART_DISTRICTS,
            "chart_size": CHART_DISTRICTS,
            "export_query": query,
        },
    )


@require_safe
@coordinator_required
def export(request, table: str):
    if table not in selectors.TABLES:
        raise Http404("No such table.")
    institution_id, _malformed = _institution_id(request)
    data = selectors.network_table(user=request.user, table=table, institution_id=institution_id)
    name = exports.filename(table, on=timezone.localdate(), institution=data.institution)
    # The byte order mark first: spreadsheets then read the file as UTF-8.
    response = attachment("\ufeff", filename=name, content_type="text/csv; charset=utf-8")
    exports.write_table(response, table, data.rows)
    return response


def _headline_stats(headline: selectors.Headline) -> list[dict]:
    """The headline figures as (figure, label, hint) for the ``ll-stats`` list."""
    share = "–" if headline.hyper_local_percent is None else f"{headline.hyper_local_percent}%"
    return [
        {"figure": f"{headline.open_lots:,}", "label": "Open lots", "hint": ""},
        {
            "figure": money(headline.open_value),
            "label": "Value of open lots",
            "hint": "Excluding VAT.",
        },
        {
            "figure": share,
            "label": "Hyper-local share of open lots",
            "hint": f"{headline.hyper_local_lots:,} of {headline.open_lots:,} open lots "
            "have a target area.",
        },
        {
            "figure": f"{headline.interests:,}",
            "label": "Interests registered",
            "hint": f"Active interests, from {headline.interested_businesses:,} "
            f"{'business' if headline.interested_businesses == 1 else 'businesses'}.",
        },
        {
            "figure": f"{headline.matched_businesses:,}",
            "label": "Matched businesses",
            "hint": "Matched to at least one published lot.",
        },
    ]


def _chart(districts: list[selectors.DistrictRow]) -> list[dict]:
    """Bars for the districts with most matched businesses, each as wide as its share of the
    largest (the figure is printed on the bar, so the width never carries meaning alone)."""
    rows = districts[:CHART_DISTRICTS]
    largest = max((row.matched for row in rows), default=0)
    return [
        {
            "label": row.district + CHART_AREA_NOTES.get(row.east_birmingham, ""),
            "figure": row.matched,
            "width": round(row.matched * 100 / largest) if largest else 0,
        }
        for row in rows
    ]
