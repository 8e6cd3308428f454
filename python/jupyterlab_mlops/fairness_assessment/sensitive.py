"""Which groups to compare: the sensitive columns given (a DataFrame, a Series or a dict of
columns), kept to those declared sensitive at data registration when there are more, or, when
none are given, the declared columns of the registered table the run read, at y_true's rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import MlopsError
from ..experiments.evidence import Target, data_versions_read, declared_sensitive
from ..project import Project


def sensitive_frame(
    sensitive: Any,
    y_true: Any,
    rows: int,
    index: Any,
    project: Project | None,
    target: Target | None,
) -> tuple[Any, str]:
    """The sensitive columns as a DataFrame on y_true's rows, and a sentence saying where
    they came from."""
    if sensitive is None:
        return _from_registered(y_true, index, project, target)
    frame = _as_frame(sensitive, rows, index)
    if frame.shape[1] == 0:
        raise MlopsError("sensitive has no columns", "pass the columns of the groups to compare")
    source = f"given: {', '.join(map(str, frame.columns))}"
    declared = declared_sensitive(project, target, [str(c) for c in frame.columns])
    if declared and len(declared) < frame.shape[1]:
        dropped = [str(c) for c in frame.columns if str(c) not in declared]
        frame = frame[[c for c in frame.columns if str(c) in declared]]
        source = (
            f"the columns declared sensitive at registration ({', '.join(declared)}); "
            f"not assessed: {', '.join(dropped)}"
        )
    return frame, source


def _as_frame(sensitive: Any, rows: int, index: Any) -> Any:
    import pandas as pd

    if isinstance(sensitive, pd.Series):
        frame = sensitive.to_frame(
            name=str(sensitive.name) if sensitive.name is not None else "group"
        )
    elif isinstance(sensitive, pd.DataFrame):
        frame = sensitive.copy()
    elif isinstance(sensitive, dict):
        if not sensitive:
            raise MlopsError("sensitive is an empty dict", "pass {column name: values}")
        for name, values in sensitive.items():
            if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
                raise MlopsError(
                    f"sensitive[{name!r}] must be one value per row, not {type(values).__name__}",
                    "pass {column name: list, array or Series}",
                )
            if len(values) != rows:
                raise MlopsError(
                    f"sensitive[{name!r}] has {len(values)} rows but y_true has {rows}",
                    "pass values for the same rows",
                )
            if (
                isinstance(values, pd.Series)
                and index is not None
                and not values.index.equals(index)
            ):
                raise MlopsError(
                    f"sensitive[{name!r}] and y_true are pandas objects with different indexes",
                    "pass them for the same rows (e.g. groups.loc[y_test.index])",
                )
        names = [str(k) for k in sensitive]
        if len(set(names)) < len(names):
            twice = next(n for n in names if names.count(n) > 1)
            raise MlopsError(
                f"sensitive has more than one column named {twice!r} (as text)",
                "give every sensitive column its own name",
            )
        try:
            frame = pd.DataFrame(
                {
                    str(k): (v.to_numpy() if isinstance(v, pd.Series) else list(v))
                    for k, v in sensitive.items()
                }
            )
        except (TypeError, ValueError) as exc:
            raise MlopsError(f"sensitive cannot be read as columns: {exc}", "") from None
        return frame
    else:
        raise MlopsError(
            f"sensitive must be a DataFrame, a Series or a dict of columns, not "
            f"{type(sensitive).__name__}",
            "e.g. sensitive=groups_test (columns age, sex)",
        )
    if len(frame) != rows:
        raise MlopsError(
            f"sensitive has {len(frame)} rows but y_true has {rows}",
            "pass values for the same rows",
        )
    if index is not None and not frame.index.equals(index):
        raise MlopsError(
            "sensitive and y_true are pandas objects with different indexes",
            "pass them for the same rows (e.g. groups.loc[y_test.index])",
        )
    frame.columns = [str(c) for c in frame.columns]
    return frame.reset_index(drop=True)


def _from_registered(
    y_true: Any, index: Any, project: Project | None, target: Target | None
) -> tuple[Any, str]:
    """The declared sensitive columns of the registered table y_true was taken from."""
    import pandas as pd

    declared = declared_sensitive(project, target)
    hint = (
        f"sensitive=groups_test (columns {', '.join(declared)})"
        if declared
        else "sensitive=groups_test (a DataFrame of the sensitive columns on y_true's rows)"
    )
    if not declared or project is None or not isinstance(y_true, pd.Series) or y_true.name is None:
        raise MlopsError("no sensitive columns given (sensitive=)", hint)
    for version in data_versions_read(project, target):
        table = _read_table(project.root / version.path)
        if table is None or y_true.name not in table.columns:
            continue
        present = [c for c in declared if c in table.columns]
        if not present or not index.isin(table.index).all():
            continue
        rows = table.loc[index]
        if not _equal(rows[y_true.name], y_true):
            continue
        source = (
            f"the columns declared sensitive in {version.label} ({', '.join(present)}), at the "
            f"rows of y_true (its values match that table's {y_true.name!r} there)"
        )
        return rows[present].reset_index(drop=True), source
    raise MlopsError(
        "no sensitive columns given, and y_true is not a column of the registered data at "
        "those rows",
        hint,
    )


def _read_table(path: Path) -> Any:
    import pandas as pd

    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        if path.suffix.lower() in (".csv", ".tsv", ".txt"):
            return pd.read_csv(path, sep="\t" if path.suffix.lower() == ".tsv" else ",")
    except (OSError, ValueError, ImportError):
        return None
    return None


def _equal(a: Any, b: Any) -> bool:
    try:
        return bool((a.to_numpy() == b.to_numpy()).all())
    except (TypeError, ValueError):
        return False
