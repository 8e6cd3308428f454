"""The server reads nothing outside its root on a request's behalf: not through a symlinked
requirements file, checklist template, notebook or ``.mlops/`` folder, nor a config's
``checklist_dirs: [../..]``; symlink loops answer 4xx; errors never show install paths.
Every file opened while a request is served is watched with an audit hook (issue 14)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_mlops.config import dump_config
from jupyterlab_mlops.project import find_project, init_project

from .helpers import ACTOR, make_notebook
from .helpers.server import server_config

pytest_plugins = ["pytest_jupyter.jupyter_server"]
SENTINEL = "SENTINEL-4f1c"
_OPENED: list[str] | None = None


def _watch(event: str, args: tuple) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, bytes)):
        _OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_watch)  # cannot be removed: it records only while a test asks it to


@pytest.fixture
def opened() -> Iterator[list[str]]:
    global _OPENED
    _OPENED = []
    try:
        yield _OPENED
    finally:
        _OPENED = None


@pytest.fixture
def jp_server_config() -> dict:
    return server_config()


def project_at(root: Path, **config: object) -> Path:
    root.mkdir(parents=True)
    init_project(root, name=root.name, template="classification", risk_tier="minimal", actor=ACTOR)
    if config:
        project = find_project(root)
        (project.mlops_dir / "config").write_text(
            dump_config(project.config.model_copy(update=config))
        )
    make_notebook(root / "train.ipynb", ["x = 1"])
    return root


@pytest.fixture
def hostile(jp_root_dir: Path) -> Path:
    """Projects under the root whose files lead to ``outside`` (beside the root)."""
    outside = jp_root_dir.parent / "outside"
    outside.mkdir()
    (outside / "requirements.txt").write_text(f"{SENTINEL}>=1\n")
    (outside / "classification.yaml").write_text(
        f"title: {SENTINEL}\nitems:\n  - id: x\n    title: {SENTINEL}\n    why: {SENTINEL}\n"
        f"    fix: {SENTINEL}\n    evidence: decision\n"
    )
    (outside / "nb.ipynb").write_text(json.dumps({"cells": [], "metadata": {SENTINEL: 1}}))
    project_at(outside / "elsewhere").joinpath("train.ipynb").unlink()

    reqs = project_at(jp_root_dir / "reqs", risk_tier="limited")  # checks environment-pinned
    (reqs / "requirements.txt").symlink_to(outside / "requirements.txt")
    template = project_at(jp_root_dir / "template")
    (template / ".mlops" / "checklists").mkdir()
    (template / ".mlops" / "checklists" / "classification.yaml").symlink_to(
        outside / "classification.yaml"
    )
    project_at(jp_root_dir / "dirs", checklist_dirs=["../../outside"])
    linked = jp_root_dir / "linked"
    linked.mkdir()
    (linked / ".mlops").symlink_to(outside / "elsewhere" / ".mlops")
    make_notebook(linked / "train.ipynb", ["x = 1"])
    plain = project_at(jp_root_dir / "plain")
    (plain / "outside.ipynb").symlink_to(outside / "nb.ipynb")
    make_notebook(plain / ".hidden.ipynb", ["x = 1"])
    (plain / "loop.ipynb").symlink_to(plain / "loop.ipynb")
    return outside


async def answer(jp_fetch, *path: str, **params: str) -> tuple[int, str]:
    try:
        response = await jp_fetch("mlops", "api", *path, params=params)
    except HTTPClientError as exc:
        return exc.code, exc.response.body.decode()
    return response.code, response.body.decode()


async def test_no_byte_from_outside_the_root_and_no_file_opened_there(
    jp_fetch, jp_root_dir: Path, hostile: Path, opened: list[str]
) -> None:
    outside = str(hostile.resolve())
    answers = {
        name: await answer(jp_fetch, "notebook", path=f"{name}/train.ipynb")
        for name in ("reqs", "template", "dirs", "linked")
    }
    for name in ("outside.ipynb", "loop.ipynb", ".hidden.ipynb"):
        answers[name] = await answer(jp_fetch, "notebook", path=f"plain/{name}")
    answers["portfolio"] = await answer(jp_fetch, "portfolio")
    for name, (code, body) in answers.items():
        assert SENTINEL not in body and outside not in body, (name, body)
        assert "site-packages" not in body and str(jp_root_dir) not in body, (name, body)
        if name != "portfolio":
            assert 400 <= code < 500 and json.loads(body)["error"], (name, code, body)
    assert "leads outside the server root" in answers["reqs"][1]
    assert "symlink loop" in answers["loop.ipynb"][1]
    leaked = [p for p in opened if os.path.realpath(p).startswith(outside)]
    assert leaked == []

    code, body = answers["portfolio"]
    projects = {p["root"]: p for p in json.loads(body)["projects"]}
    assert code == 200 and projects["plain"]["error"] is None
    listed = [n["path"] for n in projects["plain"]["notebooks"]]
    assert listed == ["plain/train.ipynb"]  # not the link out, the hidden one or the loop
    assert "leads outside the server root" in (projects["linked"]["error"] or "")


def test_outside_the_server_the_user_reads_their_own_files(hostile: Path, jp_root_dir) -> None:
    """The CLI and kernels are the user's own: a symlinked requirements file counts there."""
    from jupyterlab_mlops.checklists.evaluate import check_notebook

    project = find_project(jp_root_dir / "reqs")
    report = check_notebook(project, project.root / "train.ipynb")
    (pinned,) = [r for r in report.results if r.item.id == "environment-pinned"]
    assert SENTINEL in pinned.outcome.detail  # read, and found not pinned
