"""The report as HTML: a compact fragment for a notebook (JupyterLab's theme variables, so it
reads in light and dark themes) and a standalone page. Every text from the data is escaped;
plots are inlined as base64 PNG."""

from __future__ import annotations

import base64
from html import escape
from typing import Any

from ..render import MUTED, html_table

_WRAP = (
    'style="font-size:var(--jp-content-font-size1,14px);line-height:1.45;'
    'color:var(--jp-content-font-color1,inherit);max-width:1100px"'
)
_H = 'style="margin:14px 0 4px 0;font-size:1.05em"'
_IMG = (
    'style="max-width:100%;height:auto;margin:6px 0;'
    'border:1px solid var(--jp-border-color2,#ddd);border-radius:4px"'
)
_FLEX = 'style="display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start"'
STATUS_COLOURS = {"pass": "#2e7d32", "warn": "#ef6c00", "fail": "#c62828", "info": "#616161"}
#: shift rows shown in the table (largest PSI first)
SHIFT_ROWS = 25
#: how to read the ECE's interval (a resample's ECE is biased upward)
ECE_NOTE = (
    "The ECE of a resample is biased upward (its bins' noise only adds to the gaps), so the "
    "estimate sits near the low end of its bootstrap interval: read the interval as the spread "
    "of the estimate, not a symmetric error bar. Grey numbers and the table give the test rows "
    "in each bin: a bin of few rows is noisy."
)


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _n(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}g}"


def _img(plots: dict[str, bytes], name: str, alt: str) -> str:
    if name not in plots:
        return ""
    data = base64.b64encode(plots[name]).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{_e(alt)}" {_IMG}>'


def _status(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#616161")
    return f'<span style="color:{colour};font-weight:600">{_e(status)}</span>'


def fragment(data: dict[str, Any], plots: dict[str, bytes], evidence: str = "") -> str:
    """The report as one self-contained HTML element."""
    parts = [
        _header(data),
        f"<h4 {_H}>Findings</h4>",
        html_table(
            ["check", "status", "detail"],
            ([_e(f["check"]), _status(f["status"]), _e(f["detail"])] for f in data["findings"]),
        ),
        _overfit(data, plots),
        _calibration(data, plots),
        _balance(data),
        _shift(data, plots),
    ]
    if evidence:
        parts.append(f"<div {MUTED}>Evidence: {_e(evidence)}</div>")
    return f'<div class="jp-mlops-diagnostics" {_WRAP}>{"".join(parts)}</div>'


def document(data: dict[str, Any], plots: dict[str, bytes]) -> str:
    """A standalone HTML page, light or dark as the reader prefers."""
    title = f"Diagnostics: {data['model']['final']}"
    style = (
        "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;"
        "background:Canvas;color:CanvasText}:root{color-scheme:light dark}"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(title)}</title><style>{style}</style></head><body>"
        f"{fragment(data, plots)}</body></html>"
    )


def _header(data: dict[str, Any]) -> str:
    model, rows, limits = data["model"], data["rows"], data["thresholds"]
    wrapped = "" if model["class"] == model["final"] else f" in {_e(model['class'])}"
    return (
        f'<div style="font-weight:600;font-size:1.1em">Diagnostics of {_e(model["final"])}'
        f"{wrapped} ({_e(data['task'])})</div>"
        f"<div {MUTED}>Policy: {_e(limits.get('policy'))}. Rows: {rows['train']:,} train, "
        f"{rows['test']:,} test (all used); seed {_e(data['seed'])}; intervals: 95% bootstrap, "
        f"{_e(data.get('resamples'))} resamples.</div>"
    )


def _overfit(data: dict[str, Any], plots: dict[str, bytes]) -> str:
    o = data["overfit"]
    rows = [["train", _n(o["train"]), ""], ["test", _n(o["test"]), ""]]
    cv = o.get("cv")
    if cv:
        rows.append(["cross-validation (given)", _n(cv["mean"]),
                     f"± {_n(cv.get('sd'))} sd over {cv['folds']} folds"])  # fmt: skip
    rows.append(["gap (positive: worse on test)", _n(o["gap"]),
                 f"95% interval {_n(o['low'])} to {_n(o['high'])}"])  # fmt: skip
    table = html_table([_e(o["metric"]), "value", "spread"], ([_e(c) for c in r] for r in rows))
    return (
        f"<h4 {_H}>Overfit: {_e(o['metric'])}</h4>"
        f"<div {_FLEX}><div>{table}</div>{_img(plots, 'overfit', 'train and test metric')}</div>"
    )


def _calibration(data: dict[str, Any], plots: dict[str, bytes]) -> str:
    c = data.get("calibration")
    if c is None:
        return ""
    if c.get("unavailable"):
        return f"<h4 {_H}>Calibration</h4><div {MUTED}>{_e(c['unavailable'])}</div>"
    text = (
        f"Brier score {_n(c['brier'])}; expected calibration error {_n(c['ece'])} (95% interval "
        f"{_n(c['low'])} to {_n(c['high'])}; {c['bins']} equal-width bins, test rows)."
    )
    return (
        f"<h4 {_H}>Calibration</h4><div>{_e(text)}</div>"
        f"<div {MUTED}>{_e(ECE_NOTE)}</div>"
        f"<div {_FLEX}><div>{_bins(c)}</div>"
        f"{_img(plots, 'reliability', 'reliability curve')}</div>"
    )


def _bins(c: dict[str, Any]) -> str:
    """The reliability curve as a table: each bin holding rows, with its rows."""
    curve = c.get("curve") or {}
    width = 1 / c["bins"]
    rows = [
        [f"{b * width:.2f}-{(b + 1) * width:.2f}", f"{k:,}", _n(p), _n(o)]
        for b, k, p, o in zip(curve.get("bin") or [], curve.get("counts") or [],
                              curve.get("predicted") or [], curve.get("observed") or [],
                              strict=False)
    ]  # fmt: skip
    if not rows:
        return ""
    return html_table(["probability bin", "test rows", "mean predicted", "observed rate"], rows)


def _balance(data: dict[str, Any]) -> str:
    b = data.get("balance")
    if b is None:
        return ""
    rows = [
        [_e(k), f"{b['train'][k]:,}", f"{b['train_share'][k]:.1%}", f"{b['test'][k]:,}",
         f"{b['test_share'][k]:.1%}"]
        for k in b["classes"]
    ]  # fmt: skip
    table = html_table(["class", "train", "share", "test", "share"], rows)
    return f"<h4 {_H}>Class balance</h4>{table}"


def _shift(data: dict[str, Any], plots: dict[str, bytes]) -> str:
    s = data["shift"]
    top = sorted(s["columns"].items(), key=lambda p: -p[1])
    rows = [[_e(c), _n(v)] for c, v in top[:SHIFT_ROWS]]
    rows += [[_e(c), _e(why)] for c, why in {**s["problems"], **s["not_compared"]}.items()]
    more = f" ({len(top) - SHIFT_ROWS} more in report.json)" if len(top) > SHIFT_ROWS else ""
    return (
        f"<h4 {_H}>Train/test shift per column (PSI of test against train){_e(more)}</h4>"
        f"<div {MUTED}>PSI below 0.1 reads as stable, 0.1-0.2 moderate, above 0.2 a shift.</div>"
        f"<div {_FLEX}><div>{html_table(['column', 'PSI'], rows)}</div>"
        f"{_img(plots, 'shift', 'shift per column')}</div>"
    )
