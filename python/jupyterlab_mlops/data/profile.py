"""Profiles of data versions: what a table looks like, safe to keep in git forever.

:func:`profile_path` profiles a CSV/TSV (optionally gzipped) or Parquet file, or a folder of
such files sharing one schema, as a table; anything else is an *opaque* profile (size, file
count, counts per extension). :func:`diff_profiles` compares two profiles and
:func:`profile_html` renders one for a notebook.

What a profile may contain: counts, rates, lengths and numeric statistics. It never holds a
raw value of a column that holds personal data: the sample is screened with
:func:`~jupyterlab_mlops.data.pii.screen_table` and flagged or declared columns are *withheld*
(only counts and lengths are kept). Strings never get a min/max, and top values are kept only
for low-cardinality categorical columns (at most :data:`TOP_MAX_DISTINCT` distinct values; only
values seen at least :data:`TOP_MIN_COUNT` times are listed).

Exact: row counts (Parquet metadata; CSV counted by pyarrow's streaming reader) and missing
counts (every batch is read). From a sample when a table has more than ``sample_rows`` rows (a
seeded uniform sample of rows, "bottom-k" over random keys): inferred CSV types, statistics,
distinct counts (then a Haas-Stokes estimate, ``distinct_approx``), top values and, for numeric
columns, a decile histogram (``stats["histogram"]``: edges and counts) that drift checks compare
new data against. :func:`table_sample` reads a table's typed sample without profiling it.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..canonical import sha256_hex
from ..errors import MlopsError, NotFoundError
from .pii import PiiFinding

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

PROFILE_VERSION = 1
LOGICAL_TYPES = ("integer", "float", "boolean", "datetime", "string", "categorical", "other")
TABLE_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".csv.gz": "csv",
    ".tsv.gz": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
#: a string column is categorical when it has at most this many distinct values ...
CATEGORICAL_MAX_DISTINCT = 50
#: ... each seen this many times on average
CATEGORICAL_MIN_REPEAT = 5
#: top values are kept for categorical columns with at most this many distinct values ...
TOP_MAX_DISTINCT = 20
#: ... and only values seen at least this many times (in the sample)
TOP_MIN_COUNT = 5
#: diff: a missing rate must move by this much (absolute) to be reported
MISSING_TOLERANCE = 0.01
#: diff: a mean must move by this many (old) standard deviations to be reported
MEAN_SHIFT_STD = 0.1
#: diff: a standard deviation must grow or shrink by this factor to be reported
STD_RATIO = 1.25
#: diff: a top value's share must move by this much (absolute) to be reported
SHARE_TOLERANCE = 0.05
_SEED = 20240630
_BLOCK = 1 << 22
_HEAD_BYTES = 1 << 16


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
    return sha256_hex([[name, _base_type(kind)] for name, kind in columns])


def _base_type(kind: str) -> str:
    return "string" if kind == "categorical" else kind


# --- entry point -----------------------------------------------------------------------------


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
        files = _folder_files(path)
        tables = [f for f in files if not _hidden(f.relative_to(path))]
        formats = {_table_format(f) for f in tables}
        note = ""
        if tables and len(formats) == 1 and None not in formats:
            fmt = formats.pop()
            try:
                return _profile_table(path, tables, fmt, sample_rows, progress, declared, screen)
            except _SchemaMismatch as exc:
                note = str(exc)
        return _opaque(path, files, declared, progress, note)
    fmt = _table_format(path)
    _check_readable(path)
    if fmt is None:
        return _opaque(path, [path], declared, progress, "")
    return _profile_table(path, [path], fmt, sample_rows, progress, declared, screen)


def _table_format(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(TABLE_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            return TABLE_SUFFIXES[suffix]
    return None


def _hidden(relative: Path) -> bool:
    return any(part.startswith((".", "_")) for part in relative.parts)


def _folder_files(root: Path) -> list[Path]:
    from .hashing import data_files

    try:
        files = data_files(root)
    except OSError as exc:
        raise _unreadable(Path(exc.filename or root), exc) from exc
    if not files:
        raise MlopsError(f"{root} is an empty folder", "there is nothing to version: add files")
    for file in files:
        if not os.access(file, os.R_OK):
            raise _unreadable(file, PermissionError(13, "Permission denied"))
    return sorted(files)


def _check_readable(path: Path) -> None:
    try:
        with _open(path) as handle:
            handle.read(1)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if path.stat().st_size == 0:
        raise MlopsError(f"{path.name} is empty (0 bytes)", "check the export that wrote it")


def _open(path: Path) -> io.BufferedReader:
    return open(path, "rb")  # closed by the callers


def _unreadable(path: Path, exc: OSError) -> MlopsError:
    if isinstance(exc, PermissionError):
        return MlopsError(
            f"cannot read {path.name}: permission denied",
            "check the file's permissions (ls -l) or run as a user who can read it",
        )
    return MlopsError(f"cannot read {path.name}: {exc.strerror or exc}", "check the path")


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


# --- reading tables --------------------------------------------------------------------------


class _SchemaMismatch(Exception):
    """Files in a folder do not share one schema: the folder is profiled as opaque."""


@dataclass
class _Source:
    """Batches of one or more files of one format, with the bytes read so far."""

    files: list[Path]
    fmt: str
    progress: Callable[[int], None] | None
    done: int = 0  # bytes of the files finished
    names: list[str] = field(default_factory=list)
    rows: int = 0

    def report(self, current: int) -> None:
        if self.progress:
            self.progress(self.done + current)

    def batches(self) -> Iterator[pa.RecordBatch]:
        for file in self.files:
            size = file.stat().st_size
            if size == 0:
                raise MlopsError(
                    f"{file.name} is empty (0 bytes)", "check the export that wrote it"
                )
            if self.fmt == "parquet":
                yield from self._parquet(file)
            else:
                yield from self._csv(file)
            self.done += size
            self.report(0)

    def _check_names(self, file: Path, names: list[str]) -> None:
        if not self.names:
            self.names = names
        elif names != self.names:
            raise _SchemaMismatch(
                f"{file.name} has different columns than {self.files[0].name}: profiled as files"
            )

    def _csv(self, file: Path) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        raw = _open_or_fail(file)
        with raw:
            header, delimiter = _csv_header(file, raw, self.fmt)
            self._check_names(file, header)
            raw.seek(0)
            stream: Any = raw
            if file.name.lower().endswith(".gz"):
                stream = pa.CompressedInputStream(pa.PythonFile(raw, mode="r"), "gzip")
            try:
                reader = pacsv.open_csv(
                    stream,
                    read_options=pacsv.ReadOptions(block_size=_BLOCK, use_threads=False),
                    parse_options=pacsv.ParseOptions(delimiter=delimiter),
                    convert_options=pacsv.ConvertOptions(
                        column_types={name: pa.string() for name in header},
                        strings_can_be_null=True,
                    ),
                )
                for batch in reader:
                    self.rows += batch.num_rows
                    yield batch
                    self.report(raw.tell())
            except (pa.ArrowException, OSError, EOFError) as exc:
                raise _csv_error(file, exc, header) from None

    def _parquet(self, file: Path) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        raw = _open_or_fail(file)
        with raw:
            try:
                parquet = pq.ParquetFile(raw)
            except (pa.ArrowException, OSError) as exc:
                raise MlopsError(
                    f"{file.name} is not a readable Parquet file",
                    "check the file type (a CSV renamed .parquet?) or re-export it, e.g. with pandas.DataFrame.to_parquet",
                ) from exc
            schema = parquet.schema_arrow
            self._check_names(file, [f"{f.name}\0{f.type}" for f in schema])
            self.rows += parquet.metadata.num_rows
            read = 0.0
            try:
                for group in range(parquet.num_row_groups):
                    meta = parquet.metadata.row_group(group)
                    size = sum(
                        meta.column(i).total_compressed_size for i in range(meta.num_columns)
                    )
                    for batch in parquet.iter_batches(
                        batch_size=65_536, row_groups=[group], use_threads=False
                    ):
                        yield batch
                        read += size * batch.num_rows / max(meta.num_rows, 1)
                        self.report(int(read))
            except (pa.ArrowException, OSError) as exc:
                raise MlopsError(
                    f"{file.name} is a damaged Parquet file ({type(exc).__name__})",
                    "re-export it; the file may have been truncated while copying",
                ) from exc


def _open_or_fail(path: Path) -> io.BufferedReader:
    try:
        return _open(path)
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _csv_header(file: Path, raw: io.BufferedReader, fmt: str) -> tuple[list[str], str]:
    """Column names and delimiter from the start of a CSV, after checks for binary/encoding."""
    import gzip

    head = raw.read(_HEAD_BYTES)
    if file.name.lower().endswith(".gz"):
        try:
            raw.seek(0)
            with gzip.GzipFile(fileobj=raw) as unzipped:
                head = unzipped.read(_HEAD_BYTES)
        except (OSError, EOFError) as exc:
            raise MlopsError(
                f"{file.name} is not a valid gzip file", "check the file; re-compress it with gzip"
            ) from exc
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise MlopsError(
            f"{file.name} is UTF-16 text",
            "save it as UTF-8, e.g. pandas.read_csv(path, encoding='utf-16').to_csv(path, index=False)",
        )
    if b"\0" in head:
        raise MlopsError(
            f"{file.name} does not look like a text CSV file (it contains binary data)",
            "check the file type: export the data as CSV (UTF-8) or Parquet",
        )
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise MlopsError(f"{file.name} is not UTF-8 text", _UTF8_HINT) from exc
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise MlopsError(f"{file.name} is empty (no header row)", "check the export that wrote it")
    first = lines[0]
    delimiter = "\t" if fmt == "tsv" else ","
    if fmt == "csv":
        counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
        best = max(counts, key=lambda d: counts[d])
        delimiter = best if counts[best] > counts[","] else ","
    names = next((row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if row), [])
    return names, delimiter


_UTF8_HINT = (
    "save the file as UTF-8, e.g. pandas.read_csv(path, encoding='latin-1')"
    ".to_csv(path, index=False)"
)


def _csv_error(file: Path, exc: BaseException, header: list[str]) -> MlopsError:
    """A parse error without the offending row's content (it may hold personal data)."""
    message = str(exc)
    ragged = re.search(r"(?:Row #(\d+): )?Expected (\d+) columns?, got (\d+)", message)
    if ragged:
        where = f"row {ragged.group(1)} (counting the header)" if ragged.group(1) else "a row"
        return MlopsError(
            f"{file.name} cannot be parsed as CSV: {where} has {ragged.group(3)} fields, "
            f"expected {ragged.group(2)}",
            "check the delimiter and quoting: a value with an unquoted delimiter or a stray "
            "quote shifts the fields",
        )
    if "UTF8" in message or "UTF-8" in message:
        column = re.search(r"column #(\d+)", message)
        which = ""
        if column and int(column.group(1)) < len(header):
            which = f" (column {header[int(column.group(1))]!r})"
        return MlopsError(f"{file.name} is not valid UTF-8 text{which}", _UTF8_HINT)
    if isinstance(exc, PermissionError):
        return _unreadable(file, exc)
    if "gzip" in message.lower() or isinstance(exc, EOFError):
        return MlopsError(f"{file.name} is not a valid gzip file", "check the file")
    return MlopsError(
        f"{file.name} cannot be parsed as CSV ({type(exc).__name__})",
        "check that it is a UTF-8 CSV with one header row; open it in a text editor",
    )


# --- sampling --------------------------------------------------------------------------------


class _Sampler:
    """A uniform sample of ``k`` rows from a stream of batches (smallest random keys)."""

    def __init__(self, k: int) -> None:
        import numpy as np

        self.k = k
        self.rng = np.random.default_rng(_SEED)
        self.parts: list[tuple[pa.RecordBatch, np.ndarray, np.ndarray]] = []
        self.held = 0
        self.seen = 0
        self.threshold = 2.0

    def add(self, batch: pa.RecordBatch) -> None:
        import numpy as np

        keys = self.rng.random(batch.num_rows)
        keep = np.flatnonzero(keys < self.threshold)
        if len(keep) < batch.num_rows:
            batch = batch.take(keep)
        self.parts.append((batch, keys[keep], keep + self.seen))
        self.held += len(keep)
        self.seen += len(keys)
        if self.held > 2 * self.k:
            self._compact()

    def _compact(self) -> None:
        import numpy as np
        import pyarrow as pa

        table = pa.Table.from_batches([b for b, _, _ in self.parts])
        keys = np.concatenate([k for _, k, _ in self.parts])
        rows = np.concatenate([r for _, _, r in self.parts])
        if len(keys) > self.k:
            chosen = np.argpartition(keys, self.k - 1)[: self.k]
            self.threshold = float(keys[chosen].max())
        else:
            chosen = np.arange(len(keys))
        chosen = chosen[np.argsort(rows[chosen], kind="stable")]  # back in file order
        batches = table.take(chosen).combine_chunks().to_batches()
        self.parts = [(batches[0], keys[chosen], rows[chosen])] if batches else []
        self.held = len(chosen)

    def table(self, schema: pa.Schema) -> pa.Table:
        import pyarrow as pa

        if self.held > self.k:
            self._compact()
        batches = [b for b, _, _ in self.parts]
        return pa.Table.from_batches(batches, schema=schema) if batches else schema.empty_table()


@dataclass(frozen=True)
class TableSample:
    """A table's rows, missing counts (exact) and its typed sample, one array per column."""

    rows: int
    sampled: bool
    names: list[str]
    typed: list[tuple[str, Any]]  # (logical type, pyarrow ChunkedArray) per column
    missing: Any  # numpy array of missing counts per column
    raw: Any  # the sample as read (pyarrow Table; CSV: strings)

    def column(self, name: str) -> tuple[str, Any, int] | None:
        """(logical type, typed values, missing count) of column ``name``."""
        if name not in self.names:
            return None
        i = self.names.index(name)
        kind, values = self.typed[i]
        return kind, values, int(self.missing[i])


def table_sample(path: Path | str, *, sample_rows: int = 200_000) -> TableSample:
    """Read a CSV/TSV/Parquet file (or a folder of them) as :func:`profile_path` does, without
    profiling or screening it. Raises :class:`MlopsError` if it is not a readable table."""
    path = Path(path)
    if not path.exists():
        raise NotFoundError(f"{path} does not exist", "check the path (relative to the project)")
    files = (
        [f for f in _folder_files(path) if not _hidden(f.relative_to(path))]
        if path.is_dir()
        else [path]
    )
    formats = {_table_format(f) for f in files}
    if not files or len(formats) != 1 or None in formats:
        raise MlopsError(f"{path.name} is not a table", "drift is measured on CSV/TSV/Parquet data")
    if not path.is_dir():
        _check_readable(path)
    try:
        return _read_table(files, formats.pop() or "csv", sample_rows, None)
    except _SchemaMismatch as exc:
        raise MlopsError(str(exc), "give every file in the folder the same columns") from None


def _read_table(
    files: list[Path], fmt: str, sample_rows: int, progress: Callable[[int], None] | None
) -> TableSample:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    source = _Source(files, fmt, progress)
    sampler = _Sampler(sample_rows)
    schema: pa.Schema | None = None
    missing: np.ndarray | None = None
    for batch in source.batches():
        if schema is None:
            schema = batch.schema
            missing = np.zeros(batch.num_columns, dtype=np.int64)
        assert missing is not None
        for i, column in enumerate(batch.columns):
            missing[i] += column.null_count
            if pa.types.is_floating(column.type):
                missing[i] += pc.sum(pc.is_nan(column)).as_py() or 0
        sampler.add(batch)
    if schema is None:  # a header and no rows (or a Parquet file without row groups)
        schema = _empty_schema(source)
        missing = np.zeros(len(schema), dtype=np.int64)
    assert missing is not None
    rows = source.rows
    names = _unique_names([f.name for f in schema])
    sample = sampler.table(schema).rename_columns(names)
    sampled = rows > sample.num_rows
    typed = [_typed(sample.column(i), fmt) for i in range(sample.num_columns)]
    return TableSample(rows, sampled, names, typed, missing, sample)


# --- profiling a table -----------------------------------------------------------------------


def _profile_table(
    path: Path,
    files: list[Path],
    fmt: str,
    sample_rows: int,
    progress: Callable[[int], None] | None,
    declared: list[str],
    screen: bool,
) -> DataProfile:
    table = _read_table(files, fmt, sample_rows, progress)
    rows, sample, names, typed, missing = (
        table.rows, table.raw, table.names, table.typed, table.missing
    )  # fmt: skip
    sampled = table.sampled
    findings: list[PiiFinding] = []
    if screen or declared:
        from .pii import screen_table

        # CSV: the raw strings, so the screen sees leading zeros, "+" and spaces
        findings = screen_table(sample.to_pandas(), declared=declared)
        if not screen:
            findings = [f for f in findings if f.kind == "declared_sensitive"]
    withheld = {f.column for f in findings}
    columns = tuple(
        _column_profile(
            name,
            kind,
            array,
            int(missing[i]),
            rows,
            sampled,
            name in withheld,
        )
        for i, (name, (kind, array)) in enumerate(zip(names, typed, strict=True))
    )
    return DataProfile(
        kind="table",
        format=fmt,
        bytes=sum(f.stat().st_size for f in files),
        files=len(files),
        extensions=_extensions(files) if path.is_dir() else {},
        rows=rows,
        sampled=sampled,
        sample_rows=sample.num_rows,
        columns=columns,
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


def _empty_schema(source: _Source) -> pa.Schema:
    import pyarrow as pa

    if source.fmt == "parquet":
        import pyarrow.parquet as pq

        with _open_or_fail(source.files[0]) as raw:
            return pq.ParquetFile(raw).schema_arrow
    return pa.schema([(name, pa.string()) for name in source.names])


def _unique_names(names: list[str]) -> list[str]:
    """Empty names become ``Unnamed: i``; repeats get ``.1``, ``.2`` (as pandas does)."""
    out: list[str] = []
    for i, name in enumerate(names):
        name = name or f"Unnamed: {i}"
        candidate, n = name, 0
        while candidate in out:
            n += 1
            candidate = f"{name}.{n}"
        out.append(candidate)
    return out


def _typed(column: pa.ChunkedArray, fmt: str) -> tuple[str, pa.ChunkedArray]:
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


def _column_profile(
    name: str,
    kind: str,
    column: pa.ChunkedArray,
    missing: int,
    rows: int,
    sampled: bool,
    withheld: bool,
) -> ColumnProfile:
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
        if kind == "categorical" and not withheld and len(frequencies) <= TOP_MAX_DISTINCT:
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
            "mean_length": _num(lengths.mean()),
        }
    elif withheld:
        pass  # numbers, dates: every statistic would be derived from personal data
    elif kind in ("integer", "float") and count:
        numbers = values.to_numpy(zero_copy_only=False).astype("float64")
        finite = numbers[np.isfinite(numbers)]
        if len(finite):
            extremes = pc.min_max(values).as_py() if kind == "integer" else None
            p01, p50, p99 = np.quantile(finite, [0.01, 0.5, 0.99])
            stats |= {
                "min": _num(extremes["min"] if extremes else finite.min()),
                "max": _num(extremes["max"] if extremes else finite.max()),
                "mean": _num(finite.mean()),
                "std": _num(finite.std(ddof=1)) if len(finite) > 1 else 0.0,
                "p01": _num(p01),
                "p50": _num(p50),
                "p99": _num(p99),
                "zeros": _num(float((finite == 0).mean())),
                "histogram": _histogram(finite),
            }
    elif kind == "boolean" and count:
        stats["true_rate"] = _num(pc.sum(values).as_py() / count)
    elif kind == "datetime" and count:
        extremes = pc.min_max(values).as_py()
        stats |= {"min": _iso(extremes["min"]), "max": _iso(extremes["max"])}
    return ColumnProfile(
        name=name,
        type=kind,
        missing=missing,
        missing_rate=_num(missing / rows) if rows else 0.0,
        distinct=distinct,
        distinct_approx=sampled and distinct is not None,
        stats=stats,
        top=top,
        withheld=withheld,
    )


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
    edges = sorted({_num(float(c)) for c in cuts})
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


def _num(value: Any) -> int | float | None:
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


# --- diff ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileDiff:
    """What changed between two profiles of (versions of) the same data."""

    schema_changed: bool
    rows_old: int | None
    rows_new: int | None
    bytes_old: int
    bytes_new: int
    added: tuple[dict[str, Any], ...] = ()  # {"name", "type"}
    removed: tuple[dict[str, Any], ...] = ()
    retyped: tuple[dict[str, Any], ...] = ()  # {"name", "old", "new"}
    missing: tuple[dict[str, Any], ...] = ()  # {"name", "old", "new"} missing rates
    shifts: tuple[dict[str, Any], ...] = ()  # {"name", "stat", "old", "new", "std_units"}
    categories: tuple[dict[str, Any], ...] = ()  # {"name", "value", "old", "new"} shares
    pii_added: tuple[dict[str, Any], ...] = ()  # {"column", "kind"}
    pii_removed: tuple[dict[str, Any], ...] = ()
    kind_changed: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.schema_changed
            or self.rows_old != self.rows_new
            or self.bytes_old != self.bytes_new
            or self.missing
            or self.shifts
            or self.categories
            or self.pii_added
            or self.pii_removed
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_changed": self.schema_changed,
            "kind_changed": self.kind_changed,
            "rows": {"old": self.rows_old, "new": self.rows_new, "change": self._row_change()},
            "bytes": {"old": self.bytes_old, "new": self.bytes_new},
            "added": list(self.added),
            "removed": list(self.removed),
            "retyped": list(self.retyped),
            "missing": list(self.missing),
            "shifts": list(self.shifts),
            "categories": list(self.categories),
            "pii_added": list(self.pii_added),
            "pii_removed": list(self.pii_removed),
        }

    def _row_change(self) -> int | None:
        if self.rows_old is None or self.rows_new is None:
            return None
        return self.rows_new - self.rows_old

    def summary_lines(self) -> list[str]:
        """Short lines for a terminal, most important first."""
        lines = []
        change = self._row_change()
        if change is None:
            lines.append(f"size: {_size(self.bytes_old)} -> {_size(self.bytes_new)}")
        elif change:
            rate = f", {change / self.rows_old:+.1%}" if self.rows_old else ""
            lines.append(f"rows: {self.rows_old:,} -> {self.rows_new:,} ({change:+,}{rate})")
        else:
            lines.append(f"rows: {self.rows_new:,} (unchanged)")
        if self.kind_changed:
            lines.append("format changed: one of the versions is not a table")
        if not self.schema_changed:
            lines.append("schema: unchanged")
        else:
            lines.append(
                f"schema changed: {len(self.added)} added, {len(self.removed)} removed, "
                f"{len(self.retyped)} retyped"
            )
        lines += [f"  + {c['name']} ({c['type']})" for c in self.added]
        lines += [f"  - {c['name']} ({c['type']})" for c in self.removed]
        lines += [f"  ~ {c['name']}: {c['old']} -> {c['new']}" for c in self.retyped]
        lines += [f"missing {m['name']}: {m['old']:.1%} -> {m['new']:.1%}" for m in self.missing]
        for s in self.shifts:
            units = f" ({s['std_units']:+.2f} std)" if s.get("std_units") is not None else ""
            lines.append(
                f"shift {s['name']}: {s['stat']} {_fmt(s['old'])} -> {_fmt(s['new'])}{units}"
            )
        lines += [
            f"share {c['name']}={c['value']}: {c['old']:.1%} -> {c['new']:.1%}"
            for c in self.categories
        ]
        lines += [f"PII: new {p['kind']} in {p['column']}" for p in self.pii_added]
        lines += [f"PII: no longer found: {p['kind']} in {p['column']}" for p in self.pii_removed]
        return lines


def diff_profiles(old: DataProfile, new: DataProfile) -> ProfileDiff:
    """Compare two profiles: schema, rows, missing rates, distribution shifts, PII."""
    old_cols = {c.name: c for c in old.columns}
    new_cols = {c.name: c for c in new.columns}
    added = tuple({"name": c.name, "type": c.type} for c in new.columns if c.name not in old_cols)
    removed = tuple({"name": c.name, "type": c.type} for c in old.columns if c.name not in new_cols)
    retyped, missing, shifts, categories = [], [], [], []
    for c in new.columns:
        before = old_cols.get(c.name)
        if before is None:
            continue
        if _base_type(before.type) != _base_type(c.type):
            retyped.append({"name": c.name, "old": before.type, "new": c.type})
            continue
        if abs(c.missing_rate - before.missing_rate) >= MISSING_TOLERANCE:
            missing.append({"name": c.name, "old": before.missing_rate, "new": c.missing_rate})
        shifts += _shifts(before, c)
        categories += _category_shifts(before, c)
    old_pii = {(f.column, f.kind) for f in old.pii}
    new_pii = {(f.column, f.kind) for f in new.pii}
    return ProfileDiff(
        schema_changed=old.schema_fingerprint != new.schema_fingerprint,
        rows_old=old.rows,
        rows_new=new.rows,
        bytes_old=old.bytes,
        bytes_new=new.bytes,
        added=added,
        removed=removed,
        retyped=tuple(retyped),
        missing=tuple(missing),
        shifts=tuple(shifts),
        categories=tuple(categories),
        pii_added=tuple({"column": c, "kind": k} for c, k in sorted(new_pii - old_pii)),
        pii_removed=tuple({"column": c, "kind": k} for c, k in sorted(old_pii - new_pii)),
        kind_changed=old.kind != new.kind,
    )


def _shifts(old: ColumnProfile, new: ColumnProfile) -> list[dict[str, Any]]:
    a, b = old.stats, new.stats
    out: list[dict[str, Any]] = []
    if a.get("mean") is not None and b.get("mean") is not None:
        std = a.get("std") or 0.0
        moved = b["mean"] - a["mean"]
        if std > 0 and abs(moved) > MEAN_SHIFT_STD * std:
            out.append(_shift(new.name, "mean", a["mean"], b["mean"], moved / std))
        elif std == 0 and moved:
            out.append(_shift(new.name, "mean", a["mean"], b["mean"], None))
        old_std, new_std = a.get("std") or 0.0, b.get("std") or 0.0
        if old_std > 0 and new_std > 0 and max(new_std / old_std, old_std / new_std) > STD_RATIO:
            out.append(_shift(new.name, "std", old_std, new_std, None))
    if (
        a.get("true_rate") is not None
        and b.get("true_rate") is not None
        and abs(b["true_rate"] - a["true_rate"]) >= SHARE_TOLERANCE
    ):
        out.append(_shift(new.name, "true_rate", a["true_rate"], b["true_rate"], None))
    return out


def _shift(name: str, stat: str, old: float, new: float, units: float | None) -> dict[str, Any]:
    return {"name": name, "stat": stat, "old": old, "new": new, "std_units": _num(units)}


def _category_shifts(old: ColumnProfile, new: ColumnProfile) -> list[dict[str, Any]]:
    if old.top is None or new.top is None or not old.stats.get("count"):
        return []
    if not new.stats.get("count"):
        return []
    before = {v: c / old.stats["count"] for v, c in old.top}
    after = {v: c / new.stats["count"] for v, c in new.top}
    out = []
    for value in sorted(set(before) | set(after), key=str):
        a, b = before.get(value, 0.0), after.get(value, 0.0)
        if abs(b - a) >= SHARE_TOLERANCE:
            out.append({"name": new.name, "value": value, "old": _num(a), "new": _num(b)})
    return out


# --- HTML ------------------------------------------------------------------------------------

_TABLE = 'style="border-collapse:collapse;text-align:left;font-size:var(--jp-ui-font-size1,13px)"'
_CELL = 'style="padding:3px 8px;vertical-align:top;text-align:left;border-bottom:1px solid var(--jp-border-color2,#ddd)"'
_HEAD = (
    'style="padding:3px 8px;text-align:left;border-bottom:1px solid var(--jp-border-color1,#999)"'
)
_MUTED = 'style="color:var(--jp-ui-font-color2,#666)"'
_WARN = 'style="color:var(--jp-warn-color0,#b35900)"'


def profile_html(profile: DataProfile) -> str:
    """A compact HTML summary (inline styles with JupyterLab CSS variables; all text escaped)."""
    e = escape
    if profile.kind != "table":
        rows = "".join(
            f"<tr><td {_CELL}><code>{e(ext or '(none)')}</code></td><td {_CELL}>{count:,}</td></tr>"
            for ext, count in profile.extensions.items()
        )
        note = f"<div {_MUTED}>{e(profile.note)}</div>" if profile.note else ""
        return (
            f"<div><b>{e(profile.format)}</b>: {profile.files:,} file(s), {e(_size(profile.bytes))}"
            f" <span {_MUTED}>(not profiled as a table)</span></div>{note}"
            f"<table {_TABLE}><tr><th {_HEAD}>extension</th><th {_HEAD}>files</th></tr>{rows}</table>"
        )
    parts = [
        f"<div><b>{profile.rows or 0:,} rows &times; {len(profile.columns)} columns</b> "
        f"<span {_MUTED}>{e(profile.format)}, {e(_size(profile.bytes))}"
        + (f", {profile.files} files" if profile.files > 1 else "")
        + (f", statistics from a sample of {profile.sample_rows:,} rows" if profile.sampled else "")
        + f", schema {e((profile.schema_fingerprint or '')[:12])}</span></div>"
    ]
    pii: dict[str, list[str]] = {}
    for finding in profile.pii:
        pii.setdefault(finding.column, []).append(finding.kind.replace("_", " "))
    if pii:
        listed = "; ".join(f"{e(c)}: {e(', '.join(k))}" for c, k in pii.items())
        parts.append(f"<div {_WARN}>Personal or sensitive data (values withheld): {listed}</div>")
    head = "".join(
        f"<th {_HEAD}>{h}</th>" for h in ("column", "type", "missing", "distinct", "summary")
    )
    body = []
    for c in profile.columns:
        distinct = "" if c.distinct is None else f"{'~' if c.distinct_approx else ''}{c.distinct:,}"
        summary = _summary(c, pii.get(c.name, []))
        body.append(
            f"<tr><td {_CELL}><code>{e(c.name)}</code></td><td {_CELL}>{e(c.type)}</td>"
            f"<td {_CELL}>{c.missing_rate:.1%}</td><td {_CELL}>{e(distinct)}</td>"
            f"<td {_CELL}>{summary}</td></tr>"
        )
    parts.append(f"<table {_TABLE}><tr>{head}</tr>{''.join(body)}</table>")
    return "".join(parts)


def _summary(c: ColumnProfile, kinds: list[str]) -> str:
    e, s = escape, c.stats
    if c.withheld:
        return f"<span {_WARN}>withheld ({e(', '.join(kinds) or 'sensitive')})</span>"
    if c.top:
        count = s.get("count") or 1
        return "top: " + ", ".join(f"{e(str(v))} ({n / count:.0%})" for v, n in c.top[:3])
    if "mean" in s:
        return e(f"mean {_fmt(s['mean'])}, min {_fmt(s['min'])}, max {_fmt(s['max'])}")
    if "true_rate" in s:
        return e(f"true {s['true_rate']:.0%}")
    if c.type == "datetime" and s.get("min"):
        return f"{e(str(s['min']))} &ndash; {e(str(s['max']))}"
    if "min_length" in s:
        return f"length {s['min_length']}&ndash;{s['max_length']}"
    return ""


def _fmt(value: Any) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:.4g}"
    return str(value)


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"
