"""The champion beside its challenger in the panel, in real JupyterLab and Chromium at the
default sidebar width: after retraining on new data, the approved bundle stays in production
and the new one awaits its sign-offs. Screenshot: ``test-artifacts/champion-challenger.png``."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from jupyterlab_mlops.approvals import sign_off

from ..helpers import ACTOR
from ..test_retrain import challenge
from .conftest import ARTIFACTS
from .jlab import open_notebook, open_panel, ready_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_panel_shows_the_champion_beside_its_challenger(
    start_lab, page: Page, tmp_path: Path
) -> None:
    project = ready_project(tmp_path / "root" / "credit")  # single-user: one person, every role
    notebook = project.root / "train.ipynb"
    for role in ("business", "risk", "it-ops"):
        sign_off(project, notebook, role=role, actor=ACTOR, decision="approve")
    challenge(project, seed=5)  # new data and a run on it: a bundle awaiting sign-off

    lab = start_lab(tmp_path / "root")
    open_notebook(page, lab, "credit/train.ipynb")
    panel = open_panel(page)
    production = panel.get_by_test_id("mlops-production")
    expect(production).to_be_visible(timeout=30_000)
    expect(production).to_have_attribute("aria-label", "Champion and challenger")
    expect(production.locator("th[scope=col]")).to_have_text(["Champion", "Challenger"])
    expect(production.locator('tr[data-row="state"] td').first).to_have_text("in production")
    expect(panel.get_by_test_id("mlops-challenger-awaiting")).to_contain_text("awaiting")
    box = production.bounding_box()
    assert box is not None and box["width"] <= 250  # fits the default sidebar, no overflow
    assert production.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    production.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".jp-mlops-sidebar").screenshot(path=str(ARTIFACTS / "champion-challenger.png"))
