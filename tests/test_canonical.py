"""Canonical hashing: different values never share a digest input (DESIGN ledger rule 6)."""

from __future__ import annotations

import json

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_mlops.canonical import _plain, canonical_and_sorted, canonical_bytes, sha256_hex
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


# ---------------------------------------------------------------- the fast path is exact
_keys = st.text(max_size=8) | st.sampled_from(["a", "é", "\U0001f600", "\ue000", "\x7f", ""])
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) - 2, max_value=2**53 + 2)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.sampled_from([0.5, -0.0, 1.0, 1e21, 1e-7, 123456.789, 2**53 + 0.0, "\ud800", 'a\x00"\\'])
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(_keys, inner, max_size=4)
    ),
    max_leaves=20,
)


def _reference(value: object) -> bytes | str:
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        return f"error {type(exc).__name__}"


@settings(max_examples=3000, deadline=None)
@given(_values)
def test_fast_path_is_byte_identical_to_rfc8785(value: object) -> None:
    expected = _reference(value)
    if isinstance(expected, str):  # rfc8785 refuses it: so must we, with one clear error
        with pytest.raises(MlopsError, match="cannot be recorded"):
            canonical_bytes(value)
        return
    assert canonical_bytes(value) == expected
    exact, text = canonical_and_sorted(value)
    assert exact == expected
    assert text == json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def test_the_fast_path_takes_the_common_values_and_leaves_the_rest() -> None:
    assert _plain({"i": 1, "t": "é", "l": [None, True, 0.25], "d": {"k": ""}})
    for value in (1.0, 1e21, -0.0, 2**53, {"\U0001f600": 1}, {1: 2}, float("nan")):
        assert not _plain(value)
    # RFC 8785 sorts keys by UTF-16 code units: beyond the BMP that differs from code points
    assert canonical_bytes({"\U0001f600": 1, "\ue000": 2}) == rfc8785.dumps(
        {"\U0001f600": 1, "\ue000": 2}
    )
