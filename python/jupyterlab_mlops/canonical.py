"""Canonical encoding and hashing (RFC 8785, JSON Canonicalization Scheme).

Every digest in the project (ledger entries, notebook fingerprints, approval bundles) is a
SHA-256 over the RFC 8785 encoding of a JSON value, never over concatenated strings, so two
different values can never share a digest input.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .errors import MlopsError


def canonical_bytes(value: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 encoding of a JSON-compatible value."""
    import rfc8785

    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise MlopsError(
            f"value cannot be recorded: {exc}",
            "use plain JSON values: strings, finite numbers, booleans, null, lists and objects",
        ) from exc


def sha256_hex(value: Any) -> str:
    """SHA-256 hex digest of the canonical encoding of ``value``."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()
