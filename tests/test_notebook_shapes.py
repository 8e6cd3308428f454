"""Notebooks that are valid JSON but not shaped as nbformat says: every command that reads one
answers with one error naming the file and what is wrong; REST answers 4xx (issue 14)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jupyterlab_mlops.cli import main
from jupyterlab_mlops.config import dump_config
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.fingerprint import read_notebook
from jupyterlab_mlops.project import Project

from .helpers import ACTOR, make_notebook
from .helpers.server import server_config

pytest_plugins = ["pytest_jupyter.jupyter_server"]


def _set(path: list[Any], value: Any) -> Callable[[dict], dict]:
    def edit(nb: dict) -> dict:
        nb = copy.deepcopy(nb)
        target = nb
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return nb

    return edit


#: name -> an edit of a valid notebook (dict -> dict), or raw text to write instead
SHAPES: dict[str, Callable[[dict], dict] | str] = {
    "cells-an-int": _set(["cells"], 3),
    "cell-not-an-object": _set(["cells", 0], "x = 1"),
    "cell-metadata-a-list": _set(["cells", 0, "metadata"], []),
    "kernelspec-a-string": _set(["metadata", "kernelspec"], "python3"),
    "nbformat-a-string": _set(["nbformat"], "4"),
    "source-an-int": _set(["cells", 0, "source"], 5),
    "tags-a-string": _set(["cells", 0, "metadata", "tags"], "parameters"),
    "metadata-a-list": _set(["metadata"], []),
    "cell-type-unknown": _set(["cells", 1, "cell_type"], "sql"),
    "outputs-not-a-list": _set(["cells", 1, "outputs"], {"a": 1}),
    "nesting-100000-deep": '{"cells": [], "metadata": {"x": '
    + "[" * 100_000
    + "]" * 100_000
    + "}}",
    "an-int-of-5000-digits": '{"cells": [], "nbformat": ' + "9" * 5000 + "}",
}
COMMANDS = [
    ["status", "train.ipynb"],
    ["check", "train.ipynb"],
    ["decide", "T", "--why", "W", "--notebook", "train.ipynb"],
    ["approve", "train.ipynb", "--role", "business"],
    ["approvals", "train.ipynb"],
    ["batch", "run", "train.ipynb"],
]


def write_shape(path: Path, shape: str) -> None:
    edit = SHAPES[shape]
    if isinstance(edit, str):
        path.write_text(edit, encoding="utf-8")
        return
    valid = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(edit(valid)), encoding="utf-8")


@pytest.fixture
def shaped(project: Project) -> Path:
    config = project.config.model_copy(update={"roles": {"business": [ACTOR]}})
    (project.mlops_dir / "config").write_text(dump_config(config))  # approve reads the notebook
    return make_notebook(
        project.root / "train.ipynb", ["seed = 1", "x = seed"], tags={0: ["parameters"]}
    )


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_command_names_the_file_and_the_problem(
    project: Project, shaped: Path, shape: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    write_shape(shaped, shape)
    before = project.ledger_path.read_bytes()
    monkeypatch.chdir(project.root)
    for argv in COMMANDS:
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 1, (argv, out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 2 and "train.ipynb is not a" in lines[0], (argv, err)
        assert lines[1].startswith("hint: ")
    assert project.ledger_path.read_bytes() == before  # nothing recorded


def test_a_valid_notebook_of_every_kind_still_reads(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_raw_cell("raw"),
    ]
    notebook.cells[0].outputs = [nbformat.v4.new_output("stream", text="hi")]
    path = tmp_path / "ok.ipynb"
    nbformat.write(notebook, path)
    assert len(read_notebook(path)["cells"]) == 3


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    [["cells"], ["metadata"], ["nbformat"], ["metadata", "kernelspec"], ["cells", 0],
     ["cells", 0, "source"], ["cells", 0, "metadata"], ["cells", 0, "cell_type"],
     ["cells", 0, "id"], ["cells", 1, "outputs"], ["metadata", "language_info"]]
)  # fmt: skip


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(field=FIELDS, value=JSON)
def test_any_value_in_any_field_is_accepted_as_nbformat_would_or_refused_clearly(
    tmp_path: Path, field: list[Any], value: Any
) -> None:
    """Whatever the reader accepts, every command can fingerprint; whatever it refuses is one
    MlopsError naming the file; nothing else escapes."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("y = 2")]
    edited = _set(field, value)(json.loads(json.dumps(notebook)))
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(edited), encoding="utf-8")
    try:
        read = read_notebook(path)
    except MlopsError as exc:
        assert "nb.ipynb is not a" in exc.message
        event("refused")
        return
    event("read")
    from jupyterlab_mlops.fingerprint import fingerprint_of

    fingerprint_of(read)  # what every command computes first


@pytest.fixture
def jp_server_config() -> dict:
    return server_config()


@pytest.mark.parametrize("shape", ["cells-an-int", "nesting-100000-deep", "tags-a-string"])
async def test_rest_answers_4xx_json_naming_the_problem(jp_fetch, jp_root_dir: Path, shape) -> None:
    from tornado.httpclient import HTTPClientError

    from jupyterlab_mlops.project import init_project

    root = jp_root_dir / "credit"
    root.mkdir()
    init_project(root, name="credit", template="classification", risk_tier="minimal", actor=ACTOR)
    write_shape(make_notebook(root / "train.ipynb", ["x = 1"]), shape)
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("mlops", "api", "notebook", params={"path": "credit/train.ipynb"})
    answer = json.loads(info.value.response.body)
    assert 400 <= info.value.code < 500 and "train.ipynb is not a" in answer["error"], answer
    assert str(jp_root_dir) not in json.dumps(answer)  # no server paths
