"""Full integrity check of a ledger file: what ``mlops verify`` runs.

Every entry's hash is recomputed from its canonical encoding and every link to a parent is
followed, so an altered, removed, duplicated or reordered entry is found and the first one named.
If the project is in git, the ledger committed at ``HEAD`` must still be the start of the
file: appending is the only change allowed since, which also catches entries cut from the end
or slipped in between committed ones. Entries not yet committed are protected by their hash
links alone, plus the rule that no entry is older than the entries it builds on.
"""

from __future__ import annotations

import datetime
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..canonical import sha256_hex
from ..confinement import readable
from .entry import Entry, MalformedEntry, decode

ProblemKind = Literal["altered", "removed", "reordered", "duplicated", "inserted"]
#: how far an entry's time may precede its parent's (clocks of different machines disagree)
CLOCK_SKEW = datetime.timedelta(minutes=5)
_CHUNK = 4 << 20  # bytes read at a time


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


@dataclass(frozen=True, slots=True)
class _Seen:
    """What the checks keep of an entry (not its payload): the history is streamed."""

    hash: str
    line: int
    n: int
    time: str
    parents: tuple[str, ...]
    intact: bool  # its hash matches its canonical encoding

    @property
    def short_id(self) -> str:
        return self.hash[:12]


def _intact(entry: Entry) -> bool:
    try:
        return sha256_hex(entry.body()) == entry.hash
    except Exception:  # a value no writer could have hashed
        return False


def _complete_lines(path: Path) -> Iterator[bytes]:
    """The file's complete lines (without their newline), read a chunk at a time."""
    with open(readable(path), "rb") as stream:
        carry = b""
        while chunk := stream.read(_CHUNK):
            data = carry + chunk
            end = data.rfind(b"\n") + 1
            carry = data[end:]
            yield from data[:end].split(b"\n")[:-1]


def verify_ledger(path: Path, *, check_git: bool = True) -> VerifyReport:
    """Recompute and cross-check everything in the ledger at ``path`` (streamed: no payload
    is held after its line was checked)."""
    size = readable(path).stat().st_size
    problems: list[Problem] = []
    entries: list[_Seen] = []
    stored_at: dict[str, int] = {}
    referenced: set[str] = set()
    complete = lines = 0
    for line_no, raw in enumerate(_complete_lines(path), start=1):
        lines, complete = line_no, complete + len(raw) + 1
        try:
            entry = decode(raw, line_no, canonical=True)
        except MalformedEntry as exc:
            problems.append(
                Problem("altered", line_no, None, f"line {line_no} is not a valid entry: {exc}")
            )
            continue
        seen_entry = _Seen(entry.hash, line_no, entry.n, entry.time, entry.parents, _intact(entry))
        entries.append(seen_entry)
        stored_at.setdefault(entry.hash, line_no)
        referenced.update(entry.parents)
    report = VerifyReport(path=str(path), torn_tail_bytes=max(size - complete, 0))

    seen: dict[str, _Seen] = {}
    for seen_entry in entries:
        problems.extend(_check_entry(seen_entry, seen, stored_at, referenced))
        seen.setdefault(seen_entry.hash, seen_entry)

    if check_git:
        report.git_commit, changed = _compare_with_commit(path, lines, stored_at)
        problems.extend(changed)

    report.problems = sorted(problems, key=lambda p: (p.line is None, p.line or 0))
    report.entries = len(entries)
    report.heads = [e.hash for e in entries if e.hash not in referenced]
    return report


def _check_entry(
    entry: _Seen, seen: dict[str, _Seen], stored_at: dict[str, int], referenced: set[str]
) -> list[Problem]:
    line, short = entry.line, entry.short_id
    if entry.hash in seen:
        first = seen[entry.hash].line
        return [
            Problem(
                "duplicated",
                line,
                entry.hash,
                f"line {line} repeats entry {short} from line {first}",
            )
        ]
    found: list[Problem] = []
    if not entry.intact:
        found.append(
            Problem(
                "altered",
                line,
                entry.hash,
                f"line {line}: entry {short} was altered (its content no longer matches its hash)",
            )
        )
    if not entry.parents and (line != 1 or seen):
        found.append(
            Problem(
                "altered",
                line,
                entry.hash,
                f"line {line}: entry {short} claims to be the first entry but is not",
            )
        )
    for parent in entry.parents:
        if parent in seen:
            continue
        if parent in stored_at:
            found.append(
                Problem(
                    "reordered",
                    line,
                    entry.hash,
                    f"line {line}: entry {short} comes before the entry it builds on (line {stored_at[parent]})",
                )
            )
            continue
        # removed, or altered and re-hashed (then nothing builds on the altered copy)
        suspect = next(
            (e for e in reversed(seen.values()) if e.n == entry.n - 1 and e.hash not in referenced),
            None,
        )
        maybe = (
            f" (or line {suspect.line}, entry {suspect.short_id}, was altered and re-hashed)"
            if suspect is not None
            else ""
        )
        found.append(
            Problem(
                "removed",
                line,
                parent,
                f"entry {parent[:12]} was removed{maybe}: line {line} builds on it but it is no longer in the ledger",
            )
        )
    times = [seen[p].time for p in entry.parents if p in seen]
    if times and _older(entry.time, max(times)):
        found.append(
            Problem(
                "altered",
                line,
                entry.hash,
                f"line {line}: entry {short} is dated before the entry it builds on",
            )
        )
    present = [seen[p].n for p in entry.parents if p in seen]
    if len(present) == len(entry.parents) and entry.n != max(present, default=-1) + 1:
        found.append(
            Problem(
                "altered",
                line,
                entry.hash,
                f"line {line}: entry {short} has an inconsistent sequence number",
            )
        )
    return found


def _older(time: str, than: str) -> bool:
    try:  # decode checked both are UTC times ending in Z
        mine, theirs = (
            datetime.datetime.fromisoformat(t.replace("Z", "+00:00")) for t in (time, than)
        )
        return mine < theirs - CLOCK_SKEW
    except (ValueError, TypeError):
        return True


def _compare_with_commit(
    path: Path, count: int, stored_at: dict[str, int]
) -> tuple[str | None, list[Problem]]:
    """The ledger committed at git HEAD must be the start of the working copy."""

    def git(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["git", *args], cwd=path.parent, capture_output=True, timeout=30, check=False
        )

    try:
        head = git("rev-parse", "--verify", "-q", "HEAD")
        committed = git("show", f"HEAD:./{path.name}") if head.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None, []
    if committed is None or committed.returncode != 0:
        return None, []  # not in git, or the ledger was never committed
    commit = head.stdout.decode().strip()[:10]
    data = committed.stdout
    old = data[: data.rfind(b"\n") + 1].split(b"\n")[:-1]
    current = _complete_lines(path)
    for index, old_line in enumerate(old):
        line = index + 1
        mine = next(current, None)
        if mine is None:
            return commit, [
                Problem(
                    "removed",
                    None,
                    None,
                    f"the last {len(old) - index} entries committed at {commit} were removed (the file now ends at line {count})",
                )
            ]
        if mine == old_line:
            continue
        try:
            old_hash: str | None = decode(old_line, line).hash
        except MalformedEntry:
            old_hash = None
        if old_hash is not None and stored_at.get(old_hash) == line:
            return commit, [
                Problem(
                    "altered",
                    line,
                    old_hash,
                    f"line {line} was re-encoded: entry {old_hash[:12]} is no longer byte for byte the line committed at {commit}",
                )
            ]
        if old_hash is not None and old_hash in stored_at:
            return commit, [
                Problem(
                    "inserted",
                    line,
                    None,
                    f"line {line} was inserted before entries committed at {commit} (entry {old_hash[:12]} moved to line {stored_at[old_hash]})",
                )
            ]
        return commit, [
            Problem(
                "altered",
                line,
                old_hash,
                f"line {line} differs from the ledger committed at {commit}: altered or removed since",
            )
        ]
    return commit, []
