"""A rebuildable read index of the ledger file (``.mlops/cache/ledger-index.sqlite``).

The ledger file stays the only source of truth. The index (stdlib ``sqlite3``) remembers,
for every entry parsed, where its line sits (offset, length), its hash, kind, notebook and
sequence number, plus the heads, the problems met and how far the file was parsed: the
file's identity (device, inode), the byte offset just after the last parsed line, that last
line itself and the first line. A reader trusts it only when all of these still match the
file, parses only what was appended since, and rebuilds it from the file when anything
disagrees (git checkout, merge, an in-place edit that left the size unchanged, a truncation).

Entries are decoded lazily, from their line in the file, only when a caller asks for them
(by notebook, by kind, by hash); a decoded line must carry the hash the index names, else
the index is rebuilt. A damaged index (not a database, a wrong schema) is deleted and
rebuilt; where none can be written the index lives in memory. ``verify`` never reads it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..confinement import readable
from ..errors import ForbiddenError
from .entry import Entry, MalformedEntry, decode

SCHEMA = 1
_CHUNK = 4 << 20  # bytes read at a time while parsing
_BATCH = 2000  # lines indexed at a time
_ASK = 500  # hashes looked up in one query
_ANCHOR_MAX = 1 << 20
_WINDOW = 1 << 20  # bytes before the parsed end whose checksum the index keeps
_SETUP_WAIT_S = 2.0
_SYNC_WAIT_MS = 60_000

_DDL = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    line INTEGER PRIMARY KEY, off INTEGER NOT NULL, len INTEGER NOT NULL,
    hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, notebook TEXT, n INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS entries_notebook ON entries(notebook, line);
CREATE INDEX IF NOT EXISTS entries_kind ON entries(kind, line);
CREATE TABLE IF NOT EXISTS problems (seq INTEGER PRIMARY KEY, text TEXT NOT NULL);
"""


class IndexMismatch(Exception):
    """The index named a line the file does not hold: rebuild it."""


class State:
    """What a sync leaves the reader with (the index's ``meta``)."""

    __slots__ = (
        "anchor",
        "continued",
        "count",
        "crc",
        "first",
        "heads",
        "lines",
        "offset",
        "stat",
    )

    def __init__(self) -> None:
        self.offset = 0
        self.lines = 0
        self.count = 0
        self.crc = 0  # zlib.crc32 of the last _WINDOW bytes before ``offset``
        self.anchor = b""
        self.first = b""
        self.heads: dict[str, None] = {}
        self.stat: list[int] = []  # dev, ino, size, mtime_ns, ctime_ns at the last sync
        #: this sync went on from the caller's own last view (not stored): what the caller
        #: decoded before still stands
        self.continued = False

    def to_meta(self) -> dict[str, str]:
        return {
            "schema": str(SCHEMA),
            "offset": str(self.offset),
            "lines": str(self.lines),
            "count": str(self.count),
            "crc": str(self.crc),
            "anchor": self.anchor.hex(),
            "first": self.first.hex(),
            "heads": json.dumps(list(self.heads)),
            "stat": json.dumps(self.stat),
        }

    @classmethod
    def from_meta(cls, meta: dict[str, str]) -> State | None:
        state = cls()
        try:
            if int(meta["schema"]) != SCHEMA:
                return None
            state.offset, state.lines = int(meta["offset"]), int(meta["lines"])
            state.count, state.crc = int(meta["count"]), int(meta["crc"])
            state.anchor, state.first = bytes.fromhex(meta["anchor"]), bytes.fromhex(meta["first"])
            heads, stat = json.loads(meta["heads"]), json.loads(meta["stat"])
            if not (isinstance(heads, list) and all(isinstance(h, str) for h in heads)):
                return None
            if not (isinstance(stat, list) and all(isinstance(v, int) for v in stat)):
                return None
            state.heads = dict.fromkeys(heads)
            state.stat = stat
        except (KeyError, ValueError, TypeError):
            return None
        if state.offset < 0 or state.count > state.lines or len(state.anchor) > state.offset:
            return None
        return state


def _connect(path: Path | None) -> sqlite3.Connection:
    """Open the index. Setting it up waits briefly for others (an index replaced under a
    process that still has it open can stay locked: then it lives in memory); syncs wait long
    enough for another process's ingest of a long history."""
    db = sqlite3.connect(
        ":memory:" if path is None else str(path),
        timeout=_SETUP_WAIT_S,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        if path is not None:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # a cache: a lost commit is rebuilt
        db.executescript(_DDL)
        db.execute(f"PRAGMA busy_timeout={_SYNC_WAIT_MS}")
    except BaseException:
        db.close()
        raise
    return db


class Index:
    """The read index of one ledger file (on disk when it can be, else in memory)."""

    def __init__(self, ledger_path: Path, index_path: Path) -> None:
        self.ledger_path = ledger_path
        self.index_path = index_path
        self._db: sqlite3.Connection | None = None

    # ------------------------------------------------------------ connection
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        try:
            self.index_path.parent.mkdir(parents=True, exist_ok=True)
            readable(self.index_path.parent)  # never through a link out of the server's root
            try:
                return _connect(self.index_path)
            except sqlite3.DatabaseError as exc:  # damaged: not a database, or a foreign schema
                if _busy(exc):
                    raise  # in use by others as it is: not ours to delete
                self._delete()
                return _connect(self.index_path)
        except (OSError, sqlite3.Error, ForbiddenError):
            return _connect(None)  # read-only, locked for good or led out: keep it in memory

    def _delete(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.index_path}{suffix}")

    def close(self) -> None:
        """Close the connection (the index stays on disk; the next read opens it again)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def discard(self) -> None:
        """Forget the index (it is damaged): the next sync rebuilds it."""
        if self._db is not None:
            self._db.close()
            self._db = None
        self._delete()

    # ------------------------------------------------------------------ sync
    def sync(
        self, st: os.stat_result, problems_out: list[str], followed: tuple[int, bytes]
    ) -> State:
        """Bring the index up to the file's complete lines; return its state.

        ``problems_out`` receives every problem the index records (all of them, in order).
        ``followed`` is (offset, last line) of the caller's own last view of the file: an
        index at exactly that point is trusted on its last line alone, as a reader that
        followed the file trusts it; any other is trusted only if the file is unchanged since
        it was written or the last MiB it covers still has its checksum.
        """
        try:
            return self._sync(st, problems_out, followed)
        except sqlite3.DatabaseError as exc:
            if _busy(exc):  # others kept it locked past the wait: this process goes on in memory
                self.close()
                self._db = _connect(None)
            else:
                self.discard()
            return self._sync(st, problems_out, followed)

    def _sync(
        self, st: os.stat_result, problems_out: list[str], followed: tuple[int, bytes]
    ) -> State:
        db = self.db()
        db.execute("BEGIN IMMEDIATE")
        try:
            with open(self.ledger_path, "rb") as stream:
                state = self._trusted_state(db, stream, st, followed)
                if state is None:
                    db.execute("DELETE FROM entries")
                    db.execute("DELETE FROM problems")
                    state = State()
                else:
                    state.continued = followed == (state.offset, state.anchor)
                if state.offset < st.st_size:
                    self._ingest(db, stream, state)
                    state.crc = _crc_of(stream, state.offset)
            state.stat = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
            db.executemany(
                "INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", state.to_meta().items()
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        problems_out[:] = [t for (t,) in db.execute("SELECT text FROM problems ORDER BY seq")]
        return state

    def _trusted_state(
        self, db: sqlite3.Connection, stream: Any, st: os.stat_result, followed: tuple[int, bytes]
    ) -> State | None:
        meta = dict(db.execute("SELECT k, v FROM meta").fetchall())
        state = State.from_meta(meta) if meta else None
        if state is None or len(state.stat) != 5:
            return None
        if state.stat[:2] != [st.st_dev, st.st_ino] or st.st_size < state.offset:
            return None  # another file (checkout, merge) or cut short
        if st.st_size == state.stat[2] and state.stat[3:] != [st.st_mtime_ns, st.st_ctime_ns]:
            return None  # rewritten in place without growing
        if state.first:
            stream.seek(0)
            if stream.read(len(state.first)) != state.first:
                return None
        stream.seek(state.offset - len(state.anchor))
        if stream.read(len(state.anchor)) != state.anchor:
            return None
        unchanged = state.stat == [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
        if (
            not unchanged
            and followed != (state.offset, state.anchor)
            and _crc_of(stream, state.offset) != state.crc
        ):
            return None  # changed before the last line it parsed: parse it all again
        return state

    def _ingest(self, db: sqlite3.Connection, stream: Any, state: State) -> None:
        """Parse every complete line after ``state.offset`` into the index, a batch at a time."""
        stream.seek(state.offset)
        pending: list[bytes] = []  # complete lines, newline included
        held = 0  # their bytes
        carry = b""
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            data = carry + chunk
            end = data.rfind(b"\n") + 1
            carry = data[end:]
            start = 0
            while start < end:
                stop = data.index(b"\n", start) + 1
                pending.append(data[start:stop])
                held += stop - start
                start = stop
                if len(pending) >= _BATCH or held >= _CHUNK:
                    _ingest_batch(db, state, pending)
                    pending, held = [], 0
        _ingest_batch(db, state, pending)

    # --------------------------------------------------------------- queries
    def rows(
        self,
        upto: int,
        kind: str | None = None,
        notebook: str | None = None,
        after: int = 0,
        limit: int = -1,
    ) -> list[tuple[int, int, int, str]]:
        """(line, offset, length, hash) of the entries asked for, in file order."""
        where, args = ["line > ?", "line <= ?"], [after, upto]
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        if notebook is not None:
            where.append("notebook = ?")
            args.append(notebook)
        sql = f"SELECT line, off, len, hash FROM entries WHERE {' AND '.join(where)} ORDER BY line LIMIT ?"
        return self.db().execute(sql, (*args, limit)).fetchall()

    def row_of(self, entry_hash: str, upto: int) -> tuple[int, int, int, str] | None:
        return (
            self.db()
            .execute(
                "SELECT line, off, len, hash FROM entries WHERE hash = ? AND line <= ?",
                (entry_hash, upto),
            )
            .fetchone()
        )

    def prefixed(self, prefix: str, upto: int) -> list[tuple[int, int, int, str]]:
        """Up to two entries whose hash starts with ``prefix``."""
        return (
            self.db()
            .execute(
                "SELECT line, off, len, hash FROM entries WHERE hash >= ? AND hash < ? AND line <= ?"
                " ORDER BY hash LIMIT 2",
                (prefix, prefix + "\uffff", upto),
            )
            .fetchall()
        )

    def kind_counts(self, upto: int, notebook: str | None = None) -> dict[str, int]:
        sql = "SELECT kind, COUNT(*) FROM entries WHERE line <= ?"
        args: list[Any] = [upto]
        if notebook is not None:
            sql += " AND notebook = ?"
            args.append(notebook)
        # first-seen order, as a Counter over the entries in file order gives
        sql += " GROUP BY kind ORDER BY MIN(line)"
        return dict(self.db().execute(sql, args).fetchall())


def _busy(exc: sqlite3.Error) -> bool:
    """Did sqlite give up waiting for another connection's lock?"""
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _crc_of(stream: Any, end: int) -> int:
    """The checksum of the last ``_WINDOW`` bytes before ``end`` (an edit further back, in a
    file that also grew since, is left to ``verify``, as for a reader that followed it)."""
    start = max(end - _WINDOW, 0)
    stream.seek(start)
    crc, left = 0, end - start
    while left > 0:
        chunk = stream.read(min(_CHUNK, left))
        if not chunk:
            return -1
        crc, left = zlib.crc32(chunk, crc), left - len(chunk)
    return crc


def _ingest_batch(db: sqlite3.Connection, state: State, lines: list[bytes]) -> None:
    """Index ``lines`` (the next complete lines after ``state``), in file order.

    A line that is no entry, or repeats an earlier entry, is a problem and no entry; one that
    builds on an entry not seen before it is an entry with a problem. What the index already
    holds is looked up once for the whole batch.
    """
    decoded: list[Entry | str] = []
    for number, raw in enumerate(lines, start=state.lines + 1):
        try:
            decoded.append(decode(raw[:-1], number))
        except MalformedEntry as exc:
            decoded.append(f"line {number}: {exc}")
    asked = {h for e in decoded if isinstance(e, Entry) for h in (e.hash, *e.parents)}
    earlier = _lines_of(db, asked)
    batch: dict[str, int] = {}  # hash -> line, of this batch's entries
    rows: list[tuple[Any, ...]] = []
    problems: list[tuple[str]] = []
    for raw, entry in zip(lines, decoded, strict=True):
        state.lines += 1
        line = state.lines
        if isinstance(entry, str):
            problems.append((entry,))
        elif (first := batch.get(entry.hash) or earlier.get(entry.hash)) is not None:
            problems.append((f"line {line}: duplicates line {first}",))
        else:
            missing = [p for p in entry.parents if p not in batch and p not in earlier]
            if missing:
                problems.append((f"line {line}: builds on unknown entry {missing[0][:12]}",))
            rows.append(
                (line, state.offset, len(raw), entry.hash, entry.kind, entry.notebook_path, entry.n)
            )
            batch[entry.hash] = line
            state.count += 1
            for parent in entry.parents:
                state.heads.pop(parent, None)
            state.heads[entry.hash] = None
        if line == 1:
            state.first = raw[:_ANCHOR_MAX]
        state.anchor = raw
        state.offset += len(raw)
    db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO problems (text) VALUES (?)", problems)


def _lines_of(db: sqlite3.Connection, hashes: set[str]) -> dict[str, int]:
    """hash -> line of those of ``hashes`` the index holds."""
    found: dict[str, int] = {}
    asked = list(hashes)
    for at in range(0, len(asked), _ASK):
        part = asked[at : at + _ASK]
        marks = ",".join("?" * len(part))
        sql = f"SELECT hash, line FROM entries WHERE hash IN ({marks})"
        found.update(db.execute(sql, part).fetchall())
    return found


def read_entries(path: Path, rows: list[tuple[int, int, int, str]]) -> Iterator[Entry]:
    """Decode the lines ``rows`` name; :class:`IndexMismatch` if one is not what it says."""
    if not rows:
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        for line, off, length, entry_hash in rows:
            raw = os.pread(fd, length, off)
            if len(raw) != length or not raw.endswith(b"\n"):
                raise IndexMismatch(f"line {line}")
            try:
                entry = decode(raw[:-1], line)
            except MalformedEntry as exc:
                raise IndexMismatch(f"line {line}") from exc
            if entry.hash != entry_hash:
                raise IndexMismatch(f"line {line}")
            yield entry
    finally:
        os.close(fd)
