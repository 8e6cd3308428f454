"""The report's plots (PNG, matplotlib's Agg backend, imported here only): for each feature,
the headline metrics of each group with their intervals; groups too small to judge in grey."""

from __future__ import annotations

import io
from typing import Any

#: the metrics drawn per group, by task
DRAWN = {
    "classification": ("selection_rate", "tpr", "fpr"),
    "regression": ("mean_error", "mae"),
}
#: at most this many groups per plot (the table has them all)
MAX_GROUPS = 30
_JUDGED, _SMALL = "#4C78A8", "#9e9e9e"


def all_plots(data: dict[str, Any]) -> dict[str, bytes]:
    """``{"groups_N": png}`` for the N-th feature."""
    return {
        f"groups_{i}": _feature(data, feature["name"]) for i, feature in enumerate(data["features"])
    }


def _feature(data: dict[str, Any], name: str) -> bytes:
    from matplotlib.figure import Figure  # drawn without pyplot: Agg, no global state

    rows = [r for r in data["by_group"] if r["feature"] == name][:MAX_GROUPS]
    metrics = [m for m in DRAWN[data["task"]] if m in data["metrics"]]
    figure = Figure(figsize=(3.2 * len(metrics) + 1.2, 0.32 * len(rows) + 1.3), dpi=100)
    axes = figure.subplots(1, len(metrics), sharey=True, squeeze=False)[0]
    labels = [f"{r['group']} (n={r['size']:,})" for r in rows]
    y = list(range(len(rows)))
    for ax, metric in zip(axes, metrics, strict=True):
        for i, row in enumerate(rows):
            value = row.get(metric)
            if value is None:
                continue
            low, high = row.get(f"{metric}_low"), row.get(f"{metric}_high")
            small = row["too_small"] or metric in (row.get("too_small_for") or [])
            color = _SMALL if small else _JUDGED
            if low is not None and high is not None:
                ax.plot([low, high], [i, i], color=color, linewidth=2, solid_capstyle="butt")
            ax.plot([value], [i], "o", color=color, markersize=4)
        ax.set_title(metric.replace("_", " "), fontsize=9, parse_math=False)
        ax.tick_params(labelsize=8)
        ax.grid(axis="x", alpha=0.3)
        if metric == "mean_error":
            ax.axvline(0, color="#444", linewidth=0.8)
    axes[0].set_yticks(y)
    axes[0].set_yticklabels(labels, parse_math=False)  # a "$" in a label is text
    axes[0].invert_yaxis()
    confidence = round(float(data["confidence"]) * 100)
    figure.suptitle(
        f"{name}: {confidence}% bootstrap intervals (grey: too small to judge that metric)",
        fontsize=9,
        parse_math=False,
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
