"""Reading and appending the ledger file safely from many processes.

* Appends hold an exclusive file lock (``.mlops/ledger.lock``) while they write one
  newline-terminated line with a single ``write``, then release it and ``fsync`` before
  returning: an acknowledged entry is on disk. Writers in flight share their ``fsync``s
  (group commit, ``durable.py``); see "Durability" in ``docs/architecture.md``.
* A process killed mid-append can leave a torn last line. Readers ignore bytes after the last
  newline; the next writer (holding the lock, so nobody else can be writing) repairs it: a
  complete entry that only lacks its newline is kept, anything else is moved to
  ``.mlops/cache/torn/`` and cut off. A torn tail is never reported as tampering.
* Reads are incremental: a ``Ledger`` remembers how many bytes it has parsed, the file's
  inode and the last line it parsed, so a refresh parses only what was appended since. It
  starts over when the file was replaced (git checkout, merge) or that last line is no longer
  where it was (the file was rewritten). Catching every in-place edit is ``verify``'s job.
"""

from __future__ import annotations

import datetime as _dt
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..confinement import readable
from ..errors import LedgerBusyError, MlopsError, NotFoundError
from .durable import AppendFile, LockTimeout, WriterLock
from .entry import Entry, MalformedEntry, decode, new_entry
from .index import Index, IndexMismatch, read_entries
from .tip import Tip, follow_lines, last_entry, read_note

#: the read index, in the project's git-ignored cache folder
INDEX_FILE = "ledger-index.sqlite"
_DECODED_MAX = 4096  # decoded entries kept for the next read
#: the newest entries appended or followed here kept by hash (older ones are found through
#: the index), so a process that only appends keeps a bounded number of them
_RECENT_MAX = 1024
_STREAM_BATCH = 1000  # entries decoded at a time when all of them are read

_LOCK_TIMEOUT_S = 30.0


def utc_now() -> str:
    """Current UTC time, ISO 8601 with microseconds and a ``Z``."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")[:-6] + "Z"


class Ledger:
    """An incrementally read, lock-protected view of one ledger file.

    Use :func:`open_ledger` to share one instance per file within a process.
    """

    def __init__(self, path: Path, lock_path: Path, torn_dir: Path) -> None:
        self.path = path
        self.lock_path = lock_path
        self.torn_dir = torn_dir
        self._mutex = threading.RLock()
        self._lock = WriterLock(lock_path)
        self._file = AppendFile(path)
        # the descriptors kept for appends close with the view (or on close())
        self._closer = weakref.finalize(self, _close_kept, self._lock, self._file)
        self._reset()

    # ----------------------------------------------------------------- reading
    def _reset(self) -> None:
        self._index = Index(self.path, self.path.parent / "cache" / INDEX_FILE)
        self._by_hash = _ByHash(self)  # entries by hash, looked up in the index
        self._heads: dict[str, None] = {}  # insertion-ordered set of entries nobody builds on
        self._problems: list[str] = []
        self._count = 0  # entries (lines that are well-formed, not duplicates)
        self._lines = 0  # complete lines parsed
        self._offset = 0  # bytes parsed (always just after a newline)
        self._anchor = b""  # the last line parsed, which must still end at _offset
        self._stat_key: tuple[int, ...] | None = None  # (dev, ino, size, mtime_ns, ctime_ns)
        self._torn_bytes = 0
        self._recent: dict[str, Entry] = {}  # the newest appended or followed here (_remember)
        self._index_behind = False  # the view went past the index (the next read syncs it)
        self._decoded: OrderedDict[tuple[int, str], Entry] = OrderedDict()

    def refresh(self, *, force: bool = False) -> None:
        """Catch up with whatever was appended since the last read (cheap when nothing changed).

        The index (:mod:`.index`) parses only what was appended since it last saw the file, and
        starts over when the file was replaced (git checkout, merge) or rewritten. ``force``
        skips the "file unchanged" shortcut (writers use it under the lock: a file rewritten
        within one timestamp tick keeps its size and times).
        """
        with self._mutex:
            try:
                st = os.stat(self.path)
            except FileNotFoundError as exc:
                raise NotFoundError(
                    f"ledger file missing: {self.path}", "restore .mlops/ledger.jsonl from git"
                ) from exc
            key = _stat_key(st)
            if key == self._stat_key and not force and not self._index_behind:
                return
            readable(self.path)
            state = self._index.sync(st, self._problems, (self._offset, self._anchor))
            if not state.continued:
                self._decoded.clear()  # another file, parsed anew, or changed by others
            self._heads = state.heads
            self._count, self._lines = state.count, state.lines
            self._offset, self._anchor = state.offset, state.anchor
            self._torn_bytes = max(st.st_size - state.offset, 0)
            self._recent, self._index_behind = {}, False
            self._stat_key = key

    def _add(self, entry: Entry) -> None:
        """Account for an entry this process just appended (the index parses it on next read)."""
        self._remember(entry)
        self._count += 1
        for parent in entry.parents:
            self._heads.pop(parent, None)
        self._heads[entry.hash] = None

    def _remember(self, entry: Entry) -> None:
        """Keep a new entry by hash until the index has it (the oldest go first: heads, the
        newest entries, stay; an entry no longer kept is found through the index)."""
        self._recent[entry.hash] = entry
        self._index_behind = True
        if len(self._recent) > _RECENT_MAX:
            del self._recent[next(iter(self._recent))]

    def _decode(self, rows: list[tuple[int, int, int, str]]) -> list[Entry]:
        """The entries the index rows name, decoded from the file (recent ones kept)."""
        found: list[Entry] = []
        missing: list[tuple[int, int, int, str]] = []
        for row in rows:
            cached = self._decoded.get((row[1], row[3]))
            if cached is None:
                missing.append(row)
        fresh = {(e.line, e.hash): e for e in read_entries(self.path, missing)}
        for line, off, _length, entry_hash in rows:
            entry = self._decoded.get((off, entry_hash)) or fresh[(line, entry_hash)]
            self._decoded[(off, entry_hash)] = entry
            self._decoded.move_to_end((off, entry_hash))
            found.append(entry)
        while len(self._decoded) > _DECODED_MAX:
            self._decoded.popitem(last=False)
        return found

    def _query(self, ask: Callable[[], list[tuple[int, int, int, str]]]) -> list[Entry]:
        """Rows from the index, decoded; a lying index is rebuilt and asked again."""
        self.refresh()
        try:
            return self._decode(ask())
        except IndexMismatch:
            self._index.discard()
            self._decoded.clear()
            self.refresh(force=True)
            return self._decode(ask())

    def entries(self, kind: str | None = None, notebook: str | None = None) -> list[Entry]:
        """Entries in file order, optionally only one kind and/or one notebook (project-relative)."""
        with self._mutex:
            if kind is None and notebook is None:
                return list(self)
            return self._query(lambda: self._index.rows(self._lines, kind, notebook))

    def kind_counts(self, notebook: str | None = None) -> dict[str, int]:
        """How many entries of each kind (of one notebook), without decoding any."""
        with self._mutex:
            self.refresh()
            return self._index.kind_counts(self._lines, notebook)

    def get(self, entry_id: str) -> Entry:
        """Find an entry by its hash or a unique prefix of at least 6 hex digits."""
        with self._mutex:
            entry_id = entry_id.strip().lower()
            found = self._query(lambda: _some(self._index.row_of(entry_id, self._lines)))
            if found:
                return found[0]
            if len(entry_id) >= 6:
                rows = self._query(lambda: self._index.prefixed(entry_id, self._lines))
                if len(rows) == 1:
                    return rows[0]
                if len(rows) > 1:
                    raise MlopsError(
                        f"entry id {entry_id} is ambiguous", "give more characters of the id"
                    )
            raise NotFoundError(f"no ledger entry {entry_id}", "list ids with `mlops decisions`")

    @property
    def heads(self) -> list[str]:
        with self._mutex:
            self.refresh()
            return list(self._heads)

    @property
    def problems(self) -> list[str]:
        """Structural problems met while reading (run ``mlops verify`` for the full check)."""
        with self._mutex:
            self.refresh()
            return list(self._problems)

    @property
    def torn_bytes(self) -> int:
        """Bytes after the last newline: an append in progress or one cut short by a crash."""
        with self._mutex:
            self.refresh()
            return self._torn_bytes

    def __len__(self) -> int:
        with self._mutex:
            self.refresh()
            return self._count

    def __iter__(self) -> Iterator[Entry]:
        """Every entry in file order, decoded a batch at a time (memory stays bounded)."""
        with self._mutex:
            self.refresh()
            upto = self._lines
        after = 0
        while True:
            with self._mutex:
                batch = self._stream_batch(upto, after)
            if not batch:
                return
            yield from batch
            after = batch[-1].line

    def _stream_batch(self, upto: int, after: int) -> list[Entry]:
        rows = self._index.rows(upto, after=after, limit=_STREAM_BATCH)
        try:
            return list(read_entries(self.path, rows))
        except IndexMismatch:
            self._index.discard()
            self._decoded.clear()
            self.refresh(force=True)
            return list(
                read_entries(self.path, self._index.rows(upto, after=after, limit=_STREAM_BATCH))
            )

    # ---------------------------------------------------------------- writing
    def append(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        actor: str,
        notebook: dict[str, str] | None = None,
        links: Iterable[str] = (),
    ) -> Entry:
        """Append one entry durably and return it (it builds on every current head)."""
        entry, _ = self.append_once(kind, payload, actor=actor, notebook=notebook, links=links)
        return entry

    def append_once(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        actor: str,
        notebook: dict[str, str] | None = None,
        links: Iterable[str] = (),
        existing: Callable[[], Entry | None] | None = None,
    ) -> tuple[Entry, bool]:
        """Append unless ``existing()`` (asked under the lock) finds an equivalent entry.

        Returns the entry and whether it was appended now. Asking under the lock means two
        processes recording the same fact at once still record it once.
        """
        with self._mutex:
            self._acquire()
            try:
                self._repair_torn_tail()
                earlier = existing() if existing is not None else None
                if earlier is None:
                    parents = tuple(sorted(self._heads))
                    entry, line = new_entry(
                        kind=kind,
                        time=utc_now(),
                        actor=actor,
                        parents=parents,
                        n=max((self._by_hash[p].n for p in parents), default=-1) + 1,
                        notebook=notebook,
                        payload=payload,
                        links=tuple(links),
                        line=self._lines + 1,
                    )
                    self._write(entry, line)
            finally:
                self._lock.release()
        # outside the lock and the mutex, so that other writers' fsyncs and ours coalesce; it
        # also covers an ``earlier`` entry another writer may not have synced yet
        self._file.sync()
        return (entry, True) if earlier is None else (earlier, False)

    def _write(self, entry: Entry, line: bytes) -> None:
        """Under the lock, the view current: write the entry's line and follow it in the view."""
        st = self._file.append(line, self._offset)
        self._lines += 1
        self._add(entry)
        self._offset += len(line)
        self._anchor = line
        self._stat_key = _stat_key(st)
        if st.st_size == self._offset:  # the next writer may take this state from the note
            tip = Tip(st.st_dev, st.st_ino, st.st_size, self._lines, self._count, len(line))
            self._lock.leave_note(tip.encode())

    def _acquire(self) -> None:
        try:
            self._lock.acquire(_LOCK_TIMEOUT_S)
        except LockTimeout as exc:
            raise LedgerBusyError(
                "the ledger stayed locked by another process",
                "another mlops command is writing; try again in a moment",
            ) from exc
        except FileNotFoundError:  # no .mlops folder to hold the lock: refresh names the ledger
            self.refresh(force=True)
            raise

    def close(self) -> None:
        """Close the files this view keeps open: for its appends (none may be in progress) and
        its read index. The view still reads; a later read or append opens them again.
        """
        with self._mutex:
            _close_kept(self._lock, self._file)
            self._index.close()

    def repair(self) -> int:
        """Repair a torn tail now, under the lock; returns how many bytes were cut off."""
        with self._mutex:
            self._acquire()
            try:
                return self._repair_torn_tail()
            finally:
                self._lock.release()

    def _repair_torn_tail(self) -> int:
        """Under the lock: finish or cut off a line left incomplete by a killed writer.

        Returns the number of bytes cut off (they are kept in ``.mlops/cache/torn/``).
        """
        if not self._followed_under_lock():
            self.refresh(force=True)
        if not self._torn_bytes:
            return 0
        with open(self.path, "r+b") as stream:
            stream.seek(self._offset)
            tail = stream.read()
            try:
                decode(tail, 0)
            except MalformedEntry:
                self.torn_dir.mkdir(parents=True, exist_ok=True)
                saved = self.torn_dir / f"{utc_now().replace(':', '')}-{os.getpid()}.bin"
                saved.write_bytes(tail)
                stream.truncate(self._offset)
                cut = len(tail)
            else:  # a whole entry that only lacks its newline: keep it
                stream.seek(0, os.SEEK_END)
                stream.write(b"\n")
                cut = 0
            stream.flush()
            os.fsync(stream.fileno())
        self.refresh()
        return cut

    def _followed_under_lock(self) -> bool:
        """Under the lock: bring the view to the file's end without the read index, if it can.

        True when the file is still exactly what this view parsed (the same inode, the last
        parsed line where it was: a file rewritten within one timestamp tick keeps its size and
        times, not its last line), or when it merely grew and the view could follow: by the
        last writer's tip note, else by decoding the new lines (:mod:`.tip`). Writers thus
        never write the sqlite index under the ledger lock; it catches up at the next read.
        False means ``refresh(force=True)`` must rebuild the view through the index.
        """
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return False  # refresh says so
        stream = self._file.stream(st)
        if not (self._anchor and st.st_size >= self._offset and self._prefix_intact(stream, st)):
            return False
        if st.st_size == self._offset:
            self._torn_bytes = 0
        elif not (self._jump_to_tip(stream, st) or self._follow(stream, st.st_size)):
            return False
        self._stat_key = _stat_key(st)
        return True

    def _jump_to_tip(self, stream: BinaryIO, st: os.stat_result) -> bool:
        """Take the state the last writer's note describes, if it is this file as it is now."""
        tip = read_note(self._lock.note())
        if tip is None or (tip.dev, tip.ino, tip.size) != (st.st_dev, st.st_ino, st.st_size):
            return False
        if tip.lines <= self._lines:
            return False
        raw = os.pread(stream.fileno(), tip.last, tip.size - tip.last)
        last = last_entry(raw, tip)
        if last is None:
            return False
        self._heads = {last.hash: None}  # it built on every head before it
        self._remember(last)
        self._lines, self._count, self._offset = tip.lines, tip.count, tip.size
        self._anchor, self._torn_bytes = raw, 0
        return True

    def _follow(self, stream: BinaryIO, size: int) -> bool:
        """Decode the complete lines between the parsed end and ``size`` into the view."""
        data = os.pread(stream.fileno(), size - self._offset, self._offset)
        followed = follow_lines(data, self._lines + 1, self._known)
        if followed is None:
            return False
        entries, end = followed
        for entry in entries:
            self._lines += 1
            self._add(entry)
        if entries:
            self._anchor = data[data.rfind(b"\n", 0, end - 1) + 1 : end]
        self._offset += end
        self._torn_bytes = len(data) - end
        return True

    def _known(self, entry_hash: str) -> bool:
        # no index lookups here: they would sync it under the lock
        return entry_hash in self._recent or entry_hash in self._heads

    def _prefix_intact(self, stream: BinaryIO, st: os.stat_result) -> bool:
        """Is the last line this view parsed still where it was, in the same file?"""
        if (
            self._stat_key is None
            or self._stat_key[:2] != (st.st_dev, st.st_ino)
            or st.st_size < self._offset
        ):
            return False
        at = self._offset - len(self._anchor)
        return os.pread(stream.fileno(), len(self._anchor), at) == self._anchor


def _close_kept(lock: WriterLock, file: AppendFile) -> None:
    lock.close()
    file.close()


class _ByHash:
    """``ledger._by_hash[h]`` / ``h in ledger._by_hash``, answered by the index."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    def _find(self, entry_hash: str) -> Entry | None:
        ledger = self._ledger
        if entry_hash in ledger._recent:
            return ledger._recent[entry_hash]
        found = ledger._query(lambda: _some(ledger._index.row_of(entry_hash, ledger._lines)))
        return found[0] if found else None

    def __contains__(self, entry_hash: object) -> bool:
        return isinstance(entry_hash, str) and self._find(entry_hash) is not None

    def __getitem__(self, entry_hash: str) -> Entry:
        found = self._find(entry_hash)
        if found is None:
            raise KeyError(entry_hash)
        return found


def _some(row: tuple[int, int, int, str] | None) -> list[tuple[int, int, int, str]]:
    return [row] if row is not None else []


def _stat_key(st: os.stat_result) -> tuple[int, ...]:
    # ctime changes on every write and cannot be set back by tools that preserve mtime
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


_OPEN: dict[Path, Ledger] = {}
_OPEN_LOCK = threading.Lock()


def open_ledger(mlops_dir: Path) -> Ledger:
    """The process-wide ``Ledger`` for a project's ``.mlops`` folder."""
    mlops_dir = mlops_dir.resolve()
    with _OPEN_LOCK:
        ledger = _OPEN.get(mlops_dir)
        if ledger is None:
            ledger = Ledger(
                mlops_dir / "ledger.jsonl", mlops_dir / "ledger.lock", mlops_dir / "cache" / "torn"
            )
            _OPEN[mlops_dir] = ledger
        return ledger
