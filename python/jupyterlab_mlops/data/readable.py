"""Numbers and byte sizes as people read them (profile diffs, data views)."""

from __future__ import annotations

from typing import Any


def readable_number(value: Any) -> str:
    """``12,345`` for ints, four significant digits for small floats, no decimals for large."""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:.4g}"
    return str(value)


def readable_size(n: int) -> str:
    """Bytes in decimal units: ``512 B``, ``1.5 MB``."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"
