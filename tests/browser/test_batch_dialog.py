"""Run an approved notebook as a batch job from JupyterLab, in real JupyterLab and Chromium:
the dialog from the command palette, the server's refusal of a value shown under its input,
then the job followed in the panel to its executed notebook."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from jupyterlab_mlops.batch.run import BATCH_RUN
from jupyterlab_mlops.project import find_project

from ..helpers.batch import approved_project
from .jlab import open_notebook, open_panel
from .test_readiness import run_from_palette, shot, shot_panel

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_run_a_batch_job_from_the_dialog_and_see_it_finish(
    start_lab, page: Page, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    project, _ = approved_project(root, rows=100)
    lab = start_lab(root)
    open_notebook(page, lab, "credit/score.ipynb")
    panel = open_panel(page)
    expect(panel.get_by_role("button", name="Run as batch job")).to_be_visible(timeout=30_000)

    form = page.locator(".jp-Dialog [data-testid='mlops-batch-form']")
    run_from_palette(page, "Run as Batch Job", until=form)
    threshold = form.get_by_label("threshold")
    expect(threshold).to_have_value("0.5")
    expect(threshold).to_have_attribute("type", "number")
    threshold.fill("2")  # outside its declared range 0..1
    form.get_by_label("label").fill("from the dialog")
    form.get_by_role("button", name="Run the batch job").click()
    error = form.locator("[data-parameter='threshold'] [role='alert']")
    expect(error).to_contain_text("outside its range 0..1", timeout=20_000)
    expect(threshold).to_have_attribute("aria-invalid", "true")
    shot(page.locator(".jp-Dialog-content"), "batch-dialog-refused.png")
    assert find_project(project.root).ledger.entries(BATCH_RUN) == []  # nothing ran

    threshold.fill("0.25")
    expect(error).to_have_count(0)
    threshold.press("Enter")  # submits the form; the dialog closes and the panel follows
    expect(form).to_have_count(0, timeout=20_000)
    job = panel.locator(".jp-mlops-batch-job").first
    expect(job).to_have_attribute("data-status", re.compile("queued|running|succeeded"))
    expect(job).to_have_attribute("data-status", "succeeded", timeout=120_000)
    expect(job.locator(".jp-mlops-batch-status")).to_contain_text("succeeded in")
    expect(job.get_by_role("link", name="MLflow run")).to_have_attribute(
        "href", re.compile(r"/#/experiments/\d+/runs/[0-9a-f]+$")
    )
    expect(panel).to_contain_text("batch run succeeded", timeout=20_000)  # refreshed: timeline
    job.scroll_into_view_if_needed()
    shot_panel(page, "batch-job-succeeded.png")

    (entry,) = find_project(project.root).ledger.entries(BATCH_RUN)
    assert entry.payload["status"] == "succeeded"
    assert entry.payload["parameters"] == {"threshold": 0.25, "label": "from the dialog"}
    result = json.loads((project.root / "result-3.json").read_text())
    assert result["threshold"] == 0.25 and result["label"] == "from the dialog"
    executed = Path(entry.payload["output"]).name
    job.get_by_role("button", name="Open the executed notebook").click()
    expect(page.locator(".lm-TabBar-tab", has_text=executed)).to_be_visible(timeout=30_000)
