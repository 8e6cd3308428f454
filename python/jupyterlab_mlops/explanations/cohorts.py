"""Cohorts: the groups of ``by`` (columns of X, or a Series/DataFrame aligned with it), and
importance per group with intervals, compared with the importance over all rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MlopsError
from .stats import Importance, bootstrap_importance, spearman

#: a numeric ``by`` column with more distinct values than this is cut into bands
MAX_GROUP_VALUES = 10
#: how many quantile bands such a column is cut into (fewer when quantiles coincide)
COHORT_BANDS = 4
#: a group with fewer explained rows than this is marked small (its intervals are wide);
#: groups under it in the sample get random rows of the group added, up to it
COHORT_MIN_ROWS = 50
#: what a missing ``by`` value is called
MISSING = "(missing)"


@dataclass(frozen=True)
class Grouping:
    """One ``by`` column: a group label per row of X (by position), and how it was made."""

    name: str
    labels: np.ndarray  # str per row of X
    groups: tuple[str, ...]  # in the order a report shows them
    banding: str | None  # how a numeric column was banded, None when used as it is


def groupings(by: Any, X: pd.DataFrame, *, bands: int = COHORT_BANDS) -> list[Grouping]:
    """``by`` as groupings: None, a column name or list of names of X, or a Series or
    DataFrame aligned with X's index (e.g. sensitive attributes kept out of X)."""
    if by is None:
        return []
    if isinstance(by, str):
        by = [by]
    if isinstance(by, pd.Series):
        frame = _aligned(by.to_frame(name=str(by.name) if by.name is not None else "group"), X)
    elif isinstance(by, pd.DataFrame):
        frame = _aligned(by, X)
    elif isinstance(by, Sequence) and all(isinstance(name, str) for name in by):
        missing = [name for name in by if name not in X.columns]
        if missing:
            raise MlopsError(
                f"by names columns that are not in X: {', '.join(map(repr, missing[:5]))}",
                f"X has {', '.join(map(repr, list(map(str, X.columns))[:8]))}"
                + (" ..." if X.shape[1] > 8 else "")
                + "; pass other groups as a Series aligned with X's index",
            )
        frame = X[list(dict.fromkeys(by))]
    else:
        raise MlopsError(
            f"by must be column names of X, a Series or a DataFrame, not {type(by).__name__}",
            "pass e.g. by=['region'] or by=sensitive_attributes (aligned with X's index)",
        )
    return [_grouping(str(name), frame[name], bands) for name in frame.columns]


def _aligned(frame: pd.DataFrame, X: pd.DataFrame) -> pd.DataFrame:
    if frame.index.equals(X.index):
        return frame
    if frame.index.is_unique and X.index.isin(frame.index).all():
        return frame.loc[X.index]
    absent = X.index[~X.index.isin(frame.index)][:3]
    raise MlopsError(
        "by is not aligned with X: "
        + (
            f"rows of X missing from it: {', '.join(map(repr, absent.tolist()))}"
            if len(absent)
            else "its index has repeated labels"
        ),
        "pass groups indexed like X (e.g. the same split of the same DataFrame)",
    )


def _grouping(name: str, series: pd.Series, bands: int) -> Grouping:
    missing = series.isna().to_numpy()
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    banding = None
    if numeric and series.nunique(dropna=True) > MAX_GROUP_VALUES:
        values = series.to_numpy(dtype=float, na_value=np.nan)
        edges = np.unique(np.nanquantile(values, np.linspace(0, 1, bands + 1)))
        cut = np.clip(np.searchsorted(edges, values, side="left") - 1, 0, len(edges) - 2)
        names = [
            ("[" if k == 0 else "(") + f"{edges[k]:.4g}, {edges[k + 1]:.4g}]"
            for k in range(len(edges) - 1)
        ]
        labels = np.array(names, dtype=object)[cut]
        order = [n for n in names if n in set(labels[~missing])]
        banding = (
            f"{len(edges) - 1} quantile bands of {name} (edges "
            + ", ".join(f"{e:.4g}" for e in edges)
            + ")"
        )
    else:
        labels = series.astype(str).to_numpy(dtype=object)
        present = pd.Series(labels[~missing]).value_counts(sort=False)
        order = sorted(present.index, key=lambda g: (-present[g], g))
    labels = np.where(missing, MISSING, labels).astype(object)
    if missing.any():
        order.append(MISSING)
    return Grouping(name, labels, tuple(order), banding)


def top_up(
    grouping: list[Grouping], sample: np.ndarray, rng: np.random.Generator, limit: int
) -> np.ndarray:
    """Positions of random rows to add to ``sample`` so every group of every grouping has
    :data:`COHORT_MIN_ROWS` explained rows (or all its rows), at most ``limit`` in all."""
    if not grouping:
        return np.empty(0, dtype=int)
    chosen = np.zeros(len(grouping[0].labels), dtype=bool)
    chosen[sample] = True
    extra: list[np.ndarray] = []
    room = limit
    for g in grouping:
        for group in g.groups:
            members = np.flatnonzero(g.labels == group)
            want = min(COHORT_MIN_ROWS, len(members)) - int(chosen[members].sum())
            if want <= 0 or room <= 0:
                continue
            take = rng.permutation(members[~chosen[members]])[: min(want, room)]
            chosen[take] = True
            extra.append(take)
            room -= len(take)
    return np.sort(np.concatenate(extra)) if extra else np.empty(0, dtype=int)


def cohort_table(
    grouping: Grouping,
    positions: np.ndarray,
    values: np.ndarray,
    overall: Importance,
    columns: Sequence[str],
    *,
    resamples: int,
    seed: int,
) -> dict[str, Any]:
    """Importance per group of one grouping, from the explained rows at ``positions``
    (their attributions are ``values``), set against ``overall``."""
    labels = grouping.labels[positions]
    top_overall = int(np.argmax(overall.estimate))
    rows = []
    for k, group in enumerate(grouping.groups):
        inside = labels == group
        size = int((grouping.labels == group).sum())
        imp = bootstrap_importance(values[inside], resamples=resamples, seed=seed + 1 + k)
        rows.append(_group_row(group, size, imp, overall, columns, top_overall))
    return {
        "by": grouping.name,
        "banding": grouping.banding,
        "groups": rows,
        "relies_differently": any(row["differs"] for row in rows),
    }


def _group_row(
    group: str,
    size: int,
    imp: Importance,
    overall: Importance,
    columns: Sequence[str],
    top_overall: int,
) -> dict[str, Any]:
    explained = imp.rows
    if explained == 0:
        return {
            "group": group,
            "size": size,
            "explained": 0,
            "small": True,
            "top_feature": None,
            "rank_correlation": None,
            "differs": False,
            "importance": [],
        }
    low, high = imp.low, imp.high
    top = int(np.argmax(imp.estimate))
    # differs: its own top feature is not the overall one, and their intervals in this group
    # do not overlap (so the difference is more than resampling noise)
    differs = bool(top != top_overall and len(imp.resampled) and low[top] > high[top_overall])
    return {
        "group": group,
        "size": size,
        "explained": explained,
        "small": explained < COHORT_MIN_ROWS,
        "top_feature": columns[top],
        "rank_correlation": spearman(imp.estimate, overall.estimate),
        "differs": differs,
        "importance": [
            {
                "feature": columns[j],
                "importance": float(imp.estimate[j]),
                "ci_low": float(low[j]),
                "ci_high": float(high[j]),
            }
            for j in range(len(columns))
        ],
    }
