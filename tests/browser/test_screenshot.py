"""The README's screenshot: the panel on the example notebook after Run All, in real JupyterLab.

The test writes ``test-artifacts/readme-panel.png``; ``make screenshot`` runs it and copies the
image to ``docs/images/panel.png``, the one the README shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ..helpers.lab_kernel import run_all_cells
from .conftest import ARTIFACTS
from .jlab import code_cell, copy_example, open_notebook, open_panel, save_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOT = ARTIFACTS / "readme-panel.png"


def test_the_panel_on_the_example_after_run_all(start_lab, page: Page, tmp_path: Path) -> None:
    root = tmp_path / "root"
    example = copy_example(root, single_user=True)  # as `make lab` sets it up
    # Run ▸ Run All Cells and save, as the README's tour does (the kernel acts as the lab user)
    run_all_cells(example / "train.ipynb", env={"MLOPS_USER": "Grace Hopper <grace@example.com>"})
    lab = start_lab(root)
    open_notebook(page, lab, "credit-risk/train.ipynb")
    panel = open_panel(page)
    # draft: the fairness item fails on the age bands until a risk reviewer waives it
    expect(panel.locator(".jp-mlops-stage")).to_have_text("draft", timeout=30_000)
    expect(panel.locator('.jp-mlops-item[data-item-id="fairness"]')).to_have_attribute(
        "data-status", "fail"
    )
    expect(panel.locator('.jp-mlops-item[data-item-id="run-logged"]')).to_have_attribute(
        "data-status", "pass"
    )
    expect(panel.locator(".jp-mlops-checklist")).to_be_visible()
    # the notebook at its training cell, the file browser folded away
    page.locator('.jp-SideBar.jp-mod-left li[data-id="filebrowser"]').click()
    expect(page.locator("#filebrowser")).to_be_hidden()
    save_notebook(page)  # JupyterLab adds the kernel's language_info: no unsaved mark
    widen_right_sidebar(page, by=160)
    code_cell(page, '%mlops decide "Use gradient boosting').evaluate(
        "cell => cell.scrollIntoView({block: 'start'})"
    )
    page.wait_for_timeout(1_000)  # let the last refresh, the scroll and the fonts settle
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOT))
    assert SHOT.stat().st_size > 20_000


def widen_right_sidebar(page: Page, *, by: int) -> None:
    """Drag the handle between the notebook and the panel ``by`` pixels to the left."""
    handle = page.locator("#jp-main-split-panel > .lm-SplitPanel-handle:not(.lm-mod-hidden)").last
    box = handle.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - by, y, steps=5)
    page.mouse.up()
