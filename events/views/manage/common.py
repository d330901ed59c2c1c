"""What the coordinator pages share beyond ``core.web`` (access, refusals and status tags):
loading the event, size words and downloads.
"""

from __future__ import annotations

from core.web import attachment, get_or_404
from events import exports, selectors
from events.models import Event

SIZE_WORDS = {"micro": "Micro", "small": "Small", "medium": "Medium", "large": "Large"}


def event_or_404(request, pk: int) -> Event:
    return get_or_404(selectors.event_get_for_coordinator, user=request.user, pk=pk)


def size_words(business) -> str:
    return SIZE_WORDS.get(business.size_class or "", "Not known")


def download(content: bytes, *, event: Event, name: str, extension: str, content_type: str):
    filename = exports.filename(event=event, name=name, extension=extension)
    return attachment(content, filename=filename, content_type=content_type)


CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
