"""The subcommands shared by ``%mlops`` and ``mlops``: one parser, one dispatcher.

Each handler parses nothing itself: it takes the parsed arguments and where the command
runs (an :class:`Invocation`), calls one core function and wraps the result in a view.
The magic and the CLI differ only in how they find the notebook and how they show the view.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NoReturn

from .config import MODEL_TEMPLATES, RISK_TIERS
from .errors import MlopsError
from .render import View
from .views import DecisionRecordedView, DecisionsView, InitView, StatusView, VerifyView

if TYPE_CHECKING:
    from .checklists.params import ParameterSchema
    from .project import Project


class UsageError(MlopsError):
    """The command line itself is wrong (unknown option, missing argument)."""


class HelpShown(Exception):
    """``--help`` was asked for and has been printed."""


@dataclass(frozen=True)
class Invocation:
    """Where a command runs."""

    surface: Literal["cli", "magic"]
    cwd: Path
    notebook: Path | None = None  # the notebook the kernel runs (magic only)
    notebook_problem: str | None = None  # why the kernel's notebook is unknown, if it is
    cell_id: str | None = None  # the cell being run (JupyterLab sends its id) ...
    cell_source: str | None = None  # ... and its code, which may be newer than the saved file
    cell_body: str | None = None  # body of a ``%%mlops`` cell
    actor: str | None = None
    progress_min_bytes: int | None = None  # show progress bars for data at least this large
    execute: Callable[[str], bool] | None = None  # runs code in the kernel (magic only): ok?

    @property
    def prog(self) -> str:
        return "%mlops" if self.surface == "magic" else "mlops"

    def who(self) -> str:
        from .identity import current_actor

        return self.actor or current_actor(self.cwd)


@dataclass(frozen=True)
class Outcome:
    view: View
    as_json: bool


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so a kernel never sees ``SystemExit``."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, f"see `{self.prog} --help`")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if status:
            raise UsageError((message or "invalid arguments").strip(), f"see `{self.prog} --help`")
        raise HelpShown


def _command(
    parsers: argparse._SubParsersAction, name: str, help_text: str, description: str
) -> argparse.ArgumentParser:
    """A subcommand that, like every subcommand but ``help``, accepts ``--json``."""
    command = parsers.add_parser(name, help=help_text, description=description)
    command.add_argument("--json", action="store_true", help="print the result as JSON")
    return command


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = _Parser(
        prog=prog,
        description="Record and check the governance facts of a notebook project.",
        epilog=f"`{prog} SUBCOMMAND --help` explains a subcommand.",
    )
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", parser_class=_Parser)
    sub.required = True

    def add(name: str, help_text: str, description: str) -> argparse.ArgumentParser:
        return _command(sub, name, help_text, description)

    init = add(
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
        help="local single-user mode: Jupyter's anonymous user may sign off, unassigned roles "
        "are open to anyone, independence is not enforced (never for a shared project)",
    )

    decide = add(
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

    decisions = add("decisions", "list recorded decisions", "List key decisions, oldest first.")
    decisions.add_argument("--notebook", metavar="PATH", help="only this notebook's decisions")
    decisions.add_argument(
        "--all",
        action="store_true",
        help="every decision in the project (in a notebook, the default is this notebook's)",
    )

    status = add(
        "status",
        "show the project, a notebook's fingerprint and entry counts",
        "Show the project, the notebook's fingerprint and ledger entry counts.",
    )
    status.add_argument("notebook", nargs="?", metavar="NOTEBOOK")

    add(
        "verify",
        "check the ledger has not been altered",
        "Recompute every hash and link in the ledger; exit 1 naming the first altered, removed or reordered entry.",
    )

    configure = _command(
        sub,
        "configure",
        "change the project's checklist template or risk tier (recorded in the ledger)",
        "Change the model template and/or the EU AI Act risk tier in .mlops/config; the change "
        "is recorded in the ledger with who made it.",
    )
    configure.add_argument(
        "--template",
        metavar="TEMPLATE",
        help=f"{', '.join(MODEL_TEMPLATES)}, or a template of the project's own",
    )
    configure.add_argument("--risk-tier", choices=RISK_TIERS)

    _add_data_commands(sub)
    _add_experiment_commands(sub)
    check = _command(
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
        signoff = _command(
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
    waive = _command(
        sub,
        "waive",
        "accept a failing checklist item for this notebook version, with a justification",
        "Record a waiver of ITEM (only items the template marks waivable, only by someone who "
        "holds a sign-off role). It is shown as waived, never as passed.",
    )
    waive.add_argument("item", metavar="ITEM", help="the item id, as `check` lists it")
    waive.add_argument("notebook", nargs="?", metavar="NOTEBOOK")
    waive.add_argument("--why", required=True, help="the justification")
    approvals = _command(
        sub,
        "approvals",
        "who signed off which version, and whether the notebook may run in production",
        "The sign-offs the risk tier requires, whether each is current, and what blocks.",
    )
    approvals.add_argument("notebook", nargs="?", metavar="NOTEBOOK")

    retire = _command(
        sub,
        "retire",
        "retire a notebook: its model leaves production (--undo to reinstate)",
        "Record that the notebook is retired, and why: its stage becomes retired and batch runs "
        "refuse it. Only someone who holds a sign-off role may retire or reinstate.",
    )
    retire.add_argument("notebook", nargs="?", metavar="NOTEBOOK")
    retire.add_argument("--why", required=True, help="why it is retired (or reinstated)")
    retire.add_argument("--undo", action="store_true", help="reinstate a retired notebook")

    portfolio = _command(
        sub,
        "portfolio",
        "every project and notebook under a folder: stage, failing items, stale approvals",
        "Scan FOLDER (default: the current folder) for MLOps projects and show each notebook's "
        "stage, failing checklist items, stale approvals and last activity (the panel's "
        "portfolio view, in a terminal).",
    )
    portfolio.add_argument("folder", nargs="?", default=".", metavar="FOLDER")

    _add_batch_commands(sub)
    helper = sub.add_parser("help", help="show this help, or a subcommand's")
    helper.add_argument("topic", nargs="?", metavar="SUBCOMMAND")
    return parser


def _add_data_commands(sub: argparse._SubParsersAction) -> None:
    data = sub.add_parser(
        "data",
        help="register data versions with DVC, profile them and screen them for PII",
        description="Version datasets with DVC and record each version in the ledger.",
    )
    actions = data.add_subparsers(
        dest="data_command", metavar="ACTION", parser_class=_Parser, required=True
    )

    def add(name: str, help_text: str, description: str) -> argparse.ArgumentParser:
        return _command(actions, name, help_text, description)

    register = add(
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

    review = add(
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

    add("list", "list registered datasets", "The latest version of every registered dataset.")

    show = add("show", "show a version's profile and PII findings", "Show one data version.")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--version", help="version number or ledger entry id (default: the latest)")

    diff = add(
        "diff",
        "compare two versions of a dataset",
        "Schema and profile changes between two versions (default: the last two), and whether "
        "the content changed.",
    )
    diff.add_argument("name", metavar="NAME")
    diff.add_argument("versions", nargs="*", metavar="VERSION", help="V1 V2 (numbers or ids)")


def _add_experiment_commands(sub: argparse._SubParsersAction) -> None:
    run = _command(
        sub,
        "run",
        "run a notebook cell inside an MLflow run with full lineage (cell magic)",
        "As %%mlops run NAME, runs the cell's code inside an MLflow run tagged with the notebook "
        "version, the cell, git state, the data versions read and the environment, and records "
        "the run in the ledger. In Python code: `with jupyterlab_mlops.run(NAME) as run:`.",
    )
    run.add_argument("name", metavar="NAME", help="what the run is, e.g. baseline")

    log = _command(
        sub,
        "log",
        "log metrics (or --params) to the open run",
        "Log NAME=VALUE pairs to the run opened by %%mlops run or jupyterlab_mlops.run().",
    )
    log.add_argument("values", nargs="+", metavar="NAME=VALUE")
    log.add_argument("--step", type=int, help="the step (e.g. epoch) of these metrics")
    log.add_argument("--params", action="store_true", help="log them as parameters instead")

    runs = _command(
        sub, "runs", "list recorded runs and their key metrics", "Runs recorded in the ledger."
    )
    runs.add_argument("--notebook", metavar="PATH", help="only this notebook's runs")
    runs.add_argument(
        "--all",
        action="store_true",
        help="every run of the project (default in a notebook: its own)",
    )

    compare = _command(
        sub, "compare", "compare two runs' parameters and metrics", "Differences between two runs."
    )
    compare.add_argument("run_a", metavar="RUN_A", help="MLflow run id (or a unique prefix)")
    compare.add_argument("run_b", metavar="RUN_B")

    model = sub.add_parser(
        "model", help="register a run's model in MLflow's registry", description="Models."
    )
    actions = model.add_subparsers(
        dest="model_command", metavar="ACTION", parser_class=_Parser, required=True
    )
    register = _command(
        actions,
        "register",
        "register the model a run logged",
        "Register the model logged by RUN_ID as a new version of NAME in MLflow's model registry "
        "and record it in the ledger (linked to the run). Nothing is unpickled.",
    )
    register.add_argument(
        "run_id", metavar="RUN_ID", help="MLflow run id (or unique prefix), or `last`"
    )
    register.add_argument("--name", required=True, help="registered model name")
    register.add_argument("--model", help="which logged model, when the run logged several")


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


def _path(where: Invocation, value: str | None) -> Path | None:
    return None if value is None else where.cwd / Path(value).expanduser()


def _project(where: Invocation, start: Path | None = None) -> Project:
    from .project import find_project

    return find_project(start or where.notebook or where.cwd)


def _init(args: argparse.Namespace, where: Invocation) -> View:
    from .project import init_project

    project = init_project(
        _path(where, args.folder) or where.cwd,
        name=args.name,
        template=args.template,
        risk_tier=args.risk_tier,
        actor=where.who(),
        single_user=args.single_user,
    )
    return InitView(project)


def _configure(args: argparse.Namespace, where: Invocation) -> View:
    from .checklists.configure import reconfigure

    project = reconfigure(
        _project(where), actor=where.who(), template=args.template, risk_tier=args.risk_tier
    )
    return InitView(project, verb="Configured")


def _decide(args: argparse.Namespace, where: Invocation) -> View:
    from .decisions import record_decision

    why = args.why or (where.cell_body or "").strip() or None
    if not why:
        raise MlopsError(
            "a decision needs its reasoning",
            'add --why "..." (or put it in the body of a %%mlops cell)',
        )
    notebook = _notebook_for(where, args.notebook)
    if notebook is None and where.surface == "magic":
        raise MlopsError(
            where.notebook_problem or "cannot tell which notebook this kernel runs",
            "set it with %config MlopsMagics.notebook = 'NAME.ipynb'",
        )
    project = _project(where, notebook)
    decision = record_decision(
        project,
        title=args.title,
        why=why,
        alternatives=args.alternatives,
        tags=args.tag,
        links=args.link,
        notebook=notebook,
        actor=where.who(),
        **_cell(where, notebook),
    )
    return DecisionRecordedView(decision)


def _decisions(args: argparse.Namespace, where: Invocation) -> View:
    from .decisions import list_decisions

    notebook = None if args.all else (_path(where, args.notebook) or where.notebook)
    project = _project(where, notebook)
    scope = project.relpath(notebook) if notebook else f"project {project.config.name}"
    return DecisionsView(list_decisions(project, notebook), scope)


def _status(args: argparse.Namespace, where: Invocation) -> View:
    from .status import project_status

    notebook = _path(where, args.notebook) or where.notebook
    return StatusView(project_status(_project(where, notebook), notebook))


def _verify(args: argparse.Namespace, where: Invocation) -> View:
    from .ledger import verify_ledger

    return VerifyView(verify_ledger(_project(where).ledger_path))


def _add_batch_commands(sub: argparse._SubParsersAction) -> None:
    batch = sub.add_parser(
        "batch",
        help="run an approved notebook as a parameterized batch job (papermill)",
        description="Batch jobs: only the exact approved notebook version runs.",
    )
    actions = batch.add_subparsers(
        dest="batch_command", metavar="ACTION", parser_class=_Parser, required=True
    )
    run = _command(
        actions,
        "run",
        "run an approved notebook with parameters in a fresh kernel",
        "Check that NOTEBOOK is approved (its current version), validate the parameters against "
        "its parameters cell, run it with papermill in a fresh kernel and record the run in the "
        "ledger and MLflow. Exit 1 if the notebook fails.",
    )
    grid = _command(
        actions,
        "grid",
        "run every combination of a parameter grid in parallel",
        "Check that NOTEBOOK is approved, validate every combination of the values GRID lists "
        "(YAML: name: [values]) before anything runs, then run each as `batch run` does, on "
        "local worker processes or an existing Dask cluster. One failing run does not stop the "
        "others; a table of outcomes follows. Exit 1 if any run did not succeed.",
    )
    export = _command(
        actions,
        "export",
        "write an Airflow DAG, a Kubernetes Job/CronJob or a crontab line for the notebook",
        "Validate the parameters and write a file to commit that runs `mlops batch run` on a "
        "scheduler; each run checks the approval again. The export is recorded in the ledger.",
    )
    for command in (run, grid, export):
        command.add_argument("notebook", metavar="NOTEBOOK")
        command.add_argument(
            "-p",
            "--parameter",
            nargs=2,
            action="append",
            default=[],
            metavar=("NAME", "VALUE"),
            help="a parameter (repeatable); text for str parameters, JSON for the others",
        )
        command.add_argument(
            "-f", "--parameters-file", metavar="FILE", help="YAML file of parameters"
        )
    grid.add_argument(
        "--grid", required=True, metavar="GRID", help="YAML file: each parameter's list of values"
    )
    grid.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: up to 4)")  # fmt: skip
    grid.add_argument(
        "--dask", metavar="ADDRESS", help="run on this Dask scheduler, e.g. tcp://10.0.0.5:8786"
    )
    for command in (run, grid):
        command.add_argument(
            "-o",
            "--output-dir",
            metavar="DIR",
            help="folder inside the project (default: batch-runs)",
        )
        command.add_argument("--timeout", type=int, metavar="SECONDS", help="per-cell time limit")
        command.add_argument(
            "--secret-env",
            action="append",
            default=[],
            metavar="VAR",
            help="an environment variable the notebook reads a secret from (only its name is kept)",
        )
        command.add_argument(
            "--drift-threshold",
            type=float,
            metavar="PSI",
            help="flag input columns drifting more than this from the training data (default: "
            "drift_threshold in .mlops/config, 0.2)",
        )
    export.add_argument("--to", required=True, choices=("airflow", "k8s", "cron"), dest="target")
    export.add_argument(
        "--schedule", metavar="CRON", help='cron schedule, e.g. "0 6 * * 1-5" or @daily'
    )
    export.add_argument("--image", help="container image for k8s (default: PROJECT:latest)")
    export.add_argument(
        "--project-dir",
        metavar="DIR",
        help="where the project is where the job runs (default: here; /project in k8s)",
    )
    export.add_argument("-o", "--output", metavar="FILE", help="default: batch-jobs/...")


def _notebook_for(where: Invocation, value: str | None) -> Path | None:
    """The notebook an entry is bound to: ``--notebook``, else the kernel's (if known)."""
    return _path(where, value) or where.notebook


def _cell(where: Invocation, notebook: Path | None) -> dict[str, str | None]:
    same = notebook is not None and notebook == where.notebook
    return {
        "cell_id": where.cell_id if same else None,
        "cell_source": where.cell_source if same else None,
    }


def _data(args: argparse.Namespace, where: Invocation) -> View:
    from .data import register, versions, views

    project = _project(where)
    if args.data_command == "add":
        from .progress import DEFAULT_MIN_BYTES, byte_progress

        notebook = _notebook_for(where, args.notebook)
        minimum = where.progress_min_bytes
        registration = register.register_data(
            project,
            where.cwd / Path(args.path).expanduser(),
            actor=where.who(),
            name=args.name,
            description=args.description,
            sensitive=args.sensitive,
            notebook=notebook,
            progress=byte_progress(
                where.surface, DEFAULT_MIN_BYTES if minimum is None else minimum
            ),
            **_cell(where, notebook),
        )
        return views.DataRegisteredView(registration)
    if args.data_command == "review":
        notebook = _notebook_for(where, args.notebook)
        decision, _ = register.review_data(
            project,
            args.name,
            decision=args.decision,
            why=args.why,
            version=args.version,
            actor=where.who(),
            notebook=notebook,
            **_cell(where, notebook),
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


def _run(args: argparse.Namespace, where: Invocation) -> View:
    from .experiments.runs import Run, RunRecord
    from .experiments.views import RunRecordedView

    if where.execute is None or where.cell_body is None:
        raise MlopsError(
            "`run` opens an MLflow run around the code of a notebook cell",
            f'use it as a cell magic, %%mlops run "{args.name}", or in Python code '
            f'`with jupyterlab_mlops.run("{args.name}") as run:`',
        )
    notebook = where.notebook
    run = Run(
        _project(where), args.name, actor=where.who(), notebook=notebook, **_cell(where, notebook)
    )
    run.start()
    succeeded = False
    try:
        succeeded = where.execute(where.cell_body)
    finally:
        entry = run.end(failed=not succeeded)
    if not succeeded:
        raise MlopsError(
            f"the cell failed, so run '{args.name}' is recorded as FAILED",
            "fix the error shown above and run the cell again",
        )
    return RunRecordedView(RunRecord(entry))


def _log(args: argparse.Namespace, where: Invocation) -> View:
    from .experiments.runs import require_active_run
    from .experiments.views import LoggedView

    pairs: dict[str, object] = {}
    for item in args.values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"expected NAME=VALUE, got {item!r}", "e.g. %mlops log auc=0.81")
        pairs[key] = value
    run = require_active_run()
    if args.params:
        run.params(**pairs)
        return LoggedView(run.name, pairs, "params")
    numbers = {}
    for key, value in pairs.items():
        try:
            numbers[key] = float(str(value))
        except ValueError:
            raise MlopsError(
                f"metric {key} must be a number, not {value!r}",
                "log text with --params (or as a tag)",
            ) from None
    run.log(step=args.step, **numbers)
    return LoggedView(run.name, numbers, "metrics")


def _runs(args: argparse.Namespace, where: Invocation) -> View:
    from .experiments.runs import list_runs
    from .experiments.views import RunsView

    notebook = None if args.all else _notebook_for(where, args.notebook)
    project = _project(where, notebook)
    scope = project.relpath(notebook) if notebook else f"project {project.config.name}"
    return RunsView(list_runs(project, notebook), scope)


def _compare(args: argparse.Namespace, where: Invocation) -> View:
    from .experiments.runs import compare_runs
    from .experiments.views import CompareView

    return CompareView(compare_runs(_project(where), args.run_a, args.run_b))


def _model(args: argparse.Namespace, where: Invocation) -> View:
    from .experiments.models import register_model
    from .experiments.views import ModelRegisteredView

    registration = register_model(
        _project(where), args.run_id, name=args.name, actor=where.who(), model=args.model
    )
    return ModelRegisteredView(registration)


def _check(args: argparse.Namespace, where: Invocation) -> View:
    from .checklists.evaluate import check_notebook
    from .checklists.views import CheckView

    notebook = _required_notebook(where, args.notebook, "check")
    project = _project(where, notebook)
    if args.run:
        if where.surface == "magic":
            raise MlopsError(
                "a clean run starts a fresh kernel: run it from a terminal",
                f"mlops check {project.relpath(notebook)} --run",
            )
        from .checklists.cleanrun import clean_run

        clean_run(project, notebook, actor=where.who())
    return CheckView(check_notebook(project, notebook))


def _required_notebook(where: Invocation, value: str | None, command: str) -> Path:
    notebook = _notebook_for(where, value)
    if notebook is None:
        raise MlopsError("which notebook?", f"give its path: `mlops {command} NOTEBOOK`")
    return notebook


def _signoff(args: argparse.Namespace, where: Invocation) -> View:
    from .approvals import approval_status, sign_off
    from .approvals_view import ApprovalsView

    notebook = _required_notebook(where, args.notebook, args.command)
    project = _project(where, notebook)
    sign_off(
        project,
        notebook,
        role=args.role,
        actor=where.who(),
        decision=args.command,
        comment=args.comment,
    )
    return ApprovalsView(approval_status(notebook, project))


def _waive(args: argparse.Namespace, where: Invocation) -> View:
    from .checklists.evaluate import check_notebook, waive_item
    from .checklists.views import CheckView

    notebook = _required_notebook(where, args.notebook, "waive")
    project = _project(where, notebook)
    waive_item(project, notebook, args.item, why=args.why, actor=where.who())
    return CheckView(check_notebook(project, notebook))


def _approvals(args: argparse.Namespace, where: Invocation) -> View:
    from .approvals import approval_status
    from .approvals_view import ApprovalsView

    notebook = _required_notebook(where, args.notebook, "approvals")
    return ApprovalsView(approval_status(notebook, _project(where, notebook)))


def _retire(args: argparse.Namespace, where: Invocation) -> View:
    from .checklists.evaluate import check_notebook
    from .checklists.views import CheckView
    from .lifecycle import retire

    notebook = _required_notebook(where, args.notebook, "retire")
    project = _project(where, notebook)
    retire(project, notebook, actor=where.who(), why=args.why, undo=args.undo)
    return CheckView(check_notebook(project, notebook))


def _batch(args: argparse.Namespace, where: Invocation) -> View:
    from .batch.parameters import load_parameter_file, parse_cli_values
    from .checklists.params import parameter_schema
    from .fingerprint import read_notebook

    notebook = _required_notebook(where, args.notebook, f"batch {args.batch_command}")
    project = _project(where, notebook)
    schema = None
    if args.parameter or args.batch_command == "grid":
        schema = parameter_schema(read_notebook(notebook))
    values: dict = {}
    if args.parameters_file:
        values.update(load_parameter_file(where.cwd / args.parameters_file))
    if args.parameter:
        values.update(parse_cli_values(args.parameter, schema))
    if args.batch_command == "export":
        return _batch_export(args, where, project, notebook, values)
    output_dir = None
    if args.output_dir:
        output_dir = (where.cwd / args.output_dir).resolve()
    if args.batch_command == "grid":
        return _batch_grid(args, where, project, notebook, schema, values, output_dir)
    from .batch.run import batch_run
    from .batch.views import BatchRunView

    run = batch_run(
        project,
        notebook,
        values,
        actor=where.who(),
        output_dir=output_dir,
        timeout=args.timeout,
        secret_env=args.secret_env,
        progress_bar=where.surface == "cli",
        drift_threshold=args.drift_threshold,
    )
    return BatchRunView(run)


def _batch_grid(
    args: argparse.Namespace, where: Invocation, project: Project, notebook: Path,
    schema: ParameterSchema, fixed: dict, output_dir: Path | None,
) -> View:  # fmt: skip
    from .batch.grid import combinations, load_grid, run_grid
    from .batch.views import GridView
    from .progress import count_progress

    if args.dask and args.workers is not None:
        raise UsageError("--workers is for local workers", "a Dask cluster has its own workers")
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1", "e.g. --workers 2")
    combos = combinations(load_grid(where.cwd / args.grid), fixed, schema)
    with count_progress(where.surface, len(combos), "batch runs") as advance:
        result = run_grid(
            project,
            notebook,
            combos,
            actor=where.who(),
            workers=args.workers,
            dask_address=args.dask,
            output_dir=output_dir,
            timeout=args.timeout,
            secret_env=args.secret_env,
            drift_threshold=args.drift_threshold,
            progress=lambda _outcome: advance(1),
        )
    return GridView(result)


def _batch_export(
    args: argparse.Namespace, where: Invocation, project: Project, notebook: Path, values: dict
) -> View:
    from .batch.export import export_job
    from .batch.views import ExportView

    export = export_job(
        project,
        notebook,
        target=args.target,
        parameters=values,
        actor=where.who(),
        schedule=args.schedule,
        image=args.image,
        project_dir=args.project_dir,
        output=_path(where, args.output),
    )
    return ExportView(export)


def _portfolio(args: argparse.Namespace, where: Invocation) -> View:
    from .portfolio import portfolio
    from .portfolio_view import PortfolioView

    folder = where.cwd / args.folder
    if not folder.is_dir():
        raise MlopsError(f"no folder {args.folder}", "give a folder that holds projects")
    return PortfolioView(portfolio(folder))


_HANDLERS: dict[str, Callable[[argparse.Namespace, Invocation], View]] = {
    "init": _init,
    "configure": _configure,
    "decide": _decide,
    "decisions": _decisions,
    "status": _status,
    "verify": _verify,
    "data": _data,
    "run": _run,
    "log": _log,
    "runs": _runs,
    "compare": _compare,
    "model": _model,
    "check": _check,
    "approve": _signoff,
    "refuse": _signoff,
    "revoke": _signoff,
    "approvals": _approvals,
    "waive": _waive,
    "retire": _retire,
    "portfolio": _portfolio,
    "batch": _batch,
}
