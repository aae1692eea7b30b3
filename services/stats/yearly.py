"""Yearly-metrics job (EventBridge Scheduler, daily 01:00 Asia/Shanghai): freeze, reconcile, store.

Input: ``{}`` on schedule — this year's report (``final: false``), and in the first week of January
last year's too (``final: true``); ``{"year": 2024}`` on demand — that year (final once it is over).
A run can be repeated: it recomputes from counters and tallies and overwrites the stored report.

Reads per year: one Query of counters (city, streets, communities), one of the scopes' pairings, one
Query of tallies per service, the member units' registry and figures of the year (a paged Query each)
and their names (BatchGetItem, 100 a request): they grow with the number of communities and units,
never with the number of records.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from services.common.config import get_settings
from services.common.data import tally
from services.common.domain import clock, years
from services.common.domain.contracts.tallies import TALLY_SOURCES
from services.common.observability import logger, metrics, traced
from services.stats.dal import counters, reports, units
from services.stats.logic import report as reporting

FINALIZE_UNTIL_DAY = 7  # of January: last year's report is finalized on each of these days


def years_to_compute(payload: dict[str, Any], today_year: int, today_month: int, today_day: int) -> list[int]:
    if payload.get("year") is not None:
        year = int(payload["year"])
        if not 2000 <= year <= 2100:
            raise ValueError("year must be between 2000 and 2100")
        return [year]
    if today_month == 1 and today_day <= FINALIZE_UNTIL_DAY:
        return [today_year - 1, today_year]
    return [today_year]


def unit_facts(year: int) -> tuple[dict[str, reporting.UnitFacts], dict[str, dict[str, int]]]:
    """Every unit the statistics know of, with its name from the complex's records, and the year's figures."""
    registry, counted = counters.read_units(year)
    named = units.names([*registry, *counted])
    facts = {}
    for unit_id in {*registry, *counted}:
        entry, ref = registry.get(unit_id), named.get(unit_id)
        facts[unit_id] = reporting.UnitFacts(
            name=ref.name if ref else "",
            kind=ref.kind if ref else (entry.kind if entry else ""),
            community_id=ref.community_id if ref else (entry.community_id if entry else ""),
            street_id=ref.street_id if ref else (entry.street_id if entry else ""),
            joined_on=date.fromisoformat(entry.joined_on) if entry else None,
            left_on=date.fromisoformat(entry.left_on) if entry and entry.left_on else None,
        )
    return facts, counted


def compute(year: int) -> reporting.Report:
    now = clock.utc_now()
    settings = get_settings()
    facts, counted = unit_facts(year)
    report = reporting.build(
        year,
        counters=counters.read_year(year),
        tallies={source: tally.read_year(source, year) for source in TALLY_SOURCES},
        computed_at=now,
        final=year < years.year_of(now),
        timezone=settings.report_timezone,
        pairings=counters.read_pairings(),
        units=reporting.units_of_year(year, facts, counted),
    )
    reports.save(
        year,
        json_text=report.model_dump_json(),
        csv_bytes=reporting.to_csv(report),
        units_csv=reporting.units_csv(report, facts),
    )
    metrics.add_metric(name="ReconciliationDrift", unit=MetricUnit.Count, value=len(report.reconciliation.drift))
    if report.reconciliation.drift:
        logger.warning(
            "reconciliation drift", year=year, drift=[d.model_dump() for d in report.reconciliation.drift[:50]]
        )
    logger.info("yearly report stored", year=year, final=report.final, drift=len(report.reconciliation.drift))
    return report


@logger.inject_lambda_context(clear_state=True)
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    today = years.local_date(clock.utc_now())
    done = []
    for year in years_to_compute(event or {}, today.year, today.month, today.day):
        report = compute(year)
        done.append({"year": year, "final": report.final, "drift": len(report.reconciliation.drift)})
    return {"reports": done}
