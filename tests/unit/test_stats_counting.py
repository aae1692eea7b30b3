"""How events become counters, and counters become the figures API.md defines (no I/O)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from services.common.domain.events import raw_event
from services.stats.dal.counters import MAX_TRANSACTION_ITEMS, Counted, _chunks, summed
from services.stats.logic.counting import deltas_of
from services.stats.logic.figures import figures, months
from services.stats.yearly import years_to_compute

SCOPE = {"community_id": "cm_ninghe", "street_id": "st_xiaguan"}
ALL = ["city", "street:st_xiaguan", "community:cm_ninghe"]


def appeal_event(event_type: str, at: str, submitted_at: str | None = None, **extra):
    data = {
        **SCOPE,
        "appeal_id": "apl_1",
        "category": "medical",
        "level": "community",
        "submitted_at": submitted_at or at,
        "at": at,
        **extra,
    }
    return raw_event("appeals", event_type, data)


def test_an_appeal_at_2023_12_31_20h_utc_counts_in_2024_everywhere():
    deltas = deltas_of(appeal_event("AppealSubmitted", "2023-12-31T20:00:00Z", channel="online"))
    # Beijing time: January 2024, so the monthly counter is January's too.
    assert deltas == {
        (2024, scope): Counter(appeals_submitted=1, cat_medical=1, m01_appeals_submitted=1) for scope in ALL
    }


def test_a_first_resolution_counts_in_its_year_and_in_the_submission_year_for_the_rate():
    event = appeal_event(
        "AppealResolved",
        "2025-01-02T00:00:00Z",
        submitted_at="2024-12-20T00:00:00Z",
        first=True,
        on_site=True,
        at_meeting=False,
        meeting_id=None,
        seconds_to_resolve=13 * 86400,
    )
    deltas = deltas_of(event)
    assert deltas[(2025, "city")] == Counter(
        appeals_resolved=1, appeals_resolved_on_site=1, resolution_seconds=13 * 86400, m01_appeals_resolved=1
    )
    assert deltas[(2024, "city")] == Counter(appeals_resolved_of_submitted=1)


def test_a_second_resolution_after_reopening_counts_nothing():
    event = appeal_event(
        "AppealResolved",
        "2025-01-02T00:00:00Z",
        first=False,
        on_site=True,
        at_meeting=True,
        meeting_id="mtg_1",
        seconds_to_resolve=60,
    )
    assert deltas_of(event) == {}


def test_newly_active_volunteers_count_only_in_their_scopes():
    data = {
        **SCOPE,
        "activity_id": "act_1",
        "team_id": None,
        "field": "health",
        "started_at": "2025-05-01T01:00:00Z",
        "ended_at": "2025-05-01T03:00:00Z",
        "residents_served": 40,
        "participants": [
            {"volunteer_id": "vol_a", "hours_tenths": 15, "newly_active": ["city", "street", "community"]},
            {"volunteer_id": "vol_b", "hours_tenths": 20, "newly_active": ["community"]},
        ],
    }
    deltas = deltas_of(raw_event("volunteers", "ActivityLogged", data))
    common = {"activities": 1, "hours_tenths": 35, "activity_residents_served": 40, "field_health": 1}
    common |= {"m05_activities": 1, "m05_hours_tenths": 35, "m05_activity_residents_served": 40}
    assert deltas[(2025, "city")] == Counter(**common, volunteers_active=1)
    assert deltas[(2025, "street:st_xiaguan")] == Counter(**common, volunteers_active=1)
    assert deltas[(2025, "community:cm_ninghe")] == Counter(**common, volunteers_active=2)


def test_money_counts_by_its_date_and_beneficiaries_by_their_delta():
    base = {**SCOPE, "project_id": "prj_1", "kind": "care", "year": 2025}
    funding = raw_event(
        "projects",
        "FundingRecorded",
        {**base, "funding_id": "fnd_1", "source": "charity", "amount": 5000, "received_on": "2024-12-31"},
    )
    update = raw_event(
        "projects",
        "ProjectUpdated",
        {
            **base,
            "status": "in_progress",
            "previous_status": "planned",
            "beneficiaries_covered": 80,
            "beneficiaries_delta": -20,
            "at": "2025-06-01T00:00:00Z",
        },
    )
    total = summed([Counted(e.event_id, e.event_id, deltas_of(e)) for e in (funding, update)])
    assert total[(2024, "city")] == Counter(funding_total=5000, source_charity=5000, m12_funding_total=5000)
    assert total[(2025, "community:cm_ninghe")] == Counter(beneficiaries_covered=-20)


def test_an_unknown_event_type_is_refused():
    with pytest.raises(KeyError):
        deltas_of(raw_event("appeals", "AppealTeleported", {**SCOPE}))


def test_rates_are_null_without_a_denominator_and_rounded_otherwise():
    empty = figures({})
    assert (empty.appeals.resolution_rate, empty.appeals.satisfaction_avg, empty.appeals.avg_resolution_hours) == (
        None,
        None,
        None,
    )
    shown = figures(
        {
            "appeals_submitted": 3,
            "appeals_resolved_of_submitted": 2,
            "appeals_resolved": 2,
            "resolution_seconds": 5 * 3600 + 7200,
            "ratings": 3,
            "rating_sum": 13,
            "ratings_high": 2,
            "hours_tenths": 12345,
            "funding_total": 100,
            "source_fiscal": 100,
        }
    )
    assert shown.appeals.resolution_rate == 0.6667
    assert shown.appeals.satisfaction_avg == 4.33
    assert shown.appeals.satisfaction_rate == 0.6667
    assert shown.appeals.avg_resolution_hours == 3.5
    assert shown.volunteers.hours == 1234.5
    assert shown.projects.funding.by_source["fiscal"] == 100
    assert shown.projects.funding.by_source["charity"] == 0


def test_a_batch_is_cut_into_transactions_of_at_most_100_items():
    events = [
        Counted(f"evt_{n}", f"m{n}", {(2025, "city"): Counter(a=1), (2025, f"community:cm_{n % 44}"): Counter(a=1)})
        for n in range(100)
    ]
    chunks = list(_chunks(events))
    for chunk in chunks:
        keys = {key for e in chunk for key in e.deltas}
        assert len(chunk) + len(keys) <= MAX_TRANSACTION_ITEMS
    assert sum(len(c) for c in chunks) == 100 and len(chunks) == 2


@pytest.mark.parametrize(
    ("payload", "today", "expected"),
    [
        ({}, (2025, 6, 1), [2025]),
        ({}, (2026, 1, 3), [2025, 2026]),
        ({}, (2026, 1, 8), [2026]),
        ({"year": 2023}, (2026, 1, 3), [2023]),
    ],
)
def test_the_job_finalizes_last_year_in_the_first_week_of_january(payload, today, expected):
    assert years_to_compute(payload, *today) == expected


def test_the_job_refuses_an_absurd_year():
    with pytest.raises(ValueError, match="year"):
        years_to_compute({"year": 1066}, 2025, 1, 1)


def test_utc_now_is_not_used_for_event_years():
    # The year comes from the event's own time, not from when it is consumed.
    old = appeal_event("AppealReopened", "2022-06-01T00:00:00Z")
    assert set(deltas_of(old)) == {(2022, scope) for scope in ALL}
    assert datetime.now(UTC).year != 2022


def test_a_month_is_the_beijing_month_of_the_moment():
    # 2025-03-31T16:30Z is 00:30 on 1 April in Beijing: April, not March.
    event = raw_event(
        "appeals",
        "AppealClosed",
        {
            **SCOPE,
            "appeal_id": "apl_1",
            "category": "medical",
            "level": "community",
            "submitted_at": "2025-03-01T00:00:00Z",
            "at": "2025-03-31T16:30:00Z",
            "reason": "withdrawn",
        },
    )
    assert deltas_of(event)[(2025, "city")] == Counter(appeals_closed=1, m04_appeals_closed=1)


def test_monthly_figures_are_twelve_months_from_the_month_counters():
    counters = {"appeals_submitted": 3, "m01_appeals_submitted": 2, "m12_appeals_submitted": 1, "m07_hours_tenths": 15}
    result = months(2025, counters)
    assert [m.month for m in result] == [f"2025-{n:02d}" for n in range(1, 13)]
    assert [m.appeals.submitted for m in result] == [2] + [0] * 10 + [1]
    assert result[6].volunteers.hours == 1.5


# --- deadlines, supervision and merging ---------------------------------------------------------------


def test_a_first_response_in_time_counts_for_the_response_rate_and_later_actions_do_not():
    first = appeal_event("AppealAssigned", "2025-03-03T02:00:00Z", assignee="水务局", response_in_time=True)
    later = appeal_event("AppealAssigned", "2025-03-04T02:00:00Z", assignee="水务局", response_in_time=None)
    assert deltas_of(first)[(2025, "city")] == Counter(appeals_responded=1, appeals_responded_in_time=1)
    assert deltas_of(later) == {}


def test_a_late_first_response_counts_in_the_denominator_only():
    late = appeal_event("AppealClosed", "2025-03-05T02:00:00Z", reason="withdrawn", response_in_time=False)
    assert deltas_of(late)[(2025, "community:cm_ninghe")] == Counter(
        appeals_closed=1, m03_appeals_closed=1, appeals_responded=1
    )


def test_a_first_resolution_with_a_due_at_counts_for_the_on_time_rate():
    event = appeal_event(
        "AppealResolved",
        "2025-03-10T02:00:00Z",
        first=True,
        on_site=False,
        at_meeting=False,
        meeting_id=None,
        seconds_to_resolve=600,
        resolved_in_time=False,
    )
    counted = deltas_of(event)[(2025, "city")]
    assert (counted["appeals_resolved_with_due"], counted["appeals_resolved_in_time"]) == (1, 0)


def test_a_rating_counts_as_closed():
    assert deltas_of(appeal_event("AppealRated", "2025-03-10T02:00:00Z", satisfaction=5))[(2025, "city")] == Counter(
        ratings=1, rating_sum=5, ratings_high=1, appeals_closed=1, m03_appeals_closed=1
    )


def test_overdue_and_extended_count_each_appeal_once():
    overdue = {"deadline": "respond_by", "deadline_at": "2025-03-04T15:59:59Z"}
    first = appeal_event("AppealOverdue", "2025-03-05T00:00:00Z", first=True, **overdue)
    again = appeal_event("AppealOverdue", "2025-03-09T00:00:00Z", first=False, **overdue)
    extended = {"request_id": "ext_1", "days": 3, "due_at": "2025-03-12T15:59:59Z"}
    assert deltas_of(first)[(2025, "city")] == Counter(appeals_overdue=1)
    assert deltas_of(again) == {}
    assert deltas_of(appeal_event("AppealExtended", "2025-03-05T00:00:00Z", first=True, **extended))[
        (2025, "city")
    ] == Counter(appeals_extended=1)
    assert deltas_of(appeal_event("AppealExtended", "2025-03-06T00:00:00Z", first=False, **extended)) == {}


def test_a_merged_appeal_is_closed_merged_and_leaves_the_resolution_rate():
    event = appeal_event(
        "AppealMerged",
        "2025-01-03T00:00:00Z",
        submitted_at="2024-12-30T00:00:00Z",
        into="apl_2",
        previously_resolved=True,
        response_in_time=None,
    )
    deltas = deltas_of(event)
    assert deltas[(2025, "city")] == Counter(appeals_merged=1, appeals_closed=1, m01_appeals_closed=1)
    assert deltas[(2024, "city")] == Counter(appeals_merged_of_submitted=1, appeals_resolved_of_submitted=-1)


def test_the_deadline_rates_and_resolution_rate_without_merged():
    shown = figures(
        {
            "appeals_submitted": 5,
            "appeals_merged_of_submitted": 1,
            "appeals_resolved_of_submitted": 3,
            "appeals_responded": 4,
            "appeals_responded_in_time": 3,
            "appeals_resolved_with_due": 3,
            "appeals_resolved_in_time": 2,
            "appeals_merged": 1,
            "appeals_supervised": 2,
            "appeals_extended": 1,
            "appeals_overdue": 2,
        }
    ).appeals
    assert (shown.resolution_rate, shown.response_rate, shown.on_time_rate) == (0.75, 0.75, 0.6667)
    assert (shown.merged, shown.supervised, shown.extended, shown.overdue) == (1, 2, 1, 2)
    assert (shown.responded_in_time, shown.resolved_in_time) == (3, 2)
    assert (figures({}).appeals.response_rate, figures({}).appeals.on_time_rate) == (None, None)


def test_a_pairing_counts_by_the_year_of_its_dates_in_every_scope_and_registers_the_unit():
    from services.stats.dal.counters import Pairings, Unit
    from services.stats.logic.counting import facts_of

    scope = {"community_id": "cm_ninghe", "street_id": "st_xiaguan"}
    unit = {**scope, "member_unit_id": "mu_a", "kind": "agency", "joined_on": "2023-05-01"}
    joined = raw_event("complex", "MemberUnitJoined", {**unit, "at": "2025-01-02T00:00:00Z"})
    left = raw_event("complex", "MemberUnitLeft", {**unit, "left_on": "2025-12-31", "at": "2026-01-02T00:00:00Z"})
    assert deltas_of(joined)[Pairings("street:st_xiaguan")] == Counter(joined_2023=1, joined_2023_agency=1)
    assert deltas_of(joined)[(2023, "city")] == Counter(units_joined=1)
    assert deltas_of(left)[Pairings("city")] == Counter(left_2025=1, left_2025_agency=1)
    assert deltas_of(left)[(2025, "community:cm_ninghe")] == Counter(units_left=1)
    assert facts_of(left)[Unit("mu_a")] == {
        "community_id": "cm_ninghe",
        "street_id": "st_xiaguan",
        "kind": "agency",
        "joined_on": "2023-05-01",
        "left_on": "2025-12-31",
    }


def test_member_units_are_those_active_at_the_end_of_the_year():
    from services.stats.logic.figures import complex_figures

    pairings = {"joined_2023": 3, "joined_2023_agency": 3, "left_2024": 1, "left_2024_agency": 1, "joined_2025": 2}
    pairings |= {"joined_2025_other": 2, "sites_2024": 1, "sites_2024_childrens_home": 1}
    assert [complex_figures({}, pairings, year=y).member_units for y in (2022, 2023, 2024, 2025)] == [0, 3, 2, 4]
    shown = complex_figures({"appeals_to_units": 2}, pairings, year=2025)
    assert (shown.units_by_kind["agency"], shown.units_by_kind["other"], shown.appeals_to_units) == (2, 2, 2)
    assert complex_figures({}, pairings, year=2023).sites_by_kind["childrens_home"] == 0


def test_units_at_work_count_for_the_unit_and_for_the_scope_of_the_work():
    from services.stats.dal.counters import UnitYear

    assigned = appeal_event(
        "AppealAssigned",
        "2025-03-01T02:00:00Z",
        assignee="x",
        member_unit_id="mu_a",
        unit_first=True,
        appeal_first_unit=True,
    )
    again = appeal_event("AppealAssigned", "2025-04-01T02:00:00Z", assignee="x", member_unit_id="mu_a")
    assert deltas_of(assigned)[UnitYear(2025, "mu_a")] == Counter(appeals_assigned=1)
    assert deltas_of(assigned)[(2025, "city")] == Counter(appeals_to_units=1)
    assert deltas_of(again) == {}
    activity = {
        **SCOPE,
        "activity_id": "act_1",
        "team_id": None,
        "field": "health",
        "started_at": "2025-05-01T01:00:00Z",
        "ended_at": "2025-05-01T03:00:00Z",
        "residents_served": 12,
        "participants": [{"volunteer_id": f"v{n}", "hours_tenths": 25, "newly_active": []} for n in range(2)],
        "member_unit_ids": ["mu_a", "mu_b", "mu_a"],
    }
    deltas = deltas_of(raw_event("volunteers", "ActivityLogged", activity))
    assert (
        deltas[UnitYear(2025, "mu_a")]
        == deltas[UnitYear(2025, "mu_b")]
        == Counter(activities=1, hours_tenths=50, residents_served=12)
    )
    assert deltas[(2025, "city")]["activities_with_units"] == 1
