"""Columns of a table: the logical type of each column and the statistics a profile keeps.

A Parquet column's type comes from its schema; a CSV column's type is inferred from its
(sampled) strings. Statistics are safe to keep in git: counts, rates, lengths and, for numeric
columns, quantiles and a decile histogram; strings never get a min/max, and top values are kept
only for low-cardinality categorical columns (see :data:`TOP_MAX_DISTINCT`, :data:`TOP_MIN_COUNT`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

LOGICAL_TYPES = ("integer", "float", "boolean", "datetime", "string", "categorical", "other")
#: a string column is categorical when it has at most this many distinct values ...
CATEGORICAL_MAX_DISTINCT = 50
#: ... each seen this many times on average
CATEGORICAL_MIN_REPEAT = 5
#: top values are kept for categorical columns with at most this many distinct values ...
TOP_MAX_DISTINCT = 20
#: ... and only values seen at least this many times (in the sample)
TOP_MIN_COUNT = 5


@dataclass(frozen=True)
class ColumnProfile:
    """One column: logical type, missing values, distinct count and safe statistics."""

    name: str
    type: str
    missing: int
    missing_rate: float
    distinct: int | None
    distinct_approx: bool = False
    stats: dict[str, Any] = field(default_factory=dict)
    top: tuple[tuple[Any, int], ...] | None = None
    withheld: bool = False  # holds personal data: values are not shown, only counts

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "missing": self.missing,
            "missing_rate": self.missing_rate,
            "distinct": self.distinct,
            "distinct_approx": self.distinct_approx,
            "stats": dict(self.stats),
            "top": None if self.top is None else [[v, c] for v, c in self.top],
            "withheld": self.withheld,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ColumnProfile:
        top = data.get("top")
        return cls(
            name=data["name"],
            type=data["type"],
            missing=data["missing"],
            missing_rate=data["missing_rate"],
            distinct=data.get("distinct"),
            distinct_approx=data.get("distinct_approx", False),
            stats=dict(data.get("stats") or {}),
            top=None if top is None else tuple((v, c) for v, c in top),
            withheld=data.get("withheld", False),
        )


def base_type(kind: str) -> str:
    """The schema type of a logical type: ``categorical`` counts as ``string`` (it is an
    observation about the values, not part of the schema)."""
    return "string" if kind == "categorical" else kind


# --- logical types ---------------------------------------------------------------------------


def typed_column(column: pa.ChunkedArray, fmt: str) -> tuple[str, pa.ChunkedArray]:
    """The logical type of a sampled column and its typed values (CSV strings are parsed)."""
    if fmt == "parquet":
        return _logical(column), column
    return _infer(column)


def _logical(column: pa.ChunkedArray) -> str:
    import pyarrow as pa

    t = column.type
    if pa.types.is_dictionary(t):
        return "categorical"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "float"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return "datetime"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t):
        return _string_or_categorical(column)
    return "other"


def _string_or_categorical(column: pa.ChunkedArray) -> str:
    import pyarrow.compute as pc

    count = len(column) - column.null_count
    if not count:
        return "string"
    distinct = pc.count_distinct(column).as_py()
    categorical = (
        distinct <= CATEGORICAL_MAX_DISTINCT and distinct * CATEGORICAL_MIN_REPEAT <= count
    )
    return "categorical" if categorical else "string"


_DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y")


def _infer(column: pa.ChunkedArray) -> tuple[str, pa.ChunkedArray]:
    """Logical type of a CSV column from its (sampled) strings, and the typed values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(column) == column.null_count:
        return "string", column
    head = pa.chunked_array([column.drop_null().slice(0, 100).combine_chunks()])
    attempts: list[tuple[str, Callable[[pa.ChunkedArray], pa.ChunkedArray]]] = [
        ("integer", lambda c: pc.cast(c, pa.int64())),
        ("float", _float),
        ("boolean", _boolean),
        ("datetime", lambda c: pc.cast(c, pa.timestamp("us"))),
        ("datetime", lambda c: pc.cast(c, pa.timestamp("us", "UTC"))),
        *(
            ("datetime", lambda c, f=f: pc.strptime(c, format=f, unit="s", error_is_null=False))
            for f in _DATE_FORMATS
        ),
    ]
    for kind, attempt in attempts:
        try:
            attempt(head)  # failing fast on a few values is much cheaper than on all of them
            return kind, attempt(column)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
            continue
    return _string_or_categorical(column), column


def _float(column: pa.ChunkedArray) -> pa.ChunkedArray:
    import pyarrow as pa
    import pyarrow.compute as pc

    if pc.all(pc.match_substring_regex(column, r"^[+-]?\d+$")).as_py():
        raise ValueError("digit strings too long for an integer are identifiers, not floats")
    return pc.cast(column, pa.float64())


def _boolean(column: pa.ChunkedArray) -> pa.ChunkedArray:
    import pyarrow as pa
    import pyarrow.compute as pc

    lower = pc.utf8_lower(column)
    if not pc.all(pc.is_in(lower.drop_null(), value_set=pa.array(["true", "false"]))).as_py():
        raise ValueError("not a boolean column")
    return pc.equal(lower, "true")


# --- statistics ------------------------------------------------------------------------------


def column_profile(
    name: str,
    kind: str,
    column: pa.ChunkedArray,
    missing: int,
    rows: int,
    sampled: bool,
    withheld: bool,
) -> ColumnProfile:
    """Profile one typed column of a sample; ``missing`` and ``rows`` are exact counts, and
    a ``withheld`` column (personal data) keeps only counts and lengths."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    values = column.drop_null()
    if pa.types.is_floating(values.type):
        values = values.filter(pc.invert(pc.is_nan(values)))
    count = len(values)
    stats: dict[str, Any] = {"count": count}
    distinct: int | None = None
    top: tuple[tuple[Any, int], ...] | None = None
    if kind != "other" and count:
        counted = pc.value_counts(values)
        frequencies = counted.field("counts").to_numpy(zero_copy_only=False)
        distinct = len(frequencies)
        if sampled:
            distinct = _distinct_estimate(frequencies, rows - missing, count)
        if kind == "categorical" and len(frequencies) <= TOP_MAX_DISTINCT:
            pairs = zip(counted.field("values").to_pylist(), frequencies.tolist(), strict=True)
            kept = [(str(v), int(c)) for v, c in pairs if c >= TOP_MIN_COUNT]
            top = tuple(sorted(kept, key=lambda p: (-p[1], p[0])))
    elif kind != "other":
        distinct = 0
    if kind in ("string", "categorical") and count:
        lengths = pc.utf8_length(values).to_numpy(zero_copy_only=False)
        stats |= {
            "min_length": int(lengths.min()),
            "max_length": int(lengths.max()),
            "mean_length": json_number(lengths.mean()),
        }
    elif kind in ("integer", "float") and count:
        numbers = values.to_numpy(zero_copy_only=False).astype("float64")
        finite = numbers[np.isfinite(numbers)]
        if len(finite):
            extremes = pc.min_max(values).as_py() if kind == "integer" else None
            p01, p50, p99 = np.quantile(finite, [0.01, 0.5, 0.99])
            stats |= {
                "min": json_number(extremes["min"] if extremes else finite.min()),
                "max": json_number(extremes["max"] if extremes else finite.max()),
                "mean": json_number(finite.mean()),
                "std": json_number(finite.std(ddof=1)) if len(finite) > 1 else 0.0,
                "p01": json_number(p01),
                "p50": json_number(p50),
                "p99": json_number(p99),
                "zeros": json_number(float((finite == 0).mean())),
                "histogram": _histogram(finite),
            }
    elif kind == "boolean" and count:
        stats["true_rate"] = json_number(pc.sum(values).as_py() / count)
    elif kind == "datetime" and count:
        extremes = pc.min_max(values).as_py()
        stats |= {"min": _iso(extremes["min"]), "max": _iso(extremes["max"])}
    profile = ColumnProfile(
        name=name,
        type=kind,
        missing=missing,
        missing_rate=json_number(missing / rows) if rows else 0.0,
        distinct=distinct,
        distinct_approx=sampled and distinct is not None,
        stats=stats,
        top=top,
    )
    return withhold(profile) if withheld else profile


def withhold(profile: ColumnProfile) -> ColumnProfile:
    """The profile of a column that holds personal data: counts and lengths are kept; top
    values and the statistics of numbers, dates and booleans (derived from it) are not."""
    kept = ("count", "min_length", "max_length", "mean_length")
    stats = {k: v for k, v in profile.stats.items() if k in kept}
    return replace(profile, stats=stats, top=None, withheld=True)


#: where the histogram of a numeric column cuts: its deciles
HISTOGRAM_QUANTILES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def histogram_counts(edges: list[float], values: np.ndarray) -> list[int]:
    """Counts of ``values`` in the bins ``(-inf, e0], (e0, e1], ..., (e_last, inf)``."""
    import numpy as np

    bins = np.searchsorted(np.asarray(edges, dtype="float64"), values, side="left")
    return [int(c) for c in np.bincount(bins, minlength=len(edges) + 1)]


def _histogram(finite: np.ndarray) -> dict[str, list[Any]]:
    """Decile edges (values that occur in the data, so ties stay in one bin) and counts."""
    import numpy as np

    cuts = np.quantile(finite, HISTOGRAM_QUANTILES, method="inverted_cdf")
    edges = sorted({json_number(float(c)) for c in cuts})
    return {"edges": edges, "counts": histogram_counts(edges, finite)}


def _distinct_estimate(frequencies: np.ndarray, population: int, sample: int) -> int:
    """Distinct values in a population from a uniform sample: the Haas-Stokes ``Duj1``
    estimator d / (1 - (1 - q) f1 / n), exact at both ends (all values repeated; all unique)."""
    import numpy as np

    seen = len(frequencies)
    singles = int((frequencies == 1).sum())
    q = sample / max(population, sample)
    estimate = seen / (1 - (1 - q) * singles / sample)
    return int(np.clip(round(estimate), seen, max(population, seen)))


def json_number(value: Any) -> int | float | None:
    """A JSON-safe number: ints within 2**53 stay ints, floats keep 12 significant digits."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) <= 2**53 else float(value)
    value = float(value)
    if not math.isfinite(value):
        return None
    rounded = float(f"{value:.12g}")
    return 0.0 if rounded == 0 else rounded


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()
