"""Full integrity check of a ledger file: what ``mlops verify`` runs.

Every entry's hash is recomputed from its canonical encoding and every link to a parent is
followed, so an altered, removed, duplicated or reordered entry is found and the first one named.
If the project is in git, the ledger committed at ``HEAD`` must still be the start of the
file: appending is the only change allowed since, which also catches entries cut from the end
or slipped in between committed ones. Entries not yet committed are protected by their hash
links alone, plus the rule that no entry is older than the entries it builds on.

The file is read once, a chunk at a time, and so is the committed copy. What is kept of an
entry is small and fixed: its hash as 32 bytes, and its line, sequence number and time as
machine integers (:class:`_Seen`), about a third of the entry's size in the file.
"""

from __future__ import annotations

import contextlib
import datetime
import subprocess
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from ..canonical import sha256_hex
from ..confinement import readable
from .entry import Entry, MalformedEntry, decode

ProblemKind = Literal["altered", "removed", "reordered", "duplicated", "inserted"]
#: how far an entry's time may precede its parent's (clocks of different machines disagree)
CLOCK_SKEW = datetime.timedelta(minutes=5)
_CHUNK = 1 << 20  # bytes read at a time
_EPOCH = datetime.datetime(1970, 1, 1)
_MICROSECOND = datetime.timedelta(microseconds=1)
_SKEW_US = CLOCK_SKEW // _MICROSECOND
_NO_TIME = -(2**63)  # a time that does not parse: every comparison with it fails
#: ``progress(total_bytes, description)``: a context manager yielding ``advance(n_bytes)``
Progress = Callable[[int, str], contextlib.AbstractContextManager[Callable[[int], None]]]


@dataclass(frozen=True)
class Problem:
    """One integrity failure; ``line`` is 1-based (None when it concerns no line of the file)."""

    kind: ProblemKind
    line: int | None
    entry: str | None
    message: str


@dataclass
class VerifyReport:
    path: str
    entries: int = 0
    heads: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    torn_tail_bytes: int = 0
    git_commit: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "path": self.path,
            "entries": self.entries,
            "heads": self.heads,
            "torn_tail_bytes": self.torn_tail_bytes,
            "git_commit": self.git_commit,
            "first_problem": asdict(self.first_problem) if self.first_problem else None,
            "problems": [asdict(p) for p in self.problems],
        }


class _Seen:
    """What the checks keep of the entries read so far, by position in the file (no payloads,
    no strings): a hash's first position, and each position's hash, line, number and time."""

    def __init__(self) -> None:
        self.first: dict[bytes, int] = {}  # hash -> position of its first copy
        self.digests: list[bytes] = []
        self.lines = array("q")
        self.numbers = array("q")
        self.times = array("q")
        self.referenced = bytearray()  # per position: a later or earlier entry builds on it

    def add(self, digest: bytes, line: int, n: int, time: int) -> int:
        position = len(self.digests)
        self.first.setdefault(digest, position)
        self.digests.append(digest)
        self.lines.append(line)
        self.numbers.append(n)
        self.times.append(time)
        self.referenced.append(0)
        return position

    def line_of(self, hex_hash: str) -> int | None:
        """The line of the first entry with this hash, if the file holds one."""
        position = self.first.get(bytes.fromhex(hex_hash))
        return None if position is None else self.lines[position]

    def suspect_before(self, position: int, n: int) -> int | None:
        """The latest first copy before ``position`` numbered ``n`` that nothing builds on."""
        for earlier in range(position - 1, -1, -1):
            if (
                self.numbers[earlier] == n
                and not self.referenced[earlier]
                and self.first[self.digests[earlier]] == earlier
            ):
                return earlier
        return None

    def heads(self) -> list[str]:
        return [d.hex() for d in self.digests if not self.referenced[self.first[d]]]


def _intact(entry: Entry) -> bool:
    try:
        return sha256_hex(entry.body()) == entry.hash
    except Exception:  # a value no writer could have hashed
        return False


def _micros(time: str) -> int:
    """A recorded time (``2026-01-31T12:00:00.000000Z``, checked by decode) in microseconds."""
    try:
        return (datetime.datetime.fromisoformat(time[:-1]) - _EPOCH) // _MICROSECOND
    except (ValueError, OverflowError):
        return _NO_TIME


def _lines_of(stream: IO[bytes], advance: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """A stream's complete lines (without their newline), read a chunk at a time (each
    chunk's size passed to ``advance``)."""
    carry = b""
    while chunk := stream.read(_CHUNK):
        if advance is not None:
            advance(len(chunk))
        data = carry + chunk
        end = data.rfind(b"\n") + 1
        carry = data[end:]
        yield from data[:end].split(b"\n")[:-1]


def _complete_lines(path: Path, advance: Callable[[int], None] | None = None) -> Iterator[bytes]:
    with open(readable(path), "rb") as stream:
        yield from _lines_of(stream, advance)


@contextlib.contextmanager
def _no_progress(_total: int, _description: str) -> Iterator[Callable[[int], None]]:
    yield lambda _n: None


def verify_ledger(
    path: Path, *, check_git: bool = True, progress: Progress | None = None
) -> VerifyReport:
    """Recompute and cross-check everything in the ledger at ``path`` (streamed: no payload
    is held after its line was checked); ``progress`` is told the bytes read."""
    size = readable(path).stat().st_size
    found: list[tuple[int, int, Problem]] = []  # (line, order within the line, problem)
    seen = _Seen()
    missing: list[tuple[int, int, str]] = []  # (position, order, parent) not seen before it
    complete = lines = 0
    with (progress or _no_progress)(size, f"Verifying {path.name}") as advance:
        for line_no, raw in enumerate(_complete_lines(path, advance), start=1):
            lines, complete = line_no, complete + len(raw) + 1
            try:
                entry = decode(raw, line_no, canonical=True)
            except MalformedEntry as exc:
                message = f"line {line_no} is not a valid entry: {exc}"
                found.append((line_no, 0, Problem("altered", line_no, None, message)))
                continue
            found.extend((line_no, order, p) for order, p in _check_entry(entry, seen, missing))
    found.extend(_resolve_missing(missing, seen))
    report = VerifyReport(path=str(path), torn_tail_bytes=max(size - complete, 0))
    problems = [problem for _, _, problem in sorted(found, key=lambda f: (f[0], f[1]))]
    if check_git:
        report.git_commit, changed = _compare_with_commit(path, lines, seen)
        problems.extend(changed)
    report.problems = sorted(problems, key=lambda p: (p.line is None, p.line or 0))
    report.entries = len(seen.digests)
    report.heads = seen.heads()
    return report


def _check_entry(
    entry: Entry, seen: _Seen, missing: list[tuple[int, int, str]]
) -> list[tuple[int, Problem]]:
    """The problems of one entry that its predecessors decide, numbered in reading order; the
    parents it names that no earlier line holds go to ``missing`` (decided at the end)."""
    line, short, digest = entry.line, entry.hash[:12], bytes.fromhex(entry.hash)
    first = seen.first.get(digest)
    time = _micros(entry.time)
    position = seen.add(digest, line, entry.n, time)
    if first is not None:
        message = f"line {line} repeats entry {short} from line {seen.lines[first]}"
        for parent in entry.parents:  # its parents are still built on
            known = seen.first.get(bytes.fromhex(parent))
            if known is not None:
                seen.referenced[known] = 1
        return [(0, Problem("duplicated", line, entry.hash, message))]
    found: list[tuple[int, Problem]] = []
    if not _intact(entry):
        message = f"line {line}: entry {short} was altered (its content no longer matches its hash)"
        found.append((1, Problem("altered", line, entry.hash, message)))
    if not entry.parents and (line != 1 or position > 0):
        message = f"line {line}: entry {short} claims to be the first entry but is not"
        found.append((2, Problem("altered", line, entry.hash, message)))
    times, numbers = [], []
    for order, parent in enumerate(entry.parents, start=3):
        known = seen.first.get(bytes.fromhex(parent))
        if known is None:
            missing.append((position, order, parent))
            continue
        seen.referenced[known] = 1
        times.append(seen.times[known])
        numbers.append(seen.numbers[known])
    after = 3 + len(entry.parents)
    if times and (time == _NO_TIME or _NO_TIME in times or time < max(times) - _SKEW_US):
        message = f"line {line}: entry {short} is dated before the entry it builds on"
        found.append((after, Problem("altered", line, entry.hash, message)))
    if len(numbers) == len(entry.parents) and entry.n != max(numbers, default=-1) + 1:
        message = f"line {line}: entry {short} has an inconsistent sequence number"
        found.append((after + 1, Problem("altered", line, entry.hash, message)))
    return found


def _resolve_missing(
    missing: Iterable[tuple[int, int, str]], seen: _Seen
) -> Iterator[tuple[int, int, Problem]]:
    """A parent no earlier line holds: a later line holds it (reordered), or none does."""
    missing = list(missing)
    for _, _, parent in missing:  # a parent found later is still built on
        known = seen.first.get(bytes.fromhex(parent))
        if known is not None:
            seen.referenced[known] = 1
    for position, order, parent in missing:
        line, short = seen.lines[position], seen.digests[position].hex()[:12]
        parent_line = seen.line_of(parent)
        if parent_line is not None:
            message = f"line {line}: entry {short} comes before the entry it builds on (line {parent_line})"
            yield line, order, Problem("reordered", line, seen.digests[position].hex(), message)
            continue
        # removed, or altered and re-hashed (then nothing builds on the altered copy)
        suspect = seen.suspect_before(position, seen.numbers[position] - 1)
        maybe = (
            f" (or line {seen.lines[suspect]}, entry {seen.digests[suspect].hex()[:12]}, was altered and re-hashed)"
            if suspect is not None
            else ""
        )
        message = f"entry {parent[:12]} was removed{maybe}: line {line} builds on it but it is no longer in the ledger"
        yield line, order, Problem("removed", line, parent, message)


def _compare_with_commit(path: Path, count: int, seen: _Seen) -> tuple[str | None, list[Problem]]:
    """The ledger committed at git HEAD must be the start of the working copy (both streamed)."""

    def git(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["git", *args], cwd=path.parent, capture_output=True, timeout=30, check=False
        )

    try:
        head = git("rev-parse", "--verify", "-q", "HEAD")
        blob = (
            git("rev-parse", "--verify", "-q", f"HEAD:./{path.name}")
            if head.returncode == 0
            else None
        )
    except (OSError, subprocess.SubprocessError):
        return None, []
    if blob is None or blob.returncode != 0:
        return None, []  # not in git, or the ledger was never committed
    commit = head.stdout.decode().strip()[:10]
    try:
        with subprocess.Popen(
            ["git", "cat-file", "blob", blob.stdout.decode().strip()],
            cwd=path.parent, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        ) as shown:  # fmt: skip
            assert shown.stdout is not None
            try:
                return commit, _differences(_lines_of(shown.stdout), path, commit, count, seen)
            finally:
                shown.kill()
    except OSError:
        return None, []


def _differences(
    old: Iterator[bytes], path: Path, commit: str, count: int, seen: _Seen
) -> list[Problem]:
    """The first way the committed lines ``old`` are not the start of the file, if any."""
    current = _complete_lines(path)
    for line, old_line in enumerate(old, start=1):
        mine = next(current, None)
        if mine is None:
            gone = 1 + sum(1 for _ in old)
            message = f"the last {gone} entries committed at {commit} were removed (the file now ends at line {count})"
            return [Problem("removed", None, None, message)]
        if mine == old_line:
            continue
        try:
            old_hash: str | None = decode(old_line, line).hash
        except MalformedEntry:
            old_hash = None
        now_at = seen.line_of(old_hash) if old_hash is not None else None
        if old_hash is not None and now_at == line:
            message = f"line {line} was re-encoded: entry {old_hash[:12]} is no longer byte for byte the line committed at {commit}"
            return [Problem("altered", line, old_hash, message)]
        if old_hash is not None and now_at is not None:
            message = f"line {line} was inserted before entries committed at {commit} (entry {old_hash[:12]} moved to line {now_at})"
            return [Problem("inserted", line, None, message)]
        message = (
            f"line {line} differs from the ledger committed at {commit}: altered or removed since"
        )
        return [Problem("altered", line, old_hash, message)]
    return []
