"""``%mlops`` / ``%%mlops``: the IPython adapter over the shared subcommands.

It works out which notebook and cell the kernel is running, runs the command, and shows the
result: queries are returned (so ``df = %mlops decisions`` gives a DataFrame), actions are
displayed. Errors are one ``UsageError`` line with a hint, never a traceback.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand
from IPython.utils.text import DollarFormatter
from traitlets import Bool, Int, Unicode

from .errors import MlopsError
from .kernel import current_cell, current_notebook


@magics_class
class MlopsMagics(Magics):
    """Record data versions, runs and key decisions from a notebook. ``%mlops help`` lists all."""

    notebook = Unicode(
        "",
        help="Path of the notebook this kernel runs, if it cannot be detected "
        "(by default: MLOPS_NOTEBOOK, else the path JupyterLab or VS Code gave the kernel, "
        "else the saved notebook holding the code this kernel ran).",
    ).tag(config=True)
    debug = Bool(False, help="Show full tracebacks for unexpected errors.").tag(config=True)
    progress_min_bytes = Int(
        64 << 20, help="Show a progress bar when hashing or profiling data of at least this size."
    ).tag(config=True)

    @no_var_expand  # expanded by _expand: IPython's rules, plus format specs, and errors named
    @line_cell_magic
    def mlops(self, line: str, cell: str | None = None) -> Any:
        """Run an mlops subcommand: ``%mlops help`` lists them, ``%mlops SUB --help`` explains one.

        As in every IPython line magic, ``{expression}`` and ``$name`` in the line are replaced
        by their values (``%mlops log auc={auc:.3f}``); ``{{``, ``}}`` and ``$$`` keep a literal
        brace or dollar. The body of a ``%%mlops`` cell is taken as written.
        """
        from .commands import HelpShown, Invocation, execute  # lazy: keeps %load_ext fast

        try:
            argv = shlex.split(_expand(line, self.shell.user_ns))
        except ValueError as exc:
            raise UsageError(
                f"cannot parse the command line: {exc}. Hint: check the quotes"
            ) from None
        cell_id, cell_source = self._running_cell()
        where = Invocation(
            surface="magic",
            cwd=Path.cwd(),
            locate=self._notebook,
            cell_id=cell_id,
            cell_source=cell_source,
            cell_body=cell,
            progress_min_bytes=self.progress_min_bytes,
            execute=self._execute,
            namespace=self.shell.user_ns,
            interactive=_interactive,
        )
        try:
            outcome = execute(argv, where)
        except HelpShown:
            return None
        except MlopsError as exc:
            raise UsageError(
                f"{exc.message}. Hint: {exc.hint}" if exc.hint else exc.message
            ) from None
        except Exception as exc:
            if self.debug:
                raise
            raise UsageError(
                f"unexpected {type(exc).__name__}: {exc}. "
                "Hint: %config MlopsMagics.debug = True shows the traceback for a bug report"
            ) from None
        if outcome.as_json:
            print(outcome.view.dumps())
            return None
        if outcome.view.returns_value:
            return outcome.view.value()
        from IPython.display import display

        display(outcome.view)
        return None

    def _execute(self, code: str) -> bool:
        """Run ``code`` as the body of this cell (as ``%%capture`` does); True if it succeeded."""
        return bool(self.shell.run_cell(code).success)

    def _notebook(self) -> tuple[Path | None, str | None]:
        """The notebook this kernel runs, or why it is unknown."""
        return current_notebook(self.notebook, self.shell)

    def _running_cell(self) -> tuple[str | None, str | None]:
        """Id and code of the cell being run."""
        return current_cell(self.shell)


def _interactive(kind: str, **arguments: Any) -> Any:
    """The widget of ``kind`` (``whatif``) over ``arguments`` (lazy: ipywidgets loads here)."""
    from . import widgets

    return getattr(widgets, kind)(**arguments)


_ESCAPES = "write {{ and }} for literal braces, $$ for a literal dollar"


class _LineExpander(DollarFormatter):
    """IPython's expansion of a magic's line (``{expression}``, ``$name``, ``{{``, ``$$``),
    which also takes format specs (``{auc:.3f}``) and names what it cannot expand."""

    def vformat(self, format_string: str, args: Any, kwargs: Any) -> str:
        try:
            parsed = list(self.parse(format_string))
        except ValueError as exc:  # a lone { or }
            raise UsageError(f"cannot expand the line: {exc}. Hint: {_ESCAPES}") from None
        pieces = []
        for literal, field, spec, conversion in parsed:
            pieces.append(literal)
            if field is None:
                continue
            try:
                value = self._value(field, spec or "", kwargs)
                pieces.append(self.format_field(self.convert_field(value, conversion), ""))
            except Exception as exc:
                braced = "{" + field + (f":{spec}" if spec else "") + "}"
                shown = braced if "{" + field in format_string else f"${field}"
                raise UsageError(
                    f"cannot expand {shown} in the line: {type(exc).__name__}: {exc}. "
                    f"Hint: {_ESCAPES}"
                ) from None
        return "".join(pieces)

    @staticmethod
    def _value(field: str, spec: str, namespace: dict[str, Any]) -> Any:
        if not spec:
            return eval(field, dict(namespace))  # the user's own code, in their kernel (as IPython)
        try:  # IPython's reading first: {x[1:3]} slices
            return eval(f"{field}:{spec}", dict(namespace))
        except SyntaxError:  # else a format spec: {auc:.3f}
            return format(eval(field, dict(namespace)), spec)


def _expand(line: str, namespace: dict[str, Any]) -> str:
    """``line`` with ``{expression}`` and ``$name`` replaced by their values in the kernel."""
    if "{" not in line and "}" not in line and "$" not in line:
        return line
    return _LineExpander().vformat(line, args=[], kwargs=namespace)


def register(ipython: Any) -> None:
    ipython.register_magics(MlopsMagics(shell=ipython))  # also makes it a %config target


def unregister(ipython: Any) -> None:
    for kind in ("line", "cell"):
        ipython.magics_manager.magics[kind].pop("mlops", None)
    ipython.configurables[:] = [c for c in ipython.configurables if not isinstance(c, MlopsMagics)]
