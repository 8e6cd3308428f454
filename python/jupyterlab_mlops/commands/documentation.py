"""``docs`` and ``doc``: the model card and Annex IV documentation generated from the
notebook's evidence, and the author's text for what evidence cannot fill."""

from __future__ import annotations

import argparse

from ..errors import MlopsError
from ..render import View
from .base import Handler, Invocation, add_command, path_from, project_for, required_notebook


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add this group's subcommands to ``sub``."""
    docs = add_command(
        sub,
        "docs",
        "write the model card and the EU AI Act Annex IV documentation, with a coverage meter",
        "Writes model-card and annex-iv (HTML, self-contained and printable, or Markdown) for "
        "the notebook's current bundle, from the ledger and the stores it points to: every "
        "statement links its evidence; what evidence cannot fill is marked 'needs author "
        "input' (supply it with `doc`). Records the files' digests in the ledger; shows each "
        "point's coverage and what changed since the previous version.",
    )
    docs.add_argument("notebook", nargs="?", metavar="NOTEBOOK")
    docs.add_argument(
        "-o", "--out", metavar="DIR", help="folder inside the project (default docs/NOTEBOOK/)"
    )
    docs.add_argument("--format", choices=("html", "md"), default="html", help="default html")
    docs.add_argument(
        "--status",
        action="store_true",
        help="write nothing: are the newest documents current? (exit 1 if stale or none)",
    )
    doc = add_command(
        sub,
        "doc",
        "record your text for a section of the documents, or why it does not apply",
        "Records the author's text for SECTION (an Annex IV point such as 1(d), 7, or a model "
        "card section such as caveats-and-recommendations): the body of a %%mlops doc cell, "
        "or --text; --not-applicable REASON instead; or every section of a YAML file "
        "(annex-iv: {1(d): text, 7: {not_applicable: reason}}, model-card: {...}). The newest "
        "text for a section wins; regenerate the documents with `docs` to use it.",
    )
    doc.add_argument("section", nargs="?", metavar="SECTION")
    doc.add_argument(
        "--document", choices=("annex-iv", "model-card"), help="default: annex-iv for 1(a)…9"
    )
    doc.add_argument("--text", help="the section's text (or the body of a %%%%mlops doc cell)")
    doc.add_argument("--not-applicable", metavar="REASON", help="the section does not apply: why")
    doc.add_argument("--file", metavar="YAML", help="record every section of a YAML file")


def _docs(args: argparse.Namespace, where: Invocation) -> View:
    from ..documentation.api import generate_docs  # lazy: ~15 ms (the checklist, mlflow later)
    from ..documentation.views import GeneratedView  # lazy: ~15 ms

    notebook = required_notebook(where, args.notebook, "docs")
    project = project_for(where, notebook)
    if args.status:
        from ..documentation.api import documentation_status
        from ..documentation.views import DocStatusView

        return DocStatusView(documentation_status(project, notebook))
    generated = generate_docs(
        project, notebook, out_dir=path_from(where, args.out), fmt=args.format, actor=where.who()
    )
    return GeneratedView(generated)


def _doc(args: argparse.Namespace, where: Invocation) -> View:
    from ..documentation.authored import (  # lazy: ~10 ms
        DOCUMENTS,
        record_authored,
        record_authored_file,
    )
    from ..documentation.views import AuthoredView

    project = project_for(where)
    if args.file:
        if args.section or args.text or args.not_applicable:
            raise MlopsError(
                "--file records the sections the file names", "drop SECTION, --text and the rest"
            )
        file = path_from(where, args.file)
        assert file is not None
        return AuthoredView(record_authored_file(project, file, where.who()))
    if not args.section:
        raise MlopsError("which section?", "name it: `doc 1(d) --text ...`, or give --file YAML")
    document = args.document or (
        "model-card" if args.section.strip().lower() in DOCUMENTS["model-card"] else "annex-iv"
    )
    text = args.text or (where.cell_body or "").strip() or None
    if text is None and args.not_applicable is None:
        raise MlopsError(
            f"no text for {args.section}",
            "put it in the body of a %%mlops doc cell, or give --text or --not-applicable REASON",
        )
    recorded = record_authored(
        project,
        document,
        args.section,
        text=text,
        not_applicable=args.not_applicable,
        actor=where.who(),
    )
    return AuthoredView([recorded])


HANDLERS: dict[str, Handler] = {"docs": _docs, "doc": _doc}
