"""Notebook fingerprints: what a notebook *does*, independent of how often it was run.

The fingerprint is a SHA-256 over the canonical encoding of the kernel language and, for each
cell in order, its type, its source and the tags that change how it is executed. Outputs,
execution counts, cell ids and other metadata are left out, so re-running a notebook keeps its
fingerprint while editing, adding, removing, splitting or reordering a cell changes it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .canonical import sha256_hex
from .confinement import readable
from .errors import MlopsError, NotFoundError

#: Cell tags that change execution (papermill parameters, nbclient error handling, skipping).
BEHAVIOUR_TAGS = frozenset(
    {
        "parameters",
        "injected-parameters",
        "raises-exception",
        "skip-execution",
        "papermill-error-cell-tag",  # papermill deletes such cells before it runs a notebook
    }
)
_SCHEME = "jupyterlab-mlops/notebook-fingerprint/v1"


#: notebooks larger than this are refused before they are read
MAX_NOTEBOOK_BYTES = 256 << 20
_CELL_TYPES = ("code", "markdown", "raw")
_CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def read_notebook(path: str | Path) -> dict[str, Any]:
    """Load a notebook as nbformat-4 JSON, with one clear error for anything else: not JSON,
    too large, nested too deep, or not shaped as nbformat's schema says (:func:`shape_problem`)."""
    path = readable(path)
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise MlopsError(
                f"{path} is over {MAX_NOTEBOOK_BYTES >> 20} MiB", "clear its outputs and save it"
            )
        with path.open(encoding="utf-8") as stream:
            data = json.load(stream)
    except FileNotFoundError as exc:
        raise NotFoundError(
            f"notebook not found: {path}", "check the path and save the notebook"
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MlopsError(
            f"{path} is not a readable notebook: {exc}", "open and re-save it in JupyterLab"
        ) from exc
    except (ValueError, RecursionError) as exc:  # an integer past 4,300 digits; deep nesting
        what = "nested too deeply" if isinstance(exc, RecursionError) else "a number too long"
        raise MlopsError(
            f"{path} is not a readable notebook: {what}", "open and re-save it in JupyterLab"
        ) from exc
    if not isinstance(data, dict) or ("cells" not in data and "worksheets" not in data):
        raise MlopsError(f"{path} is not a Jupyter notebook", "give the path of an .ipynb file")
    version = data.get("nbformat", 4)
    if type(version) is not int:
        raise MlopsError(f"{path} is not a valid notebook: nbformat must be a number", _RESAVE)
    if version < 4:
        import nbformat  # only for old notebooks

        try:
            data = nbformat.convert(nbformat.from_dict(data), 4)
        except Exception as exc:  # any failure to convert an old format is one message
            raise MlopsError(f"{path} is not a valid nbformat {version} notebook", _RESAVE) from exc
    problem = shape_problem(data)
    if problem:
        raise MlopsError(f"{path} is not a valid notebook: {problem}", _RESAVE)
    return data


_RESAVE = "open and re-save it in JupyterLab"


def shape_problem(notebook: dict[str, Any]) -> str | None:
    """What in ``notebook`` is not as nbformat 4's schema requires, among the fields this
    package reads (cells, their type, source, id, tags and outputs; the kernelspec), or None.

    A subset of the schema, checked in pure Python: nbformat's own validator costs an import
    of jsonschema (seconds here) on every command.
    """
    metadata = notebook.get("metadata", {})
    if not isinstance(metadata, dict):
        return "metadata must be a mapping"
    for key, fields in (("kernelspec", ("name",)), ("language_info", ("name",))):
        value = metadata.get(key)
        if value is not None and not (
            isinstance(value, dict) and all(isinstance(value.get(f), str) for f in fields)
        ):
            return f"metadata.{key} must be a mapping with a text {fields[0]}"
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        return "cells must be a list"
    for index, cell in enumerate(cells):
        problem = _cell_problem(cell)
        if problem:
            return f"cell {index + 1}: {problem}"
    return None


def _cell_problem(cell: Any) -> str | None:
    if not isinstance(cell, dict):
        return "not a mapping"
    if cell.get("cell_type") not in _CELL_TYPES:
        return "cell_type must be code, markdown or raw"
    source = cell.get("source", "")
    if not (
        isinstance(source, str)
        or (isinstance(source, list) and all(isinstance(line, str) for line in source))
    ):
        return "source must be text or a list of text"
    if "id" in cell and not (isinstance(cell["id"], str) and _CELL_ID.match(cell["id"])):
        return "id must be 1 to 64 letters, digits, - or _"
    metadata = cell.get("metadata", {})
    if not isinstance(metadata, dict):
        return "metadata must be a mapping"
    tags = metadata.get("tags", [])
    if not (isinstance(tags, list) and all(isinstance(tag, str) for tag in tags)):
        return "metadata.tags must be a list of text"
    outputs = cell.get("outputs", [])
    if not (isinstance(outputs, list) and all(isinstance(out, dict) for out in outputs)):
        return "outputs must be a list of mappings"
    return None


def cell_source(cell: dict[str, Any]) -> str:
    """A cell's source as one string with ``\\n`` line endings."""
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else str(source)
    return text.replace("\r\n", "\n")


def _behaviour_tags(cell: dict[str, Any]) -> list[str]:
    tags = cell.get("metadata", {}).get("tags", []) or []
    return sorted({t for t in tags if t in BEHAVIOUR_TAGS})


def fingerprint_of(notebook: dict[str, Any]) -> str:
    """Fingerprint of a loaded notebook, as ``sha256:<hex>``."""
    metadata = notebook.get("metadata", {}) or {}
    # only what the author chose: executing a notebook writes `language_info`, so it is ignored
    language = (metadata.get("kernelspec", {}) or {}).get("language", "")
    cells = [
        {
            "type": cell.get("cell_type", ""),
            "source": cell_source(cell),
            "tags": _behaviour_tags(cell),
        }
        for cell in notebook.get("cells", [])
    ]
    return "sha256:" + sha256_hex(
        {"scheme": _SCHEME, "language": str(language).lower(), "cells": cells}
    )


def notebook_fingerprint(path: str | Path) -> str:
    """Fingerprint of the notebook saved at ``path``."""
    return fingerprint_of(read_notebook(path))
