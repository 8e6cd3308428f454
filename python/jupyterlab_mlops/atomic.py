"""Writing a file whole or not at all: a temporary file beside it, flushed to disk (but for a
cache), renamed.

Readers see the old content or the new, never half of it; two writers never share a
temporary file; a failed write leaves no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) in one step.

    ``durable=False``: not flushed to disk first, for a cache whose reader ignores a file
    that a crash left empty or torn (readers still see the old content or the new)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
