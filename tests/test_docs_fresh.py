"""What makes ``mlops docs`` cheap in a fresh process changes nothing in the documents: run
artifacts read from the project's own store without MLflow, the secret scan's results kept
between processes (a damaged cache ignored), the checklist evaluated once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_mlops import secret_scan
from jupyterlab_mlops.checklists.secrets import cache_file, scan_notebook
from jupyterlab_mlops.documentation.api import _render
from jupyterlab_mlops.documentation.fill import build_documents
from jupyterlab_mlops.experiments.artifacts import local_artifact, read_artifact
from jupyterlab_mlops.kinds import FAIRNESS_ASSESSED, RUN_LOGGED
from jupyterlab_mlops.project import Project

from .helpers import ACTOR
from .helpers.ready import ready_project

HEAVY = ("mlflow", "pandas", "sklearn", "matplotlib", "shap", "fairlearn", "sqlalchemy")


@pytest.fixture(scope="module")
def ready(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A high-tier project with every analysis, and a real fairness report in MLflow."""
    import jupyterlab_mlops

    from .helpers.fairness import groups

    project = ready_project(
        tmp_path_factory.mktemp("ready"), ["seed = 7", "import math", "x = math.pi"]
    )
    run_id = project.ledger.entries(RUN_LOGGED)[-1].payload["run_id"]
    g = groups(300, seed=2)
    jupyterlab_mlops.fairness(g["y"], g["pred"], g["groups"][["sex"]], run=run_id,
                              resamples=100, notebook=project.root / "train.ipynb")  # fmt: skip
    return project


def rendered(project: Project) -> dict[str, str]:
    docs = build_documents(
        project, project.root / "train.ipynb", authored={}, bundle_digest="d" * 64,
        actor=ACTOR, generated_at="2026-01-01T00:00:00Z",
    )  # fmt: skip
    return {f"{d.kind}.{fmt}": _render(project, d, fmt) for d in docs for fmt in ("html", "md")}


def test_the_documents_are_the_same_from_disk_and_through_mlflow(
    ready: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = ready.ledger.entries(FAIRNESS_ASSESSED)[-1]
    report = f"{entry.payload['artifacts']}/report.json"
    assert local_artifact(ready, entry.payload["run_id"], report) is not None
    fast = rendered(ready)
    assert "Each group" in fast["annex-iv.md"]  # the figures read from the artifact
    # the same store spelled another way is not "the project's own": MLflow reads it
    alternative = f"sqlite:///{ready.mlops_dir.as_posix()}/mlflow/./mlflow.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", alternative)
    assert local_artifact(ready, entry.payload["run_id"], report) is None
    monkeypatch.setattr(secret_scan, "_SEEN", {})
    for cached in (ready.mlops_dir / "cache" / "secrets").glob("*.json"):
        cached.unlink()
    slow = rendered(ready)
    assert slow == fast


def test_an_artifact_path_outside_the_runs_folder_is_left_to_mlflow(ready: Project) -> None:
    entry = ready.ledger.entries(FAIRNESS_ASSESSED)[-1]
    run_id, folder = entry.payload["run_id"], entry.payload["artifacts"]
    local = local_artifact(ready, run_id, f"{folder}/report.json")
    assert local is not None
    assert read_artifact(ready, run_id, f"{folder}/report.json") == local.read_bytes()
    outside = ready.root / "outside.json"
    outside.write_text("{}")
    (local.parent / "link.json").symlink_to(outside)
    for path in (f"{folder}/../../x", f"/{folder}/report.json", f"{folder}/link.json", folder):
        assert local_artifact(ready, run_id, path) is None, path
    assert local_artifact(ready, "0" * 32, f"{folder}/report.json") is None  # no such run


PROBE = """
import json, sys
from jupyterlab_mlops.project import find_project
from jupyterlab_mlops.documentation.api import generate_docs
p = find_project({root!r})
generate_docs(p, p.root / "train.ipynb", actor={actor!r})
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
"""


def test_a_fresh_process_writes_the_documents_without_heavy_libraries(ready: Project) -> None:
    def loaded() -> set[str]:
        done = subprocess.run(
            [sys.executable, "-c", PROBE.format(root=str(ready.root), actor=ACTOR)],
            capture_output=True, text=True, timeout=300, check=True,
        )  # fmt: skip
        return set(json.loads(done.stdout.strip().splitlines()[-1]))

    for cached in (ready.mlops_dir / "cache" / "secrets").glob("*.json"):
        cached.unlink()
    first = loaded()
    assert not first & set(HEAVY), sorted(first & set(HEAVY))
    assert "detect_secrets" in first  # the saved notebook's text was scanned once
    again = loaded()
    assert not again & {*HEAVY, "detect_secrets"}, sorted(again & {*HEAVY, "detect_secrets"})


NOTEBOOK = {
    "metadata": {},
    "cells": [
        {"cell_type": "code", "source": 'password = "hunter2-is-my-secret"\nx = 1',
         "metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout",
                                      "text": "x = 1\npassword = 'hunter2-is-my-secret'\n"}]},
        {"cell_type": "markdown", "source": "x = 1\n# notes", "metadata": {}},
    ],
}  # fmt: skip


def test_the_secret_scan_cache_gives_the_scans_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(secret_scan, "_SEEN", {})
    truth = scan_notebook(NOTEBOOK)
    assert [(f.cell, f.where, f.line) for f in truth] == [(0, "source", 1), (0, "output", 2)]
    cache = tmp_path / "cache" / "secrets" / "nb.json"
    monkeypatch.setattr(secret_scan, "_SEEN", {})
    assert scan_notebook(NOTEBOOK, cache) == truth
    assert json.loads(cache.read_text())["scanner"] == secret_scan.scanner()
    scans = []
    real = secret_scan._scan
    monkeypatch.setattr(secret_scan, "_scan", lambda texts: scans.append(texts) or real(texts))
    monkeypatch.setattr(secret_scan, "_SEEN", {})  # as in a fresh process
    assert scan_notebook(NOTEBOOK, cache) == truth and scans == []
    changed = json.loads(json.dumps(NOTEBOOK))
    changed["cells"][1]["source"] = 'password = "another-secret-value"'
    found = scan_notebook(changed, cache)
    assert len(scans) == 1 and len(scans[0]) == 1  # only the changed text
    assert (1, "source", 1) in [(f.cell, f.where, f.line) for f in found]
    damaged = [
        b"\x00garbage",
        b"[]",
        json.dumps({"scanner": "detect-secrets 0.0", "texts": {}}).encode(),
        json.dumps({"scanner": secret_scan.scanner(), "texts": {"a": [[0, "x"]]}}).encode(),
        json.dumps({"scanner": secret_scan.scanner(), "texts": {"a": [["1", "x"]]}}).encode(),
    ]
    for text in damaged:
        cache.write_bytes(text)
        monkeypatch.setattr(secret_scan, "_SEEN", {})
        assert scan_notebook(NOTEBOOK, cache) == truth, text
        assert json.loads(cache.read_text())["scanner"] == secret_scan.scanner()


def test_a_planted_cache_entry_is_for_other_text_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is keyed on each text's digest: an entry for one text never answers for
    another, so the check of a changed notebook scans the change."""
    cache = tmp_path / "nb.json"
    cache.write_text(json.dumps({"scanner": secret_scan.scanner(), "texts": {"0" * 64: []}}))
    monkeypatch.setattr(secret_scan, "_SEEN", {})
    assert len(scan_notebook(NOTEBOOK, cache)) == 2


def test_the_check_keeps_its_cache_in_the_projects_cache_folder(ready: Project) -> None:
    from jupyterlab_mlops.checklists.evaluate import check_notebook

    report = check_notebook(ready, ready.root / "train.ipynb")
    item = next(r for r in report.results if r.item.check.name == "no_secrets")
    assert item.outcome.passed
    path = cache_file(ready, "train.ipynb")
    assert path.parent == ready.mlops_dir / "cache" / "secrets" and path.is_file()
