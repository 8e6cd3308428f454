"""The risk manager's portfolio in real JupyterLab and Chromium: the funnel per stage, filters
by flag and stage from the keyboard, sorting, the CSV export (its downloaded content, formulas
defused) and a row that opens the notebook and the panel."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from jupyterlab_mlops.batch.run import batch_run
from jupyterlab_mlops.lifecycle import retire
from jupyterlab_mlops.project import find_project, init_project
from jupyterlab_mlops.reviews import request_review

from ..helpers import ACTOR, make_notebook
from ..helpers.batch import approved_project
from .conftest import ARTIFACTS
from .jlab import expect_notebook_and_panel
from .test_readiness import run_from_palette

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def portfolio_tree(root: Path) -> None:
    """credit: approved, its last batch run failed; fraud: a draft with a risk review requested; churn (single-user, an owner
    whose name starts like a formula): a draft and a retired notebook."""
    project, notebook = approved_project(root)
    assert not batch_run(project, notebook, {"n": -1}, actor=ACTOR).ok
    (root / "fraud").mkdir()
    init_project(root / "fraud", name="fraud", template="classification", risk_tier="high",
                 actor=ACTOR, context={"owner": "Olga", "sponsor": "Sam"})  # fmt: skip
    detect = make_notebook(root / "fraud" / "detect.ipynb", ["x = 1"])
    request_review(find_project(root / "fraud"), detect, role="risk", actor=ACTOR)
    (root / "churn").mkdir()
    init_project(root / "churn", name="churn", template="regression", risk_tier="limited",
                 actor=ACTOR, single_user=True, context={"owner": "=HYPERLINK(\"x\")"})  # fmt: skip
    make_notebook(root / "churn" / "model.ipynb", ["y = 2"])
    old = make_notebook(root / "churn" / "old.ipynb", ["z = 3"])
    retire(find_project(root / "churn"), old, actor=ACTOR, why="replaced by model.ipynb")


def pick(page: Page, select, text: str) -> None:
    """Choose an option of a select from the keyboard: focus it and type the option's start
    (after a pause, so the browser does not join it to what was typed before)."""
    select.focus()
    page.wait_for_timeout(1100)
    page.keyboard.type(text)


def test_the_portfolio_funnel_filters_sort_export_and_open(
    start_lab, page: Page, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    portfolio_tree(root)
    lab = start_lab(root)
    page.goto(lab.page_url("lab"))
    expect(page.locator(".jp-LabShell")).to_be_visible(timeout=60_000)

    view = page.locator(".jp-mlops-portfolio")
    table = view.locator("[data-testid=mlops-portfolio-table]")
    run_from_palette(page, "Open Portfolio", until=table)
    rows = table.locator("[data-testid=mlops-portfolio-row]")
    expect(rows).to_have_count(4)

    # the funnel: notebooks per stage, in order
    funnel = view.locator("[data-testid=mlops-portfolio-funnel]")
    counts = funnel.locator("[data-testid=mlops-funnel-count]")
    expect(counts).to_have_text(["2", "0", "1", "0", "1"])  # fraud and churn/model are drafts
    expect(funnel.locator("li").first).to_contain_text("draft")
    credit = table.locator('[data-path="credit/score.ipynb"]')
    expect(credit.locator('[data-flag="batch_failed"]')).to_have_text("batch failed")
    fraud = table.locator('[data-path="fraud/detect.ipynb"]')
    expect(fraud.locator('[data-flag="review"]')).to_have_text("review: risk")
    ARTIFACTS.mkdir(exist_ok=True)
    view.screenshot(path=str(ARTIFACTS / "portfolio-funnel.png"))

    # filter by flag from the keyboard: the labelled select, its option typed
    flag = view.get_by_label("Flag", exact=True)
    pick(page, flag, "last batch")
    expect(flag).to_have_value("batch_failed")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-path", "credit/score.ipynb")
    expect(counts).to_have_text(["0", "0", "1", "0", "0"])  # the funnel follows the filter
    pick(page, flag, "no flag")
    expect(flag).to_have_value("\u0000none")
    expect(rows).to_have_count(1)  # the retired notebook: nothing about it needs anyone
    expect(rows.first).to_have_attribute("data-stage", "retired")
    pick(page, flag, "failing")
    expect(flag).to_have_value("failing")
    expect(rows).to_have_count(2)  # the drafts

    # and by stage
    stage = view.get_by_label("Stage", exact=True)
    pick(page, stage, "draft")
    expect(stage).to_have_value("draft")
    expect(funnel.locator('button[data-stage="draft"]')).to_have_attribute("aria-pressed", "true")
    pick(page, stage, "any")  # every stage again
    expect(stage).to_have_value("")
    pick(page, flag, "any")
    expect(rows).to_have_count(4)

    # sort by failing items with the keyboard: most first
    failing = table.locator('th[data-key="failing"]')
    failing.locator("button").focus()
    page.keyboard.press("Enter")
    expect(failing).to_have_attribute("aria-sort", "descending")
    shown = [r.get_attribute("data-path") for r in rows.all()]
    numbers = [int(r.locator("td[data-failing]").inner_text()) for r in rows.all()]
    assert numbers == sorted(numbers, reverse=True), numbers

    # export exactly the rows shown (a filter on), in the order shown
    tier = view.get_by_label("Risk tier", exact=True)
    pick(page, tier, "high")
    expect(rows).to_have_count(1)
    export = view.get_by_role("button", name="Export 1 row as CSV")
    with page.expect_download() as download:
        export.focus()
        page.keyboard.press("Enter")
    raw = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == "mlops-portfolio.csv"
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: spreadsheets read names right
    (only,) = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert only["notebook"] == "fraud/detect.ipynb" and only["owner"] == "Olga"
    assert only["sponsor"] == "Sam" and only["stage"] == "draft" and only["risk_tier"] == "high"
    assert "failing" in only["flags"] and int(only["failing"]) > 0
    pick(page, tier, "any")
    expect(rows).to_have_count(4)
    with page.expect_download() as download:
        view.get_by_role("button", name="Export 4 rows as CSV").click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    listed = list(csv.DictReader(io.StringIO(text)))
    assert [r["notebook"] for r in listed] == shown
    churn = next(r for r in listed if r["notebook"] == "churn/model.ipynb")
    assert churn["owner"] == '\'=HYPERLINK("x")'  # a formula stays text
    assert (
        next(r for r in listed if r["notebook"] == "credit/score.ipynb")["last_batch"] == "failed"
    )

    # a row opens the notebook and the panel
    table.locator('[data-path="fraud/detect.ipynb"] .jp-mlops-portfolio-open').focus()
    page.keyboard.press("Enter")
    panel = expect_notebook_and_panel(page, "detect.ipynb", "fraud")
    expect(panel.locator(".jp-mlops-stage")).to_have_text("draft")
