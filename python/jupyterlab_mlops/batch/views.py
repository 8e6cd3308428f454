"""How a batch run looks: one line of outcome, the output and the MLflow run; JSON for machines."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from ..views import _MUTED, View
from .run import BatchRun


@dataclass(repr=False)
class BatchRunView(View):
    run: BatchRun

    @property
    def exit_code(self) -> int:
        return 0 if self.run.ok else 1

    def to_json(self) -> dict[str, Any]:
        return self.run.to_json()

    def _lines(self) -> list[str]:
        p = self.run.entry.payload
        notebook = (self.run.entry.notebook or {}).get("path")
        head = f"batch run of {notebook}: {p['status'].upper()} in {p['seconds']} s"
        if p.get("failure"):
            cell = p["failure"].get("cell")
            where = f"cell {cell}" if cell is not None else "the run"
            head += f"\n  failed at {where}: {p['failure']['error']}"
        lines = [head]
        if p["parameters"]:
            lines.append(
                "  parameters: " + ", ".join(f"{k}={v!r}" for k, v in p["parameters"].items())
            )
        lines.append(f"  executed notebook: {p['output'] or 'not saved'}")
        lines.append(
            f"  MLflow run: {p['mlflow_run_id']}   ledger entry: {self.run.entry.short_id}"
        )
        if p.get("redacted"):
            lines.append(f"  {p['redacted']} secret value(s) printed by the notebook were redacted")
        if p.get("mlflow_problem"):
            lines.append(f"  MLflow could not be updated: {p['mlflow_problem']}")
        return lines

    def to_text(self) -> str:
        return "\n".join(self._lines())

    def to_html(self) -> str:
        first, *rest = self._lines()
        details = "".join(f"<div {_MUTED}>{escape(line.strip())}</div>" for line in rest)
        return f"<div><b>{escape(first)}</b></div>{details}"
