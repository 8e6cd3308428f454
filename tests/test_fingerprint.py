"""Notebook fingerprints: re-running keeps them, any change to what the notebook does alters them."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from jupyterlab_mlops.errors import MlopsError, NotFoundError
from jupyterlab_mlops.fingerprint import fingerprint_of, notebook_fingerprint, read_notebook

from .helpers import make_notebook


@pytest.fixture
def nb(tmp_path: Path) -> dict:
    path = make_notebook(
        tmp_path / "a.ipynb", ["a = 1\nb = 2", "print(a + b)", "c = 3"], {0: ["parameters"]}
    )
    return read_notebook(path)


def test_outputs_counts_ids_and_metadata_do_not_matter(nb: dict) -> None:
    ran = copy.deepcopy(nb)
    for count, cell in enumerate(ran["cells"], start=1):
        cell["execution_count"] = count
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "3\n"}]
        cell["id"] = f"other-{count}"
        cell["metadata"]["collapsed"] = True
        cell["metadata"]["execution"] = {"iopub.status.busy": "2026-11-22T10:00:00Z"}
    ran["metadata"]["widgets"] = {"state": {}}
    ran["metadata"]["language_info"] = {
        "name": "python",
        "version": "3.11.7",
    }  # written by execution
    assert fingerprint_of(ran) == fingerprint_of(nb)
    del nb["metadata"]["kernelspec"]["language"]  # e.g. a notebook written by a tool
    ran = copy.deepcopy(nb)
    ran["metadata"]["language_info"] = {"name": "python"}
    assert fingerprint_of(ran) == fingerprint_of(nb)


def _edit(nb: dict, how: str) -> dict:
    changed = copy.deepcopy(nb)
    cells = changed["cells"]
    if how == "edit":
        cells[1]["source"] = "print(a - b)"
    elif how == "add":
        cells.append(copy.deepcopy(cells[2]))
    elif how == "remove":
        del cells[2]
    elif how == "split":
        first = copy.deepcopy(cells[0])
        first["source"], cells[0]["source"] = "a = 1\n", "b = 2"
        cells.insert(0, first)
    elif how == "reorder":
        cells[1], cells[2] = cells[2], cells[1]
    elif how == "untag-parameters":
        cells[0]["metadata"]["tags"] = []
    elif how == "cell-type":
        cells[2]["cell_type"] = "markdown"
    elif how == "language":
        changed["metadata"]["kernelspec"]["language"] = "R"
    return changed


@pytest.mark.parametrize(
    "how",
    ["edit", "add", "remove", "split", "reorder", "untag-parameters", "cell-type", "language"],
)
def test_changes_to_what_the_notebook_does_change_it(nb: dict, how: str) -> None:
    assert fingerprint_of(_edit(nb, how)) != fingerprint_of(nb)


def test_split_cells_cannot_collide_with_joined_source(nb: dict) -> None:
    joined = copy.deepcopy(nb)
    joined["cells"] = [copy.deepcopy(nb["cells"][0])]
    joined["cells"][0]["source"] = "ab"
    split = copy.deepcopy(joined)
    split["cells"].append(copy.deepcopy(split["cells"][0]))
    split["cells"][0]["source"], split["cells"][1]["source"] = "a", "b"
    assert fingerprint_of(joined) != fingerprint_of(split)


def test_list_or_string_source_and_line_endings_are_equivalent(nb: dict) -> None:
    other = copy.deepcopy(nb)
    other["cells"][0]["source"] = ["a = 1\r\n", "b = 2"]
    assert fingerprint_of(other) == fingerprint_of(nb)


def test_a_file_roundtrip_through_nbformat_keeps_the_fingerprint(tmp_path: Path, nb: dict) -> None:
    path = tmp_path / "b.ipynb"
    nbformat.write(nbformat.from_dict(nb), path)
    assert notebook_fingerprint(path) == fingerprint_of(nb)
    assert (
        notebook_fingerprint(path).startswith("sha256:") and len(notebook_fingerprint(path)) == 71
    )


def test_bad_files_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="not found"):
        notebook_fingerprint(tmp_path / "missing.ipynb")
    (tmp_path / "broken.ipynb").write_text("{ not json")
    with pytest.raises(MlopsError, match="not a readable notebook"):
        notebook_fingerprint(tmp_path / "broken.ipynb")
    (tmp_path / "list.ipynb").write_text("[1, 2]")
    with pytest.raises(MlopsError, match="not a Jupyter notebook"):
        notebook_fingerprint(tmp_path / "list.ipynb")
