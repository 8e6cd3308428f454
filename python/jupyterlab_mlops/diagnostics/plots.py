"""The report's pictures, drawn from its JSON with matplotlib's Agg canvas (no pyplot, so a
notebook's own backend and figures are left alone), as PNG bytes. Imported only when drawn.
Every text from the data goes through :func:`plain` (a ``$`` would start mathtext)."""

from __future__ import annotations

import io
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

BLUE, ORANGE, RED, GREY = "#4C78A8", "#F58518", "#E45756", "#9D9D9D"
DPI = 100
#: columns drawn in the shift plot (the table lists every column)
SHIFT_COLUMNS = 15


def all_plots(data: dict[str, Any]) -> dict[str, bytes]:
    plots = {"overfit": overfit_png(data["overfit"])}
    calibration = data.get("calibration")
    if calibration and calibration.get("curve"):
        plots["reliability"] = reliability_png(calibration)
    if data["shift"]["columns"]:
        plots["shift"] = shift_png(data["shift"])
    return plots


def plain(text: object) -> str:
    """``text`` as matplotlib draws it literally: ``$`` escaped, so no mathtext is parsed."""
    return str(text).replace("$", r"\$")


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, bbox_inches="tight")
    return out.getvalue()


def reliability_png(calibration: dict[str, Any]) -> bytes:
    """The reliability curve: observed rate against mean predicted probability per bin, each
    point labelled with its rows (a sparse bin is visible as such)."""
    figure = Figure(figsize=(4.2, 4.0))
    ax = figure.add_subplot()
    ax.plot([0, 1], [0, 1], linestyle="--", color=GREY, label="perfectly calibrated")
    curve = calibration["curve"]
    ax.plot(curve["predicted"], curve["observed"], marker="o", color=BLUE, label="model")
    for x, y, count in zip(curve["predicted"], curve["observed"], curve.get("counts") or [],
                           strict=False):  # fmt: skip
        ax.annotate(f"{count:,}", (x, y), textcoords="offset points", xytext=(4, -10),
                    fontsize=7, color=GREY)  # fmt: skip
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("observed rate")
    ax.set_title(f"Reliability (ECE {calibration['ece']:.3f}, {calibration['bins']} bins)")
    ax.legend(loc="upper left", fontsize=8, title="rows per bin in grey", title_fontsize=7)
    return _png(figure)


def overfit_png(overfit: dict[str, Any]) -> bytes:
    """Train, test (and cross-validation) of the headline metric."""
    figure = Figure(figsize=(4.2, 2.4))
    ax = figure.add_subplot()
    names, values, colours, errors = ["train", "test"], [overfit["train"], overfit["test"]], [
        BLUE, ORANGE], [0.0, 0.0]  # fmt: skip
    cv = overfit.get("cv")
    if cv:
        names.append("cross-validation")
        values.append(cv["mean"])
        colours.append(GREY)
        errors.append(cv.get("sd") or 0.0)
    ax.barh(names, values, color=colours, xerr=errors)
    ax.invert_yaxis()
    ax.set_xlabel(plain(overfit["metric"]))
    ax.set_title(plain(f"{overfit['metric']}: gap {overfit['gap']:.3f}"))
    return _png(figure)


def shift_png(shift: dict[str, Any]) -> bytes:
    """PSI of each column's test rows against its training rows, largest first."""
    top = sorted(shift["columns"].items(), key=lambda p: -p[1])[:SHIFT_COLUMNS]
    figure = Figure(figsize=(5.0, 0.3 * len(top) + 1.0))
    ax = figure.add_subplot()
    names = [plain(c if len(c) <= 28 else c[:27] + "…") for c, _ in top]
    values = [v for _, v in top]
    ax.barh(names, values, color=[RED if v > 0.2 else BLUE for v in values])
    ax.invert_yaxis()
    ax.axvline(0.1, color=GREY, linestyle=":")
    ax.axvline(0.2, color=GREY, linestyle="--")
    ax.set_xlabel("PSI, test against train (0.1 moderate, 0.2 a shift)")
    return _png(figure)
