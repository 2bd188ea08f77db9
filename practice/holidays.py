"""The public holidays of a practice's country and region (the maintained `holidays` library): the days a
practice's working-day promises skip (a message's reply-by date, a consultation request's reminder).

``Practice.holiday_region`` is an ISO 3166-2 subdivision the library knows ("ENG", "SCT"), or "" for the
country's own; a country or region the library does not know has no public holidays here.
"""

import datetime
from functools import cache

import holidays


@cache
def _public_holidays(country: str, region: str, year: int) -> frozenset[datetime.date]:
    try:
        found = holidays.country_holidays(country, subdiv=region or None, years=year)
    except (NotImplementedError, KeyError):  # a country or region the library does not know
        return frozenset()
    return frozenset(found)


def public_holiday(practice, day: datetime.date) -> bool:
    return day in _public_holidays(practice.country, practice.holiday_region, day.year)


def is_working_day(practice, day: datetime.date) -> bool:
    """Monday to Friday, less the practice's public holidays."""
    return day.weekday() < 5 and not public_holiday(practice, day)
