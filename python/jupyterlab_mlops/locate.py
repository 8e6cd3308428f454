"""Finding the notebook a kernel runs from the code it has run, whichever runner started it.

JupyterLab and VS Code tell the kernel its notebook (see :mod:`.kernel`). papermill (CLI and
API), ``jupyter nbconvert --execute`` and nbclient do not, but each sends a saved notebook's
code cells to the kernel one by one, exactly as saved. So the notebook is the saved one that
holds the code this kernel ran:

- candidates are the ``.ipynb`` files under the given folders (the kernel's working folder:
  nbconvert and nbclient run the kernel in the notebook's folder, papermill in the folder it
  was started from or its ``--cwd``), at most :data:`MAX_DEPTH` folders deep, skipping hidden
  folders (``.git``, ``.ipynb_checkpoints``, ``.venv``, ...), ``node_modules``,
  ``__pycache__``, ``site-packages`` and virtual environments; at most :data:`MAX_FOLDERS`
  folders are listed and :data:`MAX_NOTEBOOKS` notebooks (each under :data:`MAX_BYTES`) read;
- a candidate must hold the running cell's code; the one holding the most of the code cells
  the kernel has run wins;
- papermill writes its output notebook before it executes it, with the input's path in
  ``metadata.papermill.input_path``: an output stands for its input (never for itself);
- a tie between different notebooks is settled by the runner's own command line (the kernel's
  parent process names the notebook for ``papermill`` and ``jupyter nbconvert``), else by
  preferring ``NAME.ipynb`` over nbconvert's ``NAME.nbconvert.ipynb``, else it is an error
  naming them.

Only the standard library is used: this runs inside the user's kernel.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

MAX_DEPTH = 3  # the folder itself and three levels of subfolders
MAX_FOLDERS = 500
MAX_NOTEBOOKS = 200
MAX_BYTES = 32 << 20
_SKIPPED = {"node_modules", "__pycache__", "site-packages", "venv", "env"}
UNKNOWN = "cannot tell which notebook this kernel runs"


def normalise(source: str) -> str:
    """A cell's code as compared here: line endings normalised, trailing blanks dropped (IPython
    keeps its history that way)."""
    return source.replace("\r\n", "\n").rstrip()


def find_notebook(
    ran: Iterable[str],
    current: str | None,
    folders: Sequence[Path],
    launcher: Sequence[str] = (),
) -> tuple[Path | None, str | None]:
    """The saved notebook holding the code this kernel ``ran`` (its cells so far) and the
    ``current`` cell's code, searched under ``folders``; or None and why it is unknown.

    ``launcher``: the command line of the process that started the kernel (settles ties).
    """
    executed = {normalise(s) for s in ran if s and s.strip()}
    wanted = normalise(current) if current and current.strip() else None
    if wanted is not None:
        executed.add(wanted)
    if not executed:
        return None, f"{UNKNOWN}: it has run no code yet"
    scores: dict[Path, int] = {}
    lost: dict[str, int] = {}  # papermill outputs whose input cannot be found: their score
    for file in notebook_files(folders):
        cells, input_path = _code_cells(file)
        if cells is None or (wanted is not None and wanted not in cells):
            continue
        score = len(executed & cells)
        if input_path is not None:  # a papermill output: it stands for its input
            found = _papermill_input(file, input_path, folders, wanted)
            if found is None:
                lost[f"{file.name} (papermill's output of {input_path})"] = score
                continue
            file = found
        scores[file] = max(score, scores.get(file, 0))
    best = max(scores.values(), default=0)
    if lost and max(lost.values()) > best:  # the best match is an output of a missing input
        return None, f"{UNKNOWN}: it runs {max(lost, key=lost.__getitem__)}, which cannot be found"
    if not scores:
        where = " or ".join(str(f) for f in _unique(folders))
        return None, (
            f"{UNKNOWN}: no notebook under {where} (searched {MAX_DEPTH} folders deep) "
            "holds the code it ran"
        )
    tied = sorted(path for path, score in scores.items() if score == best)
    tied = _settle(tied, launcher, folders)
    if len(tied) == 1:
        return tied[0], None
    names = ", ".join(_short(path, folders) for path in tied)
    return None, f"{UNKNOWN}: the code it ran is in each of {names}"


def notebook_files(folders: Sequence[Path]) -> Iterator[Path]:
    """``.ipynb`` files under ``folders``, breadth first, within the bounds stated above."""
    seen: set[Path] = set()
    queue = [(folder.absolute(), 0) for folder in _unique(folders)]
    listed = notebooks = 0
    while queue and listed < MAX_FOLDERS:
        folder, depth = queue.pop(0)
        if folder in seen:
            continue
        seen.add(folder)
        listed += 1
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden: .git, .ipynb_checkpoints, .venv, .mlops, ...
            try:
                if entry.is_dir():
                    if depth < MAX_DEPTH and not _skipped(entry):
                        queue.append((Path(entry.path), depth + 1))
                elif entry.name.endswith(".ipynb") and entry.stat().st_size <= MAX_BYTES:
                    notebooks += 1
                    if notebooks > MAX_NOTEBOOKS:
                        return
                    yield Path(entry.path)
            except OSError:
                continue


def _skipped(entry: os.DirEntry[str]) -> bool:
    return entry.name in _SKIPPED or os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))


#: (path, size, modification time) -> what :func:`_code_cells` read, so that a kernel that
#: searches again (one whose notebook was not found) only lists folders
_READ: dict[tuple[str, int, int], tuple[set[str] | None, str | None]] = {}


def _code_cells(file: Path) -> tuple[set[str] | None, str | None]:
    """The code of ``file``'s code cells and, for a papermill output, its input's path (None
    for a file that is not a readable notebook, e.g. one papermill is writing right now)."""
    try:
        stat = file.stat()
    except OSError:
        return None, None
    key = (str(file), stat.st_size, stat.st_mtime_ns)
    if key in _READ:
        return _READ[key]
    read = _parse(file)
    if read[0] is not None and time.time_ns() - stat.st_mtime_ns > 2_000_000_000:
        # remembered once a couple of seconds old: a second write within one timestamp tick
        # could not hide a change
        if len(_READ) > 4 * MAX_NOTEBOOKS:
            _READ.clear()
        _READ[key] = read
    return read


def _parse(file: Path) -> tuple[set[str] | None, str | None]:
    try:
        notebook = json.loads(file.read_text(encoding="utf-8"))
        cells = {
            normalise(_text(cell.get("source")))
            for cell in notebook.get("cells", [])
            if cell.get("cell_type") == "code"
        }
    except (OSError, ValueError, AttributeError, TypeError):
        return None, None
    papermill = (notebook.get("metadata") or {}).get("papermill") or {}
    input_path = papermill.get("input_path") if isinstance(papermill, dict) else None
    return cells, input_path if isinstance(input_path, str) and input_path else None


def _text(source: object) -> str:
    if isinstance(source, list):
        return "".join(str(part) for part in source)
    return source if isinstance(source, str) else ""


def _papermill_input(
    output: Path, input_path: str, folders: Sequence[Path], wanted: str | None
) -> Path | None:
    """The input notebook of papermill's ``output``: ``input_path`` as papermill was given it,
    relative to the folder it was started from (tried: the folders searched, the output's own
    folder), and holding the running cell's code."""
    given = Path(input_path).expanduser()
    bases = [Path("/")] if given.is_absolute() else [*folders, output.parent]
    for base in bases:
        candidate = (base / given).absolute()
        if candidate == output.absolute() or not candidate.is_file():
            continue
        cells, _ = _code_cells(candidate)
        if cells is None or (wanted is not None and wanted not in cells):
            continue
        return Path(os.path.normpath(candidate))
    return None


def _settle(tied: list[Path], launcher: Sequence[str], folders: Sequence[Path]) -> list[Path]:
    if len(tied) < 2:
        return tied
    named = {
        Path(os.path.normpath((base / arg).absolute()))
        for arg in launcher
        if arg.endswith(".ipynb")
        for base in (*folders, Path.cwd())
    }
    chosen = [path for path in tied if Path(os.path.normpath(path)) in named]
    if len(chosen) == 1:
        return chosen
    return [  # nbconvert's copy of NAME.ipynb from an earlier run
        path
        for path in tied
        if not (
            path.name.endswith(".nbconvert.ipynb")
            and path.with_name(path.name.removesuffix(".nbconvert.ipynb") + ".ipynb") in tied
        )
    ]


def _unique(folders: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for folder in folders:
        if folder.absolute() not in out:
            out.append(folder.absolute())
    return out


def _short(path: Path, folders: Sequence[Path]) -> str:
    for folder in _unique(folders):
        try:
            return path.relative_to(folder).as_posix()
        except ValueError:
            continue
    return str(path)
