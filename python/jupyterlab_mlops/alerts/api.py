"""``mlops alerts``: what the outbox holds, and sending it now."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from ..project import Project
from .deliver import Clock, Delivery, retry
from .outbox import records


@dataclass(frozen=True)
class Waiting:
    """An event still to reach one webhook."""

    event: str
    event_id: str
    notebook: str
    summary: str
    webhook: str  # masked: ``$NAME`` or scheme and host
    attempts: int
    next_try: str  # UTC
    last_error: str | None

    @property
    def state(self) -> str:
        return "failed" if self.attempts else "pending"

    def to_json(self) -> dict[str, Any]:
        return {"event": self.event, "id": self.event_id, "notebook": self.notebook,
                "summary": self.summary, "webhook": self.webhook, "state": self.state,
                "attempts": self.attempts, "next_try": self.next_try,
                "last_error": self.last_error}  # fmt: skip


@dataclass(frozen=True)
class AlertsReport:
    configured: int  # webhooks in the config
    waiting: list[Waiting]
    delivery: Delivery | None = None  # what ``--retry`` did

    @property
    def ok(self) -> bool:
        return self.delivery is None or not self.waiting

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"webhooks": self.configured,
                                 "waiting": [w.to_json() for w in self.waiting]}  # fmt: skip
        if self.delivery is not None:
            found["retried"] = [
                {"event": e.event, "id": e.id, "webhook": where, "error": error}
                for e, where, error in self.delivery.attempts
            ]
        return found


def alerts_report(
    project: Project, *, send: bool = False, clock: Clock = time.time
) -> AlertsReport:
    """What waits in the outbox; with ``send``, after sending everything now (due or not)."""
    delivery = retry(project, clock=clock) if send else None
    waiting = [
        Waiting(
            r.event.event,
            r.event.id,
            r.event.notebook,
            r.event.summary,
            str(t["where"]),
            int(t["attempts"]),
            _utc(float(t["next_at"])),
            t.get("last_error"),
        )
        for r in records(project)
        for t in r.targets.values()
    ]
    return AlertsReport(len(project.config.alerts), waiting, delivery)


def _utc(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
