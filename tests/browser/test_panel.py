"""The side panel in real JupyterLab and Chromium: a decision recorded from a kernel shows up."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from jupyterlab_mlops.decisions import record_decision
from jupyterlab_mlops.project import find_project

from .conftest import ARTIFACTS
from .jlab import copy_example, open_notebook, open_panel, run_cell_containing

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DECISION = "Exclude direct identifiers and sensitive attributes from the features"
HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture
def example_root(tmp_path: Path) -> Path:
    """A copy of the example project, initialised as a user would."""
    root = tmp_path / "root"
    copy_example(root)
    return root


def test_decision_recorded_in_a_kernel_appears_in_the_panel(
    start_lab, page: Page, example_root: Path
) -> None:
    project = find_project(example_root / "credit-risk")
    notebook = project.root / "train.ipynb"
    record_decision(
        project, title=HOSTILE, why="user text is never HTML", actor="Mallory", notebook=notebook
    )
    lab = start_lab(example_root)
    open_notebook(page, lab, "credit-risk/train.ipynb")
    open_panel(page)

    panel = page.locator(".jp-mlops-panel")
    expect(panel.locator(".jp-mlops-project")).to_contain_text("credit-risk")
    expect(panel.locator(".jp-mlops-project")).to_contain_text("high")
    expect(panel.locator(".jp-mlops-fingerprint")).to_have_text(re.compile(r"[0-9a-f]{12}"))
    # hostile text is shown as text, never run as HTML
    expect(panel.locator(".jp-mlops-decision-title").first).to_have_text(HOSTILE)
    assert panel.locator("img[src='x']").count() == 0
    assert page.evaluate("window.__pwned") is None

    run_cell_containing(page, "%load_ext jupyterlab_mlops")
    run_cell_containing(page, f'%mlops decide "{DECISION}"')
    recorded = panel.locator(".jp-mlops-decision", has_text=DECISION)
    expect(recorded).to_be_visible(timeout=20_000)  # no reload: the panel refreshes itself
    expect(recorded).to_contain_text("Grace Hopper")
    expect(panel.locator(".jp-mlops-decision").first).to_contain_text(DECISION)  # newest first

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "panel-light.png"))
    panel.screenshot(path=str(ARTIFACTS / "panel-light-panel.png"))

    # the entry is bound to the notebook and to the very cell JupyterLab ran
    entry = json.loads(project.ledger_path.read_text().splitlines()[-1])
    cell_ids = [c["id"] for c in json.loads(notebook.read_text())["cells"]]
    assert (
        entry["payload"]["title"] == DECISION
        and entry["actor"] == "Grace Hopper <grace@example.com>"
    )
    assert entry["notebook"]["path"] == "train.ipynb"
    assert entry["payload"]["cell"]["id"] in cell_ids
    assert cell_ids.index(entry["payload"]["cell"]["id"]) == entry["payload"]["cell"]["index"]


def test_panel_follows_the_theme_and_the_active_notebook(
    start_lab, page: Page, example_root: Path, tmp_path: Path
) -> None:
    loose = example_root / "loose.ipynb"
    shutil.copy(example_root / "credit-risk" / "train.ipynb", loose)
    lab = start_lab(example_root, theme="JupyterLab Dark")
    open_notebook(page, lab, "credit-risk/train.ipynb")
    open_panel(page)
    panel = page.locator(".jp-mlops-panel")
    expect(panel.locator(".jp-mlops-project")).to_contain_text("credit-risk")
    dark_background = panel.evaluate(EFFECTIVE_BACKGROUND)
    dark_text = panel.evaluate("el => getComputedStyle(el).color")
    panel.screenshot(path=str(ARTIFACTS / "panel-dark-panel.png"))

    # another notebook, outside the project: the panel follows and says how to start one
    page.goto(lab.page_url("lab/tree/loose.ipynb"))
    open_panel(page)
    expect(panel.locator(".jp-mlops-empty")).to_contain_text("mlops init", timeout=30_000)

    # the same page in the light theme looks different
    settings = (
        tmp_path / "settings" / "@jupyterlab" / "apputils-extension" / "themes.jupyterlab-settings"
    )
    settings.write_text(json.dumps({"theme": "JupyterLab Light"}))
    open_notebook(page, lab, "credit-risk/train.ipynb")
    open_panel(page)
    expect(panel.locator(".jp-mlops-project")).to_contain_text("credit-risk")
    light_background = panel.evaluate(EFFECTIVE_BACKGROUND)
    light_text = panel.evaluate("el => getComputedStyle(el).color")
    assert (dark_background, dark_text) != (light_background, light_text)
    assert _luminance(dark_background) < _luminance(light_background)
    assert _luminance(dark_text) > _luminance(light_text)


# the colour behind the panel's text: its own background or the first opaque one behind it
EFFECTIVE_BACKGROUND = """el => {
  for (let e = el; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
  }
  return 'rgb(255, 255, 255)';
}"""


def _luminance(css_color: str) -> float:
    red, green, blue = (int(v) for v in re.findall(r"\d+", css_color)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
