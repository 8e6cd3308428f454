"""The what-if view in real JupyterLab and Chromium, with the widget manager ipywidgets ships:
dragging a slider and picking a category change the prediction, the nearest flip and a saved
scenario show up in the view, and the saved notebook shows the last state without a kernel."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from jupyterlab_mlops.project import find_project, init_project

from ..helpers import ACTOR, make_notebook
from .conftest import ARTIFACTS
from .jlab import code_cell, open_notebook, save_notebook, wait_for_idle_kernels

pytestmark = [pytest.mark.browser, pytest.mark.slow]
HOSTILE = '<img src=x onerror="window.__pwned=1">'

SETUP = f"""import numpy as np, pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
import jupyterlab_mlops

rng = np.random.default_rng(0)
X = pd.DataFrame({{
    "debt_to_income": rng.uniform(0, 1, 500),
    "annual_income": rng.integers(10_000, 120_000, 500),
    "home_ownership": rng.choice(["rent", "own", {HOSTILE!r}], 500),
}})
y = ((X.debt_to_income > 0.4) | (X.home_ownership == "rent")).astype(int)
model = make_pipeline(
    make_column_transformer((OneHotEncoder(), ["home_ownership"]), remainder="passthrough"),
    LogisticRegression(C=100, max_iter=1000),
).fit(X, y)
row = X.index[(X.debt_to_income < 0.2) & (X.home_ownership == "own")][0]"""


def run_cell_surely(page: Page, text: str) -> None:
    """Run a cell, pressing Shift+Enter again if the first press did not reach the kernel (in
    a notebook just opened, the first press sometimes only selects the next cell)."""
    cell = code_cell(page, text)
    prompt = cell.locator(".jp-InputPrompt")
    for _ in range(3):
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        try:
            expect(prompt).not_to_have_text(re.compile(r"^\[ \]:?$"), timeout=10_000)
            break
        except AssertionError:
            continue
    expect(prompt).to_have_text(re.compile(r"\[\d+\]"), timeout=60_000)


def prediction(page: Page) -> str:
    return page.locator(".jp-mlops-whatif .jp-mlops-whatif-value").inner_text()


def test_moving_a_what_if_control_changes_the_prediction(
    start_lab, page: Page, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    init_project(root, name="credit", template="classification", risk_tier="high", actor=ACTOR)
    make_notebook(
        root / "whatif.ipynb", [SETUP, "w = jupyterlab_mlops.whatif(model, X, row=row)\nw"]
    )
    lab = start_lab(root)
    open_notebook(page, lab, "whatif.ipynb")
    run_cell_surely(page, "import numpy as np")
    run_cell_surely(page, "w = jupyterlab_mlops.whatif(")
    view = page.locator(".jp-mlops-whatif")
    expect(view).to_be_visible(timeout=60_000)
    expect(view.locator(".jp-mlops-whatif-prediction")).to_contain_text("below the threshold")
    # the static snapshot is in the output, hidden while the live view is shown
    assert page.locator(".jp-mlops-whatif-static").count() == 1
    expect(page.locator(".jp-mlops-whatif-static")).to_be_hidden()

    # drag the debt-to-income slider to the right (the value is sent when it is released)
    before = prediction(page)
    slider = view.locator(".widget-slider").filter(has_text="debt_to_income")
    handle = slider.locator(".noUi-handle")
    track = slider.locator(".noUi-target").bounding_box()
    box = handle.bounding_box()
    assert box is not None and track is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] * 0.8, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    expect(view.locator(".jp-mlops-whatif-value")).not_to_have_text(before, timeout=20_000)
    expect(view.locator(".jp-mlops-whatif-prediction")).to_contain_text("at or above")
    expect(view.locator(".jp-mlops-whatif-prediction")).to_contain_text("changed: debt_to_income")
    assert float(prediction(page)) > float(before)

    # back to the row; pick a category in a dropdown (the hostile one is text, never run)
    view.get_by_role("button", name="Reset").click()
    expect(view.locator(".jp-mlops-whatif-value")).to_have_text(before, timeout=20_000)
    view.locator("select").select_option(label="rent")
    expect(view.locator(".jp-mlops-whatif-value")).not_to_have_text(before, timeout=20_000)
    expect(view.locator(".jp-mlops-whatif-prediction")).to_contain_text("changed: home_ownership")
    options = [t.replace("\xa0", " ") for t in view.locator("select option").all_inner_texts()]
    assert HOSTILE in options  # (ipywidgets shows spaces in options as no-break spaces)
    assert page.evaluate("window.__pwned") is None

    # back to the row, then the nearest flip, shown as a counterfactual, and applied
    view.get_by_role("button", name="Reset").click()
    expect(view.locator(".jp-mlops-whatif-value")).to_have_text(before, timeout=20_000)
    view.get_by_role("button", name="Nearest flip").click()
    expect(view.locator(".jp-mlops-whatif-flip")).to_contain_text(
        "Counterfactual (not an observed row)", timeout=20_000
    )
    view.get_by_role("button", name="Apply flip").click()
    expect(view.locator(".jp-mlops-whatif-prediction")).to_contain_text("at or above")
    expect(view.locator(".jp-mlops-whatif-flip")).to_contain_text("(applied")
    flipped = prediction(page)

    # save the scenario: a ledger entry bound to this notebook
    view.locator("input[type='text']").fill("the smallest change that refers this application")
    view.get_by_role("button", name="Save scenario").click()
    saved = view.locator(".jp-mlops-whatif-saved")
    expect(saved).to_contain_text("scenario saved: ledger entry", timeout=20_000)
    entry = json.loads(find_project(root).ledger_path.read_text().splitlines()[-1])
    assert entry["kind"] == "whatif.saved" and entry["notebook"]["path"] == "whatif.ipynb"
    assert entry["hash"].startswith(saved.inner_text().split()[-1])
    assert entry["payload"]["flip"]["kind"] == "counterfactual"
    assert entry["payload"]["note"] == "the smallest change that refers this application"

    ARTIFACTS.mkdir(exist_ok=True)
    view.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "whatif-light.png"))
    view.screenshot(path=str(ARTIFACTS / "whatif-light-view.png"))

    # the saved notebook holds the last state as a static table, shown when no kernel has it
    save_notebook(page)
    outputs = json.loads((root / "whatif.ipynb").read_text())["cells"][1]["outputs"]
    static = "".join(outputs[-1]["data"]["text/html"])
    assert re.search(rf">{re.escape(flipped)}</b>", static)
    for kernel in page.request.get(lab.page_url("api/kernels")).json():
        page.request.delete(lab.page_url(f"api/kernels/{kernel['id']}"))
    page.reload()
    expect(page.locator(".jp-Notebook .jp-CodeCell").first).to_be_visible(timeout=60_000)
    wait_for_idle_kernels(page)
    snapshot = page.locator(".jp-mlops-whatif-static")
    expect(snapshot).to_be_visible(timeout=30_000)
    expect(snapshot.locator(".jp-mlops-whatif-value")).to_have_text(flipped)
    snapshot.scroll_into_view_if_needed()
    snapshot.screenshot(path=str(ARTIFACTS / "whatif-light-saved.png"))
    page.screenshot(path=str(ARTIFACTS / "whatif-light-reopened.png"))
