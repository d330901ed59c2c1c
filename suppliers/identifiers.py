"""Companies House and charity registration numbers: one spelling, and a format check.

Pure Python (no Django). We check the *shape* only, never that the number is registered: a
lookup needs the registers' APIs, and refusing a real number is worse than accepting an
unknown one. People copy numbers with spaces and lower case, so both are folded away first.
"""

import re

COMPANY_NUMBER_MESSAGE = "Enter a Companies House number of 8 characters, like 01234567 or SC123456"
CHARITY_NUMBER_MESSAGE = (
    "Enter a charity number: in England and Wales 6 or 7 digits, like 1123456 (or 1123456-1 "
    "for a linked charity); in Scotland SC0 and 5 digits, like SC012345; in Northern Ireland "
    "NIC and 6 digits, like NIC100002"
)

# Companies House prefixes: a two-character prefix then six digits. England and Wales
# companies have no prefix (eight digits).
COMPANY_NUMBER_PREFIXES = {
    "SC": "Scottish company",
    "NI": "Northern Ireland company",
    "R0": "Northern Ireland company registered before 1922",
    "OC": "Limited liability partnership (England and Wales)",
    "SO": "Limited liability partnership (Scotland)",
    "NC": "Limited liability partnership (Northern Ireland)",
    "LP": "Limited partnership (England and Wales)",
    "SL": "Limited partnership (Scotland)",
    "NL": "Limited partnership (Northern Ireland)",
    "IP": "Industrial and provident society (England and Wales)",
    "SP": "Industrial and provident society (Scotland)",
    "NP": "Industrial and provident society (Northern Ireland)",
    "RS": "Registered society (co-operative or community benefit society)",
    "CE": "Charitable incorporated organisation (England and Wales)",
    "CS": "Charitable incorporated organisation (Scotland)",
    "IC": "Investment company with variable capital",
    "SI": "Investment company with variable capital (Scotland)",
    "FC": "Overseas company",
    "SF": "Overseas company (Scotland)",
    "NF": "Overseas company (Northern Ireland)",
    "SE": "European public limited-liability company (Societas Europaea)",
    "GE": "European economic interest grouping",
    "RC": "Royal charter company",
    "SR": "Royal charter company (Scotland)",
    "NR": "Royal charter company (Northern Ireland)",
    "AC": "Assurance company",
    "ZC": "Unregistered company",
    "SZ": "Unregistered company (Scotland)",
    "NZ": "Unregistered company (Northern Ireland)",
}

_COMPANY_NUMBER = re.compile(rf"\d{{8}}|(?:{'|'.join(COMPANY_NUMBER_PREFIXES)})\d{{6}}")
# England and Wales: 6 or 7 digits, and "-N" or "-NN" for a charity linked to a main one.
# Scotland (OSCR): SC0 and 5 digits. Northern Ireland (CCNI): NIC and 6 digits.
_CHARITY_NUMBER = re.compile(r"\d{6,7}(?:-\d{1,2})?|SC0\d{5}|NIC\d{6}")


def squash(raw: object) -> str:
    """Upper-case and drop all whitespace; non-text becomes ''."""
    return "".join(raw.split()).upper() if isinstance(raw, str) else ""


def is_company_number(value: str) -> bool:
    """True for a normalised Companies House number (``squash`` it first)."""
    return bool(_COMPANY_NUMBER.fullmatch(value))


def is_charity_number(value: str) -> bool:
    """True for a normalised charity number of one of the UK's three registers."""
    return bool(_CHARITY_NUMBER.fullmatch(value))
