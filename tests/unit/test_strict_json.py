"""services.common.edge.strict_json: request JSON that cannot reach a 500 (API.md, "Bad input, precisely")."""

import pytest

from services.common.domain.errors import InvalidInput, MalformedRequest
from services.common.edge import strict_json


def fields(text: str) -> list[str]:
    with pytest.raises(InvalidInput) as refused:
        strict_json.loads(text)
    return [error.field for error in refused.value.errors]


def test_plain_json_is_read_as_json():
    assert strict_json.loads('{"a": [1, 2.5, "x\\n\\ty", null, true], "b": {"c": -0.0}}') == {
        "a": [1, 2.5, "x\n\ty", None, True],
        "b": {"c": 0},
    }


def test_an_integral_number_is_an_integer():
    assert strict_json.loads('{"a": 2.0, "b": 1e3, "c": 2.5}') == {"a": 2, "b": 1000, "c": 2.5}
    assert type(strict_json.loads('{"a": 2.0}')["a"]) is int


@pytest.mark.parametrize("depth", [33, 5_000, 200_000])
def test_nesting_deeper_than_32_is_malformed_before_parsing(depth):
    with pytest.raises(MalformedRequest):
        strict_json.loads("[" * depth + "]" * depth)


def test_32_levels_are_read_and_brackets_in_strings_do_not_count():
    assert strict_json.loads("[" * 32 + "]" * 32) is not None
    assert strict_json.loads('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\"["}') == {"a": "[" * 40 + '"['}


def test_a_repeated_key_is_malformed_at_any_depth():
    with pytest.raises(MalformedRequest):
        strict_json.loads('{"a": {"b": 1, "b": 2}}')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"n": 1000000000000001}', ["n"]),
        ('{"n": -1000000000000001}', ["n"]),
        ('{"n": ' + "1" * 5_000 + "}", ["n"]),
        ('{"a": [0, 1e16]}', ["a[1]"]),
        ('{"a": {"lat": 1e-200}}', ["a.lat"]),
        ('{"a": {"lat": 1e-400}}', ["a.lat"]),
        ('{"x": NaN, "y": Infinity, "z": -Infinity}', ["x", "y", "z"]),
        ('{"t": "a\\u0000b"}', ["t"]),
        ('{"t": ["ok", "a\\rb"]}', ["t[1]"]),
        ('{"t": "\\u009b"}', ["t"]),
        ('{"t": "\\ud800"}', ["t"]),
        ('{"\\u0001": 1}', ["body"]),
    ],
)
def test_numbers_and_text_no_field_may_hold_are_named(text, expected):
    assert fields(text) == expected


def test_limits_are_inclusive_and_zero_is_zero():
    assert strict_json.loads('{"a": 1000000000000000, "b": -1e15, "c": 0e-999, "d": 1e-130}') == {
        "a": 10**15,
        "b": -(10**15),
        "c": 0,
        "d": 1e-130,
    }


def test_a_pair_of_surrogates_is_one_character_not_a_lone_one():
    assert strict_json.loads('{"t": "\\ud83d\\ude00"}') == {"t": "😀"}


@pytest.mark.parametrize("text", ["", "{", '{"a": 1,}', "[1] [2]", "{'a': 1}"])
def test_what_is_not_json_is_malformed(text):
    with pytest.raises(MalformedRequest):
        strict_json.loads(text)
