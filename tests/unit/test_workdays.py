"""Working-day deadlines across China's holidays and make-up days (调休), and a year nobody knows yet."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.common.domain.workdays import Calendar, YearCalendar, builtin, year_calendar

BEIJING = timezone(timedelta(hours=8))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- API.md's worked example -----------------------------------------------------------------------


def test_worked_example_respond_by_skips_national_day_2025():
    assert Calendar().deadline(at("2025-09-30T10:00:00+08:00"), 1) == datetime(2025, 10, 9, 15, 59, 59, tzinfo=UTC)


def test_worked_example_due_at_counts_the_sunday_make_up_day():
    assert Calendar().deadline(at("2025-09-26T10:00:00+08:00"), 5) == datetime(2025, 10, 10, 15, 59, 59, tzinfo=UTC)


# --- 2025 National Day and Mid-Autumn (Oct 1–8 off; Sun Sep 28 and Sat Oct 11 on) --------------------


@pytest.mark.parametrize(
    ("start", "days", "last"),
    [
        (date(2025, 9, 27), 1, date(2025, 9, 28)),  # a Saturday: the next working day is the make-up Sunday
        (date(2025, 9, 26), 2, date(2025, 9, 29)),
        (date(2025, 9, 30), 2, date(2025, 10, 10)),
        (date(2025, 10, 1), 1, date(2025, 10, 9)),  # acting on a holiday: the holiday itself is not counted
        (date(2025, 10, 10), 1, date(2025, 10, 11)),  # Friday → the make-up Saturday
        (date(2025, 10, 11), 1, date(2025, 10, 13)),  # make-up Saturday → Monday (Sunday the 12th is off)
        (date(2025, 9, 30), 10, date(2025, 10, 21)),
    ],
)
def test_national_day_2025(start, days, last):
    assert Calendar().add_working_days(start, days) == last


def test_a_holiday_is_not_a_working_day_and_a_make_up_sunday_is():
    calendar = Calendar()
    assert [calendar.is_working_day(d) for d in (date(2025, 10, 6), date(2025, 9, 28), date(2025, 9, 27))] == [
        False,
        True,
        False,
    ]


def test_the_day_is_the_beijing_date_not_the_utc_one():
    # 2025-09-29T17:00Z is 01:00 on Sep 30 in Beijing: the same deadline as the worked example
    assert Calendar().deadline(datetime(2025, 9, 29, 17, 0, tzinfo=UTC), 1) == datetime(
        2025, 10, 9, 15, 59, 59, tzinfo=UTC
    )


# --- 2026 Spring Festival (Feb 15–23 off; Sat Feb 14 and Sat Feb 28 on) ------------------------------


@pytest.mark.parametrize(
    ("start", "days", "last"),
    [
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Friday → the make-up Saturday before the holiday
        (date(2026, 2, 14), 1, date(2026, 2, 24)),  # the whole holiday skipped
        (date(2026, 2, 13), 5, date(2026, 2, 27)),  # 14, 24, 25, 26, 27
        (date(2026, 2, 13), 6, date(2026, 2, 28)),  # the make-up Saturday after it
        (date(2026, 2, 20), 1, date(2026, 2, 24)),
    ],
)
def test_spring_festival_2026(start, days, last):
    assert Calendar().add_working_days(start, days) == last


def test_deadline_is_2359_59_beijing_on_the_last_day():
    deadline = Calendar().deadline(at("2026-02-13T18:30:00+08:00"), 1)
    assert deadline.astimezone(BEIJING).isoformat() == "2026-02-14T23:59:59+08:00"


# --- years --------------------------------------------------------------------------------------------


def test_builtin_knows_2025_holidays_and_weekend_workdays():
    calendar = builtin(2025)
    assert calendar is not None and calendar.source == "builtin"
    assert sorted(calendar.workdays) == [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    ]
    assert {date(2025, 10, d) for d in range(1, 9)} <= calendar.holidays


def test_a_year_without_data_counts_weekends_only():
    assert builtin(2027) is None
    assert year_calendar(2027) == YearCalendar(2027, source="weekends_only")
    # 2027-01-01 is a Friday: with nothing known, it is a working day
    assert Calendar().add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert Calendar().add_working_days(date(2027, 1, 1), 1) == date(2027, 1, 4)


def test_the_citys_own_year_takes_precedence():
    city = {2027: YearCalendar(2027, frozenset({date(2027, 1, 1)}), frozenset({date(2027, 1, 2)}), "city")}
    calendar = Calendar(city)
    assert calendar.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 2)
    assert calendar.add_working_days(date(2027, 1, 2), 1) == date(2027, 1, 4)
    assert calendar.year(2027).source == "city" and calendar.year(2026).source == "builtin"


def test_extending_a_deadline_counts_from_its_day():
    calendar = Calendar()
    due = calendar.deadline(at("2025-09-26T10:00:00+08:00"), 5)  # Oct 10
    assert calendar.extend(due, 1) == datetime(2025, 10, 11, 15, 59, 59, tzinfo=UTC)  # the make-up Saturday
    assert calendar.extend(due, 2) == datetime(2025, 10, 13, 15, 59, 59, tzinfo=UTC)


def test_zero_days_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        Calendar().add_working_days(date(2025, 1, 2), 0)
