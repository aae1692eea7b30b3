"""A little demo data for ``canger serve`` (not with ``--empty``).

It goes in through the HTTP API itself, as a community worker would enter it, so demo data obeys
every rule that real data does. Each service adds its records here as it lands; the directory's
reference data needs no seeding.
"""

from __future__ import annotations

from typing import Any

SEEDS: list[Any] = []


def seed(stack: Any) -> None:
    for step in SEEDS:
        step(stack)
