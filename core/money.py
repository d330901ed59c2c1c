"""Money as LocalLots writes it: pounds sterling, ``£40,000`` or ``£40,000.50``.

Amounts are ``Decimal`` to the penny and entered excluding VAT (DESIGN section 3). This module
is plain Python (no Django) so the pure matching code can write its reasons with it too; pages
take ``money`` and ``money_both`` from ``core.web``, which supplies the VAT rate setting, and
the domain's threshold checks add VAT with ``anchors.rules.vat_inclusive``.

- ``money(value)``: ``£40,000``, ``£40,000.50``; ``missing`` (default "Not published", as an
  imported notice may publish no value) for ``None`` or NaN; ``pence=True`` always shows the
  pence (``£40,000.00``), for echoing back an amount as it was typed.
- ``with_vat(value, vat_exempt=..., rate=...)``: the value including VAT, to the penny.
- ``Money``: one value both ways, ready for a template (``excl``, ``incl``, ``vat_exempt``;
  ``str()`` is the sentence "£40,000 excluding VAT (£48,000 including VAT)").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
NOT_PUBLISHED = "Not published"


def money(
    value: Decimal | float | int | None, *, missing: str = NOT_PUBLISHED, pence: bool = False
) -> str:
    """``£40,000``, or ``£40,000.50`` when there are pennies; ``missing`` when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    text = f"£{amount.quantize(PENNY, ROUND_HALF_UP):,}"
    return text if pence else text.removesuffix(".00")


def with_vat(
    value: Decimal | None, *, vat_exempt: bool, rate: Decimal | str | float
) -> Decimal | None:
    """``value`` plus VAT at ``rate`` (0.20 for 20%), to the penny; unchanged when the supply is
    exempt. ``None`` (an imported notice without a value) stays ``None``."""
    if value is None:
        return None
    if vat_exempt:
        return Decimal(value)
    return (Decimal(value) * (1 + Decimal(str(rate)))).quantize(PENNY, ROUND_HALF_UP)


@dataclass(frozen=True)
class Money:
    """A value with and without VAT, written out: what every page shows for a lot or contract."""

    excl: str
    incl: str
    vat_exempt: bool

    def __str__(self) -> str:
        if self.vat_exempt:
            return f"{self.excl} (exempt from VAT)"
        return f"{self.excl} excluding VAT ({self.incl} including VAT)"

    @property
    def incl_words(self) -> str:
        """The "including VAT" figure, or the excluded one marked exempt from VAT."""
        return f"{self.excl} (exempt from VAT)" if self.vat_exempt else self.incl


def money_both(value: Decimal | None, *, vat_exempt: bool, rate: Decimal | str | float) -> Money:
    return Money(
        excl=money(value),
        incl=money(with_vat(value, vat_exempt=vat_exempt, rate=rate)),
        vat_exempt=vat_exempt,
    )
