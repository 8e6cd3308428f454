"""The ipywidgets what-if view: its controls drive the core and the core's changes move its
controls, user text stays text, ranges come from the registered data the kernel read, and in
a real kernel the view and its static snapshot are what the notebook keeps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from jupyterlab_mlops import data
from jupyterlab_mlops.explanations.whatif import WhatIf
from jupyterlab_mlops.project import Project, find_project
from jupyterlab_mlops.widgets import WhatIfWidget, whatif

from .helpers import ACTOR, git_project, make_notebook
from .helpers.lab_kernel import run_all_cells

HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def trained() -> tuple[object, pd.DataFrame]:
    rng = np.random.default_rng(3)
    X = pd.DataFrame(
        {
            "x1": rng.uniform(0, 1, 400),
            "x2": rng.normal(size=400),
            "count": rng.integers(0, 10, 400),
            "kind": rng.choice(["plain", HOSTILE], 400),
        }
    )
    X.loc[X.index[:10], "x2"] = np.nan
    y = (X["x1"] > 0.4).astype(int)
    model = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(), ["kind"]), (SimpleImputer(add_indicator=True), ["x1", "x2", "count"])
        ),
        LogisticRegression(C=100, max_iter=1000),
    ).fit(X, y)
    return model, X


def view(w: WhatIfWidget, name: str):
    return w._inputs[name]


def test_moving_a_control_changes_the_prediction_and_scripts_move_the_controls(trained) -> None:
    model, X = trained
    row = X.index[X["x1"] < 0.2][0]
    w = WhatIfWidget(WhatIf(model, X, row))
    slider, _ = view(w, "x1")
    assert type(slider).__name__ == "FloatSlider" and not slider.continuous_update
    assert type(view(w, "count")[0]).__name__ == "IntSlider"
    shown = w._prediction.value
    slider.value = 0.9  # what the browser does when the slider is released
    assert w.values["x1"] == 0.9 and w.prediction > 0.5
    assert w._prediction.value != shown and "at or above the threshold 0.5" in w._prediction.value
    dropdown, _ = view(w, "kind")
    other = next(i for i, o in enumerate(w.controls[3].options) if o != w.values["kind"])
    dropdown.value = other
    assert w.values["kind"] == w.controls[3].options[other]
    # scripted use moves the controls, widening a slider for a value beyond its range
    w.update(x1=1.7, x2=None)
    assert slider.value == 1.7 and slider.max == 1.7
    x2, missing = view(w, "x2")
    assert missing is not None and missing.value is True and w.values["x2"] is None
    assert x2.disabled  # a missing value has no slider position
    missing.value = False  # the slider's value again
    assert w.values["x2"] == x2.value and not x2.disabled
    missing.value = True
    assert w.values["x2"] is None and x2.disabled
    w.reset()
    assert slider.value == pytest.approx(w.original["x1"]) and w.values == w.original


def test_the_flip_button_shows_a_counterfactual_that_can_be_applied(trained) -> None:
    model, X = trained
    w = WhatIfWidget(WhatIf(model, X, X.index[X["x1"] < 0.2][0]))
    assert w._apply_button.disabled
    w._flip_button.click()
    assert "<b>Counterfactual</b> (not an observed row)" in w._flip.value
    assert not w._apply_button.disabled
    w._apply_button.click()
    assert w.prediction >= 0.5 and view(w, "x1")[0].value == w.values["x1"]
    assert "(applied: these are the values shown)" in w._flip.value and w._apply_button.disabled
    w.update(count=1)
    assert w._apply_button.disabled and "found for earlier values" in w._flip.value
    with pytest.raises(Exception, match="changed since the flip was found"):
        w.apply_flip()


def test_a_bad_value_from_a_control_is_shown_in_the_view_not_raised(trained) -> None:
    model, X = trained
    w = WhatIfWidget(WhatIf(model, X, 0))
    w._act(lambda: w.update(x1="high"))
    assert "x1 takes a number" in w._status.value
    assert w.values == w.original


def test_user_text_is_escaped_in_the_view_and_in_the_snapshot(trained) -> None:
    model, X = trained
    row = X.index[X["kind"] == HOSTILE][0]
    w = WhatIfWidget(WhatIf(model, X, row))
    html = w.static_html() + w._attributions.value + w._prediction.value
    assert HOSTILE not in html and "&lt;img src=x" in html
    bundle = w._repr_mimebundle_()
    assert {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"} <= set(bundle)
    assert HOSTILE not in bundle["text/html"]
    labels = [label for label, _ in view(w, "kind")[0].options]
    assert HOSTILE in labels  # a dropdown shows its options as text, never as HTML


@pytest.mark.slow  # DVC registers the data
def test_whatif_takes_ranges_from_the_registered_data_read_and_saves_a_scenario(
    tmp_path: Path, mlops
) -> None:
    from jupyterlab_mlops.data.register import register_data

    project: Project = find_project(git_project(tmp_path / "credit", rows=300, seed=2))
    register_data(project, project.root / "data" / "applications.csv", actor=ACTOR)
    data.accessed(clear=True)
    try:
        frame = pd.read_csv(data.path("applications", start=project.root))
        columns = ["annual_income", "loan_amount", "num_delinquencies", "home_ownership"]
        X, y = frame[columns], frame["default"]
        model = make_pipeline(
            make_column_transformer(
                (OneHotEncoder(handle_unknown="ignore"), ["home_ownership"]),
                remainder="passthrough",
            ),
            LogisticRegression(max_iter=2000),
        ).fit(X, y)
        notebook = make_notebook(project.root / "train.ipynb", ["x = 1"])
        w = whatif(model, X, row=5)
        w._notebook = notebook  # in a kernel: the kernel's notebook
        income = {c.name: c for c in w.controls}["annual_income"]
        assert income.source.startswith("p01-p99 of the registered profile of applications v1")
        w.update(annual_income=income.high)
        entry = w.save_scenario("income at its 99th percentile")
        assert entry.links == (f"entry:{data.accessed()[0]['entry']}",)
        assert entry.notebook["path"] == "train.ipynb" and entry.actor == ACTOR
        assert entry.short_id in w._status.value
        done = mlops("verify", cwd=project.root)
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        data.accessed(clear=True)
    # data read elsewhere (or none): ranges from X
    other = whatif(model, X, row=5)
    assert "percentile of X" in {c.name: c for c in other.controls}["annual_income"].source


@pytest.mark.slow
def test_in_a_kernel_the_notebook_keeps_the_view_and_the_last_state(project: Project) -> None:
    notebook = make_notebook(
        project.root / "whatif.ipynb",
        [
            "import numpy as np, pandas as pd\n"
            "from sklearn.linear_model import LogisticRegression\n"
            "import jupyterlab_mlops\n"
            "rng = np.random.default_rng(0)\n"
            "X = pd.DataFrame({'x1': rng.uniform(0, 1, 300), 'x2': rng.normal(size=300)})\n"
            "model = LogisticRegression().fit(X, (X.x1 > 0.5).astype(int))",
            "w = jupyterlab_mlops.whatif(model, X, row=0)\nw",
            "w.update(x1=0.95)\nentry = w.save_scenario('seen in a kernel')\nprint(entry.short_id)",
            "%load_ext jupyterlab_mlops",
            "%mlops whatif model X --row 7 --threshold 0.3",
        ],
    )
    nb = run_all_cells(notebook)
    outputs = nb.cells[1].outputs
    assert [o.output_type for o in outputs] == ["display_data", "display_data"]
    assert "application/vnd.jupyter.widget-view+json" in outputs[0].data
    assert outputs[0].data["text/plain"].startswith("What-if view of row 0: live while")
    assert "What-if" in outputs[1].data["text/html"]  # the static snapshot
    assert "jp-mlops-whatif-static" in outputs[1].data["text/html"]
    short_id = nb.cells[2].outputs[-1].text.strip()
    entry = json.loads(project.ledger_path.read_text().splitlines()[-1])
    assert entry["hash"].startswith(short_id) and entry["kind"] == "whatif.saved"
    assert entry["notebook"]["path"] == "whatif.ipynb"  # bound to the kernel's notebook
    assert entry["payload"]["changed"]["x1"]["to"] == 0.95
    magic = nb.cells[4].outputs  # the magic shows the same view
    assert [o.output_type for o in magic] == ["display_data", "display_data"]
    assert "What-if view of row 7" in magic[0].data["text/plain"]
    assert "threshold 0.3" in magic[1].data["text/html"]
