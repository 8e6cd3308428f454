"""Notebook fingerprints: what a notebook *does*, independent of how often it was run.

The fingerprint is a SHA-256 over the canonical encoding of the kernel language and, for each
cell in order, its type, its source and the tags that change how it is executed. Outputs,
execution counts, cell ids and other metadata are left out, so re-running a notebook keeps its
fingerprint while editing, adding, removing, splitting or reordering a cell changes it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .canonical import sha256_hex
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


def read_notebook(path: str | Path) -> dict[str, Any]:
    """Load a notebook as nbformat-4 JSON, with a clear error for anything else."""
    path = Path(path)
    try:
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
    if not isinstance(data, dict) or ("cells" not in data and "worksheets" not in data):
        raise MlopsError(f"{path} is not a Jupyter notebook", "give the path of an .ipynb file")
    if data.get("nbformat", 4) < 4:
        import nbformat  # only for old notebooks

        data = nbformat.convert(nbformat.from_dict(data), 4)
    return data


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
