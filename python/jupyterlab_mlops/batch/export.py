"""Scheduler files for an approved notebook: an Airflow DAG, a Kubernetes Job or CronJob, or a
crontab line, each running ``mlops batch run`` so that the approval is checked again at run time.

The parameters are validated against the schema now, and every value is rendered as data for
the file's language: Python literals with ``ascii()`` (no Airflow template sees them: the DAG
runs the command without a shell from a module constant), YAML with ``yaml.safe_dump``, the
shell with ``shlex.quote`` (and cron's ``%`` escaped). The command line is then parsed back with
the real ``mlops`` parser and must give exactly the validated values. A crafted value can
therefore never become code. The export is recorded in the ledger (``batch.exported``), with a
digest of the file, so that a reviewer can tell the committed file is the exported one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..approvals import approval_status
from ..canonical import sha256_hex
from ..checklists.params import ParameterSchema, parameter_schema
from ..errors import MlopsError
from ..execution import python_kernel
from ..fingerprint import read_notebook
from ..kinds import EXPORTED
from ..ledger import Entry
from ..notebooks import notebook_state
from ..project import Project
from .parameters import format_cli_values, parse_cli_values, validate

TARGETS = ("airflow", "k8s", "cron")
_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,\-]{1,64}$")
_IMAGE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:@\-]{0,254}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
#: what argparse (every version) reads as a negative number, i.e. as a value
_NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")


@dataclass(frozen=True)
class Export:
    """A written scheduler file."""

    target: str
    path: Path
    command: list[str]
    approved: bool
    problems: list[str] = field(default_factory=list)  # why it may not run now
    entry: Entry | None = None
    schedule: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "file": str(self.path),
            "command": self.command,
            "schedule": self.schedule,
            "approved": self.approved,
            "problems": self.problems,
            "entry": self.entry.hash if self.entry else None,
        }


def export_job(
    project: Project,
    notebook: Path,
    *,
    target: str,
    parameters: Mapping[str, Any],
    actor: str,
    schedule: str | None = None,
    image: str | None = None,
    project_dir: str | None = None,
    output: Path | None = None,
) -> Export:
    """Validate, render and write the file for ``target``; record the export."""
    if target not in TARGETS:
        raise MlopsError(f"cannot export to {target!r}", f"choose one of {', '.join(TARGETS)}")
    relative = project.relpath(notebook)
    _plain("the notebook's path", relative)
    node = read_notebook(project.root / relative)
    python_kernel(node, relative)
    schema = parameter_schema(node)
    values = validate(dict(parameters), schema)
    command = run_command(relative, values, schema)
    if schedule is not None:
        schedule = check_schedule(schedule)
    if target == "cron" and schedule is None:
        raise MlopsError("a crontab line needs a schedule", 'e.g. --schedule "0 6 * * 1-5"')
    folder = _project_dir(project_dir, "/project" if target == "k8s" else str(project.root))
    name = _name(Path(relative).stem)
    if target == "airflow":
        text = airflow_dag(relative, values, command, folder, name, schedule)
    elif target == "k8s":
        image = _image(image or f"{_name(project.config.name, prefix='')}:latest")
        text = kubernetes_manifest(command, folder, name, image, schedule)
    else:
        assert schedule is not None
        log = f"{project.config.batch_output_dir}/{name}.cron.log"
        text = crontab_line(command, folder, name, schedule, log)
    path = output or project.root / "batch-jobs" / _file_name(name, target, schedule)
    _write(path, text)
    status = approval_status(project.root / relative, project, production=True)
    entry = project.ledger.append(
        EXPORTED,
        {
            "target": target,
            "file": _where(project, path),
            "sha256": sha256_hex(text),
            "command": command,
            "parameters": values,
            "schedule": schedule,
            "image": image,
            "approved": status.may_run,
            "bundle_digest": status.production_bundle.digest,
        },
        actor=actor,
        notebook=_notebook_ref(project, relative),
    )
    return Export(target, path, command, status.may_run, status.problems(), entry, schedule)


def run_command(notebook: str, values: Mapping[str, Any], schema: ParameterSchema) -> list[str]:
    """``mlops batch run NOTEBOOK -p NAME VALUE ...``, checked to read back as ``values``."""
    pairs = format_cli_values(values, schema)
    try:
        back = parse_cli_values(pairs, schema)
    except MlopsError:
        back = None
    words = [notebook, *(text for _, text in pairs)]
    if back is None or _canonical(back) != _canonical(values) or any(map(_option_like, words)):
        raise MlopsError(
            "these parameters cannot be written as an `mlops batch run` command line",
            "a value starting with '-' cannot follow -p NAME; change the value",
        )
    return ["mlops", "batch", "run", notebook, *(w for n, t in pairs for w in ("-p", n, t))]


def check_schedule(schedule: str) -> str:
    """A cron schedule: five fields of digits, names and ``* / , -``, or a macro (``@daily``)."""
    text = " ".join(schedule.split())
    fields = text.split(" ")
    if text in _MACROS or (len(fields) == 5 and all(_CRON_FIELD.match(f) for f in fields)):
        return text
    raise MlopsError(
        f"{schedule[:60]!r} is not a cron schedule",
        'five fields, e.g. --schedule "0 6 * * 1-5", or @daily, @hourly, ...',
    )


def airflow_dag(
    notebook: str,
    values: Mapping[str, Any],
    command: list[str],
    folder: str,
    name: str,
    schedule: str | None,
) -> str:
    """A DAG with one task that runs ``command`` (no shell, no Airflow template)."""
    today = dt.datetime.now(dt.timezone.utc).date()
    return f'''"""Airflow DAG written by `mlops batch export` (jupyterlab-mlops): commit it with the project.

Each run calls `mlops batch run`, which checks the notebook's approval at run time and records
the run in the project's ledger and in MLflow: an edited or unapproved notebook is refused then
and the task fails. The command runs without a shell, and none of the values below passes
through Airflow's templates.
"""

from __future__ import annotations

import datetime
import os
import subprocess

from airflow import DAG

try:  # Airflow 3
    from airflow.providers.standard.operators.python import PythonOperator
except ImportError:  # Airflow 2
    from airflow.operators.python import PythonOperator

NOTEBOOK = {notebook!a}
PARAMETERS = {dict(values)!a}
PROJECT_DIR = {folder!a}
COMMAND = {command!a}
RUN_AS = {f"airflow: {name}"!a}


def run_notebook() -> None:
    """Run the approved notebook; a refusal or a failing run fails the task."""
    env = {{**os.environ, "MLOPS_USER": RUN_AS}}
    subprocess.run(COMMAND, cwd=PROJECT_DIR, env=env, check=True)


with DAG(
    dag_id={name.replace("-", "_")!a},
    schedule={schedule!a},
    start_date=datetime.datetime({today.year}, {today.month}, {today.day}, tzinfo=datetime.timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["mlops", "batch"],
):
    PythonOperator(task_id="batch_run", python_callable=run_notebook)
'''


def kubernetes_manifest(
    command: list[str], folder: str, name: str, image: str, schedule: str | None
) -> str:
    """A Job (``kubectl create -f``), or with a schedule a CronJob, whose container runs
    ``command`` in ``folder``."""
    import yaml

    labels = {
        "app.kubernetes.io/name": "jupyterlab-mlops",
        "app.kubernetes.io/component": "batch-run",
        "app.kubernetes.io/instance": name,
    }
    pod = {
        "metadata": {"labels": dict(labels)},
        "spec": {
            "restartPolicy": "Never",
            "containers": [
                {
                    "name": "batch-run",
                    "image": image,
                    "workingDir": folder,
                    "command": [word.replace("$", "$$") for word in command],  # no $(VAR)
                    "env": [{"name": "MLOPS_USER", "value": f"kubernetes: {name}"}],
                }
            ],
        },
    }
    job = {"backoffLimit": 0, "template": pod}  # a failed run is recorded; retrying is a decision
    if schedule is None:
        kind = "Job"
        manifest = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"generateName": f"{name[:52]}-", "labels": dict(labels)},
            "spec": job,
        }
    else:
        kind = "CronJob"
        manifest = {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": {"name": name[:52], "labels": dict(labels)},
            "spec": {
                "schedule": schedule,
                "concurrencyPolicy": "Forbid",
                "jobTemplate": {"spec": job},
            },
        }
    start = "`kubectl create -f` it to start a run" if kind == "Job" else "`kubectl apply -f` it"
    header = (
        f"# Kubernetes {kind} written by `mlops batch export` (jupyterlab-mlops): commit it\n"
        f"# with the project; {start}.\n"
        "# The container runs `mlops batch run`, which checks the notebook's approval at run\n"
        "# time and records the run in the project's ledger (.mlops/) and MLflow: the image\n"
        "# must hold the project at workingDir, on a volume that keeps what the run writes.\n"
    )
    return header + yaml.safe_dump(manifest, sort_keys=False, allow_unicode=False, width=1000)


def crontab_line(command: list[str], folder: str, name: str, schedule: str, log: str) -> str:
    """``SCHEDULE cd DIR && mkdir -p LOGDIR && MLOPS_USER=... mlops batch run ... >> LOG 2>&1``,
    every word quoted
    for the shell and every ``%`` escaped for cron."""
    for word in [*command, folder, log, name]:
        _plain("a value in a crontab line", word, "cron lines cannot hold line breaks")
    words = [
        "cd", shlex.quote(folder), "&&", "mkdir", "-p", shlex.quote(str(PurePosixPath(log).parent)), "&&",
        f"MLOPS_USER={shlex.quote(f'cron: {name}')}", *map(shlex.quote, command),
        ">>", shlex.quote(log), "2>&1",
    ]  # fmt: skip
    line = f"{schedule} " + " ".join(words).replace("%", "\\%")
    return (
        "# jupyterlab-mlops: written by `mlops batch export`; each run checks the notebook's\n"
        "# approval (`mlops batch run`) and is recorded in the project's ledger.\n"
        f"{line}\n"
    )


def _plain(what: str, text: str, hint: str = "rename it without control characters") -> None:
    if _CONTROL.search(text):
        raise MlopsError(f"{what} holds a line break or control character", hint)


def _option_like(word: str) -> bool:
    """Whether the ``mlops`` command line could read ``word`` as an option, not a value: it
    starts with ``-`` and is neither ``-`` nor a negative number."""
    return word.startswith("-") and word != "-" and not _NEGATIVE_NUMBER.match(word)


def _canonical(values: Any) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False)


def _name(stem: str, prefix: str = "mlops-") -> str:
    """A Kubernetes/Airflow-safe name: lower-case letters, digits and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "notebook"
    return f"{prefix}{slug}"


def _image(image: str) -> str:
    if not _IMAGE.match(image):
        raise MlopsError(
            f"{image[:60]!r} is not a container image reference",
            "e.g. registry.example.com/credit:1.4",
        )
    return image


def _project_dir(value: str | None, default: str) -> str:
    folder = value or default
    _plain("the project folder", folder)
    if not PurePosixPath(folder).is_absolute():
        raise MlopsError(
            f"{folder[:60]!r} is not an absolute path", "e.g. --project-dir /srv/credit"
        )
    return folder


def _file_name(name: str, target: str, schedule: str | None) -> str:
    stem = name.removeprefix("mlops-")
    if target == "airflow":
        return f"{name.replace('-', '_')}_dag.py"
    if target == "k8s":
        return f"{stem}-{'cronjob' if schedule else 'job'}.yaml"
    return f"{stem}.cron"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _where(project: Project, path: Path) -> str:
    try:
        return path.resolve().relative_to(project.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _notebook_ref(project: Project, relative: str) -> dict[str, str]:
    return notebook_state(project, project.root / relative).ref()
