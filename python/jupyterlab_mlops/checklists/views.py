"""How a readiness report looks: text, JSON, and escaped HTML for notebooks."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from ..render import CELL, MUTED, TABLE, View
from ..templates import STAGES
from .evaluate import Report

_MARK = {"pass": "✓", "fail": "✗", "waived": "~"}
_COLOR = {
    "pass": "var(--jp-success-color1,#2e7d32)",
    "fail": "var(--jp-error-color1,#c62828)",
    "waived": "var(--jp-warn-color1,#ef6c00)",
}


@dataclass(repr=False)
class CheckView(View):
    report: Report
    returns_value = True

    def to_json(self) -> dict[str, Any]:
        return self.report.to_json()

    def _head(self) -> str:
        r = self.report
        return (
            f"{r.notebook}: {r.stage.upper()}  (template {r.template}, risk tier "
            f"{r.project.config.risk_tier}, fingerprint {r.fingerprint.removeprefix('sha256:')[:12]})"
        )

    def to_text(self) -> str:
        lines = [self._head()]
        for stage in STAGES:
            results = [x for x in self.report.results if x.item.gates == stage]
            if not results:
                continue
            lines.append(f"\nbefore {stage}:")
            for x in results:
                lines.append(f"  {_MARK[x.status]} {x.item.title}  [{x.item.id}]")
                lines.append(f"      {x.outcome.detail}")
                if x.waiver is not None:
                    lines.append(f"      WAIVED by {x.waiver.actor}: {x.waiver.payload.get('why')}")
                elif not x.outcome.passed:
                    lines.append(f"      fix: {x.item.fix}")
        return "\n".join(lines)

    def to_html(self) -> str:
        rows = []
        for stage in STAGES:
            results = [x for x in self.report.results if x.item.gates == stage]
            if results:
                rows.append(f'<tr><td {CELL} colspan="3"><b>Before {stage}</b></td></tr>')
            for x in results:
                fix = (
                    "" if x.outcome.passed else f"<div>fix: <code>{escape(x.item.fix)}</code></div>"
                )
                if x.waiver is not None:
                    why = escape(str(x.waiver.payload.get("why")))
                    fix = f"<div>waived by {escape(x.waiver.actor)}: {why}</div>"
                rows.append(
                    f'<tr><td {CELL}><span style="color:{_COLOR[x.status]}">{_MARK[x.status]}</span></td>'
                    f"<td {CELL}><b>{escape(x.item.title)}</b> <span {MUTED}>{escape(x.item.id)}</span>"
                    f"<div {MUTED}>{escape(x.item.why)}</div></td>"
                    f"<td {CELL}>{escape(x.outcome.detail)}{fix}</td></tr>"
                )
        return f"<div><b>{escape(self._head())}</b></div><table {TABLE}>{''.join(rows)}</table>"
