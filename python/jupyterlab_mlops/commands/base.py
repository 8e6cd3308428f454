"""What every subcommand group shares: where a command runs, its outcome, the parser that
raises instead of exiting, and the helpers that turn arguments into paths and a project."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, NoReturn

from ..errors import MlopsError
from ..identity import current_actor
from ..project import Project, find_project
from ..render import View


class UsageError(MlopsError):
    """The command line itself is wrong (unknown option, missing argument)."""


class HelpShown(Exception):
    """``--help`` was asked for and has been printed."""


@dataclass(frozen=True)
class Invocation:
    """Where a command runs."""

    surface: Literal["cli", "magic"]
    cwd: Path
    #: finds the notebook the kernel runs, and why it is unknown if it is (magic only); asked
    #: the first time a command needs it (a search can take a moment: ``help`` never asks)
    locate: Callable[[], tuple[Path | None, str | None]] | None = None
    cell_id: str | None = None  # the cell being run (JupyterLab sends its id) ...
    cell_source: str | None = None  # ... and its code, which may be newer than the saved file
    cell_body: str | None = None  # body of a ``%%mlops`` cell
    actor: str | None = None
    progress_min_bytes: int | None = None  # show progress bars for data at least this large
    execute: Callable[[str], bool] | None = None  # runs code in the kernel (magic only): ok?
    namespace: Mapping[str, Any] | None = None  # the kernel's variables (magic only)
    #: makes an interactive view (a widget) of a core object (magic only)
    interactive: Callable[..., Any] | None = None

    @cached_property
    def _located(self) -> tuple[Path | None, str | None]:
        return self.locate() if self.locate is not None else (None, None)

    @property
    def notebook(self) -> Path | None:
        """The notebook the kernel runs (magic only)."""
        return self._located[0]

    @property
    def notebook_problem(self) -> str | None:
        """Why the kernel's notebook is unknown, if it is."""
        return self._located[1]

    def byte_progress(self) -> Any:
        """The progress factory for byte-counted work here (hashing, profiling, verifying):
        bars for work of at least ``progress_min_bytes``."""
        from ..progress import DEFAULT_MIN_BYTES, byte_progress

        minimum = self.progress_min_bytes
        return byte_progress(self.surface, DEFAULT_MIN_BYTES if minimum is None else minimum)

    def variable(self, name: str) -> Any:
        """The kernel variable ``name`` (an error naming it when there is none)."""
        if self.namespace is None:
            raise UsageError(
                "this command names variables of a notebook's kernel",
                "run it as %mlops in a notebook, or call the Python function",
            )
        if name not in self.namespace:
            raise UsageError(
                f"no variable named {name!r} in the kernel", "run the cell that defines it first"
            )
        return self.namespace[name]

    @property
    def prog(self) -> str:
        return "%mlops" if self.surface == "magic" else "mlops"

    def who(self) -> str:
        return self.actor or current_actor(self.cwd)


@dataclass(frozen=True)
class Outcome:
    view: View
    as_json: bool


class ReportView(View):
    """A report of an analysis (explanation, fairness, diagnostics) with ``to_json()``; the
    magic returns it (``report = %mlops explain ...``)."""

    returns_value = True

    def __init__(self, report: Any) -> None:
        self.report = report

    def to_json(self) -> Any:
        return self.report.to_json()

    def to_text(self) -> str:
        return repr(self.report)

    def value(self) -> Any:
        return self.report


#: runs one subcommand from its parsed arguments
Handler = Callable[[argparse.Namespace, Invocation], View]


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so a kernel never sees ``SystemExit``."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, f"see `{self.prog} --help`")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if status:
            raise UsageError((message or "invalid arguments").strip(), f"see `{self.prog} --help`")
        raise HelpShown


def add_command(
    parsers: argparse._SubParsersAction, name: str, help_text: str, description: str
) -> argparse.ArgumentParser:
    """A subcommand that, like every subcommand but ``help``, accepts ``--json``."""
    command = parsers.add_parser(name, help=help_text, description=description)
    command.add_argument("--json", action="store_true", help="print the result as JSON")
    return command


def progress_for(where: Invocation) -> Callable[[int, str], Any]:
    """A progress factory over counted work, ``progress(total, description)``, drawn as
    ``where`` draws bars."""
    from ..progress import count_factory

    return count_factory(where.surface)


def path_from(where: Invocation, value: str | None) -> Path | None:
    """A path argument, relative to where the command runs."""
    if value is None:
        return None
    if "\x00" in value:
        raise MlopsError("a path cannot contain a NUL character", "check the command line")
    return where.cwd / Path(value).expanduser()


def project_for(where: Invocation, start: Path | None = None) -> Project:
    """The project holding ``start``, else the kernel's notebook, else the current folder."""
    return find_project(start or where.notebook or where.cwd)


def notebook_for(where: Invocation, value: str | None) -> Path | None:
    """The notebook an entry is bound to: ``--notebook``, else the kernel's (if known)."""
    return path_from(where, value) or where.notebook


def required_notebook(where: Invocation, value: str | None, command: str) -> Path:
    """:func:`notebook_for`, or an error asking for the notebook's path."""
    notebook = notebook_for(where, value)
    if notebook is None:
        raise MlopsError("which notebook?", f"give its path: `mlops {command} NOTEBOOK`")
    return notebook


def cell_fields(where: Invocation, notebook: Path | None) -> dict[str, str | None]:
    """The running cell's id and source, when the entry belongs to the kernel's notebook."""
    same = notebook is not None and notebook == where.notebook
    return {
        "cell_id": where.cell_id if same else None,
        "cell_source": where.cell_source if same else None,
    }
