"""Ledgers someone else wrote: every malformed or re-encoded line is named by ``verify`` as
altered, and no command that reads the ledger crashes on it (issue 14)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jupyterlab_mlops.ledger import Ledger, verify_ledger
from jupyterlab_mlops.ledger.entry import MalformedEntry, decode
from jupyterlab_mlops.project import Project

from .helpers import ACTOR


def fill(project: Project) -> list[str]:
    for i, name in enumerate(["a", "é", "c", "d", "e"]):
        project.ledger.append("test.note", {"i": i, "name": name}, actor=ACTOR)
    return project.ledger_path.read_text(encoding="utf-8").splitlines(keepends=True)


#: (what was done to line 3, how) — each must be reported as altered at line 3
EDITS = {
    # the Z of the time became a digit: a naive time (verify used to crash comparing it)
    "naive-time": lambda s: s.replace('Z","v"', '0","v"'),
    # numbers and nesting no entry can hold (every reading command used to crash)
    "deep-nesting": lambda s: "[" * 100_000 + "]" * 100_000 + "\n",
    "huge-int": lambda s: s.replace('"i":2', '"i":' + "9" * 5000),
    "big-int": lambda s: s.replace('"i":2', '"i":' + "9" * 40),
    "nan": lambda s: s.replace('"i":2', '"i":NaN'),
    "infinite-float": lambda s: s.replace('"i":2', '"i":1e999'),
    # not byte for byte the writers' encoding, though Python reads the same entry
    "duplicate-key-first": lambda s: '{"actor":"Mallory <m@example.com>",' + s[1:],
    "whitespace": lambda s: s.replace('":', '": ', 1),
    "escaped-character": lambda s: s.replace("é", "\\u00e9"),
    "true-for-1": lambda s: s.replace('"v":1', '"v":true'),
    "crlf": lambda s: s.replace("\n", "\r\n"),
}


UNREADABLE = {"naive-time", "deep-nesting", "huge-int", "nan", "infinite-float"}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_verify_names_every_altered_line_and_crashes_on_none(
    project: Project, edit: str, tmp_path: Path
) -> None:
    lines = fill(project)  # line 1: project.created; lines 2-6: i = 0..4, line 3 has an é
    index = 3 if "i" in edit or edit == "nan" or "float" in edit else 2
    changed = EDITS[edit](lines[index])
    assert changed != lines[index]
    lines[index] = changed
    project.ledger_path.write_text("".join(lines), encoding="utf-8", newline="")
    report = verify_ledger(project.ledger_path)
    assert not report.ok
    problem = report.first_problem
    assert (problem.kind, problem.line) == ("altered", index + 1), report.problems
    assert f"line {index + 1}" in problem.message
    # a reader (a new process) does not raise; one that cannot read the line skips it, saying so
    reader = Ledger(project.ledger_path, project.mlops_dir / "ledger.lock", tmp_path / "torn")
    if edit in UNREADABLE:
        assert any(p.startswith(f"line {index + 1}:") for p in reader.problems)
        assert len(reader.entries()) == 5
    else:
        assert len(reader.entries()) == 6


def test_commands_that_read_the_ledger_survive_a_hostile_line(project: Project) -> None:
    lines = fill(project)
    lines[2] = "[" * 100_000 + "]" * 100_000 + "\n"
    lines[3] = lines[3].replace('"i":2', '"i":' + "9" * 5000)
    project.ledger_path.write_text("".join(lines), encoding="utf-8")
    env = {**os.environ, "MLOPS_USER": ACTOR}
    for args, code in [
        (["verify"], 1),
        (["decisions", "--all"], 0),
        (["status"], 0),
        (["decide", "Keep going", "--why", "the ledger still takes entries"], 0),
    ]:
        done = subprocess.run(
            [sys.executable, "-m", "jupyterlab_mlops.cli", *args],
            cwd=project.root, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == code and "Traceback" not in done.stderr, (args, done.stderr)
    report = verify_ledger(project.ledger_path)
    assert {("altered", 3), ("altered", 4)} <= {(p.kind, p.line) for p in report.problems}


def test_a_line_re_encoded_in_place_is_not_called_inserted(project: Project) -> None:
    root = project.root
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "ledger"]):
        subprocess.run(
            ["git", *args], cwd=root, check=True, capture_output=True,
            env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                 "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"},
        )  # fmt: skip
    lines = project.ledger_path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace('":', '": ', 1)
    project.ledger_path.write_text("".join(lines), encoding="utf-8")
    messages = [p.message for p in verify_ledger(project.ledger_path).problems]
    assert messages and all("inserted" not in m for m in messages), messages
    assert any("line 1" in m for m in messages)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.text(max_size=8), inner, max_size=4)
            ),
            max_leaves=30,
        ).map(lambda v: json.dumps(v, allow_nan=True).encode()),
    )
)
def test_decoding_any_bytes_gives_an_entry_or_malformed_entry(raw: bytes) -> None:
    for canonical in (False, True):
        with contextlib.suppress(MalformedEntry):
            decode(raw, 1, canonical=canonical)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(min_value=0), byte=st.integers(min_value=0, max_value=255))
def test_verify_reports_any_changed_byte_and_never_raises(
    tmp_path: Path, position: int, byte: int
) -> None:
    from jupyterlab_mlops.project import init_project

    root = tmp_path / f"p{position}-{byte}"
    root.mkdir()
    project = init_project(
        root, name="p", template="classification", risk_tier="minimal", actor=ACTOR
    )
    data = bytearray("".join(fill(project)).encode("utf-8"))
    where = position % len(data)
    if data[where] == byte:
        return
    data[where] = byte
    project.ledger_path.write_bytes(bytes(data))
    report = verify_ledger(project.ledger_path)  # never raises
    if where == len(data) - 1:  # the last newline: an append cut short (kept, not tampering)
        assert report.torn_tail_bytes > 0
        return
    assert not report.ok, (where, byte)


def test_a_thousand_random_tamperings_are_each_found_at_their_line(project: Project) -> None:
    """One byte changed anywhere but the file's last newline (an append cut short, kept
    aside by the next writer): verify names the line it is on."""
    import random

    original = bytes("".join(fill(project)), "utf-8")
    starts = [0, *[i + 1 for i, b in enumerate(original) if b == ord("\n")][:-1]]
    rng = random.Random(14)
    found_at_line = 0
    for _ in range(1000):
        where = rng.randrange(len(original) - 1)
        byte = rng.choice([b for b in range(256) if b != original[where]])
        tampered = bytearray(original)
        tampered[where] = byte
        project.ledger_path.write_bytes(bytes(tampered))
        report = verify_ledger(project.ledger_path, check_git=False)
        line = sum(1 for s in starts if s <= where)
        assert not report.ok, (where, byte)
        found_at_line += report.first_problem.line == line
    assert found_at_line == 1000
