"""CPV 2008 codes as plain strings: parsing and the hierarchy arithmetic.

Pure Python on purpose (no Django imports): the matching engine scores sector overlap with
these helpers on plain data, and the loader, forms and API share them so that every edge of
the service reads a code the same way.

A CPV code is 8 digits, optionally followed by a check digit ("45000000-7"). The hierarchy is
written in the digits themselves: the first two are the division, each further digit narrows
it, and trailing zeros mean "not narrowed further". So 55523100 (school meals) sits under
55523000, 55520000 (catering), 55500000 and 55000000, though not every one of those
"candidate parents" exists in the official list.

The check digit cannot be recomputed: the EU's published algorithm does not reproduce the
check digits of its own 2008 list. We therefore store the check digit exactly as the official
file gives it and only validate that it is one digit; codes are compared without it.
"""

import re

__all__ = [
    "CODE_LENGTH",
    "InvalidCpvCode",
    "candidate_parents",
    "common_prefix_depth",
    "division",
    "format_code",
    "is_ancestor",
    "level",
    "nearest_parent",
    "normalise_code",
    "significant_prefix",
    "split_check_digit",
    "split_code_list",
]

CODE_LENGTH = 8
DIVISION_LENGTH = 2
_CODE_RE = re.compile(r"(\d{8})(?:\s*-\s*(\d))?")
_LIST_SEPARATORS_RE = re.compile(r"[,;\n\r]+")
FORMAT_HINT = "CPV codes have 8 digits, like 45000000 or 45000000-7"


class InvalidCpvCode(ValueError):
    """Raised for text that is not an 8-digit CPV code (with or without its check digit)."""

    def __init__(self, raw: object):
        self.raw = raw
        super().__init__(f"{raw!r} is not a CPV code. {FORMAT_HINT}.")


def split_check_digit(raw: object) -> tuple[str, str | None]:
    """Split "45000000-7" into ("45000000", "7"); a bare "45000000" gives ("45000000", None).

    Surrounding spaces, and spaces around the dash, are forgiven because people copy codes out
    of PDFs and spreadsheets; anything else raises ``InvalidCpvCode``.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    match = _CODE_RE.fullmatch(text)
    if match is None:
        raise InvalidCpvCode(raw)
    return match.group(1), match.group(2)


def normalise_code(raw: object) -> str:
    """The 8-digit code without check digit: the form the database and OCDS feeds use."""
    return split_check_digit(raw)[0]


def split_code_list(text: str) -> list[str]:
    """The pieces of a typed list of codes: commas, semicolons or new lines separate them.

    Spaces do not separate, so "45000000 - 7" stays one piece; pieces are not yet validated.
    """
    pieces = (piece.strip() for piece in _LIST_SEPARATORS_RE.split(text))
    return [piece for piece in pieces if piece]


def format_code(code: str, check_digit: str | None) -> str:
    """The code as the official list writes it ("45000000-7"), or bare when no check digit."""
    return f"{code}-{check_digit}" if check_digit else code


def significant_prefix(code: str) -> str:
    """The digits that place the code in the tree: "55523100" -> "555231", "45000000" -> "45".

    At least the two division digits are kept, so "03000000" stays "03".
    """
    return code.rstrip("0").ljust(DIVISION_LENGTH, "0")


def level(code: str) -> int:
    """1 for a division (XX000000), 2 group, 3 class, 4 category, then 5 to 7 for finer codes."""
    return len(significant_prefix(code)) - 1


def division(code: str) -> str:
    """The two division digits ("55" for 55523100): the matching engine's coarse index."""
    return code[:DIVISION_LENGTH]


def candidate_parents(code: str) -> list[str]:
    """The codes above ``code``, nearest first, found by zeroing the last significant digit.

    "55523100" -> ["55523000", "55520000", "55500000", "55000000"]; a division has none. Some
    of these may not exist in the official list: the real parent is the first that does.
    """
    parents = []
    prefix = significant_prefix(code)
    while len(prefix) > DIVISION_LENGTH:
        parent = prefix[:-1].ljust(CODE_LENGTH, "0")
        parents.append(parent)
        prefix = significant_prefix(parent)
    return parents


def nearest_parent(code: str, known) -> str | None:
    """The first of ``candidate_parents(code)`` found in ``known`` (any container), or None."""
    return next((parent for parent in candidate_parents(code) if parent in known), None)


def is_ancestor(a: str, b: str) -> bool:
    """True when ``a`` is above ``b`` in the tree (a proper prefix of it); a code is not its own."""
    prefix_a, prefix_b = significant_prefix(a), significant_prefix(b)
    return len(prefix_a) < len(prefix_b) and prefix_b.startswith(prefix_a)


def common_prefix_depth(a: str, b: str) -> int:
    """How many leading digits the significant prefixes share (0..8); siblings score by it."""
    depth = 0
    for digit_a, digit_b in zip(significant_prefix(a), significant_prefix(b), strict=False):
        if digit_a != digit_b:
            break
        depth += 1
    return depth
