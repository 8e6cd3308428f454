"""Drift -> retrain -> human review, with a champion and a challenger: batch runs keep running
the approved bundle (the champion) while a retrained one (the challenger, the same code on new
data) awaits its sign-offs; signing it in every required role promotes it; a batch run that
flagged drift marks the notebook "needs review" until then. On real projects, kernels, MLflow
and DVC: a minimal-tier notebook that trains in its kernel, a high-tier project for the
sign-off rules, and (slow) the credit-risk example with changed data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from jupyterlab_mlops import data
from jupyterlab_mlops.approvals import approval_status, sign_off
from jupyterlab_mlops.batch.retrain import retrain
from jupyterlab_mlops.batch.run import batch_run, require_approval
from jupyterlab_mlops.checklists.cleanrun import clean_run
from jupyterlab_mlops.config import dump_config
from jupyterlab_mlops.data.register import register_data, review_data
from jupyterlab_mlops.errors import ForbiddenError, MlopsError
from jupyterlab_mlops.experiments import runs
from jupyterlab_mlops.kinds import RUN_LOGGED
from jupyterlab_mlops.panel import panel_document
from jupyterlab_mlops.production import needs_review
from jupyterlab_mlops.project import Project, find_project
from jupyterlab_mlops.signoffs import find_champion

from .helpers import ACTOR, git_project, make_notebook
from .helpers.analyses import record_analyses
from .helpers.data_fixtures import write_credit_csv
from .helpers.examples import credit_risk_copy
from .helpers.ready import ready_project
from .test_openapi import check

BUSINESS, RISK, OPS = "Bo <bo@example.com>", "Rita <rita@example.com>", "Ian <ian@example.com>"
#: trains in its kernel: reads the registered data, logs a run with the template's metric
TRAIN = """import jupyterlab_mlops
import pandas as pd
from jupyterlab_mlops import data
frame = pd.read_csv(data.path("applications"))
with jupyterlab_mlops.run("training") as run:
    run.log(test_roc_auc=round(0.6 + frame["annual_income"].mean() / 1e6, 4))"""


@pytest.fixture
def actor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLOPS_USER", ACTOR)  # the kernels act as the author


def minimal_project(base: Path) -> tuple[Project, Path]:
    """A minimal-tier project whose ``train.ipynb`` trained once in a fresh kernel and was
    approved by its business owner."""
    root = git_project(base / "credit", rows=600, seed=3)
    project = find_project(root)
    config = project.config.model_copy(
        update={"risk_tier": "minimal", "roles": {"business": [BUSINESS]}}
    )
    (project.mlops_dir / "config").write_text(dump_config(config))
    project = find_project(root)
    notebook = make_notebook(root / "train.ipynb", ["seed = 7", TRAIN], tags={0: ["parameters"]})
    register_data(project, root / "data" / "applications.csv", actor=ACTOR)
    assert clean_run(project, notebook, actor=ACTOR).payload["ok"]
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="approve")
    assert approval_status(notebook, project).may_run
    return project, notebook


def shift_income(project: Project, factor: float = 1.6) -> None:
    csv = project.root / "data" / "applications.csv"
    frame = pd.read_csv(csv)
    frame["annual_income"] *= factor
    frame.to_csv(csv, index=False)


@pytest.mark.slow  # six kernels: a clean run, three batch runs, two retrainings
def test_drift_retrain_sign_off_promotes_the_challenger(tmp_path: Path, actor: None) -> None:
    project, notebook = minimal_project(tmp_path)
    champion = find_champion(project, "train.ipynb")
    assert champion is not None and champion.bundle.digest == approval_status(notebook).bundle.digest  # fmt: skip
    with pytest.raises(MlopsError, match="no approved version to retrain") as refused:
        other = make_notebook(project.root / "other.ipynb", ["seed = 1", TRAIN], tags={0: ["parameters"]})  # fmt: skip
        retrain(project, other, actor=ACTOR)
    assert "get it signed in every required role" in refused.value.hint

    # production data drifts: the batch run of the champion flags it, the notebook needs review
    shift_income(project)
    first = batch_run(project, notebook, actor=ACTOR)
    assert first.ok and first.entry.payload["bundle_digest"] == champion.bundle.digest
    flagged = needs_review(project, notebook)
    assert flagged is not None and flagged["entry"] == first.entry.hash
    assert flagged["columns"][0]["dataset"] == "applications"
    assert flagged["columns"][0]["column"] == "annual_income" and flagged["columns"][0]["psi"] > 0.5
    assert "flagged drift over PSI 0.2: applications.annual_income" in flagged["reason"]
    assert "mlops retrain train.ipynb" in flagged["fix"]
    document = panel_document(notebook, BUSINESS, tmp_path)
    assert document["needs_review"]["entry"] == first.entry.hash
    check(json.loads(json.dumps({**document, "path": "credit/train.ipynb"})), "NotebookStatus")
    assert document["production"] == {
        "champion": document["production"]["champion"], "challenger": None
    }  # fmt: skip

    # retraining registers today's data as v2, reruns the notebook on it: a challenger
    done = retrain(project, notebook, actor=ACTOR)
    assert done.ok, done.execution.payload
    assert [r.to_json()["summary"] for r in done.registered] == [
        "applications: registered data/applications.csv as v2 (the champion trained on v1)"
    ]
    challenger = done.status.challenger
    assert challenger is not None and challenger.digest != champion.bundle.digest
    assert champion.bundle.same_code(challenger) and challenger.data != champion.bundle.data
    sides = done.production
    assert sides is not None
    assert [d["version"] for d in sides["champion"]["data"]] == [1]
    assert [d["version"] for d in sides["challenger"]["data"]] == [2]
    assert sides["champion"]["approved_by_roles"] == {"business": "Bo"}
    assert sides["challenger"]["awaiting"] == ["business"]
    assert sides["challenger"]["changes"] == ["the data versions", "the runs"]
    assert sides["challenger"]["champion_runs_meanwhile"] is True
    old, new = sides["champion"]["runs"][0], sides["challenger"]["runs"][0]
    assert set(old["metrics"]) == set(new["metrics"]) == {"test_roc_auc"}  # the template's
    assert new["metrics"]["test_roc_auc"] > old["metrics"]["test_roc_auc"]  # higher incomes
    assert old["experiment_id"] and new["id"] == challenger.runs[0]
    (trained,) = [e for e in project.ledger.entries(RUN_LOGGED) if e.payload["run_id"] == new["id"]]  # fmt: skip
    assert trained.actor == ACTOR and trained.links[1] == f"entry:{challenger.data[0]}"
    # the current bundle is not approved (as before); production runs the champion meanwhile
    assert not approval_status(notebook, project).may_run
    status = require_approval(project, "train.ipynb")
    assert status.runs_champion and status.production_bundle.digest == champion.bundle.digest
    meanwhile = batch_run(project, notebook, actor=ACTOR)
    assert meanwhile.ok and meanwhile.entry.payload["bundle_digest"] == champion.bundle.digest
    approval = champion.approvals["business"].entry.hash
    assert f"entry:{approval}" in meanwhile.entry.links
    drift = meanwhile.entry.payload["drift"]
    assert drift["datasets"]["applications"]["reference"] == 1  # against what the champion learnt
    assert needs_review(project, notebook)["entry"] == meanwhile.entry.hash
    document = panel_document(notebook, BUSINESS, tmp_path)
    assert document["production"] == sides
    check(
        json.loads(json.dumps({**document, "path": "credit/train.ipynb"})), "NotebookStatus"
    )  # as the REST answer describes it

    # signing the challenger in every required role promotes it: reviewed, batch runs use it
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="approve")
    assert needs_review(project, notebook) is None
    promoted = batch_run(project, notebook, actor=ACTOR)
    assert promoted.entry.payload["bundle_digest"] == challenger.digest
    assert promoted.entry.payload["drift"]["flagged"] == []
    assert promoted.entry.payload["drift"]["datasets"]["applications"]["reference"] == 2
    document = panel_document(notebook, BUSINESS, tmp_path)
    assert document["needs_review"] is None
    assert document["production"]["champion"]["bundle_digest"] == challenger.digest
    assert document["production"]["challenger"] is None

    # retraining on unchanged data says so; a code edit refuses retraining and the fallback
    again = retrain(project, notebook, actor=ACTOR)
    assert again.registered[0].describe() == (
        "applications: unchanged since v2, the version the champion trained on"
    )
    make_notebook(notebook, ["seed = 7", TRAIN + "\nprint('edited')"], tags={0: ["parameters"]})
    with pytest.raises(MlopsError, match="the notebook's code changed since its approved") as e:
        retrain(project, notebook, actor=ACTOR)
    assert "undo the change, or get the new version approved" in e.value.hint
    with pytest.raises(ForbiddenError, match="may not run in production") as refused_run:
        batch_run(project, notebook, actor=ACTOR)
    assert "cannot run in its place: the notebook's code changed since it was approved" in str(
        refused_run.value
    )


@pytest.mark.slow  # two kernels
def test_the_cli_retrains_and_shows_champion_and_challenger(tmp_path: Path, actor: None, mlops) -> None:  # fmt: skip
    project, notebook = minimal_project(tmp_path)
    shift_income(project, 1.3)
    done = mlops("retrain", "train.ipynb", cwd=project.root)
    assert done.returncode == 0, done.stderr
    assert "registering data/applications.csv (dataset applications) ..." in done.stderr
    assert "running train.ipynb top to bottom in a fresh kernel ..." in done.stderr
    text = done.stdout
    assert text.startswith("retrained train.ipynb: ran top to bottom in a fresh kernel in ")
    assert "applications: registered data/applications.csv as v2" in text
    assert "champion (in production): " in text and "(business)" in text
    assert "challenger (awaiting sign-off: business): " in text
    assert "data applications v1; run " in text and "data applications v2; run " in text
    assert "test_roc_auc=" in text and "(+" in text  # the challenger's metric as a difference
    assert "batch runs use the champion until every required role signs the challenger" in text
    assert "next: mlops approve train.ipynb --role ROLE" in text
    shown = mlops("approvals", "train.ipynb", cwd=project.root)
    assert "production runs the approved version, the champion, meanwhile" in shown.stdout
    assert "challenger (awaiting sign-off: business)" in shown.stdout
    as_json = json.loads(mlops("approvals", "train.ipynb", "--json", cwd=project.root).stdout)
    assert as_json["production"]["challenger"]["data"][0]["version"] == 2
    edited = make_notebook(notebook, ["seed = 8", TRAIN], tags={0: ["parameters"]})
    refused = mlops("retrain", str(edited), cwd=project.root)
    assert refused.returncode == 1 and "cannot be retrained" in refused.stderr
    assert "Traceback" not in refused.stderr


# --- the sign-off rules of a champion, at the high tier (three people, in-process runs) --------


@pytest.fixture
def ready(tmp_path: Path) -> Iterator[Project]:
    """A high-risk project whose notebook passes every item, approved in every role."""
    project = ready_project(tmp_path, ["seed = 7\nthreshold = 0.2", "import math", "x = math.pi"])
    config = project.config.model_copy(
        update={"roles": {"business": [BUSINESS], "risk": [RISK], "it-ops": [OPS]}}
    )
    (project.mlops_dir / "config").write_text(dump_config(config))
    project = find_project(project.root)
    for role, who in (("business", BUSINESS), ("risk", RISK), ("it-ops", OPS)):
        sign_off(project, project.root / "train.ipynb", role=role, actor=who, decision="approve")
    yield project


def challenge(project: Project, seed: int) -> None:
    """New data registered and reviewed, and a run on it with its analyses: a challenger."""
    notebook = project.root / "train.ipynb"
    write_credit_csv(project.root / "data" / "applications.csv", rows=300, seed=seed)
    register_data(project, project.root / "data" / "applications.csv", actor=ACTOR)
    review_data(project, "applications", decision="Identifiers are dropped", actor=ACTOR)
    data.path("applications", start=project.root)
    with runs.run("gbm", project=project, notebook=notebook) as run:
        run.log(test_roc_auc=0.79)
    record_analyses(project, notebook)


def test_partly_signed_challengers_keep_the_champion_running(ready: Project) -> None:
    notebook = ready.root / "train.ipynb"
    first = find_champion(ready, "train.ipynb")
    assert first is not None and set(first.approvals) == {"business", "risk", "it-ops"}
    challenge(ready, seed=5)
    status = approval_status(notebook, ready, production=True)
    assert status.challenger is not None and status.blocking == []
    assert status.may_run and status.production_bundle.digest == first.bundle.digest
    assert sorted(status.production_approvals) == sorted(s.entry.hash for s in first.approvals.values())  # fmt: skip
    # what approval_status answers outside production is unchanged: the approvals are stale
    plain = approval_status(notebook, ready)
    assert not plain.may_run and "the risk sign-off is stale" in plain.problems()
    for role, who in (("business", BUSINESS), ("risk", RISK)):
        sign_off(ready, notebook, role=role, actor=who, decision="approve")
        assert find_champion(ready, "train.ipynb").bundle.digest == first.bundle.digest
        assert require_approval(ready, "train.ipynb").production_bundle.digest == first.bundle.digest  # fmt: skip
    sign_off(ready, notebook, role="it-ops", actor=OPS, decision="approve")
    promoted = require_approval(ready, "train.ipynb")
    assert not promoted.runs_champion and promoted.production_bundle.digest == status.bundle.digest
    assert find_champion(ready, "train.ipynb").bundle.digest == status.bundle.digest


def test_revoking_or_refusing_after_the_champion_refuses_production(ready: Project) -> None:
    notebook = ready.root / "train.ipynb"
    challenge(ready, seed=5)
    assert require_approval(ready, "train.ipynb").runs_champion
    sign_off(ready, notebook, role="it-ops", actor=OPS, decision="revoke", comment="new hosts")
    assert find_champion(ready, "train.ipynb") is None
    with pytest.raises(ForbiddenError, match="no it-ops sign-off"):
        require_approval(ready, "train.ipynb")
    sign_off(ready, notebook, role="it-ops", actor=OPS, decision="approve")  # the challenger
    assert find_champion(ready, "train.ipynb") is None  # two roles still on the old bundle
    # a refusal that stands (in any role) keeps every bundle out of production
    for role, who in (("business", BUSINESS), ("risk", RISK)):
        sign_off(ready, notebook, role=role, actor=who, decision="approve")
    assert find_champion(ready, "train.ipynb").bundle.digest == approval_status(notebook).bundle.digest  # fmt: skip
    challenge(ready, seed=6)
    assert require_approval(ready, "train.ipynb").runs_champion
    sign_off(ready, notebook, role="risk", actor=RISK, decision="refuse", comment="too fast")
    with pytest.raises(ForbiddenError, match="risk refused by Rita: too fast"):
        require_approval(ready, "train.ipynb")
    # approving the challenger ends the refusal; the champion's risk approval it withdrew
    # stays withdrawn, so production waits for the challenger's other sign-offs
    sign_off(ready, notebook, role="risk", actor=RISK, decision="approve")
    assert find_champion(ready, "train.ipynb") is None
    for role, who in (("business", BUSINESS), ("it-ops", OPS)):
        sign_off(ready, notebook, role=role, actor=who, decision="approve")
    assert not require_approval(ready, "train.ipynb").runs_champion  # the challenger runs


def test_the_project_as_it_is_now_blocks_the_champion_too(ready: Project) -> None:
    challenge(ready, seed=5)
    assert require_approval(ready, "train.ipynb").runs_champion
    (ready.root / "requirements.txt").unlink()  # no pinned environment: not the bundle's evidence
    status = approval_status(ready.root / "train.ipynb", ready, production=True)
    assert status.present_blocking == ["environment-pinned"] and not status.runs_champion
    with pytest.raises(ForbiddenError, match="checklist item environment-pinned fails"):
        require_approval(ready, "train.ipynb")


def test_a_parameter_change_is_no_retraining(ready: Project) -> None:
    notebook = ready.root / "train.ipynb"
    make_notebook(
        notebook, ["seed = 7\nthreshold = 0.2\nextra = 1", "import math", "x = math.pi"],
        tags={0: ["parameters"]},
    )  # fmt: skip
    status = approval_status(notebook, ready, production=True)
    assert not status.may_run and status.challenger is not None
    assert any(
        "cannot run in its place: the notebook's code, the parameter schema changed" in p
        for p in status.problems()
    )
    assert "cannot run in its place" not in "; ".join(approval_status(notebook, ready).problems())


# --- the credit-risk example, its data changed (slow: the notebook runs five times) -----------


@pytest.mark.slow
@pytest.mark.timeout(1200)  # five runs of the example notebook: about 4.5 minutes on 2 busy cores
def test_the_example_retrains_on_changed_data_and_promotes_the_challenger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = credit_risk_copy(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")

    def mlops(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "jupyterlab_mlops.cli", *args], cwd=root,
            env={**os.environ, "MLOPS_USER": ACTOR}, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        return done

    def ok(*args: str) -> str:
        done = mlops(*args)
        assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
        return done.stdout

    # the README's way to production: a clean run (the first also generates the data), a
    # pinned environment, the fairness waiver with the notebook's decision, three sign-offs
    ok("check", "train.ipynb", "--run")
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    (root / "requirements.txt").write_text(frozen.stdout)

    def approve() -> None:
        ok("waive", "fairness", "train.ipynb")
        for role in ("business", "risk", "it-ops"):
            ok("approve", "train.ipynb", "--role", role, "--comment", "reviewed")

    approve()
    project = find_project(root)
    champion = find_champion(project, "train.ipynb")
    assert champion is not None

    # production data drifts (incomes up by 60%, more debt): the batch run flags it
    csv = root / "data" / "applications.csv"
    frame = pd.read_csv(csv)
    frame["annual_income"] *= 1.6
    frame["debt_to_income"] = frame["debt_to_income"] * 1.5
    frame.to_csv(csv, index=False)
    first = json.loads(ok("batch", "run", "train.ipynb", "-p", "seed", "12", "--json"))
    assert first["bundle_digest"] == champion.bundle.digest
    assert {f["column"] for f in first["drift"]["flagged"]} >= {"annual_income"}
    review = needs_review(project, "train.ipynb")
    assert review is not None and review["entry"] == first["id"]

    # mlops retrain: a challenger on the new data, awaiting sign-off
    text = ok("retrain", "train.ipynb")
    assert "retrained train.ipynb: ran top to bottom" in text
    assert "champion (in production): " + champion.bundle.digest[:12] in text
    assert "challenger (awaiting sign-off: business, risk, it-ops)" in text
    assert "before sign-off, fix: fairness" in text  # its own fairness report, not yet waived
    status = approval_status(root / "train.ipynb", find_project(root), production=True)
    challenger = status.challenger
    assert challenger is not None and status.runs_champion and status.blocking == ["fairness"]
    sides = panel_document(root / "train.ipynb", ACTOR, tmp_path)["production"]
    assert sides["champion"]["data"][0]["version"] == 1
    assert sides["challenger"]["data"][0]["version"] == 2
    assert set(sides["champion"]["runs"][0]["metrics"]) == {"cv_roc_auc", "test_roc_auc"}

    # a batch run meanwhile runs the champion (the code is the same)
    meanwhile = json.loads(ok("batch", "run", "train.ipynb", "-p", "seed", "13", "--json"))
    assert meanwhile["bundle_digest"] == champion.bundle.digest
    assert needs_review(project, "train.ipynb")["entry"] == meanwhile["id"]

    # the reviewers waive the challenger's fairness item and sign it: promoted
    approve()
    assert needs_review(project, "train.ipynb") is None
    promoted = json.loads(ok("batch", "run", "train.ipynb", "-p", "seed", "14", "--json"))
    assert promoted["bundle_digest"] == challenger.digest
    assert promoted["drift"]["flagged"] == []
    document = panel_document(root / "train.ipynb", ACTOR, tmp_path)
    assert document["needs_review"] is None and document["production"]["challenger"] is None

    # a code edit: no champion stands in, retraining refuses
    saved = nbformat.read(root / "train.ipynb", as_version=4)
    saved.cells.append(nbformat.v4.new_code_cell("print('edited')"))
    nbformat.write(saved, root / "train.ipynb")
    refused = mlops("batch", "run", "train.ipynb")
    assert refused.returncode == 1 and "the notebook's code changed" in refused.stderr
    refused = mlops("retrain", "train.ipynb")
    assert refused.returncode == 1 and "cannot be retrained" in refused.stderr
