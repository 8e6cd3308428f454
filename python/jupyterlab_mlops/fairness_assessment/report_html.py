"""The fairness report as HTML: a fragment for a notebook (JupyterLab's theme variables) and
a standalone page. Every text from the data is escaped; plots are inlined as base64 PNG."""

from __future__ import annotations

import base64
from html import escape
from typing import Any

from ..render import html_table

_WRAP = (
    'style="font-size:var(--jp-content-font-size1,14px);line-height:1.45;'
    'color:var(--jp-content-font-color1,inherit);max-width:1100px"'
)
_H = 'style="margin:14px 0 4px 0;font-size:1.05em"'
_P = 'style="margin:2px 0 6px 0;color:var(--jp-ui-font-color2,#666)"'
_IMG = (
    'style="max-width:100%;height:auto;margin:6px 0;border:1px solid var(--jp-border-color2,#ddd)"'
)
_SUMMARY = 'style="cursor:pointer;font-weight:600;margin:10px 0 4px 0"'
_OK, _BAD, _NONE = "#2e7d32", "#c62828", "#8a6d00"


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _n(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.3g}"


def _interval(row: dict[str, Any], metric: str) -> str:
    value, low, high = row.get(metric), row.get(f"{metric}_low"), row.get(f"{metric}_high")
    if value is None:
        return "n/a"
    if low is None or high is None:
        return _n(value)
    return f"{_n(value)} <span style='color:var(--jp-ui-font-color2,#666)'>[{_n(low)}, {_n(high)}]</span>"


def _p(text: str) -> str:
    return f"<p {_P}>{_e(text)}</p>"


def fragment(data: dict[str, Any], plots: dict[str, bytes], evidence: str) -> str:
    """The report as one self-contained HTML element."""
    parts = [_headline(data), _p(evidence) if evidence else "", _facts(data)]
    parts.append(_disparities(data))
    for i, feature in enumerate(data["features"]):
        parts.append(_group_table(data, feature, plots.get(f"groups_{i}"), open_=i == 0))
    parts.append(_policy(data))
    return f'<div class="jp-mlops-fairness" {_WRAP}>{"".join(parts)}</div>'


def document(data: dict[str, Any], plots: dict[str, bytes], evidence: str) -> str:
    title = _e(f"Fairness: {data.get('name') or data['task']}")
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body style='font-family:sans-serif;margin:24px'>{fragment(data, plots, evidence)}</body></html>"
    )


def _headline(data: dict[str, Any]) -> str:
    name = f" — {data['name']}" if data.get("name") else ""
    passed = data["passed"]
    unjudged = data.get("unjudged") or []
    if passed is None:
        color, verdict = _NONE, "no fairness policy applies"
    elif passed:
        color, verdict = _OK, "within the policy's limits"
    elif data["breaches"]:
        color, verdict = _BAD, "beyond the policy's limits"
    else:
        color, verdict = _BAD, "not judged: not enough data"
    lines = [
        f"<h3 {_H}>Fairness across groups{_e(name)}: "
        f"<span style='color:{color}'>{_e(verdict)}</span></h3>"
    ]
    for b in data["breaches"]:
        value = _n(b["value"]) if b["value"] is not None else f"infinite ({b.get('note')})"
        strength = (
            "clear: the whole interval is beyond the limit"
            if b.get("clear")
            else "within noise: the interval reaches the limit"
        )
        lines.append(
            f"<p style='margin:2px 0;color:{_BAD}'>{_e(b['feature'])}: {_e(b['metric'])} "
            f"{_e(value)} [{_n(b['low'])}, {_n(b['high'])}], limit {_e(b['limit'])}; "
            f"between {_e(b['worst_group'])} and {_e(b['best_group'])} ({_e(strength)})</p>"
        )
    for u in unjudged:
        color = _BAD if u.get("decides", True) else _NONE
        tail = "" if u.get("decides", True) else " (an intersection: stated, not decisive)"
        lines.append(
            f"<p style='margin:2px 0;color:{color}'>not judged: not enough data to judge "
            f"{_e(u['metric'])} across {_e(u['feature'])}: {_e(u['why'])}{_e(tail)}</p>"
        )
    return "".join(lines)


def _facts(data: dict[str, Any]) -> str:
    features = ", ".join(f["name"] for f in data["features"])
    confidence = round(float(data["confidence"]) * 100)
    text = [
        f"{data['task']}; {data['rows']:,} rows; groups: {features}; "
        f"{data['resamples']:,} bootstrap resamples (seed {data['seed']}), {confidence}% intervals.",
        f"sensitive columns: {data.get('sensitive_source')}.",
    ]
    for column, band in (data.get("bands") or {}).items():
        source = "the policy's edges" if band["source"] == "policy" else "quantile edges, rounded"
        text.append(f"{column} banded ({source}): {', '.join(band['labels'])}.")
    small: dict[tuple[str, str], list[str]] = {}
    for s in data["small_groups"]:
        metric = f"{s['metric']}: " if s.get("metric") else ""
        small.setdefault((s["feature"], s["group"]), []).append(f"{metric}{s['why']}")
    if small:
        listed = "; ".join(
            f"{feature} = {group} ({', '.join(whys)})"
            for (feature, group), whys in list(small.items())[:10]
        ) + ("; …" if len(small) > 10 else "")
        text.append(
            f"{len(small)} group(s) too small to judge a metric, kept in the table and left "
            f"out of that metric's disparities (never called unfair): {listed}."
        )
    text += list(data.get("notes") or [])
    return "".join(_p(t) for t in text)


def _disparities(data: dict[str, Any]) -> str:
    limits = data["policy"].get("limits") or {}
    rows = []
    for feature, metrics in data["disparities"].items():
        for metric, d in metrics.items():
            limit = limits.get(metric)
            limit_text = ", ".join(f"{k} {v:g}" for k, v in limit.items()) if limit else "—"
            groups = (
                f"{d['worst_group']} and {d['best_group']}"
                if d.get("worst_group")
                else _e(d.get("note", ""))
            )
            if d.get("worst_group") and (d.get("note") or d.get("unmeasured")):
                groups += f" ({'; '.join(x for x in (d.get('note'), d.get('unmeasured')) if x)})"
            value = d["value"]
            if d.get("infinite"):
                value = float("inf")
            rows.append(
                [
                    _e(feature),
                    _e(metric),
                    _interval({"v": value, "v_low": d["low"], "v_high": d["high"]}, "v"),
                    _e(limit_text),
                    _e(groups) if d.get("worst_group") else groups,
                ]
            )
    table = html_table(
        ["feature", "disparity", "value [95% interval]", "limit", "between groups"], rows
    )
    return f"<h4 {_H}>Disparities</h4>{table}"


def _group_table(
    data: dict[str, Any], feature: dict[str, Any], png: bytes | None, *, open_: bool
) -> str:
    counts = ["size", "positives", "negatives"] if data["task"] == "classification" else ["size"]
    metrics = data["metrics"]
    rows = []
    for r in data["by_group"]:
        if r["feature"] != feature["name"]:
            continue
        cells = [_e(r["group"]), *(_n(r[c]) for c in counts), *(_interval(r, m) for m in metrics)]
        too_small = r.get("too_small_for") or []
        cells.append(
            "too small to judge"
            if r["too_small"]
            else (f"too small for {_e(', '.join(too_small))}" if too_small else "")
        )
        rows.append(cells)
    table = html_table(["group", *counts, *metrics, ""], rows)
    image = ""
    if png:
        image = (
            f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" '
            f'alt="{_e(feature["name"])} per group" {_IMG}>'
        )
    opened = " open" if open_ else ""
    return (
        f"<details{opened}><summary {_SUMMARY}>By {_e(feature['name'])} "
        f"({len(rows)} groups)</summary>{image}{table}</details>"
    )


def _policy(data: dict[str, Any]) -> str:
    p = data["policy"]
    if not p.get("applies"):
        return f"<h4 {_H}>Policy</h4>" + _p(f"{p.get('stated')}: the assessment is not judged.")
    limits = "; ".join(
        f"{m} {', '.join(f'{k} {v:g}' for k, v in lim.items())}" for m, lim in p["limits"].items()
    )
    rule = data.get("small_group_rule") or {}
    width = rule.get("max_interval_width")
    cases = "; ".join(f"{m}: {c}" for m, c in (rule.get("cases") or {}).items())
    small = (
        f"each metric is judged on its own cases ({cases}); a group enters a "
        f"metric's disparity with at least {rule.get('min_size')} such cases"
        + (f" and that metric's interval at most {width:g} wide" if width else "")
    )
    judged = (
        "A breach is judged on the point estimate (conservative); it is clear when the whole "
        "interval is beyond the limit, within noise when the interval reaches it. A limited "
        "disparity that cannot be measured across a sensitive column fails the verdict as not "
        "judged."
    )
    return (
        f"<h4 {_H}>Policy</h4>"
        + _p(f"{p.get('stated')}. Limits: {limits}. {small}. {judged}")
        + _p(f"Cited: {p.get('cite')}")
    )
