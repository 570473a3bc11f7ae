"""Working days in metropolitan France: Monday to Friday, public holidays (jours fériés) excepted.

Computed (Easter by the anonymous Gregorian algorithm), so no calendar package and no yearly update.
"""

import datetime
import functools


def easter_sunday(year):
    """Easter Sunday of `year` (Gregorian calendar), by the anonymous Gregorian algorithm."""
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    correction = (century + 8) // 25
    moon = (century - correction + 1) // 3
    epact = (19 * golden + century - leap_centuries - moon + 15) % 30
    leap_years, year_rest = divmod(year_of_century, 4)
    weekday = (32 + 2 * century_rest + 2 * leap_years - epact - year_rest) % 7
    shift = (golden + 11 * epact + 22 * weekday) // 451
    month, day = divmod(epact + weekday - 7 * shift + 114, 31)
    return datetime.date(year, month, day + 1)


_FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
# Easter Monday, Ascension Thursday, Whit Monday: days after Easter Sunday.
_EASTER_HOLIDAYS = (1, 39, 50)


@functools.cache
def public_holidays(year):
    """The French public holidays (jours fériés) of `year`, metropolitan France."""
    easter = easter_sunday(year)
    return frozenset(
        [datetime.date(year, month, day) for month, day in _FIXED_HOLIDAYS]
        + [easter + datetime.timedelta(days=days) for days in _EASTER_HOLIDAYS]
    )


def is_working_day(day):
    """Monday to Friday, public holidays excepted."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(day, count):
    """`day` moved forward by `count` working days (Monday to Friday, public holidays excepted)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def subtract_working_days(day, count):
    """`day` moved back by `count` working days (Monday to Friday, public holidays excepted)."""
    while count > 0:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
