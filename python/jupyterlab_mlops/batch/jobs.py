"""Batch jobs: one small JSON record per job under ``.mlops/cache/jobs/`` (git-ignored).

A job is a batch run asked for through the Jupyter server: queued, then run by a worker of
that server (:mod:`.worker`), which calls :func:`~.run.batch_run`, the one gate and the one
recording of batch runs. The record says ``queued`` -> ``running`` -> ``succeeded`` |
``failed`` and, once done, the ``batch.run`` entry's hash and outcome. Records are written
atomically (a temporary file, then a rename).

A record names the process that owns it (pid, a token of that server, and the process's start
time, so that a reused pid is not mistaken for it). A job still ``queued`` or ``running`` whose
owner is gone (the server stopped or crashed) is marked ``interrupted`` by
:func:`recover`; if its notebook had started, the ``batch.run`` entry is recorded as
``interrupted`` by :func:`~.run.record_interrupted` and its MLflow run ends as KILLED.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..errors import MlopsError, NotFoundError
from ..kinds import BATCH_RUN
from ..ledger import Entry
from ..project import Project
from .run import record_interrupted

#: finished jobs kept per project (the newest); the ledger keeps every run
KEEP = 200
#: jobs a list answers, newest first
RECENT = 20
ACTIVE = ("queued", "running")
FINISHED = ("succeeded", "failed", "interrupted")
_ID = re.compile(r"^[0-9a-f]{32}$")
_WRITE_LOCK = threading.Lock()


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def seconds_since(stamp: str | None) -> float | None:
    """Seconds from the ISO time ``stamp`` to now (None without one)."""
    if not stamp:
        return None
    try:
        then = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None
    return round((dt.datetime.now(dt.timezone.utc) - then).total_seconds(), 1)


def process_started(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks since boot, Linux), or None if unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    try:  # the command name (field 2) may hold spaces: count from its closing parenthesis
        return int(stat[stat.rindex(")") + 2 :].split()[19])
    except (ValueError, IndexError):
        return None


def this_process(token: str) -> dict[str, Any]:
    """The owner field of the jobs a server (``token``) runs in this process."""
    return {"pid": os.getpid(), "token": token, "since": process_started(os.getpid())}


def owner_alive(owner: Mapping[str, Any], mine: Mapping[str, Any] | None) -> bool:
    """Is the process that owns a job still the one that took it?"""
    if mine is not None and owner.get("pid") == mine["pid"]:
        return owner.get("token") == mine["token"]  # same pid, another token: an earlier server
    pid = owner.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        pass
    since = owner.get("since")
    return since is None or process_started(pid) in (None, since)


class JobStore:
    """The job records of one project."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.folder = project.mlops_dir / "cache" / "jobs"

    def path(self, job_id: str) -> Path:
        if not isinstance(job_id, str) or not _ID.match(job_id):
            raise NotFoundError(f"no batch job {str(job_id)[:40]!r}", "job ids are 32 hex digits")
        return self.folder / f"{job_id}.json"

    def read(self, job_id: str) -> dict[str, Any]:
        path = self.path(job_id)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NotFoundError(
                f"no batch job {job_id} in this project", "list the notebook's jobs"
            ) from None
        except (OSError, ValueError) as exc:
            raise MlopsError(
                f"the record of batch job {job_id} cannot be read", "start the job again"
            ) from exc
        if not isinstance(record, dict) or record.get("id") != job_id:
            raise MlopsError(f"the record of batch job {job_id} is damaged", "start it again")
        return record

    def write(self, record: Mapping[str, Any]) -> None:
        """Write ``record`` atomically: readers see the old record or the new one."""
        path = self.path(record["id"])
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(record, ensure_ascii=False, sort_keys=True))

    def update(self, job_id: str, **fields: Any) -> dict[str, Any]:
        """Change fields of a record (in this process, one change at a time)."""
        with _WRITE_LOCK:
            record = {**self.read(job_id), **fields}
            self.write(record)
        return record

    def records(self) -> list[dict[str, Any]]:
        """Every readable record, newest first (a damaged one is skipped)."""
        found = []
        with contextlib.suppress(FileNotFoundError):
            for path in self.folder.glob("*.json"):
                try:
                    record = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                if isinstance(record, dict) and record.get("id") == path.stem:
                    found.append(record)
        return sorted(found, key=lambda r: str(r.get("created")), reverse=True)

    def prune(self) -> None:
        """Keep the newest :data:`KEEP` finished records."""
        done = [r for r in self.records() if r.get("status") in FINISHED]
        for record in done[KEEP:]:
            with contextlib.suppress(OSError, MlopsError):
                self.path(record["id"]).unlink()


def new_record(
    notebook: str, parameters: Mapping[str, Any], actor: str, owner: Mapping[str, Any]
) -> dict[str, Any]:
    """A queued job of ``notebook`` (relative to its project)."""
    return {
        "id": uuid.uuid4().hex,
        "status": "queued",
        "notebook": notebook,
        "parameters": dict(parameters),
        "actor": actor,
        "created": utc_now(),
        "started": None,
        "finished": None,
        "owner": dict(owner),
        "run": None,  # what the run started with (for record_interrupted)
        "outcome": None,  # the batch.run entry, once recorded
        "error": None,  # {"error", "hint"}: why nothing was recorded
    }


def outcome_of(entry: Entry) -> dict[str, Any]:
    """What a job's answer shows of its ``batch.run`` entry."""
    p = entry.payload
    return {
        "entry": entry.hash,
        "status": p.get("status"),
        "output": p.get("output"),
        "mlflow_run_id": p.get("mlflow_run_id"),
        "experiment_id": p.get("experiment_id"),
        "mlflow_problem": p.get("mlflow_problem"),
        "failure": p.get("failure"),
        "seconds": p.get("seconds"),
        "drift_flagged": list((p.get("drift") or {}).get("flagged") or []),
    }


def recover(project: Project, mine: Mapping[str, Any] | None) -> list[str]:
    """Mark the project's jobs whose owning process is gone as interrupted (recording the
    ``batch.run`` entry of one that had started); returns their ids. Safe to call from
    several processes at once."""
    import filelock

    store = JobStore(project)
    stranded = [
        r for r in store.records()
        if r.get("status") in ACTIVE and not owner_alive(r.get("owner") or {}, mine)
    ]  # fmt: skip
    if not stranded:
        return []
    recovered = []
    with filelock.FileLock(store.folder / "recover.lock", timeout=30):
        for record in stranded:
            try:
                record = store.read(record["id"])  # again, under the lock
            except MlopsError:
                continue
            if record.get("status") not in ACTIVE:
                continue  # another process recovered it meanwhile
            store.write(_interrupted(project, record))
            recovered.append(record["id"])
    return recovered


def _interrupted(project: Project, record: dict[str, Any]) -> dict[str, Any]:
    run = record.get("run")
    finished = {"status": "interrupted", "finished": utc_now()}
    if record.get("status") == "running" and isinstance(run, dict):
        recorded = _recorded(project, str(run.get("batch_id")))
        if recorded is not None:  # the run was recorded, then its server died: keep that record
            status = str(recorded.payload.get("status"))
            return {**record, **finished, "status": status, "outcome": outcome_of(recorded)}
        try:
            entry = record_interrupted(
                project, run, actor=str(record.get("actor")), seconds=seconds_since(record.get("started")),
                why="interrupted: the Jupyter server stopped while the job ran",
            )  # fmt: skip
        except (MlopsError, KeyError, TypeError, OSError) as exc:
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            return {**record, **finished, "error": {
                "error": f"the server stopped while the job ran; it could not be recorded: {message}"[:500],
                "hint": "run it again",
            }}  # fmt: skip
        return {**record, **finished, "outcome": outcome_of(entry)}
    return {**record, **finished, "error": {
        "error": "the Jupyter server stopped before the notebook started: nothing ran",
        "hint": "run it again",
    }}  # fmt: skip


def _recorded(project: Project, batch_id: str) -> Entry | None:
    """The ``batch.run`` entry of ``batch_id``, if its run was recorded."""
    runs = project.ledger.entries(BATCH_RUN)
    return next((e for e in reversed(runs) if e.payload.get("batch_id") == batch_id), None)


def public(record: Mapping[str, Any], base: str) -> dict[str, Any]:
    """A job as the REST API answers it: paths relative to the server root (``base``: the
    project's folder there), the outcome's fields at the top, no owner details."""
    outcome = dict(record.get("outcome") or {})

    def rooted(path: Any) -> Any:
        return f"{base}/{path}" if base and isinstance(path, str) else path

    status = record.get("status")
    active = status in ACTIVE
    return {
        "id": record.get("id"),
        "notebook": rooted(record.get("notebook")),
        "parameters": record.get("parameters") or {},
        "actor": record.get("actor"),
        "created": record.get("created"),
        "started": record.get("started"),
        "finished": record.get("finished"),
        "elapsed": seconds_since(record.get("started") or record.get("created")) if active else None,
        "error": record.get("error"),
        **outcome,
        "output": rooted(outcome.get("output")),
        "status": status,
    }  # fmt: skip
