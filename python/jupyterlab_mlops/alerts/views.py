"""How ``mlops alerts`` looks."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from ..render import View, html_table
from .api import AlertsReport


@dataclass(repr=False)
class AlertsView(View):
    report: AlertsReport

    @property
    def exit_code(self) -> int:
        return 0 if self.report.ok else 1

    def to_json(self) -> dict[str, Any]:
        return self.report.to_json()

    def _lines(self) -> list[str]:
        r = self.report
        lines = []
        if r.delivery is not None:
            sent = [a for a in r.delivery.attempts if a[2] is None]
            lines.append(
                f"retried {len(r.delivery.attempts)}: {len(sent)} sent, "
                f"{len(r.delivery.failed)} failed"
            )
            lines += [f"  sent {e.event} {e.id[:12]} to {where}" for e, where, _ in sent]
        if not r.configured:
            lines.append("no alerts configured (see `alerts:` in .mlops/config)")
        if not r.waiting:
            lines.append("nothing waiting: every alert was delivered")
        for w in r.waiting:
            lines.append(f"{w.state.upper():<8} {w.event} {w.notebook} -> {w.webhook}")
            lines.append(f"  {w.summary}")
            error = f", last error: {w.last_error}" if w.last_error else ""
            lines.append(f"  attempts {w.attempts}, next try {w.next_try}{error}")
        return lines

    def to_text(self) -> str:
        return "\n".join(self._lines())

    def to_html(self) -> str:
        waiting = len(self.report.waiting) * 3  # each waiting alert takes three lines
        lines = self._lines()
        head = "".join(f"<div>{escape(line)}</div>" for line in lines[: len(lines) - waiting])
        rows = [
            [escape(w.state), escape(w.event), escape(w.notebook), escape(w.webhook),
             str(w.attempts), escape(w.next_try), escape(w.last_error or "")]
            for w in self.report.waiting
        ]  # fmt: skip
        headings = ["state", "event", "notebook", "webhook", "attempts", "next try", "last error"]
        return head + (html_table(headings, rows) if rows else "")
