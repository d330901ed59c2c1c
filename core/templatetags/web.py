"""Template side of ``core.web``: ``{% load web %}``, then

- ``{% status_tag "contract" contract.status %}``: the status as a GOV.UK tag in its colour
  from ``core.web.STATUS_TAGS``; the label is the status's choice label (a ``TextChoices``
  member) or the third argument (``{% status_tag "interest" interest.status
  interest.get_status_display %}``);
- ``{{ value|money }}``: ``£40,000`` or ``£40,000.50`` (``core.web.money``).
"""

from django import template
from django.utils.html import format_html

from core.web import money as money_text
from core.web import tag_class

register = template.Library()


@register.simple_tag
def status_tag(kind: str, status, label=None) -> str:
    if label is None:
        label = getattr(status, "label", status)
    return format_html('<strong class="govuk-tag {}">{}</strong>', tag_class(kind, status), label)


@register.filter
def money(value) -> str:
    return money_text(value)
