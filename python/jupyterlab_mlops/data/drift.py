"""Drift: how far new data has moved from the profile of a registered version, per column.

The measure is the population stability index, PSI = sum((a - e) * ln(a / e)) over bins, with
``e`` the reference share and ``a`` the new data's share of each bin (shares floored at
:data:`EPSILON`). Bins: for numeric columns the deciles the profile keeps
(``stats["histogram"]``; older profiles only have p01/p50/p99, a coarser fallback); for
categorical columns the top values the profile keeps plus one bin for every other value; for
booleans false/true. Missing values are a bin of their own, so a column that starts arriving
empty drifts too. Common reading: below 0.1 stable, 0.1-0.2 moderate, above 0.2 a shift.

Only what the profile keeps is compared: columns withheld as personal data, free text and
dates have no distribution in the profile and are listed as not compared. A column that is
gone from the new data or changed type is a problem of its own (no PSI).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .columns import ColumnProfile, column_profile, histogram_counts
from .profile import DataProfile
from .tables import TableSample, frame_sample

EPSILON = 1e-4
_NUMERIC = ("integer", "float")


@dataclass(frozen=True)
class DatasetDrift:
    """Drift of one table from a reference profile."""

    rows: int
    columns: dict[str, float] = field(default_factory=dict)  # column -> PSI
    problems: dict[str, str] = field(default_factory=dict)  # column -> what is wrong
    not_compared: dict[str, str] = field(default_factory=dict)  # column -> why not
    added: list[str] = field(default_factory=list)  # columns the reference does not have

    def flagged(self, threshold: float) -> list[dict[str, Any]]:
        """Columns over the threshold (largest first), then the problems."""
        over = sorted(
            ((c, v) for c, v in self.columns.items() if v > threshold), key=lambda p: -p[1]
        )
        return [{"column": c, "psi": v} for c, v in over] + [
            {"column": c, "psi": None, "problem": why} for c, why in self.problems.items()
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "columns": dict(self.columns),
            "problems": dict(self.problems),
            "not_compared": dict(self.not_compared),
            "added": list(self.added),
        }


def psi(expected: Sequence[float], actual: Sequence[float]) -> float:
    """The population stability index of two share vectors over the same bins."""
    total = 0.0
    for e, a in zip(expected, actual, strict=True):
        e, a = max(e, EPSILON), max(a, EPSILON)
        total += (a - e) * math.log(a / e)
    return round(total, 4)


def unchanged(reference: DataProfile) -> DatasetDrift:
    """The drift of the very data the profile was made from: zero wherever it is measurable."""
    columns, not_compared = {}, {}
    for column in reference.columns:
        why = _not_comparable(column)
        if why:
            not_compared[column.name] = why
        else:
            columns[column.name] = 0.0
    return DatasetDrift(reference.rows or 0, columns, {}, not_compared)


def dataset_drift(reference: DataProfile, current: TableSample) -> DatasetDrift:
    """Compare ``current`` (see :func:`~.tables.table_sample`) with ``reference``, column by
    column."""
    columns: dict[str, float] = {}
    problems: dict[str, str] = {}
    not_compared: dict[str, str] = {}
    for ref in reference.columns:
        why = _not_comparable(ref)
        if why:
            not_compared[ref.name] = why
            continue
        found = current.column(ref.name)
        if found is None:
            problems[ref.name] = "missing from the new data"
            continue
        kind, values, missing = found
        shares = _shares(ref, kind, values, missing, current.rows)
        if isinstance(shares, str):
            problems[ref.name] = shares
            continue
        columns[ref.name] = psi(*shares)
    known = {c.name for c in reference.columns}
    added = [name for name in current.names if name not in known]
    return DatasetDrift(current.rows, columns, problems, not_compared, added)


def frame_profile(frame: Any) -> DataProfile:
    """The profile of a pandas DataFrame held in memory (every row; nothing withheld: it is
    compared in memory, never stored), as :func:`~.profile.profile_path` profiles a table."""
    sample = frame_sample(frame)
    columns = tuple(
        column_profile(name, kind, values, int(sample.missing[i]), sample.rows, False, False)
        for i, (name, (kind, values)) in enumerate(zip(sample.names, sample.typed, strict=True))
    )
    return DataProfile(kind="table", format="frame", bytes=0, rows=sample.rows, columns=columns)


def frame_drift(reference: Any, current: Any) -> DatasetDrift:
    """How far DataFrame ``current`` has moved from DataFrame ``reference``, per column (e.g.
    a test set from its training set): the PSI of :func:`dataset_drift` against the in-memory
    profile of ``reference``."""
    return dataset_drift(frame_profile(reference), frame_sample(current))


def _not_comparable(ref: ColumnProfile) -> str | None:
    if ref.withheld:
        return "personal data: the profile keeps no distribution"
    if not ref.stats.get("count"):
        return "no values in the reference"
    if ref.type in _NUMERIC and ("histogram" in ref.stats or "p50" in ref.stats):
        return None
    if ref.type == "boolean" and ref.stats.get("true_rate") is not None:
        return None
    if ref.top:
        return None
    return f"{ref.type} column: the profile keeps no distribution"


def _shares(
    ref: ColumnProfile, kind: str, values: Any, missing: int, rows: int
) -> tuple[list[float], list[float]] | str:
    """(reference shares, new shares) over the same bins, or what makes them incomparable."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    present = values.drop_null()
    if pa.types.is_floating(present.type):
        present = present.filter(pc.invert(pc.is_nan(present)))
    if ref.type in _NUMERIC:
        if kind not in _NUMERIC:
            return f"was {ref.type}, now {kind}"
        expected, counts = _numeric_bins(ref, present)
    elif ref.type == "boolean":
        if kind != "boolean":
            return f"was boolean, now {kind}"
        rate = ref.stats["true_rate"]
        expected = [1 - rate, rate]
        trues = int(pc.sum(present).as_py() or 0)
        counts = [len(present) - trues, trues]
    else:
        expected, counts = _category_bins(ref, present)
    actual_missing = missing / rows if rows else 0.0
    return _with_missing(expected, ref.missing_rate, counts, actual_missing)


def _numeric_bins(ref: ColumnProfile, present: Any) -> tuple[list[float], list[int]]:
    import numpy as np

    numbers = present.to_numpy(zero_copy_only=False).astype("float64")
    numbers = numbers[np.isfinite(numbers)]
    histogram = ref.stats.get("histogram")
    if histogram:
        edges, reference_counts = histogram["edges"], histogram["counts"]
        total = sum(reference_counts) or 1
        return [c / total for c in reference_counts], histogram_counts(edges, numbers)
    # profiles made before histograms: the 1st, 50th and 99th percentiles as cuts
    cuts: dict[float, float] = {}
    for key, share in (("p01", 0.01), ("p50", 0.5), ("p99", 0.99)):
        value = ref.stats.get(key)
        if value is not None:
            cuts[value] = max(share, cuts.get(value, 0.0))
    edges = sorted(cuts)
    cumulative = [0.0, *(cuts[e] for e in edges), 1.0]
    expected = [b - a for a, b in itertools.pairwise(cumulative)]
    return expected, histogram_counts(edges, numbers)


def _category_bins(ref: ColumnProfile, present: Any) -> tuple[list[float], list[int]]:
    import pyarrow as pa
    import pyarrow.compute as pc

    assert ref.top is not None
    total = ref.stats["count"]
    categories = [str(v) for v, _ in ref.top]
    expected = [c / total for _, c in ref.top]
    expected.append(max(0.0, 1 - sum(expected)))  # every other value
    text = present if pa.types.is_string(present.type) else pc.cast(present, pa.string())
    counted = pc.value_counts(text)
    seen = dict(
        zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True)
    )
    counts = [int(seen.pop(c, 0)) for c in categories]
    counts.append(int(sum(seen.values())))
    return expected, counts


def _with_missing(
    expected: list[float], expected_missing: float, counts: list[int], actual_missing: float
) -> tuple[list[float], list[float]]:
    """Shares of the non-missing bins scaled to the present values, plus a missing bin when
    either side has missing values."""
    total = sum(counts)
    if total == 0:
        actual = [0.0] * len(counts)
        actual_missing = 1.0
    else:
        actual = [(1 - actual_missing) * c / total for c in counts]
    scale = sum(expected) or 1.0
    reference = [(1 - expected_missing) * e / scale for e in expected]
    if expected_missing or actual_missing:
        return [*reference, expected_missing], [*actual, actual_missing]
    return reference, actual
