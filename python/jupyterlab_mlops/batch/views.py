"""How batch work looks: a run (outcome, output, MLflow run, drift), a grid (a table of
outcomes), an export (the file written), a retraining (the champion and its challenger); JSON
for machines."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from html import escape
from typing import Any

from ..approvals_view import production_lines
from ..render import MUTED, View, html_table
from .export import Export
from .grid import GridResult, describe
from .retrain import Retraining
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
        lines += drift_lines(p.get("drift"))
        if p.get("redacted"):
            lines.append(f"  {p['redacted']} secret value(s) printed by the notebook were redacted")
        if p.get("mlflow_problem"):
            lines.append(f"  MLflow could not be updated: {p['mlflow_problem']}")
        return lines

    def to_text(self) -> str:
        return "\n".join(self._lines())

    def to_html(self) -> str:
        return lines_html(self._lines())


def drift_lines(drift: dict[str, Any] | None) -> list[str]:
    """What the run's input data drifted by, in a line or a few (nothing if it read none)."""
    if not drift:
        return []
    if drift.get("error"):
        return [f"  drift not measured: {drift['error']}"]
    threshold = drift["threshold"]
    lines = []
    for name, found in drift["datasets"].items():
        if found.get("error"):
            lines.append(f"  drift of {name}: not measured ({found['error']})")
            continue
        changed = "changed since registration" if found["changed"] else "as registered"
        compared = len(found["columns"])
        top = max(found["columns"].values(), default=0.0)
        lines.append(
            f"  drift of {name} (v{found['version']}, {changed}) against training "
            f"v{found['reference']}: {compared} column(s), largest PSI {top:.3f}"
        )
    flagged = drift["flagged"]
    if flagged:
        shown = ", ".join(_flag(f) for f in flagged[:6])
        more = f" and {len(flagged) - 6} more" if len(flagged) > 6 else ""
        lines.append(f"  DRIFT over PSI {threshold:g}: {shown}{more}")
    return lines


def _flag(flag: dict[str, Any]) -> str:
    what = f"PSI {flag['psi']:.2f}" if flag.get("psi") is not None else flag.get("problem", "")
    return f"{flag['dataset']}.{flag['column']} ({what})"


@dataclass(repr=False)
class GridView(View):
    """The outcome of every combination of a grid, one row each."""

    result: GridResult

    @property
    def exit_code(self) -> int:
        return 0 if self.result.ok else 1

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()

    def _rows(self) -> list[list[str]]:
        rows = []
        for o in self.result.outcomes:
            failing = ""
            if o.failure:
                cell = o.failure.get("cell")
                failing = (f"cell {cell}: " if cell is not None else "") + str(o.failure["error"])
            elif o.error:
                failing = o.error
            if o.drift:
                failing = (failing + "; " if failing else "") + f"drift: {len(o.drift)} column(s)"
            seconds = "" if o.seconds is None else f"{o.seconds:.1f}"
            rows.append(
                [str(o.index), describe(o.parameters, 60), o.status.upper(), seconds,
                 o.output or "", _shorten(failing, 70)]
            )  # fmt: skip
        return rows

    def _summary(self) -> str:
        r = self.result
        counts = ", ".join(f"{n} {status}" for status, n in sorted(r.counts().items()))
        return f"grid of {r.notebook}: {len(r.outcomes)} runs on {r.engine} in {r.seconds:.1f} s: {counts}"

    def to_text(self) -> str:
        headings = ["#", "parameters", "status", "s", "executed notebook", "failing cell / error"]
        rows = self._rows()
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headings)]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        table = [line.format(*headings)] + [line.format(*row) for row in rows]
        return "\n".join([self._summary(), *(t.rstrip() for t in table)])

    def to_html(self) -> str:
        headings = [
            "#",
            "Parameters",
            "Status",
            "Seconds",
            "Executed notebook",
            "Failing cell / error",
        ]
        body = [[escape(c) for c in row] for row in self._rows()]
        return f"<div><b>{escape(self._summary())}</b></div>" + html_table(headings, body)


@dataclass(repr=False)
class ExportView(View):
    """A written scheduler file."""

    export: Export

    def to_json(self) -> dict[str, Any]:
        return self.export.to_json()

    def _lines(self) -> list[str]:
        e = self.export
        kind = {"airflow": "Airflow DAG", "k8s": "Kubernetes manifest", "cron": "crontab line"}
        schedule = f" on schedule {e.schedule!r}" if e.schedule else ""
        lines = [f"Wrote {kind[e.target]} {e.path}{schedule}"]
        lines.append("  runs: " + " ".join(shlex.quote(w) for w in e.command))
        if not e.approved:
            lines.append(
                "  warning: the notebook may not run in production now ("
                + "; ".join(e.problems)
                + "): each run will be refused until it is approved"
            )
        if e.entry is not None:
            lines.append(
                f"  recorded in the ledger: {e.entry.short_id} (commit the file with the project)"
            )
        return lines

    def to_text(self) -> str:
        return "\n".join(self._lines())

    def to_html(self) -> str:
        return lines_html(self._lines())


@dataclass(repr=False)
class RetrainView(View):
    """A retraining: the data registered, the run, the challenger next to the champion."""

    retraining: Retraining

    @property
    def exit_code(self) -> int:
        return 0 if self.retraining.ok else 1

    def to_json(self) -> dict[str, Any]:
        return self.retraining.to_json()

    def _lines(self) -> list[str]:
        r = self.retraining
        p = r.execution.payload
        if r.ok:
            head = (
                f"retrained {r.notebook}: ran top to bottom in a fresh kernel in {p['seconds']} s"
            )
        else:
            failure = p.get("failure") or {}
            where = f"cell {failure['cell']}" if failure.get("cell") else "the kernel"
            head = f"retraining {r.notebook} FAILED: {where} failed: {failure.get('error')}"
        lines = [head, *(f"  {d.describe()}" for d in r.registered)]
        if r.ok and r.status.challenger is None:
            lines.append("  the bundle did not change (no new run was logged): nothing to sign")
        lines += production_lines(r.production)
        if r.status.challenger is not None:
            if r.status.blocking:
                lines.append(
                    f"  before sign-off, fix: {', '.join(r.status.blocking)} "
                    f"(see `mlops check {r.notebook}`)"
                )
            lines.append(f"  next: mlops approve {r.notebook} --role ROLE (each required role)")
        return lines

    def to_text(self) -> str:
        return "\n".join(self._lines())

    def to_html(self) -> str:
        return lines_html(self._lines())


def lines_html(lines: list[str]) -> str:
    """A view's text lines in HTML: the first in bold, the others muted (all escaped)."""
    first, *rest = lines
    details = "".join(f"<div {MUTED}>{escape(line.strip())}</div>" for line in rest)
    return f"<div><b>{escape(first)}</b></div>{details}"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
