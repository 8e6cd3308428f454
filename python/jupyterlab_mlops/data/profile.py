"""Profiles of data versions: what a table looks like, safe to keep in git forever.

:func:`profile_path` profiles a CSV/TSV (optionally gzipped) or Parquet file, or a folder of
such files sharing one schema, as a table (read by :mod:`.tables`, each column described by
:mod:`.columns`); anything else is an *opaque* profile (size, file count, counts per extension).
:func:`~.diff.diff_profiles` compares two profiles; :func:`~.views.profile_html` renders one.

What a profile may contain: counts, rates, lengths and numeric statistics. It never holds a
raw value of a column that holds personal data: the sample is screened with
:func:`~jupyterlab_mlops.data.pii.screen_arrow` and flagged or declared columns are *withheld*
(only counts and lengths are kept). Strings never get a min/max, and top values are kept only
for low-cardinality categorical columns (at most :data:`~.columns.TOP_MAX_DISTINCT` distinct
values; only values seen at least :data:`~.columns.TOP_MIN_COUNT` times are listed).

Exact: row counts (Parquet metadata; CSV counted by pyarrow's streaming reader) and missing
counts (every batch is read). From a sample when a table has more than ``sample_rows`` rows (a
seeded uniform sample of rows, "bottom-k" over random keys): inferred CSV types, statistics,
distinct counts (then a Haas-Stokes estimate, ``distinct_approx``), top values and, for numeric
columns, a decile histogram (``stats["histogram"]``: edges and counts) that drift checks compare
new data against. :func:`~.tables.table_sample` reads a table's typed sample without profiling it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..canonical import sha256_hex
from ..errors import MlopsError, NotFoundError
from .columns import ColumnProfile, base_type, column_profile, withhold
from .pii import PiiFinding, screen_arrow
from .tables import (
    SchemaMismatch,
    check_readable,
    folder_files,
    is_hidden,
    read_table,
    table_format,
)

PROFILE_VERSION = 1


@dataclass(frozen=True)
class DataProfile:
    """A profile of a file or folder: a table (``kind == "table"``) or opaque bytes."""

    kind: str  # "table" or "opaque"
    format: str  # csv, tsv, parquet; file or folder when opaque
    bytes: int
    files: int = 1
    extensions: dict[str, int] = field(default_factory=dict)
    rows: int | None = None
    sampled: bool = False
    sample_rows: int = 0  # rows the statistics were computed from
    columns: tuple[ColumnProfile, ...] = ()
    schema_fingerprint: str | None = None
    pii: tuple[PiiFinding, ...] = ()
    note: str = ""
    version: int = PROFILE_VERSION

    def column(self, name: str) -> ColumnProfile | None:
        return next((c for c in self.columns if c.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "kind": self.kind,
            "format": self.format,
            "bytes": self.bytes,
            "files": self.files,
            "extensions": dict(self.extensions),
            "rows": self.rows,
            "sampled": self.sampled,
            "sample_rows": self.sample_rows,
            "schema_fingerprint": self.schema_fingerprint,
            "columns": [c.to_json() for c in self.columns],
            "pii": [f.to_json() for f in self.pii],
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DataProfile:
        return cls(
            kind=data["kind"],
            format=data["format"],
            bytes=data["bytes"],
            files=data.get("files", 1),
            extensions=dict(data.get("extensions") or {}),
            rows=data.get("rows"),
            sampled=data.get("sampled", False),
            sample_rows=data.get("sample_rows", 0),
            columns=tuple(ColumnProfile.from_json(c) for c in data.get("columns") or []),
            schema_fingerprint=data.get("schema_fingerprint"),
            pii=tuple(PiiFinding.from_json(f) for f in data.get("pii") or []),
            note=data.get("note", ""),
            version=data.get("version", PROFILE_VERSION),
        )


def schema_fingerprint(columns: Iterable[tuple[str, str]]) -> str:
    """Digest of the ordered (name, type) pairs; ``categorical`` counts as ``string`` (it is an
    observation about the values, not part of the schema)."""
    return sha256_hex([[name, base_type(kind)] for name, kind in columns])


def profile_path(
    path: Path | str,
    *,
    sample_rows: int = 200_000,
    progress: Callable[[int], None] | None = None,
    declared: Iterable[str] = (),
    screen: bool = True,
) -> DataProfile:
    """Profile a file or folder. ``progress(bytes_read)`` is called as the data is read.

    ``declared`` names columns the user declares sensitive (reported in ``pii`` and withheld);
    with ``screen`` (the default) the sample is screened for PII and flagged columns are
    withheld too. Raises :class:`MlopsError` for anything unreadable.
    """
    path = Path(path)
    declared = [declared] if isinstance(declared, str) else list(declared)
    if sample_rows < 1:
        raise MlopsError("sample_rows must be at least 1", "pass a positive number of rows")
    if not path.exists():
        raise NotFoundError(f"{path} does not exist", "check the path (relative to the project)")
    if path.is_dir():
        files = folder_files(path)
        tables = [f for f in files if not is_hidden(f.relative_to(path))]
        formats = {table_format(f) for f in tables}
        note = ""
        if tables and len(formats) == 1 and None not in formats:
            fmt = formats.pop()
            try:
                return _profile_table(path, tables, fmt, sample_rows, progress, declared, screen)
            except SchemaMismatch as exc:
                note = str(exc)
        return _opaque(path, files, declared, progress, note)
    fmt = table_format(path)
    check_readable(path)
    if fmt is None:
        return _opaque(path, [path], declared, progress, "")
    return _profile_table(path, [path], fmt, sample_rows, progress, declared, screen)


def _opaque(
    path: Path,
    files: list[Path],
    declared: list[str],
    progress: Callable[[int], None] | None,
    note: str,
) -> DataProfile:
    if declared:
        raise MlopsError(
            f"{path.name} is not a table, so it has no columns to declare sensitive",
            "declare sensitive columns only for CSV/TSV/Parquet data",
        )
    size = sum(f.stat().st_size for f in files)
    if progress:
        progress(size)
    return DataProfile(
        kind="opaque",
        format="folder" if path.is_dir() else "file",
        bytes=size,
        files=len(files),
        extensions=_extensions(files),
        note=note,
    )


def _profile_table(
    path: Path,
    files: list[Path],
    fmt: str,
    sample_rows: int,
    progress: Callable[[int], None] | None,
    declared: list[str],
    screen: bool,
) -> DataProfile:
    table = read_table(files, fmt, sample_rows, progress)
    rows, sample, names, typed, missing = (
        table.rows, table.raw, table.names, table.typed, table.missing
    )  # fmt: skip
    sampled = table.sampled
    with ThreadPoolExecutor(1, thread_name_prefix="mlops-pii") as pool:
        # the screen (Python) runs beside the columns' statistics (pyarrow, numpy); on CSV it
        # sees the raw strings, so leading zeros, "+" and spaces
        screened = (
            pool.submit(screen_arrow, sample, declared=declared) if screen or declared else None
        )
        columns = [
            column_profile(name, kind, array, int(missing[i]), rows, sampled, False)
            for i, (name, (kind, array)) in enumerate(zip(names, typed, strict=True))
        ]
        findings = screened.result() if screened is not None else []
    if not screen:
        findings = [f for f in findings if f.kind == "declared_sensitive"]
    withheld = {f.column for f in findings}
    columns = [withhold(c) if c.name in withheld else c for c in columns]
    return DataProfile(
        kind="table",
        format=fmt,
        bytes=sum(f.stat().st_size for f in files),
        files=len(files),
        extensions=_extensions(files) if path.is_dir() else {},
        rows=rows,
        sampled=sampled,
        sample_rows=sample.num_rows,
        columns=tuple(columns),
        schema_fingerprint=schema_fingerprint((c.name, c.type) for c in columns),
        pii=tuple(findings),
    )


def _extension(file: Path) -> str:
    """``.csv``, ``.csv.gz``, ``""`` (lower-case, at most 16 characters)."""
    suffixes = file.suffixes
    if len(suffixes) >= 2 and suffixes[-1].lower() == ".gz":
        return "".join(suffixes[-2:]).lower()[:16]
    return file.suffix.lower()[:16]


def _extensions(files: list[Path]) -> dict[str, int]:
    """Files per extension (at most 50 extensions, the rest counted as ``other``)."""
    out: dict[str, int] = {}
    for file in files:
        key = _extension(file)
        key = key if key in out or len(out) < 50 else "other"
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))
