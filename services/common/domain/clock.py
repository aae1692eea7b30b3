"""The one clock every function reads "now" from, and the one way times are written out.

Every module calls ``clock.utc_now()`` (never a copy imported by name), so a test fixes the time for
all of them in this one place (the ``clock`` fixture in ``tests/conftest.py``).

``to_rfc3339(datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)) == "2024-01-02T03:04:05.678Z"``.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_rfc3339(moment: datetime) -> str:
    """UTC with ``Z`` and milliseconds: ``2024-01-02T03:04:05.678Z``. Sorts as text in time order."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
