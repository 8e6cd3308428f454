"""Where alerts come from: one function per fact, called by the module that records it.

Each returns the event it queued (None when nothing was queued) and never raises into its
caller: an alert that cannot be queued is logged and dropped, the command goes on. With no
alerts configured each costs one attribute read.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from ..kinds import GRANTED, REFUSED, REVOKED
from ..ledger import Entry
from ..project import Project
from . import deliver, outbox
from .events import Event, drift_names, error_type, event_id, mlflow_link, notebook_link

log = logging.getLogger("jupyterlab_mlops.alerts")
F = TypeVar("F", bound=Callable[..., Any])

_SIGNOFF_EVENTS = {GRANTED: "signoff.approved", REFUSED: "signoff.refused", REVOKED: "signoff.revoked"}  # fmt: skip
_SIGNOFF_WORDS = {GRANTED: "given", REFUSED: "refused", REVOKED: "revoked"}
#: ids this process queued or found queued: a panel refresh that notices them again costs
#: no file access (bounded: cleared when full)
_seen: set[str] = set()
_SEEN_MAX = 4096


def _never_raises(function: F) -> F:
    @functools.wraps(function)
    def guarded(project: Project, *args: Any, **kwargs: Any) -> Event | None:
        if not project.config.alerts:
            return None
        try:
            return cast("Event | None", function(project, *args, **kwargs))
        except Exception as exc:  # an alert never fails the command that caused it
            log.warning("jupyterlab_mlops: alert not queued (%s: %s)", type(exc).__name__, exc)
            return None

    return cast(F, guarded)


def queue(project: Project, event: Event, now: float | None = None) -> Event | None:
    """Queue ``event`` for the webhooks that listen to it and start sending in the
    background; None when none listens or its id was already queued or delivered."""
    if event.id in _seen:
        return None
    targets = [t for t in project.config.alerts if event.event in t.events]
    if not targets:
        return None
    queued = outbox.enqueue(project, event, targets, time.time() if now is None else now)
    if len(_seen) >= _SEEN_MAX:
        _seen.clear()
    _seen.add(event.id)
    deliver.kick(project)
    return event if queued else None


def _base(project: Project, entry: Entry, event: str, summary: str, **extra: Any) -> Event:
    notebook = entry.notebook_path or ""
    return Event(
        id=event_id(event, entry=entry.hash), event=event, project=project.config.name,
        notebook=notebook, summary=summary, time=entry.time,
        ids={"entry": entry.hash, **extra.pop("ids", {})},
        links={**notebook_link(project, notebook), **extra.pop("links", {})}, **extra,
    )  # fmt: skip


@_never_raises
def signoff_recorded(project: Project, entry: Entry) -> Event | None:
    """A sign-off given, refused or revoked (``approval.*`` entry)."""
    role = str(entry.payload.get("role", ""))
    summary = f"{role} sign-off {_SIGNOFF_WORDS[entry.kind]} for {entry.notebook_path}"
    event = _base(
        project, entry, _SIGNOFF_EVENTS[entry.kind], summary, role=role,
        ids={"bundle_digest": str(entry.payload.get("bundle_digest", ""))},
    )  # fmt: skip
    return queue(project, event)


@_never_raises
def review_requested(project: Project, entry: Entry) -> Event | None:
    """A ``review.requested`` entry: a role asked to review a notebook."""
    role = str(entry.payload.get("role", ""))
    summary = f"{role} review requested for {entry.notebook_path}"
    return queue(project, _base(project, entry, "review.requested", summary, role=role))


@_never_raises
def approvals_stale(
    project: Project, notebook: str, stale: dict[str, str], digest: str, changes: list[str]
) -> Event | None:
    """An approved notebook's approvals made stale by a change: ``stale`` maps each role
    whose latest sign-off is an approval of an earlier bundle to that entry's hash; ``digest``
    is the new bundle's. Cheap when noticed again (every panel refresh asks)."""
    deliver.note(project)
    if not stale:
        return None
    event_key = event_id("approval.stale", notebook=notebook, approvals=sorted(stale.values()), bundle=digest)  # fmt: skip
    if event_key in _seen:
        return None
    roles = sorted(stale)
    summary = (
        f"approvals of {notebook} are stale ({', '.join(roles)}): "
        f"{', '.join(changes) or 'the bundle'} changed"
    )
    event = Event(
        id=event_key, event="approval.stale", project=project.config.name, notebook=notebook,
        summary=summary, time=_now(), role=roles[0] if len(roles) == 1 else None,
        ids={"bundle_digest": digest, "approvals": ",".join(stale[r] for r in roles)},
        links=notebook_link(project, notebook), details={"roles": roles, "changed": changes},
    )  # fmt: skip
    return queue(project, event)


@_never_raises
def batch_recorded(project: Project, entry: Entry) -> list[Event]:
    """A ``batch.run`` entry: ``batch.failed`` when it failed, ``drift.flagged`` when a
    column drifted over the threshold."""
    payload = entry.payload
    batch_id = str(payload.get("batch_id", ""))
    ids = {"batch_id": batch_id, "mlflow_run_id": str(payload.get("mlflow_run_id") or "")}
    links = mlflow_link(project, payload.get("experiment_id"), payload.get("mlflow_run_id"))
    if payload.get("output"):
        links.update({f"executed_{k}": v for k, v in notebook_link(project, str(payload["output"])).items()})  # fmt: skip
    where = f"batch run {batch_id[:8]} of {entry.notebook_path}"
    events = []
    if payload.get("status") == "failed":
        failure = payload.get("failure") or {}
        cell = failure.get("cell")
        kind = error_type(failure.get("error"))
        at = f" at cell {cell}" if isinstance(cell, int) else ""
        events.append(
            _base(project, entry, "batch.failed", f"{where} failed{at} ({kind})",
                  ids=dict(ids), links=dict(links), details={"cell": cell, "error_type": kind})
        )  # fmt: skip
    flagged = (payload.get("drift") or {}).get("flagged") or []
    if flagged:
        threshold = (payload.get("drift") or {}).get("threshold")
        columns = [
            {"dataset": str(f.get("dataset", "")), "column": str(f.get("column", "")),
             "psi": f.get("psi")} for f in flagged if isinstance(f, dict)
        ]  # fmt: skip
        summary = f"{where}: drift over PSI {threshold} in {drift_names(columns)}"
        events.append(
            _base(project, entry, "drift.flagged", summary, ids=dict(ids), links=dict(links),
                  details={"threshold": threshold, "flagged": columns})
        )  # fmt: skip
    return [e for e in (queue(project, e) for e in events) if e is not None]


@_never_raises
def send_soon(project: Project) -> None:
    """Send what is due in the background: after work done by other processes (a grid's
    workers, whose own senders end with them)."""
    deliver.kick(project)


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
