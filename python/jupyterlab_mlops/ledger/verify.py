"""Full integrity check of a ledger file: what ``mlops verify`` runs.

Every entry's hash is recomputed from its canonical encoding and every link to a parent is
followed, so an altered, removed, duplicated or reordered entry is found and the first one named.
If the project is in git, entries committed at ``HEAD`` must all still be present, which also
catches entries cut from the end of the file.
"""

from __future__ import annotations

import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..canonical import sha256_hex
from .entry import Entry, MalformedEntry, decode

ProblemKind = Literal["altered", "removed", "reordered", "duplicated"]


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


def verify_ledger(path: Path, *, check_git: bool = True) -> VerifyReport:
    """Recompute and cross-check everything in the ledger at ``path``."""
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    report = VerifyReport(path=str(path), torn_tail_bytes=len(data) - end)
    problems: list[Problem] = []

    entries: list[Entry] = []
    stored_at: dict[str, int] = {}
    for line_no, raw in enumerate(data[:end].split(b"\n")[:-1], start=1):
        try:
            entry = decode(raw, line_no)
        except MalformedEntry as exc:
            problems.append(
                Problem("altered", line_no, None, f"line {line_no} is not a valid entry: {exc}")
            )
            continue
        entries.append(entry)
        stored_at.setdefault(entry.hash, line_no)
    referenced = {p for e in entries for p in e.parents}

    seen: dict[str, Entry] = {}
    for entry in entries:
        problems.extend(_check_entry(entry, seen, stored_at, referenced))
        seen.setdefault(entry.hash, entry)

    if check_git:
        report.git_commit, missing = _missing_since_commit(path, stored_at)
        problems.extend(missing)

    report.problems = sorted(problems, key=lambda p: (p.line is None, p.line or 0))
    report.entries = len(entries)
    report.heads = [e.hash for e in entries if e.hash not in referenced]
    return report


def _check_entry(
    entry: Entry, seen: dict[str, Entry], stored_at: dict[str, int], referenced: set[str]
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
    if sha256_hex(entry.body()) != entry.hash:
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
        suspect = next(
            (e for e in reversed(seen.values()) if e.n == entry.n - 1 and e.hash not in referenced),
            None,
        )
        if suspect is not None:
            found.append(
                Problem(
                    "altered",
                    suspect.line,
                    suspect.hash,
                    f"line {suspect.line}: entry {suspect.short_id} was altered and re-hashed "
                    f"(line {line} built on {parent[:12]}, which is no longer in the ledger)",
                )
            )
        else:
            found.append(
                Problem(
                    "removed",
                    line,
                    parent,
                    f"entry {parent[:12]} was removed: line {line} builds on it but it is no longer in the ledger",
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


def _missing_since_commit(
    path: Path, stored_at: dict[str, int]
) -> tuple[str | None, list[Problem]]:
    """Entries committed at git HEAD that the working copy no longer has."""

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
        return None, []
    commit = head.stdout.decode().strip()
    problems = []
    for line_no, raw in enumerate(committed.stdout.split(b"\n"), start=1):
        try:
            entry = decode(raw, line_no)
        except MalformedEntry:
            continue
        if entry.hash not in stored_at:
            problems.append(
                Problem(
                    "removed",
                    None,
                    entry.hash,
                    f"entry {entry.short_id} (line {line_no} at commit {commit[:10]}) was removed or altered since that commit",
                )
            )
    return commit, problems
