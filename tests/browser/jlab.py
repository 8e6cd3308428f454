"""Helpers the browser tests share: prepared project folders and JupyterLab page steps."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from jupyterlab_mlops.project import Project, find_project, init_project

from ..helpers import ACTOR, git_project, make_notebook
from ..helpers.analyses import record_analyses
from ..helpers.documents import document_fully
from .conftest import REPO

EXAMPLES = REPO / "examples"
EXAMPLE = EXAMPLES / "credit-risk"
READY_SOURCES = ["seed = 7\nthreshold = 0.2", "import math", "x = math.pi"]


def copy_example(root: Path, *, single_user: bool = False) -> Path:
    """A copy of the example project under ``root``, initialised as ``make example`` does."""
    target = root / "credit-risk"
    shutil.copytree(
        EXAMPLE, target, ignore=shutil.ignore_patterns("data", ".mlops", "*.png", "batch-runs")
    )
    init_project(
        target,
        name="credit-risk",
        template="classification",
        risk_tier="high",
        actor="setup",
        single_user=single_user,
    )
    return target


def ready_project(folder: Path) -> Project:
    """A high-risk single-user project whose notebook passes every item but the sign-offs
    (the evidence recorded from Python, as the core's tests do)."""
    from jupyterlab_mlops import data
    from jupyterlab_mlops.checklists.cleanrun import clean_run
    from jupyterlab_mlops.config import dump_config
    from jupyterlab_mlops.data.register import register_data, review_data
    from jupyterlab_mlops.decisions import record_decision
    from jupyterlab_mlops.experiments import runs

    project = find_project(git_project(folder, rows=300, seed=4))
    notebook = make_notebook(project.root / "train.ipynb", READY_SOURCES, tags={0: ["parameters"]})
    register_data(project, project.root / "data" / "applications.csv", actor=ACTOR)
    review_data(project, "applications", decision="Identifiers are dropped", actor=ACTOR)
    for tag in ("data", "model", "evaluation"):
        record_decision(
            project,
            title=f"{tag} choice",
            why="because",
            tags=[tag],
            actor=ACTOR,
            notebook=notebook,
        )
    data.path("applications", start=project.root)
    with runs.run("gbm", project=project, notebook=notebook) as run:
        run.log(test_roc_auc=0.8)
    (project.root / "requirements.txt").write_text("pandas==2.2.3\n")
    clean_run(project, notebook, actor=ACTOR)
    record_analyses(project, notebook)  # the run trains no model: its figures are made up
    document_fully(project, notebook)  # the high tier's documentation, no point missing
    config = project.config.model_copy(update={"allow_anonymous": True, "roles": {}})
    (project.mlops_dir / "config").write_text(dump_config(config))
    return find_project(project.root)


def open_notebook(page: Page, lab, path: str) -> None:
    page.goto(lab.page_url(f"lab/tree/{path}"))
    # the workspace may keep a notebook opened before in a hidden tab: look in the shown one
    shown = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-CodeCell").first
    expect(shown).to_be_visible(timeout=60_000)
    wait_for_idle_kernels(page)


def wait_for_idle_kernels(page: Page) -> None:
    """Every open notebook's kernel is idle (the workspace may restore another notebook too)."""
    indicators = page.locator(".jp-Notebook-ExecutionIndicator")
    expect(indicators.first).to_be_visible(timeout=60_000)
    busy = page.locator(".jp-Notebook-ExecutionIndicator:not([data-status='idle'])")
    expect(busy).to_have_count(0, timeout=60_000)


def expect_notebook_and_panel(page: Page, notebook: str, project: str) -> Locator:
    """The notebook opened (its kernel idle) and the MLOps panel showing it; the panel."""
    expect(page.locator(".jp-NotebookPanel:visible .jp-CodeCell").first).to_be_visible(
        timeout=60_000
    )
    wait_for_idle_kernels(page)
    panel = page.locator(".jp-mlops-panel")
    expect(panel).to_be_visible(timeout=20_000)
    expect(panel.locator(".jp-mlops-notebook-name")).to_have_text(notebook)
    expect(panel.locator(".jp-mlops-project-name")).to_have_text(project)
    return panel


def open_panel(page: Page) -> Locator:
    """Show the panel (JupyterLab may restore it open while the page settles: never toggle it shut)."""
    tab = page.locator('.jp-SideBar.jp-mod-right li[data-id="jupyterlab-mlops:panel"]')
    panel = page.locator(".jp-mlops-panel")
    expect(tab).to_be_visible(timeout=30_000)
    for _ in range(10):
        if panel.is_visible():
            return panel
        if "lm-mod-current" not in (tab.get_attribute("class") or ""):
            tab.click()
        page.wait_for_timeout(500)
    expect(panel).to_be_visible()
    return panel


def code_cell(page: Page, text: str) -> Locator:
    return page.locator(".jp-Notebook .jp-CodeCell").filter(has_text=text).first


def run_cell(page: Page, cell: Locator) -> None:
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]"), timeout=60_000)


def run_cell_containing(page: Page, text: str) -> None:
    run_cell(page, code_cell(page, text))


def replace_cell_source(page: Page, cell: Locator, source: str) -> None:
    """Type ``source`` over a cell's content (inserted as text: no auto-closed quotes)."""
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(source)


def save_notebook(page: Page) -> None:
    """Save the active notebook and wait until no tab is marked as unsaved."""
    page.keyboard.press("Control+S")
    expect(page.locator(".lm-TabBar-tab.jp-mod-dirty")).to_have_count(0, timeout=20_000)
