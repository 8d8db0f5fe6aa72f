"""PEA's business calendar: 08:30-16:30 Bangkok time, Monday to Friday, Thai
public holidays off (SPEC §2, "How promised times are counted")."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from core.calendar import (
    acceptance_deadline,
    add_working_hours,
    end_of_working_day,
    in_working_hours,
    is_working_day,
    next_opening,
)

BKK = ZoneInfo("Asia/Bangkok")


def bkk(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BKK)


# A week with no Thai holiday: Mon 16 - Fri 20 November 2026.
MON, TUE, WED, THU, FRI = (date(2026, 11, day) for day in range(16, 21))
SAT, SUN, NEXT_MON = date(2026, 11, 21), date(2026, 11, 22), date(2026, 11, 23)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=BKK)


def test_the_chosen_week_has_no_thai_holiday():
    th = holidays.country_holidays("TH", years=2026)

    assert [d for d in th if MON <= d <= NEXT_MON] == []
    assert [d.strftime("%a") for d in (MON, WED, FRI)] == ["Mon", "Wed", "Fri"]


# add_working_hours --------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, hours, expected",
    [
        (at(WED, 15, 30), 2, at(THU, 9, 30)),  # the docstring's example
        (at(WED, 9, 0), 2, at(WED, 11, 0)),
        (at(WED, 8, 30), 8, at(WED, 16, 30)),  # a full day ends at closing
        (at(WED, 8, 30), 8.5, at(THU, 9, 0)),
        (at(WED, 14, 30), 2, at(WED, 16, 30)),
        (at(WED, 7, 0), 1, at(WED, 9, 30)),  # before opening: counts from 08:30
        (at(WED, 12, 15), 0.5, at(WED, 12, 45)),
        (at(WED, 18, 0), 1, at(THU, 9, 30)),  # after closing: next morning
        (at(MON, 10, 0), 16, at(WED, 10, 0)),  # two whole working days
    ],
)
def test_it_adds_working_hours(start, hours, expected):
    assert add_working_hours(start, hours) == expected


def test_it_skips_the_weekend():
    assert add_working_hours(at(FRI, 16, 0), 1) == at(NEXT_MON, 9, 0)


@pytest.mark.parametrize("day", [SAT, SUN])
def test_time_at_the_weekend_counts_from_monday_morning(day):
    assert add_working_hours(at(day, 11, 0), 2) == at(NEXT_MON, 10, 30)


def test_it_works_on_utc_input_and_answers_in_bangkok_time():
    # 08:30 UTC on Wednesday is 15:30 in Bangkok.
    start = datetime(2026, 11, 18, 8, 30, tzinfo=UTC)

    due = add_working_hours(start, 2)

    assert due == at(THU, 9, 30)
    assert due.utcoffset() == timedelta(hours=7)


def test_songkran_2027_is_tuesday_to_thursday_13_to_15_april():
    th = holidays.country_holidays("TH", years=2027)
    songkran = sorted(d for d, name in th.items() if "Songkran" in name)

    assert songkran == [date(2027, 4, 13), date(2027, 4, 14), date(2027, 4, 15)]
    assert not is_working_day(date(2027, 4, 14))
    assert is_working_day(date(2027, 4, 12))
    assert is_working_day(date(2027, 4, 16))


def test_it_skips_the_songkran_holidays():
    # Monday 12 April 2027 16:00 + 2 h: 30 min on Monday, the rest on Friday 16th.
    assert add_working_hours(bkk(2027, 4, 12, 16, 0), 2) == bkk(2027, 4, 16, 10, 0)


def test_it_skips_a_single_holiday_in_mid_week():
    # Chakri Memorial Day falls on Tuesday 6 April 2027.
    assert add_working_hours(bkk(2027, 4, 2, 16, 0), 1) == bkk(2027, 4, 5, 9, 0)
    assert add_working_hours(bkk(2027, 4, 5, 16, 0), 1) == bkk(2027, 4, 7, 9, 0)


# acceptance_deadline ------------------------------------------------------------------


@pytest.mark.parametrize(
    "submitted, deadline",
    [
        (at(MON, 10, 0), at(MON, 12, 0)),  # inside hours: 2 working hours
        (at(MON, 8, 30), at(MON, 10, 30)),
        (at(MON, 15, 0), at(TUE, 9, 0)),  # runs over closing
        (at(MON, 18, 0), at(TUE, 9, 30)),  # after closing
        (at(MON, 16, 30), at(TUE, 9, 30)),  # at closing: already outside
        (at(TUE, 7, 0), at(TUE, 9, 30)),  # early morning
        (at(TUE, 0, 5), at(TUE, 9, 30)),
        (at(FRI, 17, 0), at(NEXT_MON, 9, 30)),  # Friday evening
        (at(SAT, 10, 0), at(NEXT_MON, 9, 30)),  # weekend
        (bkk(2027, 4, 12, 20, 0), bkk(2027, 4, 16, 9, 30)),  # eve of Songkran
    ],
)
def test_the_acceptance_deadline(submitted, deadline):
    assert acceptance_deadline(submitted) == deadline


def test_working_hours_open_at_08_30_and_close_at_16_30():
    assert not in_working_hours(at(WED, 8, 29))
    assert in_working_hours(at(WED, 8, 30))
    assert in_working_hours(at(WED, 16, 29))
    assert not in_working_hours(at(WED, 16, 30))
    assert not in_working_hours(at(SAT, 10, 0))


def test_the_next_opening_is_now_inside_hours_and_the_next_morning_outside():
    assert next_opening(at(WED, 10, 0)) == at(WED, 10, 0)
    assert next_opening(at(WED, 6, 0)) == at(WED, 8, 30)
    assert next_opening(at(WED, 17, 0)) == at(THU, 8, 30)
    assert next_opening(at(FRI, 17, 0)) == at(NEXT_MON, 8, 30)


# end_of_working_day ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, expected",
    [
        (0, at(WED, 16, 30)),
        (1, at(THU, 16, 30)),
        (2, at(FRI, 16, 30)),
        (3, at(NEXT_MON, 16, 30)),
        (5, at(date(2026, 11, 25), 16, 30)),
    ],
)
def test_end_of_the_nth_working_day(n, expected):
    assert end_of_working_day(at(WED, 10, 0), n) == expected


def test_end_of_working_day_does_not_count_the_starting_day_even_after_hours():
    assert end_of_working_day(at(WED, 20, 0), 1) == at(THU, 16, 30)
    assert end_of_working_day(at(SAT, 10, 0), 1) == at(NEXT_MON, 16, 30)


def test_end_of_working_day_skips_songkran():
    assert end_of_working_day(bkk(2027, 4, 12, 10, 0), 1) == bkk(2027, 4, 16, 16, 30)
    assert end_of_working_day(bkk(2027, 4, 12, 10, 0), 2) == bkk(2027, 4, 19, 16, 30)
