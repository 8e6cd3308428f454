"""The bootstrap: many resamples of the rows, the same ones for every metric, group, feature
and disparity (so a disparity's interval reflects how its groups vary together).

Classification: resampling n rows with replacement is one multinomial draw of n over the
counts of the finest cells (every column's group x TP/FP/TN/FN), so a resample costs the
number of cells, not rows; the counts of any group are sums of cells. With scores, the cells
also split by score bin (:data:`SCORE_BINS` quantile bins) for ROC AUC: its resamples treat
scores in one bin as ties, shifted by the full sample's difference from the exact AUC.

Regression: the Poisson bootstrap (each row weighted by an independent Poisson(1) count,
the usual stand-in for drawing n rows: the resample's size varies around n), in chunks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from ..experiments.stats import auc_from_histograms
from .groups import Feature
from .inputs import Inputs
from .metrics import from_counts

#: score bins for the ROC AUC resamples
SCORE_BINS = 50
#: resamples drawn at once (bounds memory)
CHUNK = 100
#: at most this many numbers in one chunk's per-group sums (bounds memory with many groups)
CHUNK_CELLS = 4_000_000
#: work (cells or rows x resamples) from which a progress bar is shown
BAR_WORK = 20_000_000

Progress = Callable[[int, str], contextlib.AbstractContextManager[Callable[[int], None]]]


def resample(
    inputs: Inputs,
    features: list[Feature],
    cells: Any,
    maps: list[Any],
    *,
    resamples: int,
    seed: int,
    progress: Progress | None,
) -> list[dict[str, Any]]:
    """For each feature, each metric's resampled values: arrays of resamples x groups."""
    import numpy as np

    rng = np.random.default_rng(seed)
    if inputs.task == "regression":
        return _regression(inputs, features, cells, maps, resamples, rng, progress)
    return _classification(inputs, features, cells, maps, resamples, rng, progress)


def _onehot(columns: Any, width: int) -> Any:
    """A sparse rows x ``width`` matrix with a 1 at (row, ``columns[row]``): summing by it
    costs the number of rows, not rows x width (no dense category x group matrix)."""
    import numpy as np
    from scipy import sparse

    n = len(columns)
    return sparse.csr_matrix((np.ones(n), (np.arange(n), columns)), shape=(n, width))


def _sum(drawn: Any, onehot: Any) -> Any:
    """``drawn @ onehot`` as a dense array (resamples x columns)."""
    import numpy as np

    return np.asarray((onehot.T @ drawn.T).T)


def _chunks(total: int, work: int, progress: Progress | None, what: str, width: int = 1) -> Any:
    """Chunk sizes of the resamples, advancing a bar when the work is large; ``width``: the
    numbers one resample's sums take (a chunk holds at most :data:`CHUNK_CELLS` of them)."""
    step = max(1, min(CHUNK, CHUNK_CELLS // max(width, 1)))
    bar = progress(total, what) if progress is not None and work >= BAR_WORK else None
    with bar if bar is not None else contextlib.nullcontext(None) as advance:
        done = 0
        while done < total:
            size = min(step, total - done)
            yield size
            done += size
            if advance is not None:
                advance(size)


def _classification(
    inputs: Inputs,
    features: list[Feature],
    cells: Any,
    maps: list[Any],
    resamples: int,
    rng: Any,
    progress: Progress | None,
) -> list[dict[str, Any]]:
    import numpy as np

    outcome = (2 * inputs.y_true + inputs.y_pred).astype(np.int64)  # 0 TN, 1 FP, 2 FN, 3 TP
    bins = _score_bins(inputs.scores)
    nbins = int(bins.max()) + 1 if bins is not None else 1
    code = (cells * 4 + outcome) * nbins + (bins if bins is not None else 0)
    categories, counts = np.unique(code, return_counts=True)
    cat_cell = categories // (4 * nbins)
    cat_outcome = (categories // nbins) % 4
    cat_bin = categories % nbins
    n = len(inputs.y_true)
    p = counts / n
    # one matrix per feature: category -> (outcome, group) and, with scores, (label, group, bin)
    mats, aucs = [], []
    for feature, cell_group in zip(features, maps, strict=True):
        groups = len(feature.labels)
        group = cell_group[cat_cell]
        mats.append(_onehot(cat_outcome * groups + group, 4 * groups))
        if bins is not None:
            label = cat_outcome // 2
            column = (label * groups + group) * nbins + cat_bin
            aucs.append(_onehot(column, 2 * groups * nbins))
    out: list[dict[str, list[Any]]] = [{} for _ in features]
    work = len(categories) * resamples
    width = max(m.shape[1] for m in [*mats, *aucs])
    for size in _chunks(resamples, work, progress, "fairness: bootstrap resamples", width):
        drawn = rng.multinomial(n, p, size=size).astype(float)
        for i, feature in enumerate(features):
            groups = len(feature.labels)
            c = _sum(drawn, mats[i]).reshape(size, 4, groups)
            rates = from_counts(tp=c[:, 3], fp=c[:, 1], tn=c[:, 0], fn=c[:, 2])
            if bins is not None:
                h = _sum(drawn, aucs[i]).reshape(size, 2, groups, nbins)
                rates["roc_auc"] = auc_from_histograms(h[:, 1], h[:, 0])
            for name, values in rates.items():
                out[i].setdefault(name, []).append(values)
    found = [{k: np.concatenate(v) for k, v in f.items()} for f in out]
    if bins is not None:  # the binned AUC's difference from the exact one, at the full sample
        for i, feature in enumerate(features):
            full = _sum(counts.astype(float)[None], aucs[i]).reshape(2, len(feature.labels), nbins)
            found[i]["_auc_binned"] = auc_from_histograms(full[1], full[0])
    return found


def _score_bins(scores: Any) -> Any:
    """Each score's bin (exact when there are few distinct scores), or None without scores."""
    import numpy as np

    if scores is None:
        return None
    distinct = np.unique(scores)
    if len(distinct) <= SCORE_BINS:
        return np.searchsorted(distinct, scores).astype(np.int64)
    edges = np.unique(np.quantile(scores, np.linspace(0, 1, SCORE_BINS + 1)[1:-1]))
    return np.searchsorted(edges, scores, side="right").astype(np.int64)


def _regression(
    inputs: Inputs,
    features: list[Feature],
    cells: Any,
    maps: list[Any],
    resamples: int,
    rng: Any,
    progress: Progress | None,
) -> list[dict[str, Any]]:
    import numpy as np

    error = inputs.y_pred - inputs.y_true
    order = np.argsort(cells, kind="stable")
    sorted_cells = cells[order]
    starts = np.flatnonzero(np.r_[True, sorted_cells[1:] != sorted_cells[:-1]])
    e, a = error[order], np.abs(error[order])
    mats = [
        _onehot(cell_group, len(feature.labels))
        for feature, cell_group in zip(features, maps, strict=True)
    ]
    n = len(error)
    out: list[dict[str, list[Any]]] = [{} for _ in features]
    width = max(n, *(m.shape[1] for m in mats))
    for size in _chunks(resamples, n * resamples, progress, "fairness: bootstrap resamples", width):
        w = rng.poisson(1.0, size=(size, n)).astype(float)
        sums = [np.add.reduceat(x, starts, axis=1) for x in (w, w * e, w * a)]
        for i in range(len(features)):
            count, err, absolute = (_sum(s, mats[i]) for s in sums)
            with np.errstate(divide="ignore", invalid="ignore"):
                out[i].setdefault("mean_error", []).append(err / count)
                out[i].setdefault("mae", []).append(absolute / count)
    return [{k: np.concatenate(v) for k, v in f.items()} for f in out]
