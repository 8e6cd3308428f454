"""The panel's readiness checklist, sign-offs and the portfolio in real JupyterLab and Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import ARTIFACTS
from .jlab import (
    code_cell,
    copy_example,
    expect_notebook_and_panel,
    open_notebook,
    open_panel,
    ready_project,
    replace_cell_source,
    run_cell,
    run_cell_containing,
    save_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DECISION = (
    '%mlops decide "Judge the model by ROC AUC" --why "ranking quality is what the referral uses"'
    " --tag data --tag model --tag evaluation"
)


def item(panel, item_id: str):
    return panel.locator(f'.jp-mlops-item[data-item-id="{item_id}"]')


def role(panel, name: str):
    return panel.locator(f'.jp-mlops-role[data-role="{name}"]')


def run_from_palette(page: Page, label: str, *, until) -> None:
    """Open the command palette with its shortcut, type ``label`` and press Enter, until
    ``until`` shows. The shortcut works only once the app has started, and while JupyterLab
    restores its workspace a newly focused widget can close the palette again: try again."""
    palette = page.locator(".lm-CommandPalette-input")
    for _ in range(10):
        if not palette.is_visible():
            page.keyboard.press("Control+Shift+C")
        try:
            expect(palette).to_be_focused(timeout=3_000)
            palette.fill(label, timeout=3_000)
            page.keyboard.press("Enter")
            expect(until).to_be_visible(timeout=10_000)
            return
        except (AssertionError, PlaywrightTimeoutError):
            page.wait_for_timeout(500)
    expect(until).to_be_visible(timeout=30_000)


def shot(locator, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / name))


def shot_panel(page: Page, name: str) -> None:
    """The whole panel, however long: the window grows to fit it for the screenshot."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size or {"width": 1400, "height": 900}
    sidebar = page.locator(".jp-mlops-sidebar")
    height = sidebar.evaluate("el => el.scrollHeight - el.clientHeight") + size["height"]
    page.set_viewport_size({"width": size["width"], "height": min(height, 6000)})
    page.wait_for_timeout(300)
    sidebar.screenshot(path=str(ARTIFACTS / name))
    page.set_viewport_size(size)


def test_checklist_of_the_example_and_a_failing_item_turns_green_after_its_fix(
    start_lab, page: Page, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    copy_example(root, single_user=True)
    lab = start_lab(root)
    open_notebook(page, lab, "credit-risk/train.ipynb")
    panel = open_panel(page)

    # the example's checklist (classification, high risk): what blocks review first, each with
    # its fix; what gates later stages folded into a count, grouped by the stage each gates
    checklist = panel.locator(".jp-mlops-checklist")
    expect(checklist).to_be_visible(timeout=30_000)
    expect(panel.locator(".jp-mlops-stage")).to_have_text("draft")
    blockers = checklist.get_by_test_id("mlops-blockers").locator(".jp-mlops-item")
    lead = {b.get_attribute("data-item-id") for b in blockers.all()}
    assert lead >= {"data-registered", "run-logged", "decisions-recorded"}
    assert not lead & {"clean-run", "environment-pinned", "signoffs"}
    later = checklist.get_by_test_id("mlops-later-toggle")
    later.click()
    gates = later.locator("xpath=following-sibling::div[1]").locator(".jp-mlops-gate")
    assert [g.get_attribute("data-gate") for g in gates.all()] == ["approval", "production"]
    expect(item(panel, "clean-run")).to_be_visible()
    expect(item(panel, "signoffs")).to_be_visible()
    for item_id in ("data-registered", "run-logged", "decisions-recorded", "signoffs"):
        expect(item(panel, item_id)).to_have_attribute("data-status", "fail")
    decisions = item(panel, "decisions-recorded")
    expect(decisions.locator(".jp-mlops-fix")).to_contain_text('%mlops decide "TITLE"')
    # a CLI fix offers no insert button; a magic fix does
    expect(item(panel, "clean-run").locator("[data-testid=mlops-insert-fix]")).to_have_count(0)
    expect(decisions.locator("[data-testid=mlops-insert-fix]")).to_have_count(1)
    shot_panel(page, "checklist-light-panel.png")

    run_cell_containing(page, "%load_ext jupyterlab_mlops")  # the next cell is now active
    decisions.locator("[data-testid=mlops-insert-fix]").click()
    expect(decisions.locator(".jp-mlops-fix-result")).to_contain_text("not run")
    # exactly one cell was added (counting every .jp-Cell is not a measure: JupyterLab renders
    # a long notebook's cells into the page a few at a time)
    expect(
        page.locator(".jp-Notebook .jp-CodeCell", has_text='%mlops decide "TITLE"')
    ).to_have_count(1)
    inserted = code_cell(page, '%mlops decide "TITLE"')
    expect(inserted).to_be_visible()
    expect(inserted.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[ \]"))  # never run
    # right below the cell that was active (the third one)
    below = page.locator(".jp-Notebook .jp-Cell").nth(3)
    expect(below).to_have_class(re.compile(r"\bjp-CodeCell\b"))
    expect(below).to_contain_text('%mlops decide "TITLE"')
    page.screenshot(path=str(ARTIFACTS / "fix-inserted.png"))

    replace_cell_source(page, inserted, DECISION)
    recorded = code_cell(page, "Judge the model by ROC AUC")
    run_cell(page, recorded)
    expect(recorded.locator(".jp-OutputArea")).not_to_contain_text("Error")
    save_notebook(page)  # the decision is bound to its cell, as saved
    expect(decisions).to_have_attribute("data-status", "pass", timeout=30_000)
    expect(decisions.locator(".jp-mlops-item-detail")).to_contain_text("data, model, evaluation")
    # it is folded among the passing items now; its evidence points into the timeline
    panel.get_by_test_id("mlops-passing-toggle").click()
    evidence = decisions.locator(".jp-mlops-evidence button").first
    evidence.click()
    highlighted = panel.locator(".jp-mlops-timeline .jp-mlops-highlight")
    expect(highlighted).to_have_count(1)
    expect(highlighted).to_contain_text("Judge the model by ROC AUC")
    shot_panel(page, "checklist-fixed-panel.png")


def test_approve_as_a_role_then_edit_a_cell_and_the_approval_turns_stale(
    start_lab, page: Page, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    ready_project(root / "credit")
    lab = start_lab(root)
    open_notebook(page, lab, "credit/train.ipynb")
    panel = open_panel(page)

    business = role(panel, "business")
    expect(business).to_have_attribute("data-state", "missing", timeout=30_000)
    # the run behind the checklist opens in the MLflow UI (setting mlflowUrl), in a new tab
    run = item(panel, "run-logged").locator(".jp-mlops-evidence a")
    expect(run).to_have_attribute(
        "href", re.compile(r"^http://127\.0\.0\.1:5000/#/experiments/\d+/runs/[0-9a-f]{32}$")
    )
    expect(run).to_have_attribute("target", "_blank")
    # the explanation report opens at its folder on the run's Artifacts tab
    report = item(panel, "explanations").locator('[data-kind="mlflow-artifact"] a')
    expect(report).to_have_attribute(
        "href",
        re.compile(
            r"^http://127\.0\.0\.1:5000/#/experiments/\d+/runs/[0-9a-f]{32}"
            r"/artifacts/explanations/4f2a9c01$"
        ),
    )
    expect(report).to_have_text("explanation report")
    # so do the fairness assessment's and the diagnostics' reports
    for item_id, folder, label in (
        ("fairness", "fairness/333333333333", "fairness assessment report"),
        ("no-overfit", "diagnostics/222222222222", "diagnostics report"),
    ):
        link = item(panel, item_id).locator('[data-kind="mlflow-artifact"] a')
        expect(link).to_have_attribute(
            "href", re.compile(rf"/runs/[0-9a-f]{{32}}/artifacts/{folder}$")
        )
        expect(link).to_have_text(label)
    expect(panel.locator("[data-testid=mlops-verdict]")).to_contain_text("Not approved")
    # single-user mode: the panel signs as the local identity, as the kernel and the CLI do
    expect(panel.locator("[data-testid=mlops-identity]")).to_contain_text("Grace Hopper")
    expect(panel.locator("[data-testid=mlops-approval-state]")).to_contain_text("none yet")
    # one control: pick the role among those the user holds; a refusal needs a comment
    panel.get_by_role("combobox", name="Role to sign off in").select_option("business")
    expect(panel.get_by_role("button", name="Refuse as business")).to_be_disabled()
    panel.get_by_role("textbox", name="Comment for the business sign-off").fill(
        "<b>fine</b> for the pilot"
    )
    panel.get_by_role("button", name="Approve as business").click()

    expect(business).to_have_attribute("data-state", "approved", timeout=20_000)
    expect(business.locator(".jp-mlops-signoff")).to_contain_text("Grace Hopper (you)")
    expect(business.locator(".jp-mlops-signoff-comment")).to_have_text(
        "“<b>fine</b> for the pilot”"
    )
    expect(business.locator(".jp-mlops-current-badge")).to_have_text("current")
    expect(panel.get_by_test_id("mlops-signoff-controls").get_by_role("status")).to_have_text(
        "Approved in the business role as Grace Hopper."
    )
    expect(panel.locator("[data-testid=mlops-approval-state]")).to_contain_text("current (1 of 3")
    expect(panel.locator(".jp-mlops-timeline")).to_contain_text("approved as business")
    shot_panel(page, "signoff-approved-panel.png")

    cell = code_cell(page, "x = math.pi")
    replace_cell_source(page, cell, "x = math.pi * 2")
    save_notebook(page)
    expect(business).to_have_attribute("data-state", "stale", timeout=20_000)
    expect(business.locator("[data-testid=mlops-signoff-stale]")).to_have_text("STALE")
    state = panel.locator("[data-testid=mlops-approval-state]")
    expect(state).to_have_attribute("data-state", "stale")
    expect(state).to_contain_text("the notebook's code")
    shot_panel(page, "signoff-stale-panel.png")


def test_portfolio_lists_the_example_projects_sorts_and_opens_a_notebook(
    start_lab, page: Page, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    copy_example(root)
    ready_project(root / "credit")
    lab = start_lab(root, theme="JupyterLab Dark")
    page.goto(lab.page_url("lab"))
    expect(page.locator(".jp-LabShell")).to_be_visible(timeout=60_000)

    # from the command palette, with the keyboard
    portfolio = page.locator(".jp-mlops-portfolio")
    table = portfolio.locator("[data-testid=mlops-portfolio-table]")
    run_from_palette(page, "Open Portfolio", until=table)
    rows = table.locator("[data-testid=mlops-portfolio-row]")
    expect(rows.first).to_be_visible()
    paths = [r.get_attribute("data-path") for r in rows.all()]
    assert "credit-risk/train.ipynb" in paths and "credit/train.ipynb" in paths
    example = table.locator('[data-path="credit-risk/train.ipynb"]')
    expect(example).to_contain_text("credit-risk")
    expect(example).to_contain_text("classification")
    expect(example).to_contain_text("high")
    expect(example.locator(".jp-mlops-stage")).to_have_text("draft")
    expect(table.locator('[data-path="credit/train.ipynb"] .jp-mlops-stage')).to_have_text(
        "ready for review"
    )

    # sort by stage with the keyboard: the header button is reachable and sorts
    stage_header = table.locator('th[data-key="stage"]')
    stage_header.locator("button").focus()
    page.keyboard.press("Enter")
    expect(stage_header).to_have_attribute("aria-sort", "ascending")
    assert rows.first.get_attribute("data-stage") == "draft"
    page.keyboard.press("Enter")
    expect(stage_header).to_have_attribute("aria-sort", "descending")
    expect(rows.first).to_have_attribute("data-stage", "ready for review")
    shot(portfolio, "portfolio-dark.png")

    # a click on a row opens the notebook and the panel
    table.locator('[data-path="credit/train.ipynb"]').click()
    panel = expect_notebook_and_panel(page, "train.ipynb", "credit")
    expect(panel.locator(".jp-mlops-stage")).to_have_text("ready for review")
    shot_panel(page, "panel-dark-ready.png")
