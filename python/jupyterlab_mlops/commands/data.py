"""``data add|review|list|show|diff``: data versions in DVC, recorded in the ledger."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..render import View
from ..views import DecisionRecordedView
from .base import (
    Handler,
    Invocation,
    Parser,
    UsageError,
    add_command,
    cell_fields,
    notebook_for,
    project_for,
)


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``data`` and its actions to ``sub``."""
    data = sub.add_parser(
        "data",
        help="register data versions with DVC, profile them and screen them for PII",
        description="Version datasets with DVC and record each version in the ledger.",
    )
    actions = data.add_subparsers(
        dest="data_command", metavar="ACTION", parser_class=Parser, required=True
    )

    register = add_command(
        actions,
        "add",
        "version a file or folder with DVC and record it",
        "Version PATH with DVC (the project becomes a DVC repository on first use), profile it, "
        "screen it for personal data and record the version in the ledger. Unchanged data "
        "records nothing new.",
    )
    register.add_argument("path", metavar="PATH", help="a data file or folder inside the project")
    register.add_argument("--name", help="dataset name (default: the file name without suffix)")
    register.add_argument("--description", help="what the data is and where it comes from")
    register.add_argument(
        "--sensitive",
        action="append",
        default=[],
        metavar="COLUMN",
        help="a column to treat as sensitive, e.g. age (repeatable)",
    )
    register.add_argument("--notebook", metavar="PATH", help="the notebook that uses the data")

    review = add_command(
        actions,
        "review",
        "record the review of a version's PII findings",
        "Record what was decided about the personal data found in a version; the data counts as "
        "cleared once reviewed. The review is a ledger decision linked to the version.",
    )
    review.add_argument("name", metavar="NAME")
    review.add_argument("--decision", required=True, help="what was decided, in one line")
    review.add_argument("--why", help="the reasoning (default: the findings that were reviewed)")
    review.add_argument("--version", help="which version (default: the latest)")
    review.add_argument("--notebook", metavar="PATH", help="the notebook the review belongs to")

    add_command(
        actions,
        "list",
        "list registered datasets",
        "The latest version of every registered dataset.",
    )

    show = add_command(
        actions, "show", "show a version's profile and PII findings", "Show one data version."
    )
    show.add_argument("name", metavar="NAME")
    show.add_argument("--version", help="version number or ledger entry id (default: the latest)")

    diff = add_command(
        actions,
        "diff",
        "compare two versions of a dataset",
        "Schema and profile changes between two versions (default: the last two), and whether "
        "the content changed.",
    )
    diff.add_argument("name", metavar="NAME")
    diff.add_argument("versions", nargs="*", metavar="VERSION", help="V1 V2 (numbers or ids)")


def _data(args: argparse.Namespace, where: Invocation) -> View:
    from ..data import register, versions, views  # lazy: ~90 ms (profiling, PII)

    project = project_for(where)
    if args.data_command == "add":
        notebook = notebook_for(where, args.notebook)
        registration = register.register_data(
            project,
            where.cwd / Path(args.path).expanduser(),
            actor=where.who(),
            name=args.name,
            description=args.description,
            sensitive=args.sensitive,
            notebook=notebook,
            progress=where.byte_progress(),
            **cell_fields(where, notebook),
        )
        return views.DataRegisteredView(registration)
    if args.data_command == "review":
        notebook = notebook_for(where, args.notebook)
        decision, _ = register.review_data(
            project,
            args.name,
            decision=args.decision,
            why=args.why,
            version=args.version,
            actor=where.who(),
            notebook=notebook,
            **cell_fields(where, notebook),
        )
        return DecisionRecordedView(decision)
    if args.data_command == "list":
        latest = versions.latest_versions(project)
        return views.DataListView([(v, versions.review_status(project, v)) for v in latest])
    if args.data_command == "show":
        found = versions.get_version(project, args.name, args.version)
        count = len(versions.versions_of(project, args.name))
        return views.DataShowView(found, versions.review_status(project, found), count)
    if len(args.versions) > 2:
        raise UsageError("data diff takes at most two versions", "e.g. `data diff credit 1 3`")
    return views.DataDiffView(versions.diff_versions(project, args.name, *args.versions))


HANDLERS: dict[str, Handler] = {"data": _data}
