"""The years a date may fall in, wherever one is typed or imported (the API, the search's
closing dates, OCDS notices). Dates outside them are typing or publishing mistakes
("0001-01-01", "9999-12-31"), and at the ends of the calendar date arithmetic (the day after
9999-12-31) and time zone conversion overflow."""

EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def within_years(moment) -> bool:
    """Whether ``moment`` (a date or datetime) falls in ``EARLIEST_YEAR``..``LATEST_YEAR``."""
    return EARLIEST_YEAR <= moment.year <= LATEST_YEAR
