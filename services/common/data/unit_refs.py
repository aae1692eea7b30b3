"""A writer's checks of the member units a request names, before its transaction (``member_units``).

The transaction's ``member_units.paired`` check is what makes a reference safe; these only answer early and
name the field (``member_unit_id``, ``member_unit_ids[2]``), and read the unit when the writer needs its name::

    unit = unit_refs.paired_or_422(body.member_unit_id, field="member_unit_id")   # one GetItem
    errors = unit_refs.id_errors(body.member_unit_ids, field="member_unit_ids")    # no read: form and repeats
"""

from __future__ import annotations

from collections.abc import Sequence

from services.common.data import member_units
from services.common.data.member_units import UnitRef
from services.common.domain.errors import FieldError, InvalidInput

ID_PREFIX = "mu_"  # new_id("mu"); only the prefix is checked, so ids made elsewhere (demo data) still resolve
NOT_PAIRED = "No member unit with this id is paired now (unknown, or its pairing has ended)."


def paired_or_422(member_unit_id: str, *, field: str) -> UnitRef:
    """The unit, if it exists and is paired; else ``InvalidInput`` naming ``field``."""
    unit = member_units.get(member_unit_id) if member_unit_id.startswith(ID_PREFIX) else None
    if unit is None or not unit.paired:
        raise InvalidInput.field(field, NOT_PAIRED)
    return unit


def id_errors(member_unit_ids: Sequence[str], *, field: str) -> list[FieldError]:
    """``field[n]`` for each id that is not a member unit id or is listed twice (a transaction may check an
    item once only)."""
    errors = []
    for n, unit_id in enumerate(member_unit_ids):
        if not unit_id.startswith(ID_PREFIX):
            errors.append(FieldError(f"{field}[{n}]", "This is not a member unit id."))
        elif unit_id in member_unit_ids[:n]:
            errors.append(FieldError(f"{field}[{n}]", "Listed twice."))
    return errors
