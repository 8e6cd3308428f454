"""Scheduler exports: an Airflow DAG that parses and names the notebook and its parameters,
Kubernetes Job/CronJob manifests that are valid YAML, a crontab line; crafted values stay inert
(the exported commands are run for real, and a sentinel file must not appear)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_mlops.batch.export import EXPORTED, check_schedule, export_job, run_command
from jupyterlab_mlops.batch.parameters import format_cli_values, parse_cli_values, validate
from jupyterlab_mlops.checklists.params import ParameterSchema
from jupyterlab_mlops.commands import build_parser
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.project import Project, find_project

from .helpers import ACTOR, make_notebook
from .helpers.batch import CODE, PARAMETERS, approved_project


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path]:
    saved = os.environ.get("MLOPS_USER")
    os.environ["MLOPS_USER"] = ACTOR
    try:
        return approved_project(tmp_path_factory.mktemp("export"))
    finally:
        if saved is None:
            os.environ.pop("MLOPS_USER", None)


def crafted(sentinel: Path) -> str:
    """Quotes, shell and template syntax, cron's %, Python string tricks (no line break)."""
    s = str(sentinel)
    return (
        f"\"'; touch {s}; echo '$(touch {s})`touch {s}`{{{{ run('touch {s}') }}}}"
        f'\\\\\'""" + open({s!r}, \'w\') + "%d %% \u2603'
    )


def constants(source: str) -> dict:
    """Module-level NAME = literal assignments of a Python file."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return found


def run_exported(command: list[str], cwd: str) -> subprocess.CompletedProcess[str]:
    """What the scheduler runs: the command, with `mlops` from this environment."""
    assert command[0] == "mlops"
    argv = [sys.executable, "-m", "jupyterlab_mlops.cli", *command[1:]]
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_airflow_dag_parses_names_the_notebook_and_runs_inert_values(approved) -> None:
    project, notebook = approved
    sentinel = project.root / "PWNED-airflow"
    label = crafted(sentinel) + "\nline two\u2028"
    done = export_job(
        project, notebook, target="airflow", actor=ACTOR,
        parameters={"n": 7, "label": label, "threshold": 0.25}, schedule="0 6 * * 1-5",
    )  # fmt: skip
    assert done.path == project.root / "batch-jobs" / "mlops_score_dag.py"
    source = done.path.read_text()
    assert source.isascii()
    tree = ast.parse(source)
    found = constants(source)
    assert found["NOTEBOOK"] == "score.ipynb" and found["PROJECT_DIR"] == str(project.root)
    assert found["PARAMETERS"] == {"n": 7, "label": label, "threshold": 0.25}
    assert found["COMMAND"] == [
        "mlops", "batch", "run", "score.ipynb",
        "-p", "n", "7", "-p", "label", label, "-p", "threshold", "0.25",
    ]  # fmt: skip
    calls = {n.func.id: n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}  # fmt: skip
    dag = {k.arg: ast.literal_eval(k.value) for k in calls["DAG"].keywords if k.arg != "start_date"}
    assert dag["dag_id"] == "mlops_score" and dag["schedule"] == "0 6 * * 1-5"
    operator = {k.arg: k.value for k in calls["PythonOperator"].keywords}
    assert set(operator) == {"task_id", "python_callable"}  # no templated field carries a value
    # the command the task runs, for real: the values arrive as data
    ran = run_exported(found["COMMAND"], found["PROJECT_DIR"])
    assert ran.returncode == 0, ran.stderr
    assert json.loads((project.root / "result-7.json").read_text())["label"] == label
    assert not sentinel.exists()
    entry = done.entry
    assert entry.kind == EXPORTED and entry.payload["approved"] is True
    from jupyterlab_mlops.canonical import sha256_hex

    assert entry.payload["sha256"] == sha256_hex(source)
    assert entry.payload["file"] == "batch-jobs/mlops_score_dag.py"


def test_kubernetes_job_and_cronjob_manifests(approved, mlops) -> None:
    project, _ = approved
    label = crafted(project.root / "PWNED-k8s") + "\nyes: no"
    job_file, cron_file = project.root / "k8s" / "job.yaml", project.root / "k8s" / "cron.yaml"
    common = ["batch", "export", "score.ipynb", "-p", "n", "3", "-p", "label", label]
    done = mlops(*common, "--to", "k8s", "-o", "k8s/job.yaml", "--json", cwd=project.root)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["command"][:4] == ["mlops", "batch", "run", "score.ipynb"]
    scheduled = mlops(
        *common, "--to", "k8s", "--schedule", "@daily", "--image", "registry.example.com/credit:1.4",
        "--project-dir", "/srv/credit", "-o", "k8s/cron.yaml", cwd=project.root,
    )  # fmt: skip
    assert scheduled.returncode == 0, scheduled.stderr
    assert "Wrote Kubernetes manifest" in scheduled.stdout
    (job,) = yaml.safe_load_all(job_file.read_text())
    (cron,) = yaml.safe_load_all(cron_file.read_text())
    expected = ["mlops", "batch", "run", "score.ipynb", "-p", "n", "3", "-p", "label", label]
    # Kubernetes expands $(VAR) and turns $$ into $ in a command: the manifest escapes every $
    expected = [word.replace("$", "$$") for word in expected]
    assert job["apiVersion"] == "batch/v1" and job["kind"] == "Job"
    assert job["metadata"]["generateName"] == "mlops-score-"
    assert job["spec"]["backoffLimit"] == 0
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    assert container["command"] == expected and container["image"] == "credit:latest"
    assert container["workingDir"] == "/project"
    assert cron["kind"] == "CronJob" and cron["metadata"]["name"] == "mlops-score"
    assert cron["spec"]["schedule"] == "@daily" and cron["spec"]["concurrencyPolicy"] == "Forbid"
    (container,) = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert container["command"] == expected and container["workingDir"] == "/srv/credit"
    assert container["image"] == "registry.example.com/credit:1.4"
    kinds = [e.payload["target"] for e in find_project(project.root).ledger.entries(EXPORTED)]
    assert kinds.count("k8s") == 2


def test_crontab_line_runs_inert_values(approved) -> None:
    project, notebook = approved
    sentinel = project.root / "PWNED-cron"
    label = crafted(sentinel)
    done = export_job(
        project, notebook, target="cron", actor=ACTOR,
        parameters={"n": 8, "label": label}, schedule="*/15  6-18 * * MON-FRI",
    )  # fmt: skip
    (line,) = [x for x in done.path.read_text().splitlines() if not x.startswith("#")]
    assert line.startswith("*/15 6-18 * * MON-FRI cd ") and "mlops batch run score.ipynb" in line
    assert "%" not in line.replace("\\%", "")  # every % escaped for cron
    # what cron does: drop the schedule, turn \% into %, hand the rest to /bin/sh
    command = line.split(" ", 5)[5].replace("\\%", "%")
    command = command.replace(" mlops ", f" {sys.executable} -m jupyterlab_mlops.cli ", 1)
    ran = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert json.loads((project.root / "result-8.json").read_text())["label"] == label
    assert not sentinel.exists()
    log = project.root / "batch-runs" / "mlops-score.cron.log"
    assert "batch run of score.ipynb: SUCCEEDED" in log.read_text()
    runs = find_project(project.root).ledger.entries("batch.run")
    assert runs[-1].actor == "cron: mlops-score"


def test_exports_refuse_what_cannot_be_rendered_safely(approved, tmp_path: Path) -> None:
    project, notebook = approved
    before = len(find_project(project.root).ledger.entries(EXPORTED))
    for kwargs, message in [
        ({"target": "cron", "parameters": {}}, "a crontab line needs a schedule"),
        (
            {"target": "cron", "parameters": {}, "schedule": "* * * * * ; rm -rf /"},
            "is not a cron schedule",
        ),
        ({"target": "cron", "parameters": {"label": "a\nb"}, "schedule": "@daily"}, "line break"),
        (
            {"target": "airflow", "parameters": {"label": "--help"}},
            "cannot be written as an `mlops batch run` command line",
        ),
        ({"target": "airflow", "parameters": {"x": 1}}, "declares no parameter 'x'"),
        ({"target": "airflow", "parameters": {"threshold": 3}}, "outside its range"),
        ({"target": "k8s", "parameters": {}, "image": "evil image; rm"}, "not a container image"),
        (
            {"target": "k8s", "parameters": {}, "project_dir": "relative/dir"},
            "not an absolute path",
        ),
        ({"target": "slurm", "parameters": {}}, "cannot export to 'slurm'"),
    ]:
        with pytest.raises(MlopsError, match=message):
            export_job(project, notebook, actor=ACTOR, **kwargs)
    assert len(find_project(project.root).ledger.entries(EXPORTED)) == before
    assert check_schedule("0  2 * * *") == "0 2 * * *"


def test_an_unapproved_notebook_is_exported_with_a_warning(approved, mlops) -> None:
    project, _ = approved
    make_notebook(project.root / "draft.ipynb", [PARAMETERS, CODE], tags={0: ["parameters"]})
    done = mlops("batch", "export", "draft.ipynb", "--to", "cron", "--schedule", "@hourly", cwd=project.root)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "warning: the notebook may not run in production now" in done.stdout
    assert "each run will be refused until it is approved" in done.stdout
    (entry,) = [
        e for e in find_project(project.root).ledger.entries(EXPORTED)
        if (e.notebook or {}).get("path") == "draft.ipynb"
    ]  # fmt: skip
    assert entry.payload["approved"] is False


#: one parameter of every type a parameters cell can declare
SCHEMA = ParameterSchema(
    cell_index=0,
    parameters={"i": "int", "f": "float", "s": "str", "b": "bool", "l": "list", "d": "dict", "n": "None",
                "o": "int | None", "so": "str | None", "bo": "bool | None", "ls": "list[str]",
                "df": "dict[str, float]", "nl": "list[dict[str, int]] | None"},
)  # fmt: skip
#: what a shell, cron, YAML, Jinja or argparse might read; NUL is the one the validator refuses
TRICKY = "\"' $%{}-\\\n\r\t`\x00\u2028\u2603"
#: text with those, other non-ASCII (no lone surrogates: UTF-8 cannot encode them), or a leading
#: '-' that a command line could take for an option
TEXT = st.text(st.characters(codec="utf-8") | st.sampled_from(TRICKY)) | st.builds(
    str.__add__, st.sampled_from(["-", "--", "-p ", "--help", "-1", "-.5", "- ", "{{ "]), st.text()
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)  # fmt: skip
VALUES = st.fixed_dictionaries(
    {},
    optional={
        "i": st.integers(),
        "f": st.floats(allow_nan=False, allow_infinity=False) | st.integers(),
        "s": TEXT,
        "b": st.booleans(),
        "l": st.lists(JSON, max_size=4),
        "d": st.dictionaries(TEXT, JSON, max_size=4),
        "n": JSON,
        "o": st.none() | st.integers(),
        # the texts a `str | None` value must escape: null, and a leading double quote
        "so": st.none() | TEXT | st.sampled_from(["null", '"null"', '"', '"a"', '"\\"', "None"]),
        "bo": st.none() | st.booleans(),
        "ls": st.lists(TEXT, max_size=4),
        "df": st.dictionaries(
            TEXT, st.floats(allow_nan=False, allow_infinity=False) | st.integers(), max_size=4
        ),
        "nl": st.none() | st.lists(st.dictionaries(TEXT, st.integers(), max_size=3), max_size=3),
    },
)


def validated(values: dict) -> dict | None:
    """The values as the validator takes them, or None if it refuses them (only for a NUL)."""
    try:
        return validate(values, SCHEMA)
    except MlopsError as exc:
        assert "NUL character" in exc.message
        return None


def same(a: object, b: object) -> bool:
    """Equal, and of the same JSON types (True is not 1, 1 is not 1.0)."""
    return a == b and json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@settings(deadline=None)
@given(VALUES)
def test_cli_values_read_back_as_they_were_formatted(values: dict) -> None:
    checked = validated(values)
    if checked is not None:
        assert same(parse_cli_values(format_cli_values(checked, SCHEMA), SCHEMA), checked)


@settings(deadline=None)
@given(VALUES)
def test_an_exported_command_line_means_exactly_its_values_to_mlops(values: dict) -> None:
    checked = validated(values)
    if checked is None:
        return
    try:
        argv = run_command("score.ipynb", checked, SCHEMA)
    except MlopsError as exc:
        assert "cannot be written as an `mlops batch run` command line" in exc.message
        assert any(text.startswith("-") for _, text in format_cli_values(checked, SCHEMA))
        return
    parsed = build_parser("mlops").parse_args(argv[1:])
    assert parsed.batch_command == "run" and parsed.notebook == "score.ipynb"
    assert same(parse_cli_values(parsed.parameter, SCHEMA), checked)
