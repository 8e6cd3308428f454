"""How runs look: text for terminals, JSON for machines, escaped HTML (and DataFrames) in notebooks."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from ..render import CELL, MUTED, TABLE, View, html_frame, html_table
from .models import ModelRegistration
from .runs import RunComparison, RunRecord

_KEY_METRICS = 4  # metrics shown per run in the list


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def _metrics_text(metrics: dict[str, Any], limit: int = _KEY_METRICS) -> str:
    shown = [f"{k}={_number(v)}" for k, v in list(metrics.items())[:limit]]
    more = len(metrics) - limit
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")


def _data_text(data: list[dict[str, Any]]) -> str:
    return ", ".join(f"{d['name']} v{d['version']}" for d in data) or "none read via data.path"


@dataclass(repr=False)
class RunRecordedView(View):
    record: RunRecord

    def to_json(self) -> dict[str, Any]:
        return self.record.to_json()

    def to_text(self) -> str:
        d = self.record.to_json()
        return (
            f"Run '{d['name']}' {d['status'].lower()} (MLflow run {d['run_id']}); "
            f"metrics: {_metrics_text(d['metrics']) or 'none'}; data: {_data_text(d['data'])}; "
            f"ledger entry {d['short_id']}"
        )

    def to_html(self) -> str:
        d = self.record.to_json()
        mark = "✓" if d["status"] == "FINISHED" else "✗"
        return (
            f"<div>{mark} Run <b>{escape(d['name'])}</b> {escape(d['status'].lower())} "
            f"<span {MUTED}>(MLflow run <code>{escape(d['run_id'])}</code>, ledger entry "
            f"<code>{escape(d['short_id'])}</code>)</span></div>"
            f"<div {MUTED}>metrics: {escape(_metrics_text(d['metrics']) or 'none')}; "
            f"params: {len(d['params'])}; data: {escape(_data_text(d['data']))}</div>"
        )


@dataclass(repr=False)
class LoggedView(View):
    run_name: str
    values: dict[str, Any]
    kind: str  # "metrics" or "params"

    def to_json(self) -> dict[str, Any]:
        return {"run": self.run_name, self.kind: self.values}

    def to_text(self) -> str:
        listed = ", ".join(f"{k}={_number(v)}" for k, v in self.values.items())
        return f"Logged {self.kind} to run '{self.run_name}': {listed}"


_RUN_COLUMNS = [
    "name",
    "status",
    "run_id",
    "metrics",
    "data",
    "time",
    "actor",
    "notebook",
    "entry_id",
]


def _runs_html(rows: list[dict[str, Any]]) -> str:
    heads = ("Run", "Status", "MLflow run", "Metrics", "Data", "When", "By")
    body = []
    for row in rows:
        metrics = row["metrics"] if isinstance(row["metrics"], dict) else {}
        data = row["data"] if isinstance(row["data"], list) else []
        cells = [
            f"<b>{escape(str(row['name']))}</b>",
            escape(str(row["status"])),
            f"<code>{escape(str(row['run_id'])[:12])}</code>",
            escape(_metrics_text(metrics)),
            escape(_data_text(data)),
            escape(str(row["time"])[:16].replace("T", " ")),
            escape(str(row["actor"])),
        ]
        body.append(cells)
    return html_table(heads, body)


@dataclass(repr=False)
class RunsView(View):
    records: list[RunRecord]
    scope: str
    returns_value = True

    def _rows(self) -> list[dict[str, Any]]:
        rows = []
        for record in self.records:
            d = record.to_json()
            rows.append({**{k: d[k] for k in _RUN_COLUMNS if k in d}, "entry_id": d["id"]})
        return rows

    def to_json(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.records]

    def to_text(self) -> str:
        if not self.records:
            return f"No runs recorded for {self.scope} yet."
        lines = []
        for d in (r.to_json() for r in self.records):
            lines.append(
                f"{d['run_id'][:12]}  {d['time'][:16].replace('T', ' ')}  {d['status']:<8}  "
                f"{d['name']}  {_metrics_text(d['metrics'])}  data: {_data_text(d['data'])}"
            )
        return "\n".join(lines)

    def to_html(self) -> str:
        if not self.records:
            return (
                f"<p {MUTED}>No runs recorded for {escape(self.scope)} yet. Open one with "
                '<code>%%mlops run "NAME"</code></p>'
            )
        return _runs_html(self._rows())

    def value(self) -> Any:
        import pandas as pd

        frame = html_frame(self._rows(), _RUN_COLUMNS, _runs_html, frozenset(_RUN_COLUMNS))
        frame["time"] = pd.to_datetime(frame["time"])
        return frame


@dataclass(repr=False)
class CompareView(View):
    comparison: RunComparison
    returns_value = True

    def to_json(self) -> dict[str, Any]:
        return self.comparison.to_json()

    def _sections(self) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
        c = self.comparison
        params = [
            (k, str(x or ""), str(y or ""), "" if x == y else "differs")
            for k, x, y in c.rows("params")
        ]
        metrics = [
            (k, _number(x), _number(y), "" if x is None or y is None else f"{y - x:+.4g}")
            for k, x, y in c.rows("metrics")
        ]
        return [("parameters", params), ("metrics", metrics)]

    def to_text(self) -> str:
        a, b = self.comparison.a, self.comparison.b
        lines = [f"A: {a['name']} ({a['run_id'][:12]})   B: {b['name']} ({b['run_id'][:12]})"]
        for title, rows in self._sections():
            lines.append(f"{title}:")
            lines += [f"  {k:<28} {x:>14} {y:>14}  {note}" for k, x, y, note in rows] or [
                "  (none)"
            ]
        return "\n".join(lines)

    def to_html(self) -> str:
        a, b = self.comparison.a, self.comparison.b
        head = (
            f"<tr><th {CELL}></th><th {CELL}>A: {escape(str(a['name']))}</th>"
            f"<th {CELL}>B: {escape(str(b['name']))}</th><th {CELL}>B &minus; A</th></tr>"
        )
        body = []
        for title, rows in self._sections():
            body.append(f'<tr><td {CELL} colspan="4"><b>{title}</b></td></tr>')
            for k, x, y, note in rows:
                style = ' style="font-weight:bold"' if note else ""
                body.append(
                    f"<tr{style}><td {CELL}><code>{escape(k)}</code></td><td {CELL}>{escape(x)}</td>"
                    f"<td {CELL}>{escape(y)}</td><td {CELL}>{escape(note)}</td></tr>"
                )
        return f"<table {TABLE}>{head}{''.join(body)}</table>"


@dataclass(repr=False)
class ModelRegisteredView(View):
    registration: ModelRegistration

    def to_json(self) -> dict[str, Any]:
        return self.registration.to_json()

    def to_text(self) -> str:
        p = self.registration.entry.payload
        return (
            f"Registered model '{p['name']}' version {p['version']} from run {p['run_id'][:12]} "
            f"({self.registration.run.entry.payload['name']}); ledger entry {self.registration.entry.short_id}"
        )
