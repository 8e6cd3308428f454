"""Sign-offs bound to the exact bundle: staleness, separation of duties, anonymous refusal, and
``approval_status`` as the one answer to "may this notebook run in production?"."""

from __future__ import annotations

import random
from pathlib import Path

import nbformat
import pytest

import jupyterlab_mlops
from jupyterlab_mlops.approvals import approval_status, sign_off
from jupyterlab_mlops.checklists.bundle import current_bundle
from jupyterlab_mlops.checklists.evaluate import check_notebook
from jupyterlab_mlops.config import dump_config
from jupyterlab_mlops.decisions import record_decision
from jupyterlab_mlops.errors import ForbiddenError, MlopsError
from jupyterlab_mlops.project import Project, find_project

from .helpers import ACTOR, make_notebook
from .helpers.ready import ready_project

BUSINESS, RISK, OPS = "Bo <bo@example.com>", "Rita <rita@example.com>", "Ian <ian@example.com>"
SOURCES = ["seed = 7\nthreshold = 0.2", "import math", "x = math.pi"]


def configure(project: Project, **changes) -> Project:
    config = project.config.model_copy(update=changes)
    (project.mlops_dir / "config").write_text(dump_config(config))
    return find_project(project.root)


@pytest.fixture
def ready(tmp_path: Path) -> Project:
    """A high-risk project whose notebook passes every item but the sign-offs."""
    project = ready_project(tmp_path, SOURCES)
    return configure(
        project, roles={"business": [BUSINESS], "risk": [RISK, ACTOR], "it-ops": [OPS]}
    )


def approve_all(project: Project) -> None:
    notebook = project.root / "train.ipynb"
    for role, who in (("business", BUSINESS), ("risk", RISK), ("it-ops", OPS)):
        sign_off(project, notebook, role=role, actor=who, decision="approve", comment="ok")


def test_every_required_role_signs_the_exact_version(ready: Project) -> None:
    notebook = ready.root / "train.ipynb"
    status = approval_status(notebook)
    assert (
        not status.may_run
        and status.blocking == []
        and status.required == ["business", "risk", "it-ops"]
    )
    approve_all(ready)
    status = jupyterlab_mlops.approval_status(notebook)
    assert status.may_run and status.approved_roles == ["business", "risk", "it-ops"]
    assert check_notebook(ready, notebook).stage == "approved"
    # an outputs-only change keeps the approval
    saved = nbformat.read(notebook, as_version=4)
    saved.cells[2].outputs = [nbformat.v4.new_output("stream", text="3.14\n")]
    saved.cells[2].execution_count = 9
    nbformat.write(saved, notebook)
    assert approval_status(notebook).may_run
    # a code change makes every approval stale
    saved.cells[2].source = "x = math.tau"
    nbformat.write(saved, notebook)
    status = approval_status(notebook)
    assert not status.may_run and "the notebook's code" in status.stale_because
    assert "the risk sign-off is stale" in status.problems()
    assert check_notebook(ready, notebook).stage != "approved"


def test_a_new_data_version_or_parameter_makes_approvals_stale(ready: Project) -> None:
    notebook = ready.root / "train.ipynb"
    approve_all(ready)
    before = current_bundle(ready, notebook)
    make_notebook(
        notebook, ["seed = 7\nthreshold = 0.2\nextra = 'x'", *SOURCES[1:]], tags={0: ["parameters"]}
    )
    after = current_bundle(ready, notebook)
    assert after.parameters == {"seed": "int", "threshold": "float", "extra": "str"}
    assert after.digest != before.digest and "the parameter schema" in after.changes_from(
        before.to_json()
    )
    assert not approval_status(notebook).may_run


def test_refusals_revocations_and_who_may_sign(ready: Project) -> None:
    notebook = ready.root / "train.ipynb"
    with pytest.raises(ForbiddenError, match="may not sign off as business"):
        sign_off(ready, notebook, role="business", actor=OPS, decision="approve")
    with pytest.raises(ForbiddenError, match=r"cannot sign as risk .independent review"):
        sign_off(ready, notebook, role="risk", actor=ACTOR, decision="approve")  # the author
    with pytest.raises(MlopsError, match="refusal needs its reason"):
        sign_off(ready, notebook, role="risk", actor=RISK, decision="refuse")
    with pytest.raises(MlopsError, match="unknown role"):
        sign_off(ready, notebook, role="ceo", actor=RISK, decision="approve")
    approve_all(ready)
    sign_off(
        ready, notebook, role="risk", actor=RISK, decision="refuse", comment="threshold too low"
    )
    status = approval_status(notebook)
    assert not status.may_run
    assert "risk refused by Rita: threshold too low" in status.problems()
    sign_off(ready, notebook, role="risk", actor=RISK, decision="approve")
    assert approval_status(notebook).may_run
    sign_off(ready, notebook, role="it-ops", actor=OPS, decision="revoke", comment="moving hosts")
    assert "no it-ops sign-off" in approval_status(notebook).problems()
    # at the limited tier the author may sign as risk (no independence required there)
    limited = configure(ready, risk_tier="limited")
    sign_off(limited, notebook, role="risk", actor=ACTOR, decision="approve")


def test_anonymous_identities_and_single_user_mode(ready: Project) -> None:
    notebook = ready.root / "train.ipynb"
    with pytest.raises(ForbiddenError, match="anonymous to Jupyter"):
        sign_off(ready, notebook, role="business", actor="Anonymous Ananke", decision="approve")
    single = configure(
        ready, allow_anonymous=True, roles={"business": [], "risk": [], "it-ops": []}
    )
    for role in ("business", "risk", "it-ops"):
        entry = sign_off(single, notebook, role=role, actor="Anonymous Ananke", decision="approve")
        assert entry.payload["single_user"] is True
    assert approval_status(notebook, single).may_run


def test_approving_a_notebook_that_fails_its_checklist_is_refused(ready: Project) -> None:
    (ready.root / "requirements.txt").unlink()
    with pytest.raises(ForbiddenError, match="environment-pinned"):
        sign_off(
            ready, ready.root / "train.ipynb", role="business", actor=BUSINESS, decision="approve"
        )
    assert approval_status(ready.root / "train.ipynb").blocking == ["environment-pinned"]


def _mutate(nb: nbformat.NotebookNode, rng: random.Random) -> str:
    """One random change to the code cells; returns what it did."""
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    kind = rng.choice(["edit", "add", "delete", "split", "merge", "reorder", "tag"])
    i = rng.choice(code)
    cell = nb.cells[i]
    if kind == "edit":
        pos = rng.randrange(len(cell.source) + 1)
        cell.source = cell.source[:pos] + rng.choice("xyz0+ \n#") + cell.source[pos:]
    elif kind == "add":
        nb.cells.insert(
            rng.randrange(len(nb.cells) + 1), nbformat.v4.new_code_cell(f"v{rng.random()} = 1")
        )
    elif kind == "delete" and len(code) > 1:
        del nb.cells[i]
    elif kind == "split" and "\n" in cell.source:
        head, tail = cell.source.split("\n", 1)
        cell.source = head
        nb.cells.insert(i + 1, nbformat.v4.new_code_cell(tail))
    elif kind == "merge" and i + 1 < len(nb.cells) and nb.cells[i + 1].cell_type == "code":
        cell.source = cell.source + "\n" + nb.cells[i + 1].source
        del nb.cells[i + 1]
    elif kind == "reorder" and len(code) > 1:
        j = rng.choice([k for k in code if k != i])
        if nb.cells[i].source == nb.cells[j].source:
            nb.cells[i].source += "\n# different"
        nb.cells[i], nb.cells[j] = nb.cells[j], nb.cells[i]
    elif kind == "tag":
        tags = cell.metadata.setdefault("tags", [])
        if "parameters" in tags:
            tags.remove("parameters")
        else:
            tags.append("parameters")
    else:
        cell.source += "\n# changed"
    return kind


def test_any_code_change_invalidates_and_outputs_only_changes_never_do(ready: Project) -> None:
    notebook = ready.root / "train.ipynb"
    original = nbformat.read(notebook, as_version=4)
    base = current_bundle(ready, notebook).digest
    rng = random.Random(20261201)
    kinds = set()
    for _ in range(120):
        nb = nbformat.from_dict(original)
        kinds.add(_mutate(nb, rng))
        nbformat.write(nb, notebook)
        assert current_bundle(ready, notebook).digest != base
    assert kinds == {"edit", "add", "delete", "split", "merge", "reorder", "tag"}
    for round_ in range(60):
        nb = nbformat.from_dict(original)
        for cell in nb.cells:
            cell.outputs = [
                nbformat.v4.new_output("stream", text=f"{rng.random()}\n")
            ] * rng.randrange(3)
            cell.execution_count = rng.randrange(100) or None
            cell.metadata["collapsed"] = bool(round_ % 2)
        nbformat.write(nb, notebook)
        assert current_bundle(ready, notebook).digest == base


def test_the_cli(ready: Project, mlops) -> None:
    done = mlops("approve", "train.ipynb", "--role", "business", cwd=ready.root)
    assert done.returncode == 1 and "may not sign off as business" in done.stderr  # ACTOR
    import os
    import subprocess
    import sys

    env = {**os.environ, "MLOPS_USER": BUSINESS}
    ok = subprocess.run(
        [sys.executable, "-m", "jupyterlab_mlops.cli", "approve", "train.ipynb", "--role", "business", "--comment", "fine"],
        cwd=ready.root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0 and "business approved by Bo" in ok.stdout
    listed = mlops("approvals", "train.ipynb", cwd=ready.root)
    assert listed.returncode == 0 and "no risk sign-off" in listed.stdout


def test_waivers_are_recorded_shown_as_waived_and_never_as_passed(ready: Project, mlops) -> None:
    notebook = ready.root / "train.ipynb"
    (ready.root / "requirements.txt").unlink()
    from jupyterlab_mlops.checklists.evaluate import waive_item

    with pytest.raises(ForbiddenError, match="holds no sign-off role"):
        waive_item(
            ready, notebook, "environment-pinned", why="container image pins it", actor="Eve <e@x>"
        )
    with pytest.raises(MlopsError, match="cannot be waived"):
        waive_item(ready, notebook, "no-secrets", why="x", actor=RISK)
    with pytest.raises(MlopsError, match="nothing to waive"):
        waive_item(ready, notebook, "run-logged", why="x", actor=RISK)
    with pytest.raises(MlopsError, match="justification"):
        waive_item(ready, notebook, "environment-pinned", why=" ", actor=RISK)
    entry = waive_item(
        ready, notebook, "environment-pinned", why="the container image pins it", actor=RISK
    )
    report = check_notebook(ready, notebook)
    (pinned,) = [r for r in report.results if r.item.id == "environment-pinned"]
    assert pinned.status == "waived" and pinned.waiver == entry and not pinned.outcome.passed
    assert approval_status(notebook).blocking == []
    approve_all(ready)
    assert approval_status(notebook).may_run
    done = mlops("check", "train.ipynb", cwd=ready.root)
    shown = done.stdout + done.stderr
    assert "~ The project pins its environment" in shown and "WAIVED by Rita" in shown
    # the waiver is for this version only
    make_notebook(notebook, [*SOURCES, "y = 1"], tags={0: ["parameters"]})
    assert "environment-pinned" in approval_status(notebook).blocking


def test_findings_from_review_refusals_tiers_authors_and_roles(ready: Project) -> None:
    notebook = ready.root / "train.ipynb"
    carl = "Carl <carl@example.com>"
    project = configure(ready, roles={**ready.config.roles, "risk": [RISK, ACTOR, carl]})
    approve_all(project)
    sign_off(project, notebook, role="risk", actor=RISK, decision="refuse", comment="no")
    sign_off(project, notebook, role="risk", actor=carl, decision="approve")
    assert not approval_status(notebook).may_run  # Rita's refusal stands beside Carl's approval
    sign_off(project, notebook, role="risk", actor=RISK, decision="approve")
    assert approval_status(notebook).may_run
    # an approver who then works on the notebook no longer counts as independent
    record_decision(project, title="late", why="w", tags=["model"], actor=carl, notebook=notebook)
    record_decision(project, title="later", why="w", tags=["model"], actor=RISK, notebook=notebook)
    assert "does not count" in " ".join(approval_status(notebook).problems())
    # lowering the tier is a role holder's call and makes every approval stale
    from jupyterlab_mlops.checklists.configure import reconfigure

    with pytest.raises(ForbiddenError, match="holds no sign-off role"):
        reconfigure(project, actor="Eve <eve@example.com>", risk_tier="minimal")
    minimal = reconfigure(project, actor=BUSINESS, risk_tier="minimal")
    status = approval_status(notebook, minimal)
    assert (
        not status.may_run
        and "the checklist (template, risk tier or its items)" in status.stale_because
    )


def test_one_person_covers_one_required_role(ready: Project) -> None:
    notebook = ready.root / "train.ipynb"
    both = configure(ready, roles={"business": [OPS], "risk": [RISK], "it-ops": [OPS]})
    for role, who in (("business", OPS), ("risk", RISK), ("it-ops", OPS)):
        sign_off(both, notebook, role=role, actor=who, decision="approve")
    assert "signs another role" in " ".join(approval_status(notebook, both).problems())


def test_who_committed_the_notebook_in_git_is_an_author(ready: Project) -> None:
    import os
    import subprocess

    notebook = ready.root / "train.ipynb"
    env = {**os.environ, "GIT_AUTHOR_NAME": "Rita", "GIT_AUTHOR_EMAIL": "rita@example.com",
           "GIT_COMMITTER_NAME": "Rita", "GIT_COMMITTER_EMAIL": "rita@example.com"}  # fmt: skip
    subprocess.run(["git", "add", "train.ipynb"], cwd=ready.root, check=True)
    subprocess.run(["git", "commit", "-qm", "tune"], cwd=ready.root, env=env, check=True)
    with pytest.raises(ForbiddenError, match=r"Rita <rita@example.com> worked on train.ipynb"):
        sign_off(ready, notebook, role="risk", actor=RISK, decision="approve")
