"""The panel leads with what needs the user, at JupyterLab's default sidebar width (250 px), in
the light and the dark theme, in real JupyterLab and Chromium: the stage and what blocks the
next stage (each failing item with its fix) come first, passing items fold into a count, the
panel is a fraction of its former height, commands never wrap inside a word, and the keyboard
reaches the sign-off control and opens a disclosure. Screenshots go to ``test-artifacts/``
(``layout-THEME-PROJECT.png``) and the heights measured to ``layout-heights-THEME.json``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import ARTIFACTS
from .jlab import copy_example, open_notebook, open_panel, ready_project
from .test_panel import EFFECTIVE_BACKGROUND, _luminance

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIDEBAR_WIDTH = 250  # JupyterLab's default: the test never widens it
# The panel's scroll height before it led with what needs the user (measured at 250 px on the
# same two notebooks, sections as they opened by default): 5,491 px for the example in draft
# (6,671 with every section open) and 6,590 px for the notebook ready for sign-off (7,770).
BEFORE = {"example": 5491, "ready": 6590}
# now: about 3,100 and 1,150 px; the bounds leave room for fonts and themes
LIMIT = {"example": 3600, "ready": 1700}

# Every word of a command (.jp-mlops-word) sits on one line; every prose word without a hyphen
# too (a hyphen is a place where words may wrap). Returns what wrapped.
WRAPPED_WORDS = """panel => {
  const broken = [];
  const lines = el => Array.from(el.getClientRects()).filter(r => r.width > 0).length;
  for (const word of panel.querySelectorAll('.jp-mlops-word')) {
    if (word.offsetParent !== null && lines(word) > 1) broken.push(word.textContent);
  }
  const walker = document.createTreeWalker(panel, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.offsetParent === null || el.closest('.jp-mlops-word, textarea, select')) continue;
    const re = /\\S+/g;
    let m;
    while ((m = re.exec(node.data)) !== null) {
      if (/[-\\u2010-\\u2014\\/]/.test(m[0])) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      if (Array.from(range.getClientRects()).filter(r => r.width > 0).length > 1) broken.push(m[0]);
    }
  }
  return broken;
}"""

# Each evidence arrow sits on the line of the link it points to (no lone arrow).
LONE_ARROWS = """panel => Array.from(panel.querySelectorAll('.jp-mlops-evidence li'))
  .filter(li => li.offsetParent !== null)
  .filter(li => {
    const link = li.firstElementChild;
    return link && Math.abs(link.getBoundingClientRect().top - li.getBoundingClientRect().top) > 4;
  }).map(li => li.textContent)"""

SNIPPET_BLOCKS = """panel => Array.from(panel.querySelectorAll('.jp-mlops-snippet-block'))
  .filter(b => b.offsetParent !== null)
  .map(b => {
    const style = getComputedStyle(b);
    const line = parseFloat(style.lineHeight) || 1.4 * parseFloat(style.fontSize);
    const pad = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    return {text: b.textContent, lines: Math.round((b.clientHeight - pad) / line),
            scrolls: getComputedStyle(b).overflowX === 'auto'};
  })"""


@pytest.fixture
def two_projects(tmp_path: Path) -> Path:
    """The example in draft (most items fail) and a notebook ready for sign-off."""
    root = tmp_path / "root"
    copy_example(root, single_user=True)
    ready_project(root / "credit")
    return root


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_the_panel_leads_with_what_blocks_at_the_default_width(
    start_lab, page: Page, two_projects: Path, theme: str
) -> None:
    lab = start_lab(two_projects, theme=theme)
    short = "dark" if "Dark" in theme else "light"
    heights: dict[str, int] = {}

    open_notebook(page, lab, "credit-risk/train.ipynb")
    panel = open_panel(page)
    expect(panel.locator(".jp-mlops-stage")).to_have_text("draft", timeout=30_000)
    sidebar = page.locator(".jp-mlops-sidebar")
    assert round(sidebar.bounding_box()["width"]) == SIDEBAR_WIDTH
    blockers = leads_with_blockers(page, panel, next_stage="ready for review")
    # the items gating review block it; the others wait, folded into a count
    assert {b.get_attribute("data-item-id") for b in blockers} >= {
        "data-registered", "run-logged", "decisions-recorded",
    }  # fmt: skip
    later = panel.get_by_test_id("mlops-later-toggle")
    expect(later).to_have_attribute("aria-expanded", "false")
    expect(later).to_have_text(re.compile(r"^▸ \d+ more to fix before approval and production$"))
    expect(panel.locator('.jp-mlops-item[data-item-id="clean-run"]')).to_be_hidden()
    passing_is_a_folded_count(panel)
    commands_never_wrap_inside_a_word(panel)
    heights["example"] = measure(page, sidebar, f"layout-{short}-example.png")
    themed(panel, dark=short == "dark")

    open_notebook(page, lab, "credit/train.ipynb")
    panel = open_panel(page)
    expect(panel.locator(".jp-mlops-stage")).to_have_text("ready for review", timeout=30_000)
    blockers = leads_with_blockers(page, panel, next_stage="approved")
    assert [b.get_attribute("data-item-id") for b in blockers] == ["signoffs"]
    expect(panel.get_by_test_id("mlops-later-toggle")).to_have_count(0)
    passing_is_a_folded_count(panel)
    one_signoff_control(panel)
    commands_never_wrap_inside_a_word(panel)
    keyboard_reaches_the_signoff_control_and_opens_a_disclosure(page, panel)
    heights["ready"] = measure(page, sidebar, f"layout-{short}-ready.png")

    (ARTIFACTS / f"layout-heights-{short}.json").write_text(
        json.dumps({"before": BEFORE, "after": heights}, indent=2)
    )
    for name, height in heights.items():
        assert height < LIMIT[name] < BEFORE[name], (name, height)


def leads_with_blockers(page: Page, panel: Locator, *, next_stage: str) -> list[Locator]:
    """The stage, then what blocks the next stage, each failing item with its fix, all on the
    first screen: nothing but the project's and the notebook's facts come before them."""
    stage = panel.locator(".jp-mlops-stage")
    heading = panel.get_by_test_id("mlops-blockers").locator(".jp-mlops-blockers-title")
    expect(heading).to_contain_text(f"To reach {next_stage}")
    blockers = panel.get_by_test_id("mlops-blockers").locator(".jp-mlops-item").all()
    assert blockers and all(b.get_attribute("data-status") == "fail" for b in blockers)
    first = blockers[0]
    fix = first.locator(".jp-mlops-fix")
    expect(fix).to_be_visible()
    viewport = page.viewport_size["height"]
    top = panel.bounding_box()["y"]
    assert stage.bounding_box()["y"] - top < 250
    assert fix.bounding_box()["y"] + fix.bounding_box()["height"] < viewport
    # the first item shown is that blocker: no other item, section or form comes before it
    first_item = panel.locator(".jp-mlops-item:visible").first
    assert first_item.get_attribute("data-item-id") == first.get_attribute("data-item-id")
    sections = panel.locator(".jp-mlops-section").first.bounding_box()
    assert sections is None or sections["y"] > first.bounding_box()["y"]
    return blockers


def passing_is_a_folded_count(panel: Locator) -> None:
    toggle = panel.get_by_test_id("mlops-passing-toggle")
    expect(toggle).to_have_text(re.compile(r"^▸ \d+ passing(, \d+ waived)?$"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(panel.locator('.jp-mlops-item[data-status="pass"]:visible')).to_have_count(0)


def one_signoff_control(panel: Locator) -> None:
    """Status rows per role, one control with a picker among the roles the user holds."""
    expect(panel.locator(".jp-mlops-role")).to_have_count(3)
    expect(panel.get_by_test_id("mlops-signoff-controls")).to_have_count(1)
    picker = panel.get_by_role("combobox", name="Role to sign off in")
    assert picker.locator("option").all_inner_texts() == ["business", "risk", "it-ops"]
    for row in panel.locator(".jp-mlops-role").all():
        assert row.bounding_box()["height"] < 40  # one short line each while nobody signed


def commands_never_wrap_inside_a_word(panel: Locator) -> None:
    assert panel.evaluate(WRAPPED_WORDS) == []
    assert panel.evaluate(LONE_ARROWS) == []
    for block in panel.evaluate(SNIPPET_BLOCKS):
        assert block["lines"] == 1 and block["scrolls"], block


def keyboard_reaches_the_signoff_control_and_opens_a_disclosure(page: Page, panel: Locator) -> None:
    panel.locator(".jp-mlops-refresh").focus()
    reached = None
    for _ in range(120):
        page.keyboard.press("Tab")
        reached = page.evaluate(
            "() => document.activeElement && document.activeElement.closest("
            "'[data-testid=mlops-signoff-controls]') ? document.activeElement.getAttribute("
            "'aria-label') : null"
        )
        if reached:
            break
    assert reached == "Role to sign off in"
    focused = page.locator(":focus")
    assert focused.evaluate("el => getComputedStyle(el).outlineStyle") != "none"  # visible focus

    toggle = panel.get_by_test_id("mlops-passing-toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(panel.locator('.jp-mlops-item[data-status="pass"]').first).to_be_visible()
    assert toggle.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "false")


def themed(panel: Locator, *, dark: bool) -> None:
    """Cards and counts follow the theme (JupyterLab's variables, no fixed colours)."""
    background = _luminance(panel.evaluate(EFFECTIVE_BACKGROUND))
    text = _luminance(panel.evaluate("el => getComputedStyle(el).color"))
    fold = _luminance(
        panel.get_by_test_id("mlops-passing-toggle").evaluate(
            "el => getComputedStyle(el).backgroundColor"
        )
    )
    if dark:
        assert background < 80 and text > 150 and fold < 100, (background, text, fold)
    else:
        assert background > 200 and text < 100 and fold > 180, (background, text, fold)


def measure(page: Page, sidebar: Locator, shot: str) -> int:
    """The panel's scroll height as it opens; a screenshot of all of it at 250 px."""
    page.wait_for_timeout(500)
    height = sidebar.evaluate("el => el.scrollHeight")
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(height + 120, 6000)})
    page.wait_for_timeout(300)
    sidebar.screenshot(path=str(ARTIFACTS / shot))
    page.set_viewport_size(size)
    return height


GRACE = "Grace Hopper <grace@example.com>"  # the lab's MLOPS_USER: the panel's user
BO = "Bo Business <bo@example.com>"


def test_a_review_request_waits_for_its_role_and_the_panel_asks_another(
    start_lab, page: Page, tmp_path: Path
) -> None:
    """Bo asks for a risk review: the panel of Grace, who holds risk, shows it on top as waiting
    for her and takes her to the sign-off control in that role; she asks the business role in
    turn, which waits for Bo in the sign-off area; her approval answers the risk request."""
    from jupyterlab_mlops.config import dump_config
    from jupyterlab_mlops.reviews import request_review

    project = ready_project(tmp_path / "root" / "credit")
    roles = {"risk": [GRACE], "business": [BO], "it-ops": [BO]}
    config = project.config.model_copy(update={"roles": roles})
    (project.mlops_dir / "config").write_text(dump_config(config))
    notebook = project.root / "train.ipynb"
    request_review(project, notebook, role="risk", actor=BO, comment="the <b>fairness</b> note")
    lab = start_lab(tmp_path / "root")
    open_notebook(page, lab, "credit/train.ipynb")
    panel = open_panel(page)

    waiting = panel.get_by_test_id("mlops-waiting")
    expect(waiting).to_contain_text("risk review requested by Bo Business", timeout=30_000)
    expect(waiting.locator(".jp-mlops-request-comment")).to_have_text("“the <b>fairness</b> note”")
    assert panel.locator("b").count() == 0
    blockers = panel.get_by_test_id("mlops-blockers")
    assert waiting.bounding_box()["y"] < blockers.bounding_box()["y"]
    waiting.get_by_role("button", name="Review and sign off as risk").click()
    controls = panel.get_by_test_id("mlops-signoff-controls")
    expect(controls).to_have_attribute("data-role", "risk")
    expect(panel.get_by_role("textbox", name="Comment for the risk sign-off")).to_be_focused()

    panel.get_by_role("button", name="Request a review").click()
    form = panel.get_by_role("form", name="Request a review")
    form.get_by_role("combobox", name="Role to ask for a review").select_option("business")
    form.get_by_role("textbox", name="Comment for the reviewer").fill("the pilot starts Monday")
    form.get_by_role("button", name="Send the review request").click()
    expect(form.get_by_role("status")).to_have_text("Asked for a business review.")
    pending = panel.get_by_test_id("mlops-pending-requests")
    expect(pending).to_contain_text("business review requested by Grace Hopper", timeout=20_000)
    expect(waiting.get_by_test_id("mlops-review-request")).to_have_count(1)  # not hers
    last = json.loads(project.ledger_path.read_text().splitlines()[-1])
    assert last["kind"] == "review.requested" and last["actor"] == GRACE
    assert last["payload"] == {"role": "business", "comment": "the pilot starts Monday"}
    commands_never_wrap_inside_a_word(panel)
    measure(page, page.locator(".jp-mlops-sidebar"), "layout-light-review-requests.png")

    # her approval in the risk role answers the request that waited for her
    panel.get_by_role("button", name="Approve as risk").click()
    expect(panel.locator('.jp-mlops-role[data-role="risk"]')).to_have_attribute(
        "data-state", "approved", timeout=20_000
    )
    expect(waiting).to_have_count(0)
    expect(pending.get_by_test_id("mlops-review-request")).to_have_count(1)
