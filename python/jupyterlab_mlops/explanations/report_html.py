"""The report as HTML: a compact fragment for a notebook (JupyterLab's theme variables, so it
reads in light and dark themes) and a standalone page. Every text from the data is escaped;
plots are inlined as base64 PNG."""

from __future__ import annotations

import base64
from html import escape
from typing import Any

from ..render import CELL, MUTED, TABLE, html_table

#: global importance rows shown before "all N features" (the rest are one click away)
TABLE_FEATURES = 10
#: the widest inline bar of a local attribution (pixels)
BAR_PIXELS = 80

_WRAP = (
    'style="font-size:var(--jp-content-font-size1,14px);line-height:1.45;'
    'color:var(--jp-content-font-color1,inherit);max-width:1100px"'
)
_H = 'style="margin:14px 0 4px 0;font-size:1.05em"'
_P = 'style="margin:2px 0 6px 0;color:var(--jp-ui-font-color2,#666)"'
_IMG = (
    'style="max-width:100%;height:auto;margin:6px 0;'
    'border:1px solid var(--jp-border-color2,#ddd);border-radius:4px"'
)
_SUMMARY = 'style="cursor:pointer;font-weight:600;margin:10px 0 4px 0"'
_FLEX = 'style="display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start"'
_OK, _BAD = "#2e7d32", "#c62828"
_POSITIVE, _NEGATIVE = "#E45756", "#4C78A8"


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _n(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if value != 0 and (abs(value) < 10**-(digits) or abs(value) >= 10**6):
        return f"{value:.{digits - 1}e}"
    return f"{value:.{digits}g}"


def _img(plots: dict[str, bytes], name: str, alt: str) -> str:
    if name not in plots:
        return ""
    data = base64.b64encode(plots[name]).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{_e(alt)}" {_IMG}>'


def _details(title: str, body: str, *, open_: bool) -> str:
    opened = " open" if open_ else ""
    return f"<details{opened}><summary {_SUMMARY}>{_e(title)}</summary>{body}</details>"


def _p(text: str) -> str:
    return f"<p {_P}>{_e(text)}</p>"


def fragment(data: dict[str, Any], plots: dict[str, bytes], *, open_all: bool = False) -> str:
    """The report as one self-contained HTML element."""
    parts = [_header(data), _global(data, plots)]
    sections = [
        ("Dependence", _dependence(data, plots)),
        ("Interactions", _interactions(data, plots)),
        (f"Local explanations ({len(data['local'])} rows)", _local(data)),
        ("Stability", _stability(data, plots)),
    ]
    if data["cohorts"]:
        sections.append(("Cohorts", _cohorts(data, plots)))
    sections.append(("Additivity", _additivity(data)))
    parts.extend(_details(title, body, open_=open_all) for title, body in sections)
    return f'<div class="jp-mlops-explanation" {_WRAP}>{"".join(parts)}</div>'


def document(data: dict[str, Any], plots: dict[str, bytes]) -> str:
    """A standalone HTML page (every section open), light or dark as the reader prefers."""
    title = f"Explanation: {data['model']['estimator']}"
    style = (
        "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;"
        "background:Canvas;color:CanvasText}:root{color-scheme:light dark}"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(title)}</title><style>{style}</style></head><body>"
        f"{fragment(data, plots, open_all=True)}</body></html>"
    )


def _header(data: dict[str, Any]) -> str:
    model, explainer, rows = data["model"], data["explainer"], data["rows"]
    additivity = data["additivity"]
    ok = additivity["ok"]
    mark = (
        f'<span style="color:{_OK if ok else _BAD};font-weight:600">'
        f"{'ok' if ok else 'NOT within tolerance'}</span>"
    )
    wrapped = "" if model["class"] == model["estimator"] else f" in {_e(model['class'])}"
    return (
        f'<div style="font-weight:600;font-size:1.1em">Explanation of '
        f"{_e(model['estimator'])}{wrapped}</div>"
        f"<div {MUTED}>{_e(explainer['name'])}; attributions in {_e(explainer['space'])}</div>"
        f"<div>Rows: {rows['given']:,} given, {rows['explained']:,} explained "
        f"({_e(rows['how'])}), seed {_e(rows['seed'])}. Additivity: {mark} "
        f"(max error {_n(additivity['max_error'])}, tolerance {_n(additivity['tolerance'])}).</div>"
    )


def _global(data: dict[str, Any], plots: dict[str, bytes]) -> str:
    section = data["global"]
    perm = data["permutation"]
    features = data["global_importance"]
    level = f"{section['confidence']:.0%}"

    def row(f: dict[str, Any]) -> list[str]:
        rank_interval = (
            "n/a" if f["rank_low"] is None else f"[{_n(f['rank_low'])}, {_n(f['rank_high'])}]"
        )
        flag = f'<span style="color:{_BAD}">unstable</span>' if f["unstable"] else ""
        return [
            _e(f["rank"]),
            _e(f["feature"]),
            _n(f["importance"]),
            f"[{_n(f['ci_low'])}, {_n(f['ci_high'])}]",
            _e(rank_interval) + (" " + flag if flag else ""),
            f"{_n(f['permutation'])} ± {_n(f['permutation_std'], 2)}",
        ]

    headings = ["rank", "feature", "mean |SHAP|", f"{level} interval", "rank interval",
                "permutation ± sd"]  # fmt: skip
    table = html_table(headings, (row(f) for f in features[:TABLE_FEATURES]))
    if len(features) > TABLE_FEATURES:
        table += _details(
            f"all {len(features)} features",
            html_table(headings, (row(f) for f in features[TABLE_FEATURES:])),
            open_=False,
        )
    agreement = perm["rank_agreement"]
    return (
        f"<h4 {_H}>Global importance</h4>"
        + _p(f"{section['measure']}; {section['note']}.")
        + table
        + _p(
            f"Permutation importance ({perm['measure']}): {perm['note']}. Rank agreement with "
            f"mean |SHAP| (Spearman): {_n(agreement, 2)}."
        )
        + _img(plots, "importance", "importance with intervals, and permutation importance")
    )


def _dependence(data: dict[str, Any], plots: dict[str, bytes]) -> str:
    section = data["dependence"]
    if not section["features"]:
        return _p("no features to show")
    pairs = "; ".join(
        f"{f['feature']} coloured by {f['colour_by'] or 'nothing (no partner found)'}"
        for f in section["features"]
    )
    return (
        _p(
            f"SHAP value against value for the top {len(section['features'])} features, on "
            f"{section['points']:,} of {section['of_rows']:,} explained rows; "
            f"{section['colour_method']}."
        )
        + _p(pairs)
        + _img(plots, "dependence", "dependence plots")
    )


def _interactions(data: dict[str, Any], plots: dict[str, bytes]) -> str:
    section = data["interactions"]
    if not section.get("available"):
        return _p(section["note"] + ".")
    table = html_table(
        ["feature", "feature", "strength"],
        ([_e(p["a"]), _e(p["b"]), _n(p["strength"])] for p in section["pairs"]),
    )
    return _p(section["note"] + ".") + table + _img(plots, "interactions", "interaction matrix")


def _local(data: dict[str, Any]) -> str:
    if not data["local"]:
        return _p("no rows")
    cards = []
    for entry in data["local"]:
        widest = max([abs(t["attribution"]) for t in entry["top"]] or [0]) or 1.0
        rows = [
            [
                _e(t["feature"]),
                _e(t["value"]),
                _n(t["attribution"]),
                _bar(t["attribution"], widest),
            ]
            for t in entry["top"]
        ]
        rest = entry["rest"]
        if rest["features"]:
            rows.append([f"<i>{rest['features']} others</i>", "", _n(rest["attribution"]), ""])
        y = "" if entry["y"] is None else f", y = {_e(entry['y'])}"
        head = (
            f"<div><b>row {_e(entry['label'])}</b> <span {MUTED}>"
            f"({_e(', '.join(entry['reasons']))})</span></div>"
            f"<div>score {_n(entry['score'])}{y}; base {_n(entry['base'])} + attributions = "
            f"{_n(entry['output'])}</div>"
        )
        cards.append(
            f"<div>{head}{html_table(['feature', 'value', 'attribution', ''], rows)}</div>"
        )
    space = data["explainer"]["space"]
    return _p(f"attributions in {space}, largest first") + f"<div {_FLEX}>{''.join(cards)}</div>"


def _bar(value: float, widest: float) -> str:
    width = max(1, round(BAR_PIXELS * abs(value) / widest))
    colour = _POSITIVE if value > 0 else _NEGATIVE
    return (
        f'<span style="display:inline-block;height:9px;width:{width}px;'
        f'background:{colour};border-radius:2px"></span>'
    )


def _stability(data: dict[str, Any], plots: dict[str, bytes]) -> str:
    section = data["stability"]
    if not section["resamples"]:
        return _p("too few rows for bootstrap resamples")
    unstable = ", ".join(section["unstable"]) or "none"
    return (
        _p(
            f"Spearman rank correlation of importance in each of {section['resamples']} bootstrap "
            f"resamples with the estimate on all explained rows: median "
            f"{_n(section['median_rank_correlation'], 3)}, {section['low_percentile']}th "
            f"percentile {_n(section['low_rank_correlation'], 3)}."
        )
        + f"<div>Unstable: {_e(unstable)}</div>"
        + _p(f"Rule: {section['rule']}. Each feature's rank interval is in the importance table.")
    )


def _cohorts(data: dict[str, Any], plots: dict[str, bytes]) -> str:
    section = data["cohorts"]
    parts = [_p(section["note"] + ".")]
    for k, table in enumerate(section["tables"]):
        rows = [
            [
                _e(g["group"]),
                _n(g["size"]),
                _n(g["explained"]),
                _e(g["top_feature"] or "n/a"),
                _n(g["rank_correlation"], 2),
                f'<span style="color:{_BAD}">yes</span>' if g["differs"] else "no",
                "small" if g["small"] else "",
            ]
            for g in table["groups"]
        ]
        verdict = (
            "relies on different features in some groups"
            if table["relies_differently"]
            else "no group relies on a clearly different top feature"
        )
        parts.append(
            f"<div style='margin-top:8px'><b>by {_e(table['by'])}</b>: {_e(verdict)}</div>"
            + (_p(table["banding"]) if table["banding"] else "")
            + html_table(
                ["group", "rows", "explained", "top feature", "rank corr. with all", "differs", ""],
                rows,
            )
            + _img(plots, f"cohorts_{k + 1}", f"importance by {table['by']}")
        )
    return "".join(parts)


def _additivity(data: dict[str, Any]) -> str:
    a = data["additivity"]
    verdict = "within tolerance" if a["ok"] else "NOT within tolerance"
    return (
        f"<table {TABLE}><tbody>"
        f"<tr><td {CELL}>max error</td><td {CELL}>{_n(a['max_error'])}</td></tr>"
        f"<tr><td {CELL}>tolerance</td><td {CELL}>{_n(a['tolerance'])}</td></tr>"
        f"<tr><td {CELL}>rows checked</td><td {CELL}>{_n(a['rows'])}</td></tr>"
        f"<tr><td {CELL}>verdict</td><td {CELL}>{_e(verdict)}</td></tr>"
        "</tbody></table>" + _p(a["note"] + ".")
    )
