"""Columns as the PII screen sees them: each column's distinct non-missing values as strings,
how often each occurs, and regex hits over them (run by pyarrow, which releases the GIL).

A pandas column and an Arrow column give the same :class:`Column`: Arrow string columns (a
CSV's sample, Parquet strings) are counted directly, without Python objects; any other Arrow
column goes through pandas, as the screen of a DataFrame does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .pii_detectors import GATES
from .pii_names import column_hints

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

_SEED = 20240630


@dataclass
class Column:
    """One column's distinct values (strings), their counts, and cached regex hits."""

    name: str
    values: pa.Array  # distinct non-missing values as strings
    counts: np.ndarray  # how often each occurs
    checked: int
    kind: str  # "text", "number" (integers written as digits) or "datetime"
    hints: frozenset[str]
    free_text: bool = False
    _gates: dict[str, np.ndarray] = field(default_factory=dict)
    _hits: dict[str, np.ndarray] = field(default_factory=dict)

    def gate(self, name: str) -> np.ndarray | None:
        """Distinct values that may hold a digit-based id (``digits``: six digits close
        together) or a national id (``ids``: any id pattern as a whole word); cached."""
        if not name:
            return None
        if name not in self._gates:
            within = self.gate("digits") if name == "ids" else None
            self._gates[name] = prefiltered(self, GATES[name], 10**12, within)[0]
        return self._gates[name]

    def hits(self, pattern: str) -> np.ndarray:
        """Which distinct values match ``pattern`` (cached; see :func:`match_all`)."""
        if pattern not in self._hits:
            match_all([self], pattern)
        return self._hits[pattern]


def match_all(columns: Sequence[Column], pattern: str) -> None:
    """Match ``pattern`` over the distinct values of all ``columns`` in one pyarrow call (a
    pattern is compiled once per call, and some cost more to compile than to run)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    todo = [c for c in columns if pattern not in c._hits]
    if not todo:
        return
    values = pa.concat_arrays([c.values for c in todo])  # one array: compiled once
    hits = pc.match_substring_regex(values, pattern).to_numpy(zero_copy_only=False)
    ends = np.cumsum([len(c.values) for c in todo])
    for column, part in zip(todo, np.split(hits, ends[:-1]), strict=True):
        column._hits[pattern] = part


def prefiltered(
    column: Column,
    pattern: str,
    limit: int,
    within: np.ndarray | None = None,
    *,
    cached: bool = False,
) -> tuple[np.ndarray, float, bool]:
    """Indices of distinct values (``within`` a subset) matching ``pattern``, a seeded sample
    if more than ``limit``, and the factor that scales counts over the sample up to all.
    ``cached``: use the column's hits for the pattern (all values, computed once)."""
    import numpy as np
    import pyarrow.compute as pc

    if cached:
        hits = column.hits(pattern)
        index = np.flatnonzero(hits) if within is None else within[hits[within]]
    else:
        values = column.values if within is None else column.values.take(within)
        if not len(values):
            return np.zeros(0, dtype=np.int64), 1.0, False
        found = pc.match_substring_regex(values, pattern).to_numpy(zero_copy_only=False)
        index = np.flatnonzero(found) if within is None else within[found]
    if len(index) <= limit:
        return index, 1.0, False
    rng = np.random.default_rng(_SEED)
    chosen = np.sort(rng.choice(index, size=limit, replace=False))
    return chosen, float(column.counts[index].sum()) / float(column.counts[chosen].sum()), True


# --- preparing a column --------------------------------------------------------------------


def from_series(name: str, series: pd.Series) -> Column | None:
    """A pandas column: ``None`` when nothing in it can be personal data (booleans, amounts,
    dates not named like a date of birth, nothing but missing values)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    series = series.dropna()
    hints = column_hints(name)
    kind = "text"
    if len(series) == 0 or pd.api.types.is_bool_dtype(series.dtype):
        return None
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        if "birth" not in hints:
            return None  # only a date of birth can be told from dates, and only by its name
        series, kind = series.dt.strftime("%Y-%m-%d"), "datetime"
    elif pd.api.types.is_integer_dtype(series.dtype):
        series, kind = series.astype("int64").astype(str), "number"
    elif pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype="float64")
        if not (np.isfinite(values).all() and (values == np.round(values)).all()):
            return None  # amounts and measurements, not identifiers
        if np.abs(values).max() >= 2**53:
            return None
        series, kind = series.astype("int64").astype(str), "number"
    array = pa.array(series.astype(str), type=pa.string(), from_pandas=True)
    return _counted(name, array, kind, hints)


def from_arrow(name: str, column: pa.ChunkedArray) -> tuple[Column | None, int]:
    """An Arrow column, and how many of its values are not missing. Strings are counted as
    they are (what pandas would give back); other types go through pandas."""
    import pyarrow as pa

    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        series = column.to_pandas()
        return from_series(name, series), int(series.notna().sum())
    values = column.drop_null()
    if not len(values):
        return None, 0
    array = values.cast(pa.string()).combine_chunks()
    return _counted(name, array, "text", column_hints(name)), len(array)


def _counted(name: str, array: pa.Array, kind: str, hints: frozenset[str]) -> Column:
    import numpy as np
    import pyarrow.compute as pc

    counted = pc.value_counts(array)
    values = counted.field("values")
    counts = counted.field("counts").to_numpy(zero_copy_only=False).astype(np.int64)
    column = Column(name, values, counts, int(counts.sum()), kind, hints)
    if kind == "text":
        words = pc.count_substring_regex(values, r"\s+").to_numpy(zero_copy_only=False)
        column.free_text = float((words * counts).sum()) / column.checked >= 3.0
    return column
