"""``run``, ``log``, ``runs``, ``compare``, ``model register``: MLflow runs and models with
their lineage, recorded in the ledger."""

from __future__ import annotations

import argparse

from ..errors import MlopsError
from ..render import View
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
    """Add this group's subcommands to ``sub``."""
    run = add_command(
        sub,
        "run",
        "run a notebook cell inside an MLflow run with full lineage (cell magic)",
        "As %%mlops run NAME, runs the cell's code inside an MLflow run tagged with the notebook "
        "version, the cell, git state, the data versions read and the environment, and records "
        "the run in the ledger. In Python code: `with jupyterlab_mlops.run(NAME) as run:`.",
    )
    run.add_argument("name", metavar="NAME", help="what the run is, e.g. baseline")

    log = add_command(
        sub,
        "log",
        "log metrics (or --params) to the open run",
        "Log NAME=VALUE pairs to the run opened by %%mlops run or jupyterlab_mlops.run().",
    )
    log.add_argument("values", nargs="+", metavar="NAME=VALUE")
    log.add_argument("--step", type=int, help="the step (e.g. epoch) of these metrics")
    log.add_argument("--params", action="store_true", help="log them as parameters instead")

    runs = add_command(
        sub, "runs", "list recorded runs and their key metrics", "Runs recorded in the ledger."
    )
    runs.add_argument("--notebook", metavar="PATH", help="only this notebook's runs")
    runs.add_argument(
        "--all",
        action="store_true",
        help="every run of the project (default in a notebook: its own)",
    )

    compare = add_command(
        sub, "compare", "compare two runs' parameters and metrics", "Differences between two runs."
    )
    compare.add_argument(
        "run_a",
        metavar="RUN_A",
        help="MLflow run id (or a unique prefix), or `last`, `last~1` (the one before), `last~N`",
    )
    compare.add_argument("run_b", metavar="RUN_B", help="the same forms, e.g. `last`")

    model = sub.add_parser(
        "model", help="register a run's model in MLflow's registry", description="Models."
    )
    actions = model.add_subparsers(
        dest="model_command", metavar="ACTION", parser_class=Parser, required=True
    )
    register = add_command(
        actions,
        "register",
        "register the model a run logged",
        "Register the model logged by RUN_ID as a new version of NAME in MLflow's model registry "
        "and record it in the ledger (linked to the run). Nothing is unpickled.",
    )
    register.add_argument(
        "run_id", metavar="RUN_ID", help="MLflow run id (or unique prefix), `last` or `last~N`"
    )
    register.add_argument("--name", required=True, help="registered model name")
    register.add_argument("--model", help="which logged model, when the run logged several")


def _run(args: argparse.Namespace, where: Invocation) -> View:
    from ..experiments.runs import Run, RunRecord  # lazy: ~40 ms
    from ..experiments.views import RunRecordedView  # lazy: ~40 ms

    if where.execute is None or where.cell_body is None:
        raise MlopsError(
            "`run` opens an MLflow run around the code of a notebook cell",
            f'use it as a cell magic, %%mlops run "{args.name}", or in Python code '
            f'`with jupyterlab_mlops.run("{args.name}") as run:`',
        )
    notebook = where.notebook
    run = Run(
        project_for(where),
        args.name,
        actor=where.who(),
        notebook=notebook,
        **cell_fields(where, notebook),
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
    from ..experiments.runs import require_active_run  # lazy: ~40 ms
    from ..experiments.views import LoggedView  # lazy: ~40 ms

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
    from ..experiments.runs import list_runs  # lazy: ~40 ms
    from ..experiments.views import RunsView  # lazy: ~40 ms

    notebook = None if args.all else notebook_for(where, args.notebook)
    project = project_for(where, notebook)
    scope = project.relpath(notebook) if notebook else f"project {project.config.name}"
    return RunsView(list_runs(project, notebook), scope)


def _compare(args: argparse.Namespace, where: Invocation) -> View:
    from ..experiments.runs import compare_runs  # lazy: ~40 ms
    from ..experiments.views import CompareView  # lazy: ~40 ms

    return CompareView(compare_runs(project_for(where), args.run_a, args.run_b))


def _model(args: argparse.Namespace, where: Invocation) -> View:
    from ..experiments.models import register_model  # lazy: ~40 ms
    from ..experiments.views import ModelRegisteredView  # lazy: ~40 ms

    registration = register_model(
        project_for(where), args.run_id, name=args.name, actor=where.who(), model=args.model
    )
    return ModelRegisteredView(registration)


HANDLERS: dict[str, Handler] = {
    "run": _run,
    "log": _log,
    "runs": _runs,
    "compare": _compare,
    "model": _model,
}
