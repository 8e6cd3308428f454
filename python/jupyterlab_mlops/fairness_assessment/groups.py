"""The groups compared: each sensitive column on its own (numeric ones with many values banded,
e.g. ``age`` -> ``age band``) and the intersection of each pair (``sex x age band``).

Every feature is an integer group code per row with its labels; the finest cells (the
combination of every column's group) are what the bootstrap resamples.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import Any

from ..errors import MlopsError

#: a numeric column with more distinct values than this is banded
MAX_LEVELS = 10
#: about how many bands a banded column gets (quantile edges, rounded: to whole numbers when
#: the column holds whole numbers, else to 2 significant figures of its spread)
BANDS = 5
#: the most groups one sensitive column may have (band or group a column with more)
MAX_GROUPS = 50
#: the label of rows with no value in a sensitive column
MISSING = "(missing)"
CROSS = " × "  # noqa: RUF001


@dataclass(eq=False)
class Feature:
    """One way of grouping the rows: a column, a banded column, or a pair of them."""

    name: str
    columns: list[str]
    codes: Any  # int array, one group code per row
    labels: list[str]  # label of each code

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "columns": list(self.columns), "groups": list(self.labels)}


def build_features(
    frame: Any, bands: dict[str, list[float]] | None = None
) -> tuple[list[Feature], dict[str, dict[str, Any]]]:
    """The single features (in column order) then the pairwise intersections, and the bands
    of each banded column (``{column: {feature, edges, labels, source}}``)."""
    names = [str(c) for c in frame.columns]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise MlopsError(
            f"sensitive has more than one column named {twice[0]!r} (as text)",
            "give every sensitive column its own name",
        )
    singles, banded = [], {}
    for column in frame.columns:
        feature, band = _single(str(column), frame[column], (bands or {}).get(str(column)))
        singles.append(feature)
        if band is not None:
            banded[str(column)] = band
    pairs = [_cross(a, b) for a, b in combinations(singles, 2)]
    return singles + pairs, banded


def finest(features: list[Feature]) -> tuple[Any, list[Any]]:
    """The finest cell of each row (its group in every single feature), and for each feature
    the group of each finest cell: ``(cell codes, [cell -> group code per feature])``."""
    import numpy as np

    singles = [f for f in features if len(f.columns) == 1]
    stacked = np.stack([f.codes for f in singles], axis=1)
    cells, inverse = np.unique(stacked, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    some_row = np.empty(len(cells), dtype=np.int64)
    some_row[inverse] = np.arange(len(inverse))  # any row of a cell: its groups are the same
    maps = [feature.codes[some_row] for feature in features]
    return inverse, maps


def _single(name: str, values: Any, edges: list[float] | None) -> tuple[Feature, Any]:
    import numpy as np
    import pandas as pd

    series = pd.Series(values).reset_index(drop=True)
    if series.dtype == object and series.map(_unhashable).any():
        raise MlopsError(
            f"sensitive column {name!r} holds lists, dicts or arrays",
            "pass one plain value (a text, number or category) per row",
        )
    numeric = series.dtype.kind in "iuf" and series.dtype.kind != "b"
    distinct = series.dropna().nunique()
    if edges is not None or (numeric and distinct > MAX_LEVELS):
        if not numeric:
            raise MlopsError(
                f"the policy bands column {name!r}, but it is not numeric",
                "band numeric columns only (bands: {age: [25, 35, 50, 65]})",
            )
        feature, band = _banded(name, series, edges)
        _cap(feature)
        return feature, band
    missing = series.isna()
    text = series.astype(str).where(~missing, MISSING)  # the one conversion to labels
    codes, uniques = pd.factorize(text)
    first = np.unique(codes, return_index=True)[1]
    order = _order([(series[i], uniques[c]) for c, i in enumerate(first)], MISSING)
    remap = np.empty(len(uniques), dtype=np.int64)
    remap[order] = np.arange(len(order))
    feature = Feature(name, [name], remap[codes], [str(uniques[c]) for c in order])
    _cap(feature)
    return feature, None


def _unhashable(value: Any) -> bool:
    import numpy as np

    return isinstance(value, list | dict | set | np.ndarray)


def _cap(feature: Feature) -> None:
    if len(feature.labels) > MAX_GROUPS:
        raise MlopsError(
            f"sensitive column {feature.columns[0]!r} has {len(feature.labels):,} groups, more "
            f"than {MAX_GROUPS}",
            "band it (the policy's bands:) or group its rare values first, e.g. "
            "region.where(region.isin(top), 'other')",
        )


def _order(pairs: list[tuple[Any, str]], missing: str) -> list[int]:
    """Positions of the (value, label) pairs in display order: by value where the values
    sort, else by label; the missing label last."""
    present = [i for i, (_, label) in enumerate(pairs) if label != missing]
    try:
        present.sort(key=lambda i: pairs[i][0])
    except TypeError:
        present.sort(key=lambda i: pairs[i][1])
    return present + [i for i, (_, label) in enumerate(pairs) if label == missing]


def _banded(name: str, series: Any, edges: list[float] | None) -> tuple[Feature, dict[str, Any]]:
    import numpy as np

    present = series.dropna().to_numpy(dtype=float)
    finite = present[np.isfinite(present)]
    whole = bool(len(finite)) and bool((finite % 1 == 0).all())
    source = "policy"
    if edges is None:
        source = "quantiles"
        edges = quantile_edges(finite, whole)
    edges = sorted(float(e) for e in edges)
    integral = whole and all(e % 1 == 0 for e in edges)
    labels = _band_labels(edges, integral)
    values = series.to_numpy(dtype=float)
    codes = np.searchsorted(np.asarray(edges, dtype=float), values, side="right").astype(np.int64)
    missing = np.isnan(values)
    if missing.any():
        codes[missing] = len(labels)
        labels.append(MISSING)
    used = np.unique(codes)
    codes = np.searchsorted(used, codes).astype(np.int64)
    labels = [labels[int(c)] for c in used]
    feature = Feature(f"{name} band", [name], codes, labels)
    band = {"feature": feature.name, "edges": edges, "labels": labels, "source": source}
    return feature, band


def quantile_edges(values: Any, whole: bool) -> list[float]:
    """About :data:`BANDS` bands at the quantiles of ``values`` (finite), rounded to whole
    numbers when they are whole, else to 2 significant figures of their spread; at least two
    bands when there are two distinct values."""
    import math

    import numpy as np

    if len(values) == 0:
        return []
    low, high = float(values.min()), float(values.max())
    if low == high:
        return []
    quantiles = np.quantile(values, np.linspace(0, 1, BANDS + 1)[1:-1])
    spread = float(f"{high - low:.2g}")  # 0.9998 -> 1.0: edges in tenths
    unit = 1.0 if whole else 10.0 ** (math.floor(math.log10(spread)) - 1)
    rounded = {float(round(float(q) / unit) * unit) for q in quantiles}
    edges = sorted(float(f"{e:.12g}") for e in rounded if low < e <= high)
    if not edges:  # most rows share the lowest value: it is one band, the rest the other
        edges = [float(np.min(values[values > low]))]
    return edges


def _band_labels(edges: list[float], integral: bool) -> list[str]:
    def num(x: float) -> str:
        return f"{x:g}"

    if not edges:
        return ["all"]
    labels = [f"<{num(edges[0])}"]
    for low, high in pairwise(edges):
        labels.append(f"{num(low)}–{num(high - 1)}" if integral else f"{num(low)} to <{num(high)}")  # noqa: RUF001
    labels.append(f"≥{num(edges[-1])}")
    return labels


def _cross(a: Feature, b: Feature) -> Feature:
    import numpy as np

    combined = a.codes * len(b.labels) + b.codes
    used, codes = np.unique(combined, return_inverse=True)
    labels = [f"{a.labels[c // len(b.labels)]}{CROSS}{b.labels[c % len(b.labels)]}" for c in used]
    return Feature(f"{a.name}{CROSS}{b.name}", [*a.columns, *b.columns], codes.reshape(-1), labels)
