"""The one clock every function reads "now" from, and the one way times are written out.

Every module calls ``clock.utc_now()`` (never a copy imported by name), so a test fixes the time for
all of them in this one place (the ``clock`` fixture in ``tests/conftest.py``).

``to_rfc3339(datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)) == "2024-01-02T03:04:05.678Z"``.

In AWS the clock is the system's. The local server can move it (``POST /_local/clock``), so a deadline
five working days away can be tested in seconds: ``set_now(moment)`` makes ``utc_now()`` answer
``moment`` and keep ticking from there (the offset is kept, not a frozen instant, so two writes a moment
apart still get different times and listings stay in order); ``set_now(None)`` is the real clock again.
Nothing in a deployed function calls ``set_now``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_offset = timedelta(0)


def utc_now() -> datetime:
    return datetime.now(UTC) + _offset


def set_now(moment: datetime | None) -> datetime:
    """Move the clock so that now is ``moment`` (an aware datetime), or back to the real time; returns now."""
    global _offset
    _offset = timedelta(0) if moment is None else moment.astimezone(UTC) - datetime.now(UTC)
    return utc_now()


def is_moved() -> bool:
    return _offset != timedelta(0)


def to_rfc3339(moment: datetime) -> str:
    """UTC with ``Z`` and milliseconds: ``2024-01-02T03:04:05.678Z``. Sorts as text in time order."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
