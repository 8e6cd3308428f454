"""The subcommands shared by ``%mlops`` and ``mlops``: one parser, one dispatcher.

Each handler parses nothing itself: it takes the parsed arguments and where the command
runs (an :class:`Invocation`), calls one core function and wraps the result in a view.
The magic and the CLI differ only in how they find the notebook and how they show the view.
Each group of subcommands lives in its own module: it adds its subparsers and names the
handler of each subcommand. Handlers import the feature they call inside the function
(``# lazy: ~N ms``, what that group's features add to start-up): at the top, they would add
~0.17 s to every command and to ``--help``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import MlopsError
from . import (
    alerts,
    batch,
    data,
    diagnostics,
    documentation,
    experiments,
    explanations,
    fairness,
    governance,
    project,
    prompts,
)
from .base import HelpShown, Invocation, Outcome, Parser, UsageError

__all__ = ["HelpShown", "Invocation", "Outcome", "UsageError", "build_parser", "execute"]

#: in the order ``--help`` lists their subcommands
_GROUPS = (
    project, data, experiments, explanations, fairness, diagnostics, prompts, governance,
    documentation, batch, alerts,
)  # fmt: skip
_HANDLERS = {name: handler for group in _GROUPS for name, handler in group.HANDLERS.items()}


#: what ``%mlops help`` adds: IPython's expansion of the magic's line
_EXPANSION = (
    " As in every IPython magic, {expression} and $name in the line are replaced by their"
    " values before the command runs: %mlops log auc={auc:.3f}, or"
    ' --why "recall {recall:.2f} at this threshold". Write {{, }} or $$ for a literal'
    " brace or dollar. The body of a %%mlops cell is recorded as written."
)


def build_parser(prog: str) -> Parser:
    """The parser of every subcommand, for ``prog`` (``mlops`` or ``%mlops``)."""
    parser = Parser(
        prog=prog,
        description="Record and check the governance facts of a notebook project.",
        epilog=f"`{prog} SUBCOMMAND --help` explains a subcommand."
        + (_EXPANSION if prog.startswith("%") else ""),
    )
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", parser_class=Parser)
    sub.required = True
    for group in _GROUPS:
        group.add_commands(sub)
    helper = sub.add_parser("help", help="show this help, or a subcommand's")
    helper.add_argument("topic", nargs="?", metavar="SUBCOMMAND")
    return parser


def execute(argv: Sequence[str], where: Invocation) -> Outcome:
    """Parse ``argv`` and run the subcommand; raises :class:`MlopsError` or :class:`HelpShown`."""
    parser = build_parser(where.prog)
    args = parser.parse_args(list(argv) or ["help"])
    if args.command == "help":
        target = [args.topic, "--help"] if args.topic else ["--help"]
        parser.parse_args(target)  # prints the help and raises HelpShown
    try:
        view = _HANDLERS[args.command](args, where)
    except OSError as exc:  # permissions, a full disk, a file vanishing: still one clear line
        target = f": {exc.filename}" if exc.filename else ""
        raise MlopsError(
            f"{exc.strerror or exc}{target}", "check the path, its permissions and free disk space"
        ) from exc
    return Outcome(view, bool(getattr(args, "json", False)))
