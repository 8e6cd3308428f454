"""Parameter grids: every combination of the values a grid file lists, each run as a batch run,
in parallel on local worker processes or on an existing Dask cluster.

Before anything runs, the notebook's approval is checked once and every combination is
validated against the parameter schema. Each combination then goes through the whole gate of
:func:`~.run.batch_run` on its worker (approval, validation, injection check, ledger entry,
MLflow run), exactly as a single run would; one that fails or is refused does not stop the
others. Workers are long-lived: each imports the libraries once and starts the kernel of its
next run while the current one executes (:mod:`.kernels`).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import alerts
from ..checklists.params import ParameterSchema
from ..errors import MlopsError
from ..execution import python_kernel
from ..experiments import store
from ..fingerprint import read_notebook
from ..project import Project, find_project
from .kernels import close_all, in_worker_context, worker_pool
from .parameters import check_name, load_parameter_file, validate
from .run import BatchInterrupted, batch_run, kernel_env, require_approval

#: the most combinations one grid may hold
MAX_COMBINATIONS = 1000
#: how long to wait for a Dask scheduler to answer
DASK_CONNECT_TIMEOUT_S = 10


@dataclass(frozen=True)
class Outcome:
    """How one combination ended: ``succeeded``, ``failed``, ``interrupted`` (recorded batch
    runs), ``refused`` (nothing ran, e.g. the approval was revoked meanwhile) or ``error``
    (the worker failed, e.g. it died)."""

    index: int
    parameters: dict[str, Any]
    status: str
    seconds: float | None = None
    output: str | None = None
    failure: dict[str, Any] | None = None
    entry: str | None = None  # the batch.run ledger entry
    error: str | None = None  # why it was refused
    drift: list[dict[str, Any]] = field(default_factory=list)  # flagged columns

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "parameters": self.parameters,
            "status": self.status,
            "seconds": self.seconds,
            "output": self.output,
            "failure": self.failure,
            "entry": self.entry,
            "error": self.error,
            "drift_flagged": self.drift,
        }


@dataclass(frozen=True)
class GridResult:
    notebook: str
    outcomes: list[Outcome]
    seconds: float
    engine: str  # "2 local workers", "Dask at tcp://..."

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for outcome in self.outcomes:
            found[outcome.status] = found.get(outcome.status, 0) + 1
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "notebook": self.notebook,
            "engine": self.engine,
            "seconds": self.seconds,
            "counts": self.counts(),
            "runs": [o.to_json() for o in self.outcomes],
        }


def load_grid(path: Path) -> dict[str, list[Any]]:
    """A grid file: YAML mapping each parameter name to the list of its values."""
    grid = load_parameter_file(path)
    if not grid:
        raise MlopsError(f"{path} lists no parameters", "e.g. threshold: [0.3, 0.5]")
    for name, values in grid.items():
        if not isinstance(values, list) or not values:
            raise MlopsError(
                f"{path}: {str(name)[:60]!r} must list its values", f"e.g. {name}: [1, 2, 3]"
            )
    return grid


def combinations(
    grid: Mapping[str, list[Any]], fixed: Mapping[str, Any], schema: ParameterSchema
) -> list[dict[str, Any]]:
    """Every combination of the grid's values with the ``fixed`` ones, each validated."""
    both = sorted(set(grid) & set(fixed))
    if both:
        raise MlopsError(
            f"{both[0]} is both in the grid and given with -p/-f", "give each parameter once"
        )
    for name, values in grid.items():
        check_name(name, schema)
        seen = set()
        for value in values:
            key = json.dumps(value, sort_keys=True, default=repr)
            if key in seen:
                raise MlopsError(f"the grid lists a value of {name} twice", "list each value once")
            seen.add(key)
    count = math.prod(len(values) for values in grid.values())
    if count > MAX_COMBINATIONS:
        raise MlopsError(
            f"the grid holds {count:,} combinations, more than {MAX_COMBINATIONS:,}",
            "list fewer values, or split the grid into several files",
        )
    names = list(grid)
    checked = []
    for index, values in enumerate(itertools.product(*(grid[n] for n in names)), start=1):
        combination = {**fixed, **dict(zip(names, values, strict=True))}
        try:
            checked.append(validate(combination, schema))
        except MlopsError as exc:
            raise MlopsError(
                f"combination {index} ({describe(combination)}): {exc.message}", exc.hint
            ) from None
    return checked


def describe(parameters: Mapping[str, Any], limit: int = 80) -> str:
    """``n=3, model='gbm'`` (shortened)."""
    text = ", ".join(f"{k}={v!r}" for k, v in parameters.items()) or "(defaults)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_grid(
    project: Project,
    notebook: Path,
    combos: list[dict[str, Any]],
    *,
    actor: str,
    workers: int | None = None,
    dask_address: str | None = None,
    output_dir: Path | None = None,
    timeout: int | None = None,
    secret_env: list[str] | None = None,
    drift_threshold: float | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> GridResult:
    """Run every combination (already validated) of the approved ``notebook``."""
    relative = project.relpath(notebook)
    require_approval(project, relative)  # once up front; each run checks again
    if not combos:
        raise MlopsError("the grid holds no combinations", "list values in the grid file")
    _prepare_store(project)
    grid_id = os.urandom(8).hex()
    tasks = [
        {
            "grid": grid_id,
            "index": index,
            "root": str(project.root),
            "notebook": str(project.root / relative),
            "parameters": combo,
            "actor": actor,
            "output_dir": None if output_dir is None else str(output_dir),
            "timeout": timeout,
            "secret_env": list(secret_env or []),
            "drift_threshold": drift_threshold,
        }
        for index, combo in enumerate(combos, start=1)
    ]
    started = time.monotonic()
    if dask_address:
        outcomes, engine = _on_dask(dask_address, tasks, progress)
    else:
        count = min(workers or min(4, os.cpu_count() or 1), len(tasks))
        if count < 1:
            raise MlopsError("--workers must be at least 1", "e.g. --workers 2")
        outcomes = _on_processes(count, tasks, progress)
        engine = f"{count} local worker{'s' if count > 1 else ''}"
    outcomes.sort(key=lambda o: o.index)
    alerts.send_soon(project)  # what the workers queued and had no time to send
    return GridResult(relative, outcomes, round(time.monotonic() - started, 2), engine)


def _prepare_store(project: Project) -> None:
    """Create the MLflow store and experiment here once, not in several workers at a time
    (the project's own store, once created, needs nothing: importing MLflow costs seconds)."""
    uri = store.tracking_uri(project)
    database = project.mlops_dir / store.STORE_DIR / "mlflow.db"
    if store.is_default(project, uri) and database.exists():
        return
    store.prepare(project)
    store.experiment_id(project)


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    """Run one combination on a worker (a process of the pool, or a Dask worker thread); the
    outcome as plain data. Never raises for a run that was refused or failed."""
    index, parameters = task["index"], task["parameters"]
    try:
        done = in_worker_context(
            batch_run,
            find_project(task["root"]),
            Path(task["notebook"]),
            parameters,
            actor=task["actor"],
            output_dir=task["output_dir"],
            timeout=task["timeout"],
            secret_env=task["secret_env"],
            drift_threshold=task["drift_threshold"],
            kernels=worker_pool(),
            prestart=task.get("prestart", True),
            experiment_id=_EXPERIMENTS.get((task.get("grid"), task["root"])),
        )
    except BatchInterrupted as exc:
        return Outcome(index, parameters, "interrupted", error=exc.message).to_json()
    except MlopsError as exc:
        return Outcome(index, parameters, "refused", error=exc.message).to_json()
    except Exception as exc:  # a bug or a broken environment: this run only
        error = f"{type(exc).__name__}: {exc}"[:500]
        return Outcome(index, parameters, "error", error=error).to_json()
    p = done.entry.payload
    _remember_experiment((task.get("grid"), task["root"]), p.get("experiment_id"))
    return Outcome(
        index, parameters, p["status"], p["seconds"], p["output"], p["failure"],
        done.entry.hash, None, list((p.get("drift") or {}).get("flagged") or []),
    ).to_json()  # fmt: skip


#: the MLflow experiment of each (grid, project) this worker ran, looked up by its first run
_EXPERIMENTS: dict[tuple[Any, str], str] = {}


def _remember_experiment(key: tuple[Any, str], experiment: Any) -> None:
    """Later runs of the same grid on this worker skip the lookup (a long-lived Dask worker
    keeps the last few grids only)."""
    if key[0] is None or not isinstance(experiment, str) or key in _EXPERIMENTS:
        return
    _EXPERIMENTS[key] = experiment
    while len(_EXPERIMENTS) > 8:
        _EXPERIMENTS.pop(next(iter(_EXPERIMENTS)), None)


def _outcome(data: dict[str, Any]) -> Outcome:
    return Outcome(
        data["index"], data["parameters"], data["status"], data["seconds"], data["output"],
        data["failure"], data["entry"], data["error"], data["drift_flagged"],
    )  # fmt: skip


def _with_prestart(tasks: list[dict[str, Any]], slots: int) -> list[dict[str, Any]]:
    """The last ``slots`` tasks start no spare kernel (no run is left to take it)."""
    return [{**t, "prestart": i < len(tasks) - slots} for i, t in enumerate(tasks)]


def _init_worker(root: str, notebook: str, kernel_name: str) -> None:
    """A local worker: Ctrl-C is the parent's to handle (the kernels get it and fail their
    cell); start the first kernel, then import what every run needs while it boots."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _skip_iri_checker()
    _exit_without_teardown()
    project = find_project(root)
    source = Path(notebook)
    with contextlib.suppress(Exception):  # else the first run starts its own kernel
        in_worker_context(
            worker_pool().prepare,
            (str(project.root), str(source), kernel_name), kernel_name, source.parent,
            lambda batch_id: kernel_env(project, source, batch_id),
        )  # fmt: skip
    import importlib

    for module in ("papermill", "mlflow"):  # once per worker, not once per run
        importlib.import_module(module)


def _exit_without_teardown() -> None:
    """When this worker process ends, skip Python's teardown of its thousands of modules
    (papermill, MLflow, pandas: seconds of garbage collection, for nothing, in every worker at
    the end of every grid). Everything else an exit does still happens first, in order: the
    multiprocessing finalizers (spare kernels shut down, dying ones reaped), other threads
    joined, ``atexit`` functions run, output flushed. An exit while an error propagates takes
    the ordinary way."""
    import atexit
    import sys
    import threading
    from multiprocessing import util

    def exit_now() -> None:
        if sys.exc_info()[0] is not None:
            return
        for thread in threading.enumerate():
            if thread is not threading.current_thread() and not thread.daemon:
                thread.join()
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(0)

    util.Finalize(None, exit_now, exitpriority=-(2**31))  # the last finalizer to run


#: jsonschema's optional IRI format checker: it compiles a grammar when imported (seconds)
IRI_CHECKER = "rfc3987_syntax"


def _skip_iri_checker() -> None:
    """In a grid's own worker process, jsonschema (imported by nbformat, so by papermill) skips
    its optional "iri" format checker, whose import costs more than a whole run. Nothing a
    worker validates uses that format: nbformat's schemas have no ``format`` at all, and
    jsonschema checks formats only when asked to. Kernels and Dask workers are not affected."""
    import sys

    if IRI_CHECKER not in sys.modules and "jsonschema" not in sys.modules:
        sys.modules[IRI_CHECKER] = None  # importing it now raises ImportError: "not installed"


def _on_processes(
    count: int, tasks: list[dict[str, Any]], progress: Callable[[Outcome], None] | None
) -> list[Outcome]:
    import concurrent.futures as cf
    import multiprocessing

    first = tasks[0]
    kernel = _kernel_name(Path(first["notebook"]))
    outcomes: list[Outcome] = []
    # spawn, not fork: the parent holds MLflow's database connections and threads
    with cf.ProcessPoolExecutor(
        count,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(first["root"], first["notebook"], kernel),
    ) as pool:
        futures = {pool.submit(run_task, t): t for t in _with_prestart(tasks, count)}
        try:
            for future in cf.as_completed(futures):
                outcomes.append(_collect(future, futures[future], progress))
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            done = {o.index for o in outcomes}
            for future, task in futures.items():
                if not future.cancelled() and task["index"] not in done:
                    outcomes.append(_collect(future, task, progress))
            raise _interrupted(outcomes, len(tasks)) from None
    return outcomes


def _collect(
    future: Any, task: dict[str, Any], progress: Callable[[Outcome], None] | None
) -> Outcome:
    try:
        outcome = _outcome(future.result())
    except Exception as exc:  # the worker process died (killed, out of memory)
        error = f"the worker died: {type(exc).__name__}: {exc}"[:300]
        outcome = Outcome(task["index"], task["parameters"], "error", error=error)
    if progress:
        progress(outcome)
    return outcome


def _interrupted(outcomes: list[Outcome], total: int) -> MlopsError:
    return MlopsError(
        f"the grid was interrupted after {len(outcomes)} of {total} runs; each is recorded",
        "see them with `mlops verify` or the ledger (batch.run entries)",
    )


def _on_dask(
    address: str, tasks: list[dict[str, Any]], progress: Callable[[Outcome], None] | None
) -> tuple[list[Outcome], str]:
    try:
        import distributed
    except ImportError:
        raise MlopsError(
            "--dask needs the distributed package",
            "pip install 'jupyterlab-mlops[dask]' (and the same on the cluster's workers)",
        ) from None
    try:
        client = distributed.Client(address, timeout=DASK_CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        raise MlopsError(
            f"cannot reach the Dask scheduler at {address} ({type(exc).__name__})",
            "check the address (e.g. tcp://10.0.0.5:8786) and that the scheduler runs",
        ) from None
    outcomes: list[Outcome] = []
    with client:
        slots = sum(client.nthreads().values()) or 1
        futures = {
            client.submit(run_task, t, pure=False, key=f"mlops-batch-{t['index']}-{os.urandom(4).hex()}"): t
            for t in _with_prestart(tasks, slots)
        }  # fmt: skip
        try:
            for future in distributed.as_completed(list(futures)):
                outcomes.append(_collect(future, futures[future], progress))
        except KeyboardInterrupt:
            client.cancel(list(futures))
            raise _interrupted(outcomes, len(tasks)) from None
        finally:
            with contextlib.suppress(Exception):
                client.run(close_all)  # spare kernels the workers started ahead
    return outcomes, f"Dask at {address} ({slots} threads)"


def _kernel_name(notebook: Path) -> str:
    return python_kernel(read_notebook(notebook), notebook.name)
