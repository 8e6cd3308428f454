"""Readiness and sign-off: ``check``, ``approve``/``refuse``/``revoke``, ``waive``,
``approvals``, ``retire``, and ``portfolio`` (the same evidence, for every project under a
folder)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..checklists.cleanrun import clean_run
from ..errors import MlopsError
from ..lifecycle import retire
from ..project import Project
from ..render import View
from .base import Handler, Invocation, add_command, project_for, required_notebook


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this group's subcommands to ``sub``."""
    check = add_command(
        sub,
        "check",
        "the notebook's readiness checklist: what passes, what blocks, how to fix it",
        "Evaluate every checklist item of the project's template and risk tier from evidence "
        "(ledger, MLflow runs, DVC data, the notebook itself) and derive the lifecycle stage.",
    )
    check.add_argument("notebook", nargs="?", metavar="NOTEBOOK")
    check.add_argument(
        "--run",
        action="store_true",
        help="first run the notebook top to bottom in a fresh kernel (papermill) and record it",
    )
    for name, help_text in (
        ("approve", "sign off the notebook's current version in a role"),
        ("refuse", "refuse to sign off, saying why"),
        ("revoke", "withdraw your earlier sign-off in a role"),
    ):
        signoff = add_command(
            sub,
            name,
            help_text,
            f"{help_text[0].upper()}{help_text[1:]}. The entry binds the bundle: notebook "
            "fingerprint, parameter schema, the data versions and runs the evidence points to.",
        )
        signoff.add_argument("notebook", nargs="?", metavar="NOTEBOOK")
        signoff.add_argument("--role", required=True, help="business, risk, it-ops, ...")
        signoff.add_argument(
            "--comment", "--why", dest="comment", help="what you looked at, or why not"
        )
    waive = add_command(
        sub,
        "waive",
        "accept a failing checklist item for this notebook version, with a justification",
        "Record a waiver of ITEM (only items the template marks waivable, only by someone who "
        "holds a sign-off role). It is shown as waived, never as passed.",
    )
    waive.add_argument("item", metavar="ITEM", help="the item id, as `check` lists it")
    waive.add_argument("notebook", nargs="?", metavar="NOTEBOOK")
    waive.add_argument(
        "--why",
        help="the justification (an item that needs a recorded decision takes its reasons)",
    )
    approvals = add_command(
        sub,
        "approvals",
        "who signed off which version, and whether the notebook may run in production",
        "The sign-offs the risk tier requires, whether each is current, and what blocks.",
    )
    approvals.add_argument("notebook", nargs="?", metavar="NOTEBOOK")
    request = add_command(
        sub,
        "request-review",
        "ask the people who hold a role to review the notebook",
        "Record a review request for ROLE in the ledger. It shows in the panel and the portfolio "
        "of those who hold the role until a sign-off or a refusal in that role answers it.",
    )
    request.add_argument("notebook", nargs="?", metavar="NOTEBOOK")
    request.add_argument("--role", required=True, help="business, risk, it-ops, ...")
    request.add_argument("--comment", help="what to look at")

    retirement = add_command(
        sub,
        "retire",
        "retire a notebook: its model leaves production (--undo to reinstate)",
        "Record that the notebook is retired, and why: its stage becomes retired and batch runs "
        "refuse it. Only someone who holds a sign-off role may retire or reinstate.",
    )
    retirement.add_argument("notebook", nargs="?", metavar="NOTEBOOK")
    retirement.add_argument("--why", required=True, help="why it is retired (or reinstated)")
    retirement.add_argument("--undo", action="store_true", help="reinstate a retired notebook")

    portfolio = add_command(
        sub,
        "portfolio",
        "every project and notebook under a folder: stage, failing items, stale approvals",
        "Scan FOLDER (default: the current folder) for MLOps projects and show each notebook's "
        "stage, failing checklist items, stale approvals and last activity (the panel's "
        "portfolio view, in a terminal).",
    )
    portfolio.add_argument("folder", nargs="?", default=".", metavar="FOLDER")


def _check(args: argparse.Namespace, where: Invocation) -> View:
    from ..checklists.evaluate import check_notebook  # lazy: ~30 ms
    from ..checklists.views import CheckView  # lazy: ~30 ms

    notebook = required_notebook(where, args.notebook, "check")
    project = project_for(where, notebook)
    if args.run:
        if where.surface == "magic":
            raise MlopsError(
                "a clean run starts a fresh kernel: run it from a terminal",
                f"mlops check {project.relpath(notebook)} --run",
            )
        clean_run(project, notebook, actor=where.who())
    return CheckView(check_notebook(project, notebook))


def _signoff(args: argparse.Namespace, where: Invocation) -> View:
    from ..approvals import sign_off  # lazy: ~30 ms

    notebook = required_notebook(where, args.notebook, args.command)
    project = project_for(where, notebook)
    sign_off(
        project,
        notebook,
        role=args.role,
        actor=where.who(),
        decision=args.command,
        comment=args.comment,
    )
    return _approvals_view(project, notebook)


def _request_review(args: argparse.Namespace, where: Invocation) -> View:
    from ..reviews import request_review

    notebook = required_notebook(where, args.notebook, "request-review")
    project = project_for(where, notebook)
    request_review(project, notebook, role=args.role, actor=where.who(), comment=args.comment)
    return _approvals_view(project, notebook)


def _waive(args: argparse.Namespace, where: Invocation) -> View:
    from ..checklists.evaluate import check_notebook, waive_item  # lazy: ~30 ms
    from ..checklists.views import CheckView  # lazy: ~30 ms

    notebook = required_notebook(where, args.notebook, "waive")
    project = project_for(where, notebook)
    waive_item(project, notebook, args.item, why=args.why, actor=where.who())
    return CheckView(check_notebook(project, notebook))


def _approvals(args: argparse.Namespace, where: Invocation) -> View:
    notebook = required_notebook(where, args.notebook, "approvals")
    return _approvals_view(project_for(where, notebook), notebook)


def _approvals_view(project: Project, notebook: Path) -> View:
    """Who signed what, the review requests still waiting for an answer, and the champion
    next to its challenger when both exist."""
    from ..approvals import approval_status  # lazy: ~30 ms
    from ..approvals_view import ApprovalsView  # lazy: ~30 ms
    from ..production import production_document  # lazy: ~30 ms
    from ..reviews import pending_requests

    status = approval_status(notebook, project)
    production = production_document(project, status) if status.challenger is not None else None
    return ApprovalsView(status, pending_requests(project, status.notebook), production)


def _retire(args: argparse.Namespace, where: Invocation) -> View:
    from ..checklists.evaluate import check_notebook  # lazy: ~30 ms
    from ..checklists.views import CheckView  # lazy: ~30 ms

    notebook = required_notebook(where, args.notebook, "retire")
    project = project_for(where, notebook)
    retire(project, notebook, actor=where.who(), why=args.why, undo=args.undo)
    return CheckView(check_notebook(project, notebook))


def _portfolio(args: argparse.Namespace, where: Invocation) -> View:
    from ..portfolio import portfolio  # lazy: ~40 ms
    from ..portfolio_view import PortfolioView  # lazy: ~40 ms

    folder = where.cwd / args.folder
    if not folder.is_dir():
        raise MlopsError(f"no folder {args.folder}", "give a folder that holds projects")
    return PortfolioView(portfolio(folder))


HANDLERS: dict[str, Handler] = {
    "check": _check,
    "approve": _signoff,
    "refuse": _signoff,
    "revoke": _signoff,
    "approvals": _approvals,
    "request-review": _request_review,
    "waive": _waive,
    "retire": _retire,
    "portfolio": _portfolio,
}
