"""The durable outbox: one file per event under ``.mlops/cache/alerts/`` (git-ignored).

``outbox/<id>.json`` holds the event and, for each webhook that is still to hear of it, the
attempts made, when to try next and the last error (webhook addresses masked). A webhook
that answers takes its name off the record; once none is left the file is removed and the
id goes into ``sent``, a bounded list of delivered ids (the newest :data:`SENT_KEPT`). An id
already queued or in ``sent`` is not queued again, so a fact noticed twice (a panel refresh)
is sent once. Files are written atomically; ``outbox.lock`` orders writers (kernel, server,
CLI, batch workers).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..canonical import sha256_hex
from ..config import AlertTarget
from ..project import Project
from .events import Event

#: how many delivered ids ``sent`` keeps (about 33 bytes each); older ones are forgotten
SENT_KEPT = 10_000
#: the first retry waits this long; each failure doubles it, up to :data:`BACKOFF_CAP_S`
BACKOFF_S = 30.0
BACKOFF_CAP_S = 3600.0
_LOCK_S = 5.0


def folder(project: Project) -> Path:
    return project.mlops_dir / "cache" / "alerts"


def target_key(target: AlertTarget) -> str:
    """A webhook's name in the outbox: a hash of its address (never the address itself)."""
    return sha256_hex({"url": target.url, "url_env": target.url_env, "format": target.format})[:16]


def backoff(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failure."""
    return min(BACKOFF_S * 2 ** max(attempts - 1, 0), BACKOFF_CAP_S)


@dataclass(frozen=True)
class Record:
    """An event in the outbox and the webhooks still to hear of it."""

    event: Event
    queued_at: float
    targets: dict[str, dict[str, Any]]  # key -> {"where", "attempts", "next_at", "last_error"}

    def due(self, now: float, force: bool = False) -> list[str]:
        return [k for k, t in self.targets.items() if force or float(t["next_at"]) <= now]

    def to_json(self) -> dict[str, Any]:
        return {"v": 1, "event": self.event.to_json(), "queued_at": self.queued_at,
                "targets": self.targets}  # fmt: skip


@contextlib.contextmanager
def locked(project: Project, name: str = "outbox", timeout: float = _LOCK_S) -> Iterator[None]:
    """Hold ``.mlops/cache/alerts/NAME.lock`` (raises ``filelock.Timeout`` after ``timeout``)."""
    import filelock  # lazy: only when alerts are configured

    base = folder(project)
    (base / "outbox").mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(base / f"{name}.lock", thread_local=False)
    lock.acquire(timeout=timeout, poll_interval=0.01)
    try:
        yield
    finally:
        lock.release()


def enqueue(project: Project, event: Event, targets: list[AlertTarget], now: float) -> bool:
    """Queue ``event`` for ``targets``; False when its id is already queued or delivered."""
    path = folder(project) / "outbox" / f"{event.id}.json"
    with locked(project):
        if path.exists() or event.id in sent_ids(project):
            return False
        record = Record(
            event, now,
            {target_key(t): {"where": t.where, "attempts": 0, "next_at": now, "last_error": None}
             for t in targets},
        )  # fmt: skip
        _write(path, record.to_json())
    return True


def records(project: Project) -> list[Record]:
    """What the outbox holds, oldest first (a file that cannot be read is skipped)."""
    found = []
    base = folder(project) / "outbox"
    try:
        paths = [p for p in base.iterdir() if p.suffix == ".json"]
    except FileNotFoundError:
        return []
    for path in paths:
        record = read(path)
        if record is not None:
            found.append(record)
    return sorted(found, key=lambda r: (r.queued_at, r.event.id))


def read(path: Path) -> Record | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Record(Event.from_json(data["event"]), float(data["queued_at"]), dict(data["targets"]))  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        return None


def settle(project: Project, event_id: str, key: str, error: str | None, now: float) -> None:
    """Note one attempt to tell webhook ``key`` of the event: delivered (``error`` None, the
    webhook leaves the record, and the record leaves the outbox when it was the last) or
    failed (one more attempt, the next after the backoff). A webhook taken out of the config
    leaves as if delivered: the event is done with either way."""
    path = folder(project) / "outbox" / f"{event_id}.json"
    with locked(project):
        record = read(path)
        if record is None or key not in record.targets:
            return
        targets = dict(record.targets)
        if error is None:
            del targets[key]
        else:
            attempts = int(targets[key]["attempts"]) + 1
            targets[key] = {**targets[key], "attempts": attempts,
                            "next_at": now + backoff(attempts), "last_error": error[:300]}  # fmt: skip
        if targets:
            _write(path, Record(record.event, record.queued_at, targets).to_json())
        else:
            _remember_sent(project, event_id)
            path.unlink(missing_ok=True)


def sent_ids(project: Project) -> set[str]:
    try:
        return set(_sent_path(project).read_text(encoding="utf-8").split())
    except FileNotFoundError:
        return set()


def _sent_path(project: Project) -> Path:
    return folder(project) / "sent"


def _remember_sent(project: Project, event_id: str) -> None:
    """Add the id to ``sent`` (under the outbox lock); past twice :data:`SENT_KEPT` lines the
    file is rewritten with the newest :data:`SENT_KEPT`."""
    path = _sent_path(project)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(event_id + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    lines = path.read_text(encoding="utf-8").split()
    if len(lines) > 2 * SENT_KEPT:
        write_atomic(path, "\n".join(lines[-SENT_KEPT:]) + "\n")


def _write(path: Path, data: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(data, ensure_ascii=False, sort_keys=True))
