"""Canonical encoding and hashing (RFC 8785, JSON Canonicalization Scheme).

Every digest in the project (ledger entries, notebook fingerprints, approval bundles) is a
SHA-256 over the RFC 8785 encoding of a JSON value, never over concatenated strings, so two
different values can never share a digest input.

The reference encoder is the pure-Python ``rfc8785`` package. Most values take a fast path
instead: the standard library's C JSON encoder (sorted keys, no whitespace, UTF-8) gives the
very same bytes for values made only of ``None``, ``bool``, ``str``, ``int`` within RFC 8785's
exact range, plain ``float`` whose ``repr`` RFC 8785 keeps as it is, lists, tuples and dicts
whose keys are strings of the Basic Multilingual Plane (where code-point order is RFC 8785's
UTF-16 order). Anything else (other floats, subclasses, keys beyond the BMP, lone surrogates,
what cannot be encoded at all) goes to ``rfc8785``. ``tests/test_canonical.py`` checks the two
agree byte for byte on generated values.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .errors import MlopsError

_MAX_INT = 2**53 - 1  # RFC 8785 encodes integers exactly up to here (IEEE 754 doubles)
_SCALARS = frozenset({str, bool, type(None)})  # written alike by both (checked inline: most values)
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_bytes(value: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 encoding of a JSON-compatible value."""
    fast = _fast(value)
    return fast[1] if fast is not None else _reference(value)


def canonical_and_sorted(value: Any) -> tuple[bytes, str]:
    """``value``'s RFC 8785 encoding and its sorted compact JSON text (what
    ``json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` gives),
    encoded once when the two agree (ledger lines are that text)."""
    fast = _fast(value)
    if fast is not None:
        return fast[1], fast[0]
    exact = _reference(value)  # raises for what cannot be recorded
    return exact, _ENCODER.encode(value)


def _fast(value: Any) -> tuple[str, bytes] | None:
    """The standard encoder's text and bytes, if they are RFC 8785's; else None."""
    try:
        if _plain(value):
            text = _ENCODER.encode(value)
            return text, text.encode("utf-8")
    except (RecursionError, UnicodeEncodeError):  # too deep, or a lone surrogate: let rfc8785 say
        pass
    return None


def _reference(value: Any) -> bytes:
    import rfc8785

    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise MlopsError(
            f"value cannot be recorded: {exc}",
            "use plain JSON values: strings, finite numbers, booleans, null, lists and objects",
        ) from exc


def _plain(value: Any) -> bool:
    """True if the standard JSON encoder writes ``value`` exactly as RFC 8785 does."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or max(key) <= "\uffff"):
                return False
            if not (type(item) in _SCALARS or _plain(item)):
                return False
        return True
    if kind is list or kind is tuple:
        return all(type(item) in _SCALARS or _plain(item) for item in value)
    if kind is int:
        return -_MAX_INT <= value <= _MAX_INT
    if kind is float:
        # finite, no exponent and not integral: repr() is then RFC 8785's form (0.5, -12.25)
        text = repr(value)
        return value - value == 0 and "e" not in text and not text.endswith(".0")
    return kind in _SCALARS


def sha256_hex(value: Any) -> str:
    """SHA-256 hex digest of the canonical encoding of ``value``."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()
