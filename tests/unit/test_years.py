"""Beijing-time years and local schedules: the boundaries every figure and job relies on."""

from __future__ import annotations

from datetime import UTC, datetime

from canger_local.worker import seconds_until_next
from services import catalog
from services.common.domain import years


def test_an_activity_at_2024_12_31_16_30_utc_belongs_to_2025():
    moment = datetime(2024, 12, 31, 16, 30, tzinfo=UTC)
    assert (years.year_of(moment), years.local_date(moment).isoformat()) == (2025, "2025-01-01")


def test_one_minute_earlier_in_beijing_is_still_2024():
    assert years.year_of(datetime(2024, 12, 31, 15, 59, tzinfo=UTC)) == 2024


def test_year_bounds_are_the_utc_text_range_of_the_beijing_year():
    assert years.year_bounds(2025) == ("2024-12-31T16:00:00.000Z", "2025-12-31T15:59:59.999Z")


def test_the_yearly_job_runs_locally_at_one_in_the_morning_beijing_time():
    schedule = catalog.by_name("yearly-metrics").schedule
    # 2025-06-01 16:30 UTC is 00:30 on 2 June in Beijing: the next run is in 30 minutes.
    assert seconds_until_next(schedule, datetime(2025, 6, 1, 16, 30, tzinfo=UTC)) == 30 * 60
    # Just after 01:00 Beijing, the next run is a day later.
    assert seconds_until_next(schedule, datetime(2025, 6, 1, 17, 0, 1, tzinfo=UTC)) == 86400 - 1


def test_rate_schedules_are_not_read_as_daily():
    assert seconds_until_next(catalog.by_name("outbox-relay").schedule, datetime(2025, 1, 1, tzinfo=UTC)) is None
