"""The report's pictures, drawn from its JSON with matplotlib's Agg canvas (no pyplot, so a
notebook's own backend and figures are left alone), as PNG bytes. Imported only when drawn."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: features drawn in the importance plot (the table lists every feature)
PLOT_FEATURES = 20
#: features drawn per cohort plot (the most important overall)
COHORT_FEATURES = 6
#: groups drawn per cohort plot (the table lists every group)
COHORT_GROUPS = 8
#: categories drawn on a categorical axis or in a legend; the rest are pooled as "other"
PLOT_CATEGORIES = 10
#: the longest label drawn in full
LABEL_CHARS = 32
DPI = 100

BLUE, ORANGE, RED, GREY = "#4C78A8", "#F58518", "#E45756", "#9D9D9D"
PALETTE = ("#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#EECA3B",
           "#FF9DA6", "#9D755D", "#BAB0AC")  # fmt: skip


def all_plots(data: dict[str, Any]) -> dict[str, bytes]:
    """Every plot a report has, by name."""
    # rank intervals are a column of the importance table: no picture of their own
    plots = {"importance": importance_png(data)}
    if data["dependence"]["features"]:
        plots["dependence"] = dependence_png(data)
    if data["interactions"].get("available"):
        plots["interactions"] = interactions_png(data)
    for k, table in enumerate((data["cohorts"] or {}).get("tables", [])):
        plots[f"cohorts_{k + 1}"] = cohorts_png(data, table)
    return plots


def label(text: Any) -> str:
    """Text as matplotlib draws it literally ("$" would start mathtext), cut to a length."""
    text = str(text)
    if len(text) > LABEL_CHARS:
        text = text[: LABEL_CHARS - 1] + "…"
    return text.replace("\\", "\\\\").replace("$", r"\$")


def _figure(width: float, height: float) -> Figure:
    # the tight layout engine fits labels without the second full draw that
    # ``savefig(bbox_inches="tight")`` costs
    figure = Figure(figsize=(width, height), dpi=DPI, facecolor="white", layout="tight")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()


def _nan(values: list[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _spread(estimate: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Error bar lengths below and above each estimate (0 where unknown; a percentile
    interval can miss its estimate by rounding, which draws no bar on that side)."""
    spread = np.vstack([estimate - low, high - estimate])
    return np.clip(np.nan_to_num(spread), 0, None)


def importance_png(data: dict[str, Any]) -> bytes:
    """Mean |SHAP| with its interval, next to permutation importance, top features first."""
    features = data["global_importance"][:PLOT_FEATURES]
    names = [label(f["feature"]) for f in features][::-1]
    estimate = _nan([f["importance"] for f in features])[::-1]
    low = _nan([f["ci_low"] for f in features])[::-1]
    high = _nan([f["ci_high"] for f in features])[::-1]
    perm = _nan([f["permutation"] for f in features])[::-1]
    perm_std = _nan([f["permutation_std"] for f in features])[::-1]
    unstable = [f["unstable"] for f in features][::-1]
    figure = _figure(9, 0.9 + 0.32 * len(features))
    left, right = figure.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3, 2]})
    where = np.arange(len(features))
    errors = _spread(estimate, low, high)
    colours = [RED if u else BLUE for u in unstable]
    left.barh(where, estimate, color=colours, xerr=errors, capsize=2,
              error_kw={"elinewidth": 1})  # fmt: skip
    left.set_yticks(where, names)
    confidence = data["global"]["confidence"]
    left.set_xlabel(
        f"mean |SHAP value| ({label(data['explainer']['space'])}), {confidence:.0%} interval"
    )
    shown = len(data["global_importance"])
    left.set_title(
        f"Importance, top {len(features)} of {shown}" if shown > len(features) else "Importance",
        loc="left",
    )
    right.barh(where, np.nan_to_num(perm), color=ORANGE, xerr=np.nan_to_num(perm_std), capsize=2,
               error_kw={"elinewidth": 1})  # fmt: skip
    right.axvline(0, color=GREY, linewidth=0.8)
    right.set_xlabel(label(data["permutation"]["measure"]) + " (± sd)")
    agreement = data["permutation"]["rank_agreement"]
    right.set_title(
        "Permutation importance"
        + (f"\nrank agreement {agreement:.2f}" if agreement is not None else ""),
        loc="left",
    )
    if any(unstable):
        left.text(0.99, 0.01, "red: unstable rank", transform=left.transAxes, ha="right",
                  va="bottom", fontsize=8, color=RED)  # fmt: skip
    for axis in (left, right):
        axis.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def _categories(values: list[Any]) -> tuple[list[str], np.ndarray]:
    """The most frequent categories (plus "other"), and each value's position among them."""
    text = ["missing" if v is None else str(v) for v in values]
    kinds, counts = np.unique(text, return_counts=True)
    keep = list(kinds[np.argsort(-counts, kind="stable")][:PLOT_CATEGORIES])
    index = {k: i for i, k in enumerate(keep)}
    codes = np.array([index.get(t, len(keep)) for t in text])
    if (codes == len(keep)).any():
        keep.append(f"other ({len(kinds) - PLOT_CATEGORIES})")
    return keep, codes


def dependence_png(data: dict[str, Any]) -> bytes:
    """SHAP value against feature value for the top features, coloured by their partner."""
    entries = data["dependence"]["features"]
    columns = 2 if len(entries) > 1 else 1
    rows = (len(entries) + 1) // 2 if columns == 2 else 1
    figure = _figure(5.2 * columns, 3.4 * rows)
    axes = np.atleast_1d(figure.subplots(rows, columns)).ravel()
    rng = np.random.default_rng(0)  # jitter of categorical axes only
    for axis, entry in zip(axes, entries, strict=False):
        shap = _nan(entry["shap"])
        if entry["numeric"]:
            x = _nan(entry["x"])
        else:
            names, x = _categories(entry["x"])
            x = x + rng.uniform(-0.25, 0.25, len(x))
            axis.set_xticks(range(len(names)), [label(n) for n in names], rotation=30, ha="right")
        _scatter(axis, figure, x, shap, entry)
        axis.axhline(0, color=GREY, linewidth=0.6)
        axis.set_xlabel(label(entry["feature"]))
        axis.set_ylabel("SHAP value")
        axis.spines[["top", "right"]].set_visible(False)
    for axis in axes[len(entries) :]:
        axis.set_visible(False)
    points = data["dependence"]["points"]
    figure.suptitle(f"Dependence ({points:,} rows)", x=0.01, ha="left")
    return _png(figure)


def _scatter(
    axis: Any, figure: Figure, x: np.ndarray, y: np.ndarray, entry: dict[str, Any]
) -> None:
    if entry["colour_by"] is None:
        axis.scatter(x, y, s=8, color=BLUE, alpha=0.6, linewidths=0)
        return
    name = label(entry["colour_by"])
    if entry["colour_numeric"]:
        colour = _nan(entry["colour"])
        known = ~np.isnan(colour)
        axis.scatter(x[~known], y[~known], s=8, color=GREY, alpha=0.6, linewidths=0)
        drawn = axis.scatter(x[known], y[known], s=8, c=colour[known], cmap="coolwarm",
                             alpha=0.7, linewidths=0)  # fmt: skip
        figure.colorbar(drawn, ax=axis, pad=0.01).set_label(name)
        return
    names, codes = _categories(entry["colour"])
    for k, group in enumerate(names):
        inside = codes == k
        colour = PALETTE[k % len(PALETTE)] if k < PLOT_CATEGORIES else GREY
        axis.scatter(x[inside], y[inside], s=8, color=colour, alpha=0.7, linewidths=0,
                     label=label(group))  # fmt: skip
    axis.legend(title=name, fontsize=7, title_fontsize=7, markerscale=1.5, frameon=False)


def interactions_png(data: dict[str, Any]) -> bytes:
    """Mean |interaction value| between the most important features."""
    section = data["interactions"]
    names = [label(n) for n in section["matrix_features"]]
    matrix = np.array([[np.nan if v is None else v for v in row] for row in section["matrix"]])
    size = 2.2 + 0.26 * len(names)
    figure = _figure(size + 1, size)
    axis = figure.subplots()
    drawn = axis.imshow(np.ma.masked_invalid(matrix), cmap="Blues")
    axis.set_xticks(range(len(names)), names, rotation=45, ha="right")
    axis.set_yticks(range(len(names)), names)
    figure.colorbar(drawn, ax=axis, pad=0.02).set_label("mean |interaction value|")
    axis.set_title(f"Interactions ({section['rows']:,} rows)", loc="left")
    return _png(figure)


def cohorts_png(data: dict[str, Any], table: dict[str, Any]) -> bytes:
    """Importance of the top features in each group of one ``by``, with intervals."""
    features = [f["feature"] for f in data["global_importance"][:COHORT_FEATURES]]
    groups = [g for g in table["groups"] if g["explained"]][:COHORT_GROUPS]
    figure = _figure(8, 1.2 + 0.32 * len(features) * max(1, len(groups)) ** 0.5)
    axis = figure.subplots()
    height = 0.8 / max(1, len(groups))
    where = np.arange(len(features))[::-1]
    for k, group in enumerate(groups):
        by_name = {row["feature"]: row for row in group["importance"]}
        rows = [by_name[f] for f in features]
        estimate = _nan([r["importance"] for r in rows])
        low, high = _nan([r["ci_low"] for r in rows]), _nan([r["ci_high"] for r in rows])
        errors = _spread(estimate, low, high)
        colour = PALETTE[k % len(PALETTE)]
        axis.barh(where + 0.4 - height * (k + 0.5), estimate, height=height, color=colour,
                  xerr=errors, capsize=1.5, error_kw={"elinewidth": 0.8},
                  hatch="//" if group["small"] else None,
                  label=label(f"{group['group']} (n={group['explained']:,})"))  # fmt: skip
    axis.set_yticks(where, [label(f) for f in features])
    confidence = data["global"]["confidence"]
    axis.set_xlabel(
        f"mean |SHAP value| per group, {confidence:.0%} interval (hatched: small group)"
    )
    drawn = len(groups)
    total = len(table["groups"])
    axis.set_title(
        f"Importance by {label(table['by'])}"
        + (f" ({drawn} of {total} groups drawn)" if drawn < total else ""),
        loc="left",
    )
    axis.legend(fontsize=8, frameon=False, loc="lower right")
    axis.spines[["top", "right"]].set_visible(False)
    return _png(figure)
