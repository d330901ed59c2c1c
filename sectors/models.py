import re

from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Length, Replace, Substr
from django.db.models.lookups import Exact

from core.models import BaseModel
from sectors import cpv

# A query that is a code or the start of one, maybe with a check digit: "5552", "45000000-7".
_CODE_QUERY_RE = re.compile(r"(\d{1,8})(?:\s*-\s*\d)?")

# Search ranks, best first; the API and the browse page list results in this order.
RANK_EXACT_CODE, RANK_CODE_PREFIX, RANK_LABEL_START, RANK_LABEL_PHRASE, RANK_LABEL_WORDS = range(5)


def _without_digits(expression):
    """``expression`` with every digit removed: empty exactly when it held only digits.

    Lets a check constraint say "digits only" without a regex, which SQLite only supports
    through a Python function registered per connection.
    """
    for digit in "0123456789":
        expression = Replace(expression, Value(digit), Value(""))
    return expression


class CpvCodeQuerySet(models.QuerySet):
    def divisions(self):
        """The 45 top-level codes (XX000000), the coarsest sectors."""
        return self.filter(level=1)

    def in_division(self, division: str):
        """Codes of one division ("55"), using the division index rather than a LIKE scan."""
        return self.filter(division=division)

    def search(self, q: str):
        """Codes matching ``q``, best first: exact code, code prefix, then label matches.

        A query of digits is read as a code or the start of one ("5552" lists class 5552 in
        tree order); anything else must appear in the label word by word, broadest codes first.
        """
        q = " ".join(q.split())
        code_query = _CODE_QUERY_RE.fullmatch(q)
        if code_query:
            return self._search_code(code_query.group(1))
        if q:
            return self._search_label(q)
        return self.none()

    def _search_code(self, digits: str):
        rank = Case(
            When(code=digits, then=Value(RANK_EXACT_CODE)),
            default=Value(RANK_CODE_PREFIX),
            output_field=IntegerField(),
        )
        matches = self.filter(code__startswith=digits)
        return matches.annotate(search_rank=rank).order_by("search_rank", "code")

    def _search_label(self, q: str):
        matches = self
        for word in q.split():
            matches = matches.filter(label__icontains=word)
        rank = Case(
            When(label__istartswith=q, then=Value(RANK_LABEL_START)),
            When(label__icontains=q, then=Value(RANK_LABEL_PHRASE)),
            default=Value(RANK_LABEL_WORDS),
            output_field=IntegerField(),
        )
        return matches.annotate(search_rank=rank).order_by("search_rank", "level", "code")


class CpvCode(BaseModel):
    """One code of the Common Procurement Vocabulary 2008 (Regulation (EC) No 213/2008).

    The 8-digit code is the primary key, so other tables store the code itself and the
    matching engine can score sectors without joining back here. ``level`` and ``division``
    are derived from the code and stored so that candidate businesses can be pre-filtered by
    index. ``parent`` is the nearest code above this one that exists in the official list.
    """

    code = models.CharField(max_length=cpv.CODE_LENGTH, primary_key=True)
    check_digit = models.CharField(
        max_length=1,
        blank=True,
        help_text="As published in the official list; it cannot be recomputed, only stored.",
    )
    label = models.TextField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(
        help_text="1 division, 2 group, 3 class, 4 category, 5 to 7 finer codes."
    )
    division = models.CharField(max_length=2, db_index=True)

    objects = CpvCodeQuerySet.as_manager()

    class Meta:
        verbose_name = "CPV code"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(Exact(Length("code"), cpv.CODE_LENGTH))
                & Q(Exact(_without_digits(F("code")), Value(""))),
                name="sectors_cpvcode_code_is_8_digits",
                violation_error_message="A CPV code has exactly 8 digits.",
            ),
            models.CheckConstraint(
                condition=Q(check_digit__in=["", *"0123456789"]),
                name="sectors_cpvcode_check_digit_is_one_digit",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=7), name="sectors_cpvcode_level_1_to_7"
            ),
            models.CheckConstraint(
                condition=Q(division=Substr("code", 1, 2)),
                name="sectors_cpvcode_division_is_first_two_digits",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("code")), name="sectors_cpvcode_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @classmethod
    def build(cls, *, code: str, check_digit: str, label: str, parent_id: str | None = None):
        """An unsaved row with ``level`` and ``division`` derived from the code (bulk loads)."""
        return cls(
            code=code,
            check_digit=check_digit,
            label=label,
            parent_id=parent_id,
            level=cpv.level(code),
            division=cpv.division(code),
        )

    def save(self, *args, **kwargs):
        """Keeps the derived columns true to the code however the row is created (admin too)."""
        self.level = cpv.level(self.code)
        self.division = cpv.division(self.code)
        super().save(*args, **kwargs)

    @property
    def display_code(self) -> str:
        """The code as the official list writes it, with its check digit: "55520000-1"."""
        return cpv.format_code(self.code, self.check_digit)
