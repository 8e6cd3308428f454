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


def git(root: Path, *args: str) -> str:
    """Run git in ``root``; its output, stripped."""
    import subprocess

    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def git_project(root: Path, rows: int, seed: int) -> Path:
    """A git repository at ``root`` holding a project and a credit-applications CSV."""
    from jupyterlab_mlops.project import init_project

    from .data_fixtures import write_credit_csv

    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "ada@example.com")
    git(root, "config", "user.name", "Ada")
    init_project(root, name="credit", template="classification", risk_tier="high", actor=ACTOR)
    write_credit_csv(root / "data" / "applications.csv", rows=rows, seed=seed)
    return root
