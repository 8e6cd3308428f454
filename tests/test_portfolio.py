"""The risk manager's portfolio: flags each raised by a real action (a failing item, a review
request, a failed batch run, drift in a batch run, a stale approval after an edit), the funnel
and the roll-up;
the cache answers an unchanged project and never a changed one, whatever input changed."""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from jupyterlab_mlops.approvals import sign_off
from jupyterlab_mlops.batch.run import batch_run
from jupyterlab_mlops.config import dump_config
from jupyterlab_mlops.lifecycle import retire
from jupyterlab_mlops.portfolio import portfolio
from jupyterlab_mlops.portfolio_cache import SETTLE_NS, cache_path
from jupyterlab_mlops.project import Project, find_project, init_project
from jupyterlab_mlops.reviews import request_review

from .helpers import ACTOR, git, make_notebook
from .helpers.batch import BUSINESS, approved_project
from .helpers.data_fixtures import write_credit_csv


def only_row(root: Path) -> dict:
    (project,) = portfolio(root).projects
    (row,) = project["notebooks"]
    return row


def settle() -> None:
    """Let every input age past the window in which the cache does not trust a file's stat."""
    time.sleep(SETTLE_NS / 1e9 + 0.05)


def edit(notebook: Path, source: str) -> None:
    saved = nbformat.read(notebook, as_version=4)
    saved.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(saved, notebook)


def test_a_new_notebook_fails_items_and_the_funnel_counts_stages(tmp_path: Path) -> None:
    for name in ("alpha", "beta"):
        (tmp_path / name).mkdir()
        init_project(tmp_path / name, name=name, template="classification", risk_tier="high",
                     actor=ACTOR, context={"owner": "Olga", "sponsor": "Sam"})  # fmt: skip
        make_notebook(tmp_path / name / "train.ipynb", ["x = 1"])
    make_notebook(tmp_path / "alpha" / "explore.ipynb", ["y = 2"])
    found = portfolio(tmp_path).to_json()
    assert found["funnel"] == {"draft": 3, "ready for review": 0, "approved": 0,
                               "in production": 0, "retired": 0}  # fmt: skip
    alpha = found["projects"][0]
    assert alpha["context"] == {"owner": "Olga", "sponsor": "Sam"}
    assert alpha["flags"]["failing"] == 2 and alpha["flags"]["reviews"] == {}
    row = alpha["notebooks"][0]
    assert row["failing"] == len(row["failing_items"]) > 0 and "run-logged" in row["failing_items"]
    assert row["flags"] == ["failing"]  # documents never generated: the checklist says so
    assert row["batch"] is None and row["documentation"]["generated"] is None
    assert row["reviews"] == [] and found["limits"] == {"projects": 200, "notebooks": 2000}


@pytest.fixture
def approved(tmp_path: Path) -> tuple[Project, Path]:
    return approved_project(tmp_path, rows=600, seed=3)


def test_review_requests_batch_failure_drift_and_a_stale_approval_raise_flags(
    approved, tmp_path
) -> None:
    project, notebook = approved
    row = only_row(tmp_path)
    assert row["stage"] == "approved" and row["may_run"] is True
    assert not {"failing", "stale", "drift", "batch_failed", "review"} & set(row["flags"])

    asked = request_review(project, notebook, role="business", actor=ACTOR, comment="again?")
    (listed,) = portfolio(tmp_path).to_json()["projects"]
    (request,) = listed["notebooks"][0]["reviews"]
    assert request["role"] == "business" and request["id"] == asked.hash
    assert "review" in listed["notebooks"][0]["flags"] and listed["flags"]["reviews"] == {
        "business": 1
    }
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="approve")  # answers it
    row = only_row(tmp_path)
    assert row["reviews"] == [] and "review" not in row["flags"]

    failed = batch_run(project, notebook, {"n": -1}, actor=ACTOR)  # the notebook raises
    assert not failed.ok
    row = only_row(tmp_path)
    assert "batch_failed" in row["flags"] and row["batch"]["status"] == "failed"
    assert row["batch"]["id"] == failed.entry.hash and row["batch"]["drift"] == []

    csv = project.root / "data" / "applications.csv"
    original = csv.read_bytes()
    frame = pd.read_csv(write_credit_csv(csv, rows=600, seed=5))
    frame["annual_income"] *= 1.6
    frame.to_csv(csv, index=False)
    try:
        shifted = batch_run(project, notebook, {"n": 2}, actor=ACTOR)
    finally:
        csv.write_bytes(original)
    assert shifted.ok, shifted.entry.payload
    row = only_row(tmp_path)
    assert "drift" in row["flags"] and "batch_failed" not in row["flags"]
    (flagged,) = row["batch"]["drift"]
    assert flagged["dataset"] == "applications" and flagged["column"] == "annual_income"
    assert flagged["psi"] > 0.5 and row["batch"]["drift_threshold"] == 0.2
    assert row["stage"] == "in production"
    assert "annual_income" in row["needs_review"]["reason"]
    # the owner looks and approves again: the notebook no longer needs review
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="approve")
    row = only_row(tmp_path)
    assert row["needs_review"] is None and "drift" not in row["flags"]
    assert row["batch"]["drift"]  # the last batch run still shows what it flagged

    edit(notebook, "print('changed')")
    row = only_row(tmp_path)
    assert "stale" in row["flags"] and row["stale_because"] and row["may_run"] is False
    assert row["stage"] != "approved" and "failing" in row["flags"]
    (listed,) = portfolio(tmp_path).to_json()["projects"]
    assert listed["flags"]["stale"] == 1 and "drift" not in listed["flags"]


def test_the_cache_answers_an_unchanged_project_and_never_a_changed_one(approved, tmp_path):
    project, notebook = approved
    root = project.root
    git(root, "add", "-A")
    git(root, "commit", "-qm", "the project")

    def changed(change) -> dict:
        """Apply ``change``; the next answer is evaluated (and then kept) and is returned."""
        before = portfolio(tmp_path)
        assert (before.evaluated, before.cached) == (0, 1), "not cached before the change"
        change()
        settle()
        after = portfolio(tmp_path)
        assert (after.evaluated, after.cached) == (1, 0), "the change was not seen"
        return after.projects[0]["notebooks"][0] | {"project": after.projects[0]}

    settle()
    first = portfolio(tmp_path)
    assert first.evaluated == 1 and cache_path(root).is_file()
    again = portfolio(tmp_path)
    assert again.cached == 1 and again.to_json()["projects"] == first.to_json()["projects"]
    assert git(root, "check-ignore", ".mlops/cache/portfolio.json")  # never committed

    def override() -> None:
        folder = root / ".mlops" / "checklists"
        folder.mkdir()
        (folder / "classification.yaml").write_text(
            "items:\n  - id: pinned\n    title: Pinned environment\n    why: reproducible\n"
            "    check: {name: environment_pinned}\n    fix: pin it\n    gates: approval\n"
            "    tiers: [minimal, limited, high]\n"
        )

    assert "pinned" in changed(override)["failing_items"]  # a new template file
    row = changed(lambda: (root / "requirements.txt").write_text("pandas==2.2.3\n"))
    assert "pinned" not in row["failing_items"]  # a project file the checks read

    def facts() -> None:
        config = find_project(root).config
        update = {"context": config.context.model_copy(update={"owner": "Olga"})}
        (root / ".mlops" / "config").write_text(dump_config(config.model_copy(update=update)))

    assert changed(facts)["project"]["context"]["owner"] == "Olga"  # the config

    csv = root / "data" / "applications.csv"
    original = csv.read_bytes()
    row = changed(lambda: write_credit_csv(csv, rows=600, seed=9))  # the data it read
    assert "data-registered" in row["failing_items"]
    assert "data-registered" not in changed(lambda: csv.write_bytes(original))["failing_items"]

    assert "stale" in changed(lambda: edit(notebook, "print(1)"))["flags"]  # the notebook
    row = changed(lambda: retire(project, notebook, actor=BUSINESS, why="replaced"))
    assert row["stage"] == "retired" and row["flags"] == []  # the ledger; retired: no flags
    changed(lambda: git(root, "commit", "-qam", "edit"))  # git authors count for independence


def test_an_input_changed_just_now_is_not_kept_and_a_broken_cache_is_rebuilt(
    tmp_path: Path,
) -> None:
    (tmp_path / "p").mkdir()
    init_project(tmp_path / "p", name="p", template="classification", risk_tier="high", actor=ACTOR)
    notebook = make_notebook(tmp_path / "p" / "train.ipynb", ["x = 1"])
    assert portfolio(tmp_path).evaluated == 1
    assert portfolio(tmp_path).evaluated == 1  # too fresh to trust its stat: evaluated again
    settle()
    portfolio(tmp_path)
    assert portfolio(tmp_path).cached == 1
    cache_path(tmp_path / "p").write_text("{not json")
    assert portfolio(tmp_path).evaluated == 1
    stored = json.loads(cache_path(tmp_path / "p").read_text())
    assert list(stored["notebooks"]) == ["train.ipynb"] and notebook.exists()


def test_the_cache_is_written_without_fsync_and_a_torn_one_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is rebuildable, so saving it never waits for the disk; a crash that leaves it
    empty or cut short costs one evaluation, not a wrong answer."""
    import os

    (tmp_path / "p").mkdir()
    init_project(tmp_path / "p", name="p", template="classification", risk_tier="high", actor=ACTOR)
    make_notebook(tmp_path / "p" / "train.ipynb", ["x = 1"])
    portfolio(tmp_path)  # the project's first entries and read index are written first
    settle()
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    assert portfolio(tmp_path).evaluated == 1
    assert cache_path(tmp_path / "p").is_file() and synced == []
    whole = cache_path(tmp_path / "p").read_bytes()
    for torn in (b"", whole[: len(whole) // 2]):
        cache_path(tmp_path / "p").write_bytes(torn)
        assert portfolio(tmp_path).evaluated == 1
        assert cache_path(tmp_path / "p").read_bytes() == whole
        assert portfolio(tmp_path).cached == 1


def test_the_server_never_writes_its_cache_through_a_link_out_of_its_root(tmp_path: Path) -> None:
    from jupyterlab_mlops.confinement import confined_to

    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "p").mkdir(parents=True)
    outside.mkdir()
    init_project(root / "p", name="p", template="classification", risk_tier="high", actor=ACTOR)
    make_notebook(root / "p" / "train.ipynb", ["x = 1"])
    (root / "p" / ".mlops" / "cache").symlink_to(outside, target_is_directory=True)
    settle()
    for _ in range(2):
        found = confined_to(root, portfolio, root)
        assert found.evaluated == 1 and found.projects[0]["notebooks"][0]["stage"] == "draft"
    assert list(outside.iterdir()) == []  # nothing written there, and nothing read from it
    (root / "p" / ".mlops" / "cache").unlink()
    portfolio(root)  # the CLI keeps its own rows: the server does not take them
    assert portfolio(root).cached == 1 and confined_to(root, portfolio, root).evaluated == 1


@pytest.mark.parametrize(
    "damaged",
    [
        {"format": 1, "dirs": None},
        {"format": 1, "dirs": [], "skip": "batch-runs", "info": {}, "notebooks": {}},
        {
            "format": 1,
            "dirs": [],
            "skip": "batch-runs",
            "info": {"name": "a", "template": "llm", "risk_tier": "high", "context": {}},
            "notebooks": {"train.ipynb": {"key": 1, "data": [], "row": []}},
        },
    ],
)
def test_a_cache_of_the_wrong_shape_is_not_used(tmp_path: Path, damaged: dict) -> None:
    (tmp_path / "a").mkdir()
    init_project(tmp_path / "a", name="a", template="classification", risk_tier="high", actor=ACTOR)
    make_notebook(tmp_path / "a" / "train.ipynb", ["x = 1"])
    cache_path(tmp_path / "a").parent.mkdir(parents=True, exist_ok=True)
    cache_path(tmp_path / "a").write_text(json.dumps(damaged))
    row = only_row(tmp_path)
    assert row["stage"] == "draft" and row["error"] is None
