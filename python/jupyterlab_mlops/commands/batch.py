"""``batch run|grid|export``: the approved notebook as a parameterized batch job; ``retrain``:
the approved notebook rerun on today's data, a new version awaiting sign-off."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MlopsError
from ..fingerprint import read_notebook
from ..progress import count_progress
from ..project import Project
from ..render import View
from .base import (
    Handler,
    Invocation,
    Parser,
    UsageError,
    add_command,
    path_from,
    project_for,
    required_notebook,
)

if TYPE_CHECKING:
    from ..checklists.params import ParameterSchema


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``batch`` and its actions to ``sub``."""
    batch = sub.add_parser(
        "batch",
        help="run an approved notebook as a parameterized batch job (papermill)",
        description="Batch jobs: only the exact approved notebook version runs.",
    )
    actions = batch.add_subparsers(
        dest="batch_command", metavar="ACTION", parser_class=Parser, required=True
    )
    run = add_command(
        actions,
        "run",
        "run an approved notebook with parameters in a fresh kernel",
        "Check that NOTEBOOK is approved (its current version), validate the parameters against "
        "its parameters cell, run it with papermill in a fresh kernel and record the run in the "
        "ledger and MLflow. Exit 1 if the notebook fails.",
    )
    grid = add_command(
        actions,
        "grid",
        "run every combination of a parameter grid in parallel",
        "Check that NOTEBOOK is approved, validate every combination of the values GRID lists "
        "(YAML: name: [values]) before anything runs, then run each as `batch run` does, on "
        "local worker processes or an existing Dask cluster. One failing run does not stop the "
        "others; a table of outcomes follows. Exit 1 if any run did not succeed.",
    )
    export = add_command(
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
    retrain = add_command(
        sub,
        "retrain",
        "rerun the approved notebook on today's data: a new version awaiting sign-off",
        "Register the current content of the approved version's datasets as new versions "
        "(unchanged data records nothing), run NOTEBOOK top to bottom in a fresh kernel, and "
        "show the new bundle (the challenger) awaiting sign-off next to the approved one (the "
        "champion), which batch runs keep using until every required role signs the "
        "challenger. Refused without an approved version or when the code changed since. "
        "Exit 1 if the notebook fails.",
    )
    retrain.add_argument("notebook", metavar="NOTEBOOK")
    retrain.add_argument(
        "--timeout", type=int, default=1800, metavar="SECONDS", help="per-cell time limit"
    )


def _batch(args: argparse.Namespace, where: Invocation) -> View:
    from ..batch.parameters import load_parameter_file, parse_cli_values  # lazy: ~35 ms
    from ..checklists.params import parameter_schema  # lazy: ~35 ms

    notebook = required_notebook(where, args.notebook, f"batch {args.batch_command}")
    project = project_for(where, notebook)
    schema = None
    if args.parameter or args.batch_command == "grid":
        schema = parameter_schema(read_notebook(notebook))
    values: dict[str, Any] = {}
    if args.parameters_file:
        values.update(load_parameter_file(where.cwd / args.parameters_file))
    if args.parameter:
        values.update(parse_cli_values(args.parameter, schema))
    if args.batch_command == "export":
        return _export(args, where, project, notebook, values)
    output_dir = None
    if args.output_dir:
        output_dir = (where.cwd / args.output_dir).resolve()
    if args.batch_command == "grid":
        return _grid(args, where, project, notebook, schema, values, output_dir)
    from ..batch.run import batch_run  # lazy: ~35 ms
    from ..batch.views import BatchRunView  # lazy: ~35 ms

    run = batch_run(
        project,
        notebook,
        values,
        actor=where.who(),
        output_dir=output_dir,
        timeout=args.timeout,
        secret_env=args.secret_env,
        progress_bar=where.surface == "cli" and sys.stderr.isatty(),  # not into a pipe or log
        drift_threshold=args.drift_threshold,
    )
    return BatchRunView(run)


def _grid(
    args: argparse.Namespace, where: Invocation, project: Project, notebook: Path,
    schema: ParameterSchema, fixed: dict[str, Any], output_dir: Path | None,
) -> View:  # fmt: skip
    from ..batch.grid import combinations, load_grid, run_grid  # lazy: ~35 ms
    from ..batch.views import GridView  # lazy: ~35 ms

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


def _export(
    args: argparse.Namespace,
    where: Invocation,
    project: Project,
    notebook: Path,
    values: dict[str, Any],
) -> View:
    from ..batch.export import export_job  # lazy: ~35 ms
    from ..batch.views import ExportView  # lazy: ~35 ms

    export = export_job(
        project,
        notebook,
        target=args.target,
        parameters=values,
        actor=where.who(),
        schedule=args.schedule,
        image=args.image,
        project_dir=args.project_dir,
        output=path_from(where, args.output),
    )
    return ExportView(export)


def _retrain(args: argparse.Namespace, where: Invocation) -> View:
    from ..batch.retrain import retrain  # lazy: ~35 ms
    from ..batch.views import RetrainView  # lazy: ~35 ms

    notebook = required_notebook(where, args.notebook, "retrain")
    project = project_for(where, notebook)
    kernels_notebook = where.notebook if where.surface == "magic" else None
    if kernels_notebook is not None and kernels_notebook.resolve() == notebook.resolve():
        raise MlopsError(
            "retraining runs this notebook in a fresh kernel: not from inside itself",
            f"run it from a terminal: mlops retrain {project.relpath(notebook)}",
        )
    if args.timeout < 1:
        raise UsageError("--timeout must be at least 1 second", "e.g. --timeout 600")
    retraining = retrain(
        project,
        notebook,
        actor=where.who(),
        timeout=args.timeout,
        progress_bar=where.surface == "cli" and sys.stderr.isatty(),  # not into a pipe or log
        data_progress=where.byte_progress(),
        step=lambda text: print(f"{text} ...", file=sys.stderr, flush=True),
    )
    return RetrainView(retraining)


HANDLERS: dict[str, Handler] = {"batch": _batch, "retrain": _retrain}
