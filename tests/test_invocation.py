"""Where a command runs: the kernel's notebook is looked up only when a command needs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyterlab_mlops.commands import HelpShown, Invocation, execute
from jupyterlab_mlops.errors import MlopsError


def test_help_never_looks_for_the_notebook(tmp_path: Path) -> None:
    asked: list[int] = []

    def locate() -> tuple[Path | None, str | None]:
        asked.append(1)
        return None, "unknown"

    where = Invocation(surface="magic", cwd=tmp_path, locate=locate)
    for argv in (["help"], ["help", "decide"], ["status", "--help"]):
        with pytest.raises(HelpShown):
            execute(argv, where)
    assert asked == []
    assert where.notebook is None and where.notebook_problem == "unknown"
    assert where.notebook is None  # asked once, then remembered
    assert asked == [1]


def test_commands_naming_kernel_variables_refuse_the_cli(tmp_path: Path) -> None:
    where = Invocation(surface="cli", cwd=tmp_path)
    with pytest.raises(MlopsError, match="variables of a notebook's kernel"):
        execute(["explain", "model", "X"], where)
    magic = Invocation(surface="magic", cwd=tmp_path, namespace={"model": object()})
    with pytest.raises(MlopsError, match="no variable named 'X'"):
        execute(["explain", "model", "X"], magic)
