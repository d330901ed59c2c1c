from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.shortcuts import render

from sectors import cpv
from sectors.selectors import cpv_filter

PAGE_SIZE = 50
MAX_QUERY_LENGTH = 100


def browse(request):
    """``/sectors/``: the 45 divisions, or the codes matching a word or code, page by page.

    Server-rendered so that people without JavaScript can find codes for the picker's plain
    text box (which links here), and so that search engines and screen readers get a table.
    """
    q = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    paginator = Paginator(cpv_filter(q), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "q": q,
        "rows": [_row(code, link_to_codes=not q) for code in page],
        "total": paginator.count,
        "page": page,
        "pagination": _pagination(q, page),
    }
    return render(request, "sectors/browse.html", context)


def _row(code, *, link_to_codes: bool) -> dict:
    """One table row; divisions link to a search for their codes (by code prefix)."""
    url = f"?{urlencode({'q': cpv.significant_prefix(code.code)})}" if link_to_codes else None
    return {"code": code.code, "display_code": code.display_code, "label": code.label, "url": url}


def _pagination(q: str, page: Page) -> dict | None:
    """Links to the previous and next pages that keep the query; ``None`` for a single page."""
    if not page.has_other_pages():
        return None

    def link(number: int) -> str:
        return "?" + urlencode({"q": q, "page": number} if q else {"page": number})

    return {
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "number": page.number,
        "count": page.paginator.num_pages,
        "first": page.start_index(),
        "last": page.end_index(),
    }
