"""The project's own subcommands: init, configure, decide, decisions, status, verify."""

from __future__ import annotations

import argparse

from ..checklists.configure import reconfigure
from ..config import CONTEXT_FIELDS, MODEL_TEMPLATES, RISK_TIERS, ProjectContext
from ..decisions import list_decisions, record_decision
from ..errors import MlopsError
from ..ledger import verify_ledger
from ..project import init_project
from ..render import View
from ..status import project_status
from ..views import DecisionRecordedView, DecisionsView, InitView, StatusView, VerifyView
from .base import (
    Handler,
    Invocation,
    add_command,
    cell_fields,
    notebook_for,
    path_from,
    project_for,
)


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this group's subcommands to ``sub``."""
    init = add_command(
        sub,
        "init",
        "create .mlops/ (config and ledger) in a project's root folder",
        "Make FOLDER (default: the current folder) an MLOps project: creates .mlops/ with the "
        "config and the ledger. Commit .mlops/ to git.",
    )
    init.add_argument("folder", nargs="?", default=".", metavar="FOLDER")
    init.add_argument("--name", help="project name (default: the folder's name)")
    init.add_argument(
        "--template",
        choices=MODEL_TEMPLATES,
        default="classification",
        help="model type (default: classification)",
    )
    init.add_argument(
        "--risk-tier",
        choices=RISK_TIERS,
        default="limited",
        help="EU AI Act risk tier (default: limited)",
    )
    init.add_argument(
        "--single-user",
        action="store_true",
        help="local single-user mode: the Jupyter server acts as your local identity (as the "
        "kernel and the CLI do: MLOPS_USER, else git's), unassigned roles are open to anyone, "
        "independence is not enforced (never for a shared project)",
    )
    _add_context_arguments(init)

    decide = add_command(
        sub,
        "decide",
        "record a key decision and why it was taken",
        "Record a key decision in the ledger, bound to the notebook version (and, in a notebook, "
        "the cell) it was taken in. In a %%mlops cell the cell body can carry the reasoning.",
    )
    decide.add_argument("title", metavar="TITLE", help="what was decided, in one line")
    decide.add_argument("--why", help="the reasoning (required)")
    decide.add_argument("--alternatives", help="what else was considered")
    decide.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="TAG",
        help="a topic, e.g. data, privacy (repeatable)",
    )
    decide.add_argument(
        "--link",
        action="append",
        default=[],
        metavar="ID",
        help="a ledger entry id or MLflow run id it rests on (repeatable)",
    )
    decide.add_argument("--notebook", metavar="PATH", help="the notebook the decision belongs to")

    decisions = add_command(
        sub, "decisions", "list recorded decisions", "List key decisions, oldest first."
    )
    decisions.add_argument("--notebook", metavar="PATH", help="only this notebook's decisions")
    decisions.add_argument(
        "--all",
        action="store_true",
        help="every decision in the project (in a notebook, the default is this notebook's)",
    )

    status = add_command(
        sub,
        "status",
        "show the project, a notebook's fingerprint and entry counts",
        "Show the project, the notebook's fingerprint and ledger entry counts.",
    )
    status.add_argument("notebook", nargs="?", metavar="NOTEBOOK")

    add_command(
        sub,
        "verify",
        "check the ledger has not been altered",
        "Recompute every hash and link in the ledger; exit 1 naming the first altered, removed or reordered entry.",
    )

    configure = add_command(
        sub,
        "configure",
        "change the project's checklist template, risk tier or registry facts (recorded)",
        "Change the model template, the EU AI Act risk tier and/or the registry facts (owner, "
        "sponsor, intended purpose, ...) in .mlops/config; the change is recorded in the ledger "
        "with who made it.",
    )
    configure.add_argument(
        "--template",
        metavar="TEMPLATE",
        help=f"{', '.join(MODEL_TEMPLATES)}, or a template of the project's own",
    )
    configure.add_argument("--risk-tier", choices=RISK_TIERS)
    _add_context_arguments(configure, clearing=True)


def _add_context_arguments(parser: argparse.ArgumentParser, *, clearing: bool = False) -> None:
    """One option per registry fact (--owner, --intended-purpose, ...), described once, in
    :class:`~..config.ProjectContext`."""
    facts = parser.add_argument_group(
        "registry facts (shown in the portfolio, written into the model card and Annex IV)"
    )
    for name in CONTEXT_FIELDS:
        described = ProjectContext.model_fields[name].description or name
        facts.add_argument(
            f"--{name.replace('_', '-')}",
            dest=f"context_{name}",
            metavar="TEXT",
            help=described + ('; "" clears it' if clearing else ""),
        )


def _context(args: argparse.Namespace) -> dict[str, str]:
    """The registry facts given on the command line."""
    given = {name: getattr(args, f"context_{name}") for name in CONTEXT_FIELDS}
    return {name: value for name, value in given.items() if value is not None}


def _init(args: argparse.Namespace, where: Invocation) -> View:
    project = init_project(
        path_from(where, args.folder) or where.cwd,
        name=args.name,
        template=args.template,
        risk_tier=args.risk_tier,
        actor=where.who(),
        single_user=args.single_user,
        context=_context(args),
    )
    return InitView(project)


def _configure(args: argparse.Namespace, where: Invocation) -> View:
    project = reconfigure(
        project_for(where),
        actor=where.who(),
        template=args.template,
        risk_tier=args.risk_tier,
        context=_context(args),
    )
    return InitView(project, verb="Configured")


def _decide(args: argparse.Namespace, where: Invocation) -> View:
    why = args.why or (where.cell_body or "").strip() or None
    if not why:
        raise MlopsError(
            "a decision needs its reasoning",
            'add --why "..." (or put it in the body of a %%mlops cell)',
        )
    notebook = notebook_for(where, args.notebook)
    if notebook is None and where.surface == "magic":
        raise MlopsError(
            where.notebook_problem or "cannot tell which notebook this kernel runs",
            "set it with %config MlopsMagics.notebook = 'NAME.ipynb'",
        )
    project = project_for(where, notebook)
    decision = record_decision(
        project,
        title=args.title,
        why=why,
        alternatives=args.alternatives,
        tags=args.tag,
        links=args.link,
        notebook=notebook,
        actor=where.who(),
        **cell_fields(where, notebook),
    )
    return DecisionRecordedView(decision)


def _decisions(args: argparse.Namespace, where: Invocation) -> View:
    notebook = None if args.all else notebook_for(where, args.notebook)
    project = project_for(where, notebook)
    scope = project.relpath(notebook) if notebook else f"project {project.config.name}"
    return DecisionsView(list_decisions(project, notebook), scope)


def _status(args: argparse.Namespace, where: Invocation) -> View:
    notebook = notebook_for(where, args.notebook)
    return StatusView(project_status(project_for(where, notebook), notebook))


def _verify(args: argparse.Namespace, where: Invocation) -> View:
    return VerifyView(verify_ledger(project_for(where).ledger_path, progress=where.byte_progress()))


HANDLERS: dict[str, Handler] = {
    "init": _init,
    "configure": _configure,
    "decide": _decide,
    "decisions": _decisions,
    "status": _status,
    "verify": _verify,
}
