"""Hours as whole tenths: what keeps volunteer totals exact."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from services.common.domain.hours import Hours, from_tenths, to_tenths


class Sample(BaseModel):
    hours: Hours


@pytest.mark.parametrize(("given_hours", "tenths"), [(2.5, 25), (3, 30), (0.1, 1), (24, 240), (1.0, 10)])
def test_hours_with_one_decimal_become_tenths(given_hours, tenths):
    assert to_tenths(Sample(hours=given_hours).hours) == tenths


@pytest.mark.parametrize("bad", [0, -1, 0.25, 0.30000000000000004, 24.1, "2.5", True, float("nan"), float("inf")])
def test_hours_that_are_not_positive_one_decimal_numbers_are_refused(bad):
    with pytest.raises(ValidationError):
        Sample(hours=bad)


def test_a_tenth_added_three_thousand_times_is_exactly_three_hundred_hours():
    total = sum(to_tenths(Sample(hours=0.1).hours) for _ in range(3000))
    assert from_tenths(total) == 300.0
    assert sum([0.1] * 3000) != 300.0  # what floats would have given


@given(st.lists(st.integers(min_value=1, max_value=240), max_size=500))
def test_any_sum_of_tenths_prints_as_its_exact_decimal(tenths):
    assert Decimal(str(from_tenths(sum(tenths)))) == Decimal(sum(tenths)) / 10
