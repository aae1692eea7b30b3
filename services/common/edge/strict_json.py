"""Request JSON read strictly, so that no body a client can send reaches a 500 (API.md, "Bad input, precisely").

    loads('{"a": 1, "a": 2}')          → MalformedRequest (400): a repeated key
    loads("[" * 33 + "]" * 33)         → MalformedRequest (400): nested deeper than 32
    loads('{"n": 1e16}')               → InvalidInput (422) on "n": outside ±10^15
    loads('{"lat": 1e-200}')           → InvalidInput (422) on "lat": underflows to zero
    loads('{"t": "a\\u0000b"}')        → InvalidInput (422) on "t": a control character

Why each rule exists: Python's parser recurses once per level (a body of 1,000 brackets is a
RecursionError), converts any number of digits to an int (4,301 digits trip the int-to-str limit when
the value is logged or stored), keeps the last of repeated keys silently, and accepts ``NaN``; DynamoDB
stores numbers between 1e-130 and 1e126 with 38 digits, so ``1e-200`` fails deep inside boto3; and
text with NUL or a lone surrogate cannot be encoded as UTF-8 at all.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from services.common.domain.errors import FieldError, InvalidInput, MalformedRequest

MAX_DEPTH = 32
MAX_MAGNITUDE = 10**15
# The smallest magnitude DynamoDB stores; anything nearer zero (but not zero) would be lost.
MIN_MAGNITUDE = 1e-130
# C0 and C1 control characters except \t and \n, and any surrogate (only a lone one survives decoding).
_FORBIDDEN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


class _Rejected:
    """A number the parser could not keep; the walk below reports it with its field."""

    def __init__(self, message: str) -> None:
        self.message = message


def _depth_exceeds(text: str, limit: int) -> bool:
    # A linear scan before parsing: brackets inside strings do not count.
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise MalformedRequest(f"The key {json.dumps(key)[:80]} appears twice in one object.")
        result[key] = value
    return result


def _integer(literal: str) -> int | _Rejected:
    digits = literal.lstrip("-")
    if len(digits) > 16 or abs(int(digits)) > MAX_MAGNITUDE:
        return _Rejected("must be between -10^15 and 10^15")
    return int(literal)


def _float(literal: str) -> float | int | _Rejected:
    value = float(literal)
    mantissa = literal.lower().split("e")[0]
    literal_is_zero = not any(c in "123456789" for c in mantissa)
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        return _Rejected("must be between -10^15 and 10^15")
    if not literal_is_zero and abs(value) < MIN_MAGNITUDE:
        return _Rejected("is too close to zero to be kept (underflows to zero)")
    # JSON has one number type: 2.0 and 1e3 are the integers 2 and 1000 (as JSON Schema's "integer"
    # says), so an integer field takes them; a decimal field takes an int just as well.
    return int(value) if value.is_integer() else value


def _constant(name: str) -> _Rejected:
    return _Rejected(f"must be a finite number, not {name}")


def _path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def _problems(value: Any, where: str, found: list[FieldError]) -> None:
    if isinstance(value, _Rejected):
        found.append(FieldError(where or "body", value.message))
    elif isinstance(value, str):
        if _FORBIDDEN_TEXT.search(value):
            found.append(FieldError(where or "body", "must not hold control characters or lone surrogates"))
    elif isinstance(value, dict):
        for key, item in value.items():
            if _FORBIDDEN_TEXT.search(key):
                found.append(FieldError(where or "body", "has a key with a control character or lone surrogate"))
                continue
            _problems(item, _path(where, key), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _problems(item, _path(where, index), found)


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def has_surrogate(value: str) -> bool:
    return bool(_SURROGATE.search(value))


def text_problem(value: str) -> str | None:
    """Why a query or path value may not be used, or None: the same text rule as for bodies."""
    if _FORBIDDEN_TEXT.search(value):
        return "must not hold control characters or lone surrogates"
    return None


def loads(text: str) -> Any:
    """Parse ``text`` as request JSON. Raises ``MalformedRequest`` (400) or ``InvalidInput`` (422)."""
    if _depth_exceeds(text, MAX_DEPTH):
        raise MalformedRequest(f"The body is nested deeper than {MAX_DEPTH} levels.")
    try:
        parsed = json.loads(
            text,
            object_pairs_hook=_object,
            parse_int=_integer,
            parse_float=_float,
            parse_constant=_constant,
        )
    except (json.JSONDecodeError, RecursionError) as error:
        raise MalformedRequest("The body is not valid JSON.") from error
    found: list[FieldError] = []
    _problems(parsed, "", found)
    if found:
        raise InvalidInput(found)
    return parsed
