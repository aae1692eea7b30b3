"""Opaque identifiers: a short type prefix and a ULID, e.g. ``apl_01JD3J4ZQ6X8M3V0S5T7K2B9RC``.

ULIDs sort by creation time, which keeps listings newest-first without a separate sort key.
"""

from __future__ import annotations

import re

from ulid import ULID

PREFIXES = frozenset({"apl", "mtg", "vol", "team", "act", "prj", "fnd", "dsb", "ses", "evt", "ext", "mu", "site"})
_ULID = r"[0-9A-HJKMNP-TV-Z]{26}"
_PATTERN = re.compile(rf"^(?P<prefix>[a-z]+)_(?P<ulid>{_ULID})$")


def new_id(prefix: str) -> str:
    """A new id of the given type: ``new_id("apl")`` → ``"apl_01JD…"``."""
    if prefix not in PREFIXES:
        raise ValueError(f"unknown id prefix {prefix!r}")
    return f"{prefix}_{ULID()}"


def is_id(value: str, prefix: str) -> bool:
    """Whether ``value`` is a well-formed id of type ``prefix`` (it may still not exist)."""
    match = _PATTERN.match(value)
    return match is not None and match.group("prefix") == prefix
