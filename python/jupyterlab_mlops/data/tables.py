"""Reading tables: CSV/TSV (optionally gzipped) and Parquet files, or a folder of such files
sharing one schema, as a stream of Arrow batches.

Row counts are exact (Parquet metadata; CSV counted by pyarrow's streaming reader) and so are
missing counts (every batch is read); the typed columns come from a seeded sample of at most
``sample_rows`` rows. Every unreadable input becomes an :class:`MlopsError` that never quotes
the content of a row (it may hold personal data).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MlopsError, NotFoundError
from .columns import typed_column
from .csv_parallel import parallel_batches
from .hashing import data_files
from .sampling import Sampler

if TYPE_CHECKING:
    import pyarrow as pa

TABLE_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".csv.gz": "csv",
    ".tsv.gz": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_BLOCK = 1 << 20  # 1 MiB blocks parsed on pyarrow's threads: the least CPU per GiB here
_HEAD_BYTES = 1 << 16


# --- files -----------------------------------------------------------------------------------


def table_format(path: Path) -> str | None:
    """``csv``, ``tsv`` or ``parquet`` from the file name, or ``None`` for anything else."""
    name = path.name.lower()
    for suffix in sorted(TABLE_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            return TABLE_SUFFIXES[suffix]
    return None


def is_hidden(relative: Path) -> bool:
    """A path inside a folder that is not part of its table (``.`` or ``_`` files, e.g.
    ``_SUCCESS``)."""
    return any(part.startswith((".", "_")) for part in relative.parts)


def folder_files(root: Path) -> list[Path]:
    """Every file under a folder, sorted; refuses an empty folder or an unreadable file."""
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


def check_readable(path: Path) -> None:
    """Refuse a file that cannot be read or is empty."""
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


# --- batches of CSV and Parquet files --------------------------------------------------------


class SchemaMismatch(Exception):
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
            raise SchemaMismatch(
                f"{file.name} has different columns than {self.files[0].name}: profiled as files"
            )

    def _csv(self, file: Path) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        raw = _open_or_fail(file)
        with raw:
            header, delimiter = _csv_header(file, raw, self.fmt)
            self._check_names(file, header)
            raw.seek(0)
            try:
                for batch, read in self._csv_batches(file, raw, header, delimiter):
                    self.rows += batch.num_rows
                    yield batch
                    self.report(read)
            except (pa.ArrowException, OSError, EOFError) as exc:
                raise _csv_error(
                    file, _serial_error(file, header, delimiter) or exc, header
                ) from None

    @staticmethod
    def _csv_batches(
        file: Path, raw: io.BufferedReader, header: list[str], delimiter: str
    ) -> Iterator[tuple[pa.RecordBatch, int]]:
        """Batches and the bytes read through each: on several threads when the file can be
        cut (see :mod:`.csv_parallel`), else pyarrow's stream."""
        if not file.name.lower().endswith(".gz"):

            def open_reader(stream: Any, names: list[str] | None, threads: bool) -> Any:
                return _csv_reader(file, stream, header, delimiter, threads=threads, names=names)

            parallel = parallel_batches(file, open_reader)
            if parallel is not None:
                return parallel
        return ((b, raw.tell()) for b in _csv_reader(file, raw, header, delimiter, threads=True))

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


def _csv_reader(
    file: Path,
    raw: Any,
    header: list[str],
    delimiter: str,
    *,
    threads: bool,
    names: list[str] | None = None,
) -> Any:
    """pyarrow's streaming reader over ``raw``: every column as strings, batches in order;
    ``names``: the column names of a part of the file that has no header row."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    stream: Any = raw
    if file.name.lower().endswith(".gz"):
        stream = pa.CompressedInputStream(pa.PythonFile(raw, mode="r"), "gzip")
    return pacsv.open_csv(
        stream,
        read_options=pacsv.ReadOptions(block_size=_BLOCK, use_threads=threads, column_names=names),
        # a quoted value may hold a newline: blocks are then cut where a row really ends
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header}, strings_can_be_null=True
        ),
    )


def _serial_error(file: Path, header: list[str], delimiter: str) -> BaseException | None:
    """The error a serial read gives: pyarrow numbers the bad row only when it reads on one
    thread, so a failed threaded read is read again to say where (errors only)."""
    import pyarrow as pa

    try:
        with _open(file) as raw:
            for _batch in _csv_reader(file, raw, header, delimiter, threads=False):
                pass
    except (pa.ArrowException, OSError, EOFError) as exc:
        return exc
    return None


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


# --- a table's sample ------------------------------------------------------------------------


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


def frame_sample(frame: Any) -> TableSample:
    """A pandas DataFrame held in memory as a :class:`TableSample` (every row; its columns
    typed from their Arrow types, as a Parquet file's are)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise MlopsError(
            f"cannot read the table's columns: {str(exc).splitlines()[0][:200]}",
            "give every column one type (numbers, strings, booleans, dates)",
        ) from None
    names = _unique_names([str(n) for n in table.column_names])
    table = table.rename_columns(names)
    missing = np.zeros(table.num_columns, dtype=np.int64)
    for i, column in enumerate(table.columns):
        missing[i] = column.null_count
        if pa.types.is_floating(column.type):
            missing[i] += pc.sum(pc.is_nan(column)).as_py() or 0
    typed = [typed_column(table.column(i), "parquet") for i in range(table.num_columns)]
    return TableSample(table.num_rows, False, names, typed, missing, table)


def table_sample(path: Path | str, *, sample_rows: int = 200_000) -> TableSample:
    """Read a CSV/TSV/Parquet file (or a folder of them) as :func:`~.profile.profile_path`
    does, without profiling or screening it. Raises :class:`MlopsError` if it is not a readable
    table."""
    path = Path(path)
    if not path.exists():
        raise NotFoundError(f"{path} does not exist", "check the path (relative to the project)")
    files = (
        [f for f in folder_files(path) if not is_hidden(f.relative_to(path))]
        if path.is_dir()
        else [path]
    )
    formats = {table_format(f) for f in files}
    if not files or len(formats) != 1 or None in formats:
        raise MlopsError(f"{path.name} is not a table", "drift is measured on CSV/TSV/Parquet data")
    if not path.is_dir():
        check_readable(path)
    try:
        return read_table(files, formats.pop() or "csv", sample_rows, None)
    except SchemaMismatch as exc:
        raise MlopsError(str(exc), "give every file in the folder the same columns") from None


def read_table(
    files: list[Path], fmt: str, sample_rows: int, progress: Callable[[int], None] | None
) -> TableSample:
    """Stream ``files`` (all of format ``fmt``): exact row and missing counts, and a typed
    sample of at most ``sample_rows`` rows. ``progress(bytes_read)`` is called as it reads."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    source = _Source(files, fmt, progress)
    sampler = Sampler(sample_rows)
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
    typed = [typed_column(sample.column(i), fmt) for i in range(sample.num_columns)]
    return TableSample(rows, sampled, names, typed, missing, sample)


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
