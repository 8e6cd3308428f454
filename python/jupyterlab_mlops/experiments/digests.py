"""Content digests of what an analysis was computed from (a model, a DataFrame, an array), for
report ids and cache keys: joblib's hash of the pickled object, or, for what pickle refuses
(a lambda in a pipeline, a local class), cloudpickle's bytes, or, for what no pickler takes (a
model holding a lock or an open file), a digest of its class, its repr (memory addresses
dropped) and the digests of its attributes, each taken the same way: prefixed ``approx-``,
since the parts no pickler takes are known only by their type."""

from __future__ import annotations

import hashlib
import re
from typing import Any

#: how deep the attribute-by-attribute digest goes into an object no pickler takes
DEPTH = 4
APPROXIMATE = "approx-"
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def digest(value: Any) -> str:
    """A digest of ``value``: its content when it can be pickled, else ``approx-...``."""
    exact = _pickled(value)
    if exact is not None:
        return exact
    return APPROXIMATE + _sha1(_described(value, DEPTH))


def is_exact(value_digest: str) -> bool:
    """Whether a digest is of the whole content (not ``approx-``)."""
    return not value_digest.startswith(APPROXIMATE)


def _pickled(value: Any) -> str | None:
    import joblib

    try:
        return str(joblib.hash(value, hash_name="sha1"))
    except Exception:  # pickle raises many types (PicklingError, TypeError, ...)
        pass
    try:
        import cloudpickle
    except ImportError:  # pragma: no cover - a dependency of mlflow and shap
        return None
    try:
        return _sha1(cloudpickle.dumps(value, protocol=4))
    except Exception:
        return None


def _described(value: Any, depth: int) -> bytes:
    kind = type(value)
    head = f"{kind.__module__}.{kind.__qualname__}\n{_ADDRESS.sub('', _repr(value))}\n"
    parts = [head.encode("utf-8", "replace")]
    attributes = getattr(value, "__dict__", None)
    if depth > 0 and isinstance(attributes, dict):
        for name in sorted(map(str, attributes)):
            inner = attributes.get(name)
            exact = _pickled(inner)
            body = exact.encode() if exact is not None else _described(inner, depth - 1)
            parts.append(name.encode("utf-8", "replace") + b"=" + body + b"\n")
    elif depth > 0 and isinstance(value, list | tuple):
        for inner in value:
            exact = _pickled(inner)
            parts.append(exact.encode() if exact is not None else _described(inner, depth - 1))
    return b"".join(parts)


def _repr(value: Any) -> str:
    try:
        return repr(value)
    except Exception:  # a broken __repr__ still gets a digest
        return "<no repr>"


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()
