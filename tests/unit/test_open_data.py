"""Open data pieces without AWS: exact yuan, the 360Giving JSON numbers, the Open311 window, rounding and XML."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.appeals.logic import open311
from services.appeals.models.open311 import to_xml
from services.common.domain.errors import InvalidInput
from services.common.domain.money import MAX_FEN
from services.projects.models.giving import package_json, yuan


@given(st.integers(min_value=1, max_value=MAX_FEN))
def test_yuan_is_exact_for_every_amount_of_fen(fen):
    amount = yuan(fen)
    assert amount * 100 == fen
    assert amount.as_tuple().exponent == -2


def test_package_json_writes_decimals_digit_for_digit():
    class Box:
        def model_dump(self, mode):
            return {"grants": [{"amountAwarded": yuan(1_000_000_000_000), "title": '加装电梯 "一期"'}]}

    text = package_json(Box())  # type: ignore[arg-type]
    assert text == '{"grants":[{"amountAwarded":10000000000.00,"title":"加装电梯 \\"一期\\""}]}'
    assert json.loads(text, parse_float=Decimal)["grants"][0]["amountAwarded"] == Decimal("10000000000.00")


NOW = datetime(2025, 6, 30, 4, 0, tzinfo=UTC)


@pytest.fixture
def now(clock):
    clock.now = NOW


def test_the_window_defaults_to_the_last_90_days(now):
    assert open311._window(None, None) == (NOW - timedelta(days=90), NOW)


def test_one_end_of_the_window_gives_90_days_from_it(now):
    start = datetime(2025, 1, 1, tzinfo=UTC)
    assert open311._window("2025-01-01T00:00:00Z", None) == (start, start + timedelta(days=90))
    assert open311._window(None, "2025-01-01T00:00:00Z") == (start - timedelta(days=90), start)


def test_bare_dates_and_times_without_offset_are_beijing_time(now):
    start, end = open311._window("2025-03-01", "2025-03-01")
    assert start == datetime(2025, 2, 28, 16, 0, tzinfo=UTC)
    assert end == datetime(2025, 3, 1, 15, 59, 59, 999000, tzinfo=UTC)
    assert open311._window("2025-03-01T08:00:00", None)[0] == datetime(2025, 3, 1, 0, 0, tzinfo=UTC)


def test_exactly_90_days_is_allowed_and_more_is_not(now):
    open311._window("2025-01-01T00:00:00Z", "2025-04-01T00:00:00Z")
    with pytest.raises(InvalidInput):
        open311._window("2025-01-01T00:00:00Z", "2025-04-01T00:00:00.001Z")


def test_open_means_every_status_but_closed():
    assert open311._statuses(["open"]) == ("submitted", "assigned", "escalated", "resolved")
    assert open311._statuses(["closed"]) == ("closed",)
    assert open311._statuses(["closed", "open"]) == ()
    assert open311._statuses([]) == ()


def test_coordinates_round_to_three_decimals():
    assert open311._rounded(Decimal("25.60712")) == 25.607
    assert open311._rounded(Decimal("100.2675")) == 100.268  # half to even
    assert open311._rounded(Decimal("-0.0004")) == 0.0
    assert open311._rounded(None) is None


def test_xml_escapes_what_a_title_may_hold():
    title = '<b>"停车" & </description><contact>x</contact>'
    text = to_xml("service_requests", "request", [{"description": title, "lat": 25.607, "zipcode": None}])
    (request,) = ElementTree.fromstring(text)  # noqa: S314 - our own output
    assert [(field.tag, field.text) for field in request] == [
        ("description", title),
        ("lat", "25.607"),
        ("zipcode", None),
    ]
