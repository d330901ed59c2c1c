"""The eight sector families of the demo: the CPV codes its businesses list and its lots use."""

# name -> (CPV codes a business in it may list, prefixes that identify it in lots and sectors)
SECTOR_FAMILIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "catering": (("55520000", "55523100", "55000000"), ("5552",)),
    "cleaning": (("90910000", "90919200", "90000000"), ("9091",)),
    "grounds maintenance": (("77310000", "77311000", "77000000"), ("7731",)),
    "building repairs": (("50700000", "45453000", "45000000"), ("507", "45453")),
    "printing": (("79810000", "79000000"), ("7981",)),
    "IT support": (("72253000", "72250000", "72000000"), ("7225",)),
    "transport": (("60100000", "60130000", "60000000"), ("601",)),
    "care and support": (("85310000", "85311000", "85000000"), ("8531",)),
}


def family_of(code: str) -> str | None:
    """The demo sector family a CPV code belongs to (divisions count for none)."""
    for name, (_codes, prefixes) in SECTOR_FAMILIES.items():
        if any(code.startswith(p) for p in prefixes):
            return name
    return None
