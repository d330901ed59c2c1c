"""Template helpers for the opportunities pages."""

from django import template

register = template.Library()


@register.filter
def unanswered_count(questions) -> int:
    """How many of ``questions`` await an answer. Iterating fills a queryset's cache, so the
    template's loop over the same queryset afterwards runs no second query."""
    return sum(1 for question in questions if not question.is_answered)
