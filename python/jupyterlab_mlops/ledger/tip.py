"""What a writer leaves for the next one: the tip note, and following new lines in memory.

Under the writers' lock a writer must know the ledger's heads (its entry builds on all of
them) before it writes. When other processes appended since its last look, it can learn
them two ways, neither touching the sqlite read index:

* the **tip note**, a few bytes every writer leaves in the lock file right after its line:
  the ledger file's identity and size, its line and entry counts and the length of its last
  line. That last line is the entry just written, which built on every head and so is now the
  only one. A note is used only while it describes the file exactly (same inode and size) and
  the last line decodes to a well-formed entry; anything else (no note, another tool's
  append, a writer killed between its line and its note) falls back to
* **following** the new lines: each is decoded and must build on entries the reader knows.

Either way the read index catches up at the next read; ``verify`` checks the whole chain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .entry import Entry, MalformedEntry, decode

_NOTE_VERSION = 1
NOTE_MAX = 160  # bytes of a note (7 integers fit with room to spare)


@dataclass(frozen=True, slots=True)
class Tip:
    """The ledger file as the last writer left it."""

    dev: int
    ino: int
    size: int  # bytes, just after the last line's newline
    lines: int  # complete lines
    count: int  # of which entries
    last: int  # length of the last line, newline included

    def encode(self) -> bytes:
        """Seven decimal numbers, the format's version first, padded to one width (so that
        leaving a note never changes the lock file's size)."""
        fields = (_NOTE_VERSION, self.dev, self.ino, self.size, self.lines, self.count, self.last)
        return " ".join(map(str, fields)).encode("ascii").ljust(NOTE_MAX)


def read_note(data: bytes) -> Tip | None:
    """The tip a lock file's note describes, or None (empty, foreign or damaged)."""
    fields = data.split()
    if len(fields) != 7 or not all(f.isdigit() and len(f) <= 20 for f in fields):
        return None  # bytes.isdigit: ASCII digits only
    version, *numbers = map(int, fields)
    if version != _NOTE_VERSION:
        return None
    tip = Tip(*numbers)
    if not (0 < tip.last <= tip.size and tip.count <= tip.lines):
        return None
    return tip


def last_entry(raw_line: bytes, tip: Tip) -> Entry | None:
    """The tip's last line (newline included) as an entry, if it is a well-formed one."""
    if len(raw_line) != tip.last or not raw_line.endswith(b"\n") or b"\n" in raw_line[:-1]:
        return None
    try:
        return decode(raw_line[:-1], tip.lines)
    except MalformedEntry:
        return None


def follow_lines(
    data: bytes, first_line: int, known: Callable[[str], bool]
) -> tuple[list[Entry], int] | None:
    """The entries on the complete lines of ``data`` (numbered from ``first_line``) and the
    bytes they take, if every line is a well-formed entry, none known yet, each building on
    known entries or on earlier lines here; else None (the index must judge them)."""
    end = data.rfind(b"\n") + 1
    found: dict[str, Entry] = {}
    for number, raw in enumerate(data[:end].split(b"\n")[:-1], start=first_line):
        try:
            entry = decode(raw, number)
        except MalformedEntry:
            return None
        if entry.hash in found or known(entry.hash):
            return None  # a duplicate
        if not all(p in found or known(p) for p in entry.parents):
            return None  # builds on entries this reader has not followed
        found[entry.hash] = entry
    return list(found.values()), end
