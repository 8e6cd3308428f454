"""An approved notebook in a real project (git, registered data, a training run, a sign-off),
for the batch tests."""

from __future__ import annotations

from pathlib import Path

from jupyterlab_mlops import data
from jupyterlab_mlops.approvals import approval_status, sign_off
from jupyterlab_mlops.config import dump_config
from jupyterlab_mlops.data.register import register_data
from jupyterlab_mlops.experiments import runs
from jupyterlab_mlops.project import Project, find_project

from . import ACTOR, git_project, make_notebook

BUSINESS = "Bo <bo@example.com>"
PARAMETERS = 'n = 3\nthreshold = 0.5  # range: 0..1\nlabel = "base"'
#: fails for n < 0; reads the registered data; writes what it was given to result-N.json
CODE = """import json, pathlib
import pandas as pd
from jupyterlab_mlops import data
if n < 0:
    raise ValueError("n must be at least 0")
frame = pd.read_csv(data.path("applications"))
pathlib.Path(f"result-{n}.json").write_text(json.dumps({"n": n, "threshold": threshold, "label": label, "rows": len(frame)}))"""


def approved_project(base: Path, rows: int = 300, seed: int = 3) -> tuple[Project, Path]:
    """A minimal-tier project whose notebook ``score.ipynb`` is approved by its business owner."""
    root = git_project(base / "credit", rows=rows, seed=seed)
    project = find_project(root)
    config = project.config.model_copy(
        update={"risk_tier": "minimal", "roles": {"business": [BUSINESS]}}
    )
    (project.mlops_dir / "config").write_text(dump_config(config))
    project = find_project(root)
    notebook = make_notebook(root / "score.ipynb", [PARAMETERS, CODE], tags={0: ["parameters"]})
    register_data(project, root / "data" / "applications.csv", actor=ACTOR)
    data.path("applications", start=project.root)
    with runs.run("training", project=project, notebook=notebook) as run:
        run.log(test_roc_auc=0.8)
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="approve", comment="ok")
    assert approval_status(notebook, project).may_run
    return project, notebook
