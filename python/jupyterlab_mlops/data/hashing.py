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

from ..confinement import readable

_CHUNK = 1 << 20


def data_files(path: Path) -> list[Path]:
    """The files DVC would version at ``path``: the file itself, or every file under a folder
    (symlinks followed, like DVC; a link back to a folder already walked is skipped), sorted."""
    if not path.is_dir():
        return [path]
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()

    def fail(exc: OSError) -> None:
        raise exc

    for folder, dirs, names in os.walk(path, followlinks=True, onerror=fail):
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in seen:  # a symlink loop: do not walk it again
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs.sort()
        found.extend(Path(folder) / name for name in names)
    return sorted(found)


def dvc_info(file: Path) -> dict[str, int | float]:
    """A file's identity as DVC's state database keys it (inode, mtime, size)."""
    st = file.stat()
    return {"ino": st.st_ino, "mtime": st.st_mtime, "size": st.st_size}


def stat_signature(path: Path, files: Iterable[Path] | None = None) -> str:
    """A digest of every file's (relative name, size, mtime, ctime, inode): equal signatures
    mean the data was not touched since (ctime also moves when a tool restores the mtime)."""
    files = data_files(path) if files is None else files
    rows = []
    for file in files:
        st = file.stat()
        name = file.relative_to(path).as_posix() if file != path else ""
        rows.append([name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino])
    # a local cache key, never recorded: JSON of a list of lists is unambiguous (and fast)
    return hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()


def md5_files(files: Iterable[Path], progress: Callable[[int], None] | None = None) -> list[str]:
    """MD5 hex digest of each file's bytes; ``progress(n)`` is called with bytes read."""
    digests = []
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    for file in files:
        digest = hashlib.md5(usedforsecurity=False)
        with open(readable(file), "rb", buffering=0) as stream:
            while True:
                n = stream.readinto(buffer)
                if not n:
                    break
                digest.update(view[:n])
                if progress is not None:
                    progress(n)
        digests.append(digest.hexdigest())
    return digests
