"""A CSV file parsed on several threads, its batches handed back in file order.

pyarrow's streaming reader parses one block after the other on one thread, and hands each
batch back through Python. Here the file is cut into segments at line ends; a cut is a row
boundary only while no quote character came before it (a quoted value may hold a line end),
so each segment is checked for quote characters before it is parsed, and from the first
segment that holds one, the rest of the file is read as one stream. Segments are parsed whole
(one call each, outside the GIL) by a few workers, a few segments ahead of the reader.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

SEGMENT = 8 << 20  # bytes a worker parses in one call
_WORKERS = max(1, min(4, os.cpu_count() or 1))
_QUOTE = b'"'
_SEARCH = 1 << 20

#: ``open(stream, column_names, threads)``: pyarrow's CSV reader over ``stream`` with the read's
#: options, taking the column names from the first row when ``column_names`` is None
Opener = Callable[[Any, "list[str] | None", bool], Any]


def parallel_batches(
    file: Path, open_reader: Opener
) -> Iterator[tuple[pa.RecordBatch, int]] | None:
    """Each batch of ``file`` with the bytes read through it, in order; ``None`` when the file
    is too small to cut or its first segment holds a quote (read it as one stream then)."""
    import pyarrow as pa

    size = file.stat().st_size
    if size < 2 * SEGMENT:
        return None
    with open(file, "rb", buffering=0) as raw:
        first_end = _line_end(raw.fileno(), SEGMENT, size)
        first = os.pread(raw.fileno(), first_end, 0) if first_end < size else b""
    if not first or _QUOTE in first:  # no line end to cut at, or a quote before the cut
        return None
    head = open_reader(pa.BufferReader(first), None, False)
    if not all(pa.types.is_string(t) for t in head.schema.types):
        return None  # a column typed from its values: the segments could disagree
    return _batches(file, size, first_end, head, open_reader)


def _batches(
    file: Path, size: int, first_end: int, head: Any, open_reader: Opener
) -> Iterator[tuple[pa.RecordBatch, int]]:
    with open(file, "rb", buffering=0) as raw:
        yield from _segments(raw, size, first_end, head, open_reader)


def _segments(
    raw: Any, size: int, first_end: int, head: Any, open_reader: Opener
) -> Iterator[tuple[pa.RecordBatch, int]]:
    """The first segment's batches, then each next segment's, parsed ahead by the workers."""
    import pyarrow as pa

    fd, names = raw.fileno(), head.schema.names
    cuts = [0, first_end]

    def parse(start: int, end: int) -> pa.Table | None:
        data = os.pread(fd, end - start, start)
        if _QUOTE in data:
            return None
        return open_reader(pa.BufferReader(data), names, False).read_all()

    pool = ThreadPoolExecutor(_WORKERS, thread_name_prefix="mlops-csv")
    pending: deque[Future[pa.Table | None]] = deque()

    def submit() -> None:
        if cuts[-1] < size:
            cuts.append(_line_end(fd, cuts[-1] + SEGMENT, size))
            pending.append(pool.submit(parse, cuts[-2], cuts[-1]))

    try:
        for _ in range(_WORKERS):
            submit()
        for batch in head.read_all().to_batches():
            yield batch, cuts[1]
        done = 1
        while pending:
            table = pending.popleft().result()
            if table is None:  # a quote: from this segment on, the file is one stream
                for future in pending:
                    future.cancel()
                raw.seek(cuts[done])
                for batch in open_reader(raw, names, True):
                    yield batch, raw.tell()
                return
            done += 1
            submit()
            for batch in table.to_batches():
                yield batch, cuts[done]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _line_end(fd: int, offset: int, size: int) -> int:
    """The offset just after the first line end within 1 MiB from ``offset``, else the file's
    end (no line end there: the rest is one segment)."""
    if offset >= size:
        return size
    found = os.pread(fd, _SEARCH, offset).find(b"\n")
    return offset + found + 1 if found >= 0 else size
