"""A small network with known figures, and helpers to read the dashboard's tables back.

Three institutions: Alpha Council and Beta Hospital with lots, awards, matches and interests,
and Gamma College with nothing yet. The figures every test asserts follow from this file:

Open lots: a1 £40,000 (target districts, hyper-local), a2 £10,000, b1 £30,000 (target area,
hyper-local): 3 lots, £80,000, 2 hyper-local (66.7%). Not open: a closed lot, a draft lot, a
cancelled lot and the awarded lots.

Matched businesses (5, on published lots; the cancelled lot's match does not count):
B9: micro1, micro2 (2 micro); B10: small_vcse; B12 (East Birmingham fringe): micro_vcse;
WS1: medium_outside.

Active interests: micro1 in a1 (registered), small_vcse in a1 (shortlisted), micro1 in b1
(registered) = 3, from 2 businesses; a withdrawn and a declined interest do not count.

Awards: Alpha: micro1 £20,000; an outside supplier in B8 £5,000.
Beta: small_vcse £15,000; medium_outside £50,000; micro_vcse £35,000.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from types import SimpleNamespace

from django.utils import timezone

from anchors.models import Award
from matching.models import Interest
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea
from suppliers.models import Business as BusinessModel
from tests.anchors.factories import InstitutionFactory
from tests.matching.factories import (
    InterestFactory,
    MatchFactory,
    award_lot,
    cancel_lot,
    close_lot,
    matching_business,
    open_lot,
)


def business(name: str, postcode: str, staff: int, legal_form=None) -> BusinessModel:
    fields = {"name": name, "postcode": postcode, "staff_headcount": staff}
    if legal_form:
        fields["legal_form"] = legal_form
    return matching_business(**fields)


def build_world() -> SimpleNamespace:
    alpha = InstitutionFactory(name="Alpha Council", slug="alpha-council")
    beta = InstitutionFactory(name="Beta Hospital", slug="beta-hospital")
    gamma = InstitutionFactory(name="Gamma College", slug="gamma-college")
    east = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)

    legal = BusinessModel.LegalForm
    micro1 = business("Micro One", "B9 4AA", 4)
    micro2 = business("Micro Two", "B9 5AB", 3)
    small_vcse = business("Small VCSE", "B10 0AB", 30, legal.CIC)
    micro_vcse = business("Micro VCSE", "B12 8AA", 5, legal.CHARITY)
    medium_outside = business("Medium Outside", "WS1 1AA", 100)
    unmatched = business("Unmatched", "B9 4AB", 2)

    a1 = open_lot(institution=alpha, value=40000, target_districts=["B9"])
    a2 = open_lot(institution=alpha, value=10000)
    a3 = open_lot(institution=alpha, value=20000)
    a4 = open_lot(institution=alpha, value=5000)
    b1 = open_lot(institution=beta, value=30000, target_area=east)
    b2 = open_lot(institution=beta, value=15000)
    b3 = open_lot(institution=beta, value=50000)
    b4 = open_lot(institution=beta, value=35000)
    close_lot(open_lot(institution=beta, value=7000, target_districts=["B9"]))
    open_lot(institution=beta, value=9000, published=False)
    cancelled = cancel_lot(open_lot(institution=alpha, value=11000))

    for lot, who in [
        (a1, micro1),
        (b1, micro1),
        (a1, small_vcse),
        (b1, micro_vcse),
        (a2, medium_outside),
        (a2, micro2),
        (cancelled, unmatched),
    ]:
        MatchFactory(lot=lot, business=who)
    MatchFactory(lot=a2, business=micro_vcse, dismissed_at=timezone.now())

    status = Interest.Status
    InterestFactory(lot=a1, business=micro1, status=status.REGISTERED)
    InterestFactory(lot=a1, business=small_vcse, status=status.SHORTLISTED)
    InterestFactory(lot=b1, business=micro1, status=status.REGISTERED)
    InterestFactory(lot=b1, business=micro_vcse, status=status.WITHDRAWN)
    InterestFactory(lot=a2, business=medium_outside, status=status.DECLINED)

    award_lot(a3, micro1)
    Award.objects.create(
        lot=a4,
        supplier_name="Bordesley Builders",
        supplier_postcode="B8 1AA",
        value=a4.value,
        awarded_on=timezone.localdate() - timedelta(days=1),
    )
    award_lot(b2, small_vcse)
    award_lot(b3, medium_outside)
    award_lot(b4, micro_vcse)
    return SimpleNamespace(alpha=alpha, beta=beta, gamma=gamma, micro1=micro1)


def more_data(institution, count: int) -> None:
    """Lots, matches, interests and awards for ``count`` more businesses: figures grow, the
    number of queries must not."""
    for number in range(count):
        who = business(f"Extra {number}", f"B{20 + number} 1AA", 2 + number)
        lot = open_lot(institution=institution, value=1000 + number)
        MatchFactory(lot=lot, business=who)
        InterestFactory(lot=lot, business=who)
        award_lot(open_lot(institution=institution, value=2000 + number), who)


# --- Reading the page and the files back ----------------------------------------------------


@dataclass
class _Table:
    caption: str
    rows: list[list[str]]


class _TableParser(HTMLParser):
    """Collects each ``<table id=...>``: its caption and the text of every row's cells."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, _Table] = {}
        self._table = None
        self._cell = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = self.tables.setdefault(attrs["id"], _Table("", []))
        elif self._table is None:
            return
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._table.rows.append([])
        elif tag in {"td", "th"}:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" | ")

    def handle_endtag(self, tag):
        if self._table is None:
            return
        if tag == "table":
            self._table = None
        elif tag == "caption":
            self._in_caption = False
        elif tag in {"td", "th"} and self._cell is not None:
            self._table.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._table is None:
            return
        if self._in_caption:
            self._table.caption += data.strip()
        elif self._cell is not None:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, _Table]:
    parser = _TableParser()
    parser.feed(html)
    return parser.tables


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
