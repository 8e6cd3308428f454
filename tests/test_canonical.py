"""Canonical hashing: different values never share a digest input (DESIGN ledger rule 6)."""

from __future__ import annotations

import pytest

from jupyterlab_mlops.canonical import canonical_bytes, sha256_hex
from jupyterlab_mlops.errors import MlopsError


def test_rfc8785_key_order_and_numbers() -> None:
    # RFC 8785: keys sorted, no whitespace, ECMAScript number formatting
    assert (
        canonical_bytes({"b": 1, "a": [1.0, 1e21, 0.1, "é"]})
        == '{"a":[1,1e+21,0.1,"é"],"b":1}'.encode()
    )


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (["ab", "c"], ["a", "bc"]),  # what a plain concatenation would confuse
        ({"title": "a", "why": "b:c"}, {"title": "a:b", "why": "c"}),
        ({"k": "1"}, {"k": 1}),
        ([None], ["null"]),
        ({"a": {"b": 1}}, {"a.b": 1}),
    ],
)
def test_distinct_values_have_distinct_encodings_and_hashes(left: object, right: object) -> None:
    assert canonical_bytes(left) != canonical_bytes(right)
    assert sha256_hex(left) != sha256_hex(right)


def test_same_value_same_hash_whatever_the_key_order() -> None:
    assert sha256_hex({"x": 1, "y": [2, 3]}) == sha256_hex({"y": [2, 3], "x": 1})


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {1, 2}, object()])
def test_values_json_cannot_hold_are_a_clear_error(bad: object) -> None:
    with pytest.raises(MlopsError, match="cannot be recorded"):
        canonical_bytes({"v": bad})
