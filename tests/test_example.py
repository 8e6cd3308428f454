"""The example project runs top to bottom in a fresh kernel (papermill), and leaves a verified record."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_mlops.checklists.evaluate import check_notebook
from jupyterlab_mlops.data.versions import review_status, versions_of
from jupyterlab_mlops.decisions import list_decisions
from jupyterlab_mlops.experiments.runs import RUN_LOGGED, list_runs
from jupyterlab_mlops.kinds import DIAGNOSTICS_RECORDED, EXPLANATION_RECORDED, FAIRNESS_ASSESSED
from jupyterlab_mlops.ledger import verify_ledger
from jupyterlab_mlops.project import find_project, init_project

from .helpers import ACTOR
from .helpers.examples import credit_risk_copy

pytestmark = pytest.mark.slow


def test_credit_risk_notebook_runs_and_records_its_decisions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import papermill

    root = credit_risk_copy(tmp_path)
    monkeypatch.setenv(
        "MLOPS_NOTEBOOK", str(root / "train.ipynb")
    )  # a batch run names its notebook
    monkeypatch.setenv("MPLBACKEND", "Agg")

    def run_notebook(output: str):
        return papermill.execute_notebook(
            str(root / "train.ipynb"),
            str(tmp_path / output),
            cwd=str(root),
            kernel_name="python3",
            progress_bar=False,
            parameters={"seed": 11},
        )

    executed = run_notebook("executed.ipynb")
    assert (root / "data" / "applications.csv").is_file()  # generated on first run
    errors = [
        o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
    stderr = "".join(
        o.get("text", "")
        for c in executed.cells
        for o in c.get("outputs", [])
        if o.get("name") == "stderr"
    )
    assert "UsageError" not in stderr

    project = find_project(root)
    decisions = list_decisions(project, root / "train.ipynb")
    assert len(decisions) >= 4
    assert all(d.entry.actor == ACTOR and d.current for d in decisions)
    assert {tag for d in decisions for tag in d.entry.payload["tags"]} >= {"data", "privacy"}
    assert verify_ledger(project.ledger_path).ok
    assert os.environ["MLOPS_NOTEBOOK"].endswith("train.ipynb")

    # the data was versioned with DVC, screened, reviewed, and is what the notebook read
    (version,) = versions_of(project, "applications")
    assert (
        version.path == "data/applications.csv" and (root / "data/applications.csv.dvc").is_file()
    )
    assert {f.kind for f in version.findings} >= {
        "email",
        "card_number",
        "iban",
        "declared_sensitive",
    }
    assert review_status(project, version).cleared
    # the model was trained in a run linked to the notebook version and the data version
    (run,) = list_runs(project, root / "train.ipynb")
    assert run.entry.payload["status"] == "FINISHED"
    assert f"entry:{version.entry.hash}" in run.entry.links
    assert run.entry.payload["metrics"]["test_roc_auc"] > 0.7
    assert run.entry.payload["params"]["seed"] == "11"

    # the model was explained as evidence of that run, in its original columns, by group
    (explained,) = project.ledger.entries(EXPLANATION_RECORDED)
    assert explained.payload["run_id"] == run.run_id and explained.payload["explainer"] == "tree"
    assert {"global", "local", "stability", "cohorts"} <= set(explained.payload["kinds"])
    assert explained.payload["top"][0]["feature"] in {
        "annual_income",
        "debt_to_income",
        "employment_type",
        "credit_history_months",
        "num_delinquencies",
        "employment_years",
        "loan_amount",
    }

    # fairness across sex and age bands, as evidence of the run: the youngest applicants are
    # referred far more often, beyond the high tier's limits, and the notebook records why that
    # is accepted, as a decision tagged fairness linked to the report
    (fair,) = project.ledger.entries(FAIRNESS_ASSESSED)
    assert fair.payload["run_id"] == run.run_id and set(fair.payload["columns"]) == {"age", "sex"}
    assert fair.payload["passed"] is False and fair.payload["policy"]["tier"] == "high"
    (accepted,) = [d for d in decisions if "fairness" in d.entry.payload["tags"]]
    assert f"entry:{fair.hash}" in accepted.entry.links
    # the diagnostics find no leakage, no overfit and calibrated probabilities
    (diagnosed,) = project.ledger.entries(DIAGNOSTICS_RECORDED)
    assert diagnosed.payload["run_id"] == run.run_id
    assert not [f for f in diagnosed.payload["findings"] if f["status"] == "fail"]

    # the checklist: everything review needs is there but fairness (to be waived with the
    # decision); the clean run and the pinned environment are still missing
    report = check_notebook(project, root / "train.ipynb")
    assert report.stage == "draft", report.to_json()["blocking"]
    assert [r.item.id for r in report.blocking("review")] == ["fairness"]
    assert [r.item.id for r in report.blocking("approval")] == [
        "fairness", "clean-run", "environment-pinned"
    ]  # fmt: skip
    items = {r.item.id: r for r in report.results}
    assert "age band" in items["fairness"].outcome.detail
    for passing in ("explanations", "no-leakage", "no-overfit", "calibrated"):
        assert items[passing].status == "pass", items[passing].outcome.detail
    assert f"run '{run.entry.payload['name']}'" in items["explanations"].outcome.detail
    shown = json.dumps([c.get("outputs", []) for c in executed.cells[-1:]])
    assert "DRAFT" in shown

    # running it again records a second run (and its analyses, the explanation from the cache,
    # and the acceptance of the new fairness report), but no new data version and no other
    # decision
    per_run = (RUN_LOGGED, EXPLANATION_RECORDED, FAIRNESS_ASSESSED, DIAGNOSTICS_RECORDED)

    def facts() -> list[str]:
        return [
            e.hash
            for e in project.ledger.entries()
            if e.kind not in per_run and "fairness" not in (e.payload.get("tags") or [])
        ]

    before = facts()
    run_notebook("again.ipynb")
    assert facts() == before and len(list_runs(project)) == 2
    assert len(list(project.ledger.entries(EXPLANATION_RECORDED))) == 2

    # the README's way to production: a clean run, a pinned environment, three sign-offs,
    # then the approved notebook runs as a batch job with a new parameter
    def mlops(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "jupyterlab_mlops.cli", *args],
            cwd=root, capture_output=True, text=True, timeout=600,
        )  # fmt: skip

    refused = mlops("batch", "run", "train.ipynb", "-p", "seed", "12")
    assert refused.returncode == 1 and "may not run in production" in refused.stderr
    checked = mlops("check", "train.ipynb", "--run")
    assert checked.returncode == 0 and "✓ The notebook runs top to bottom" in checked.stdout
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    (root / "requirements.txt").write_text(frozen.stdout)
    waived = mlops("waive", "fairness", "train.ipynb")  # the reasons: the notebook's decision
    assert waived.returncode == 0 and "WAIVED" in waived.stdout, waived.stdout + waived.stderr
    for role in ("business", "risk", "it-ops"):
        signed = mlops("approve", "train.ipynb", "--role", role, "--comment", "reviewed")
        assert signed.returncode == 0, signed.stderr
    done = mlops("batch", "run", "train.ipynb", "-p", "seed", "12")
    assert done.returncode == 0 and "SUCCEEDED" in done.stdout, done.stdout + done.stderr
    # the high tier's documentation: generated from the evidence, the author writes the rest
    # (the example's documentation.yaml, as the README does), production only once complete
    docs = mlops("docs", "train.ipynb", "--json")
    assert docs.returncode == 0, docs.stderr
    entries = json.loads(docs.stdout)["documents"]["annex-iv"]["coverage"]["entries"]
    missing = {key for key, e in entries.items() if e["status"] == "missing"}
    assert "2(b)" not in missing and "6" not in missing  # the decisions, the ledger's history
    assert {"1(a)", "1(d)", "7"} <= missing  # no intended purpose yet; what only the author knows
    assert check_notebook(find_project(root), root / "train.ipynb").stage != "in production"
    configured = mlops(
        "configure", "--provider", "Example Bank", "--owner", "Ada Lovelace",
        "--intended-purpose", "Refer loan applications likely to default to a credit officer",
    )  # fmt: skip
    assert configured.returncode == 0, configured.stderr
    assert mlops("doc", "--file", "documentation.yaml").returncode == 0
    docs = mlops("docs", "train.ipynb")
    assert docs.returncode == 0 and "Annex IV: 23 of 23 covered" in docs.stdout, docs.stdout
    assert "changed 1(a)" in docs.stdout  # what changed since the first version, by section
    assert (root / "docs" / "train" / "annex-iv.html").is_file()
    report = check_notebook(find_project(root), root / "train.ipynb")
    assert report.stage == "in production", report.to_json()["blocking"]
    assert verify_ledger(project.ledger_path).ok


ASSISTANT = Path(__file__).resolve().parents[1] / "examples" / "support-assistant"


def test_support_assistant_runs_offline_and_is_ready_for_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import papermill

    from jupyterlab_mlops.kinds import EVALUATION_RECORDED, GUARDRAILS_RECORDED, PROMPT_REGISTERED
    from jupyterlab_mlops.portfolio import portfolio

    root = tmp_path / "support-assistant"
    shutil.copytree(ASSISTANT, root, ignore=shutil.ignore_patterns(".mlops", ".dvc", "data"))
    init_project(
        root, name="support-assistant", template="llm", risk_tier="limited", actor=ACTOR,
        single_user=True,
    )  # fmt: skip
    monkeypatch.setenv("MLOPS_NOTEBOOK", str(root / "assistant.ipynb"))
    executed = papermill.execute_notebook(
        str(root / "assistant.ipynb"), str(tmp_path / "executed.ipynb"), cwd=str(root),
        kernel_name="python3", progress_bar=False,
    )  # fmt: skip
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]  # fmt: skip
    assert errors == [] and (root / "data" / "faq.csv").is_file()
    project = find_project(root)
    (prompt,) = project.ledger.entries(PROMPT_REGISTERED)
    assert prompt.payload["name"] == "support-system"
    (evaluation,) = project.ledger.entries(EVALUATION_RECORDED)
    assert evaluation.payload["summary"]["contains"]["mean"] >= 0.7  # the limited tier's bar
    (guards,) = project.ledger.entries(GUARDRAILS_RECORDED)
    assert guards.payload["passed"] is True
    report = check_notebook(project, root / "assistant.ipynb")
    assert report.stage == "ready for review", [r.item.id for r in report.results if not r.ok]
    assert verify_ledger(project.ledger_path).ok
    (listed,) = portfolio(tmp_path).to_json()["projects"]
    assert listed["name"] == "support-assistant" and listed["template"] == "llm"
