"""Helpers the tests share (kept out of conftest so tests can import them)."""

from __future__ import annotations

from pathlib import Path

import nbformat

ACTOR = "Ada Lovelace <ada@example.com>"


def make_notebook(path: Path, sources: list[str], tags: dict[int, list[str]] | None = None) -> Path:
    """Write a real nbformat-4 notebook with one code cell per source."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for index, source in enumerate(sources):
        cell = nbformat.v4.new_code_cell(source)
        if tags and index in tags:
            cell.metadata["tags"] = tags[index]
        nb.cells.append(cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
