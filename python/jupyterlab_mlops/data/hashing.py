"""Content hashes of data (the MD5 that DVC records) and cheap "has it changed?" signatures.

DVC 3 identifies a file by the MD5 of its bytes. :func:`md5_files` computes exactly that, one
read per file, reporting progress in bytes; the result is handed to DVC's state database so
that DVC does not read the data a second time to hash it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

_CHUNK = 1 << 20


def data_files(path: Path) -> list[Path]:
    """The files DVC would version at ``path``: the file itself, or every file under a folder
    (symlinks followed, like DVC), sorted."""
    if not path.is_dir():
        return [path]
    found: list[Path] = []
    for folder, dirs, names in os.walk(path, followlinks=True):
        dirs.sort()
        found.extend(Path(folder) / name for name in names)
    return sorted(found)


def stat_signature(path: Path, files: Iterable[Path] | None = None) -> str:
    """A digest of every file's (relative name, size, mtime, inode): equal signatures mean the
    data was not touched since (the same test DVC's own state uses)."""
    files = data_files(path) if files is None else files
    rows = []
    for file in files:
        st = file.stat()
        name = file.relative_to(path).as_posix() if file != path else ""
        rows.append([name, st.st_size, st.st_mtime_ns, st.st_ino])
    # a local cache key, never recorded: JSON of a list of lists is unambiguous (and fast)
    return hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()


def md5_files(files: Iterable[Path], progress: Callable[[int], None] | None = None) -> list[str]:
    """MD5 hex digest of each file's bytes; ``progress(n)`` is called with bytes read."""
    digests = []
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    for file in files:
        digest = hashlib.md5(usedforsecurity=False)
        with open(file, "rb", buffering=0) as stream:
            while True:
                n = stream.readinto(buffer)
                if not n:
                    break
                digest.update(view[:n])
                if progress is not None:
                    progress(n)
        digests.append(digest.hexdigest())
    return digests
