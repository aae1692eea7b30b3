"""The one mapping between a stored record (a pydantic model of what a service keeps) and a DynamoDB item.

    item = records.to_item(record, **appeal_key(record.id), gsi1pk=..., gsi1sk=...)
    record = records.from_item(AppealRecord, item)

A record is the model's JSON form (times as RFC 3339 text, which sorts in time order; enums as their
values) with floats as ``Decimal`` (DynamoDB takes no float, and through ``str`` 25.6 stays 25.6) and
empty values left out (DynamoDB keeps no empty attributes). Reading back, numbers become ``int`` when
whole and ``float`` otherwise, and only the model's own fields are read, so keys and index attributes
stay in the data layer. What an API shows is a resource, made from a record by the service
(``record.to_resource()``), never stored as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def _storable(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _storable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_storable(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [_plain(v) for v in value]
    return value


def to_item(record: BaseModel, **keys: Any) -> dict[str, Any]:
    """The item storing ``record``, with its ``keys`` (pk, sk, index attributes)."""
    return {**_storable(record.model_dump(mode="json")), **keys}


def from_item(model: type[M], item: Mapping[str, Any]) -> M:
    """The ``model`` stored in ``item``. A nullable field left out when stored reads back as ``None``."""
    fields = {
        name: _plain(item.get(name)) for name, info in model.model_fields.items() if name in item or info.is_required()
    }
    return model.model_validate(fields)
