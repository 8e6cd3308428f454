"""How sign-offs look: who signed which version, what is stale, whether the notebook may run."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from .approvals import ApprovalStatus
from .render import CELL, MUTED, TABLE, View
from .reviews import ReviewRequest


@dataclass(repr=False)
class ApprovalsView(View):
    status: ApprovalStatus
    requests: list[ReviewRequest] = field(default_factory=list)  # pending review requests

    def to_json(self) -> dict[str, Any]:
        return {**self.status.to_json(), "review_requests": [r.to_json() for r in self.requests]}

    def _requested(self) -> list[str]:
        return [
            f"{r.role} review requested by {r.entry.actor} {r.entry.time[:16].replace('T', ' ')}"
            + (f': "{r.entry.payload["comment"]}"' if r.entry.payload.get("comment") else "")
            for r in self.requests
        ]

    def _rows(self) -> list[tuple[str, str]]:
        rows = []
        for role, signoff in self.status.latest.items():
            if signoff is None:
                rows.append((role, "not signed"))
                continue
            d = signoff.to_json()
            state = "" if d["current"] else "  STALE (signed an earlier version)"
            comment = f': "{d["comment"]}"' if d["comment"] else ""
            rows.append(
                (
                    role,
                    f"{d['kind']} by {d['actor']} {d['time'][:16].replace('T', ' ')}{comment}{state}",
                )
            )
        return rows

    def _verdict(self) -> str:
        s = self.status
        if s.may_run:
            return f"{s.notebook}: APPROVED for production (this exact version)"
        return f"{s.notebook}: not approved: " + "; ".join(s.problems())

    def to_text(self) -> str:
        lines = [self._verdict()]
        lines += [f"  {role:<8} {text}" for role, text in self._rows()]
        if self.status.stale_because:
            lines.append(
                f"  changed since the stale approvals: {', '.join(self.status.stale_because)}"
            )
        lines += [f"  pending: {line}" for line in self._requested()]
        return "\n".join(lines)

    def to_html(self) -> str:
        body = "".join(
            f"<tr><th {CELL}>{escape(r)}</th><td {CELL}>{escape(t)}</td></tr>"
            for r, t in self._rows()
        )
        stale = (
            f"<div {MUTED}>changed since the stale approvals: {escape(', '.join(self.status.stale_because))}</div>"
            if self.status.stale_because
            else ""
        )
        pending = "".join(
            f"<div {MUTED}>pending: {escape(line)}</div>" for line in self._requested()
        )
        return (
            f"<div><b>{escape(self._verdict())}</b></div><table {TABLE}>{body}</table>"
            f"{stale}{pending}"
        )
