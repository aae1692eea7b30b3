import pytest

from services.common.domain.ids import is_id, new_id


def test_new_id_has_prefix_and_ulid():
    value = new_id("apl")
    assert value.startswith("apl_") and len(value) == 4 + 26
    assert is_id(value, "apl")


def test_new_ids_sort_by_creation_time():
    first, second = new_id("apl"), new_id("apl")
    assert first[:14] <= second[:14]  # the 48-bit millisecond time comes first


def test_is_id_refuses_other_types_and_junk():
    assert not is_id(new_id("vol"), "apl")
    assert not is_id("apl_not-a-ulid", "apl")
    assert not is_id("apl_01J" + "I" * 23, "apl")  # I is not in Crockford's alphabet


def test_new_id_refuses_unknown_prefix():
    with pytest.raises(ValueError, match="unknown id prefix"):
        new_id("xyz")
