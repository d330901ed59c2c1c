"""Reads of the CPV taxonomy for forms, pages, the API and other apps.

Every selector costs a fixed number of queries, whatever the number of codes asked for;
``tests/sectors/test_selectors.py`` pins them.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from sectors import cpv
from sectors.models import CpvCode

DEFAULT_SEARCH_LIMIT = 20
MAX_SEARCH_LIMIT = 100


def cpv_filter(q: str = "") -> QuerySet[CpvCode]:
    """Codes matching ``q`` in rank order, or the 45 divisions when ``q`` is blank.

    Lazy, so a page can count and paginate it; callers wanting a short list use ``cpv_search``.
    """
    if q.strip():
        return CpvCode.objects.search(q)
    return CpvCode.objects.divisions().order_by("code")


def cpv_search(q: str, *, limit: int = DEFAULT_SEARCH_LIMIT) -> list[CpvCode]:
    """At most ``limit`` codes matching ``q`` (a word or the start of a code), best first."""
    if not q.strip():
        return []
    return list(CpvCode.objects.search(q)[: min(limit, MAX_SEARCH_LIMIT)])


def cpv_get(code: str) -> CpvCode:
    """One code, given with or without its check digit.

    Raises ``cpv.InvalidCpvCode`` for malformed text and ``CpvCode.DoesNotExist`` for a
    well-formed code that is not in the taxonomy, so callers can tell the two apart.
    """
    return CpvCode.objects.get(code=cpv.normalise_code(code))


def cpv_get_many(codes: Iterable[str]) -> list[CpvCode]:
    """The codes that exist, in the order given, without repeats; unknown codes are left out.

    Codes may carry check digits; malformed ones raise ``cpv.InvalidCpvCode``.
    """
    wanted = list(dict.fromkeys(cpv.normalise_code(code) for code in codes))
    found = CpvCode.objects.in_bulk(wanted)
    return [found[code] for code in wanted if code in found]


def cpv_labels(codes: Iterable[str]) -> dict[str, str]:
    """``{code: label}`` for the codes that exist: for reasons and summaries, in one query."""
    wanted = {cpv.normalise_code(code) for code in codes}
    if not wanted:
        return {}
    return dict(CpvCode.objects.filter(code__in=wanted).values_list("code", "label"))


def cpv_ancestors(code: str) -> list[CpvCode]:
    """The stored codes above ``code``, division first (for breadcrumbs and explanations).

    Taken from the digits in one query rather than by walking ``parent`` row by row; both give
    the same chain because a parent is always the nearest stored candidate.
    """
    candidates = cpv.candidate_parents(cpv.normalise_code(code))
    if not candidates:
        return []
    return list(CpvCode.objects.filter(code__in=candidates).order_by("level"))


def cpv_children(code: str) -> list[CpvCode]:
    """The codes directly below ``code``, in code order."""
    return list(CpvCode.objects.filter(parent_id=cpv.normalise_code(code)).order_by("code"))
