"""The generated Annex IV document in a real headless Chromium: self-contained (it asks for
nothing but itself), user text shown as text (a script in a decision title never runs), the
coverage meter on top, and it prints to PDF. Writes ``test-artifacts/annex-iv.png``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from jupyterlab_mlops.checklists.configure import reconfigure
from jupyterlab_mlops.config import dump_config
from jupyterlab_mlops.decisions import record_decision
from jupyterlab_mlops.documentation.api import generate_docs
from jupyterlab_mlops.documentation.authored import record_authored
from jupyterlab_mlops.project import find_project

from ..helpers import ACTOR
from ..helpers.ready import ready_project
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser]
SHOT = ARTIFACTS / "annex-iv.png"
HOSTILE = "<script>window.pwned = 1</script><img src=x onerror=window.pwned=2> Drop <b>age</b>"


def test_the_annex_iv_document_in_a_browser(page: Page, tmp_path: Path) -> None:
    project = ready_project(tmp_path, ["seed = 7\nthreshold = 0.2", "import math"])
    notebook = project.root / "train.ipynb"
    config = project.config.model_copy(update={"roles": {"risk": [ACTOR]}})
    (project.mlops_dir / "config").write_text(dump_config(config))  # the facts are a role's call
    project = reconfigure(find_project(project.root), actor=ACTOR, context={
        "provider": "Example Bank", "owner": "Ada Lovelace",
        "intended_purpose": "Refer loan applications likely to default to a credit officer",
    })  # fmt: skip
    record_decision(project, title=HOSTILE, why="age is <i>sensitive</i>", tags=["data"],
                    actor=ACTOR, notebook=notebook)  # fmt: skip
    record_authored(project, "annex-iv", "1(f)", not_applicable="software only", actor=ACTOR)
    record_authored(project, "annex-iv", "1(e)", text="x86-64, 2 cores, no GPU", actor=ACTOR)
    generated = generate_docs(project, notebook, actor=ACTOR)
    document = generated.files["annex-iv"]

    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(document.as_uri())
    # the decision's title is there, as text; neither its script nor its image handler ran
    expect(page.get_by_text("Drop <b>age</b>", exact=False).first).to_be_visible()
    assert page.evaluate("window.pwned") is None
    assert page.locator("script").count() == 0 and page.locator("img[src=x]").count() == 0
    # nothing but the page itself (figures are data: URIs inside it)
    assert [u for u in requested if not u.startswith("data:")] == [document.as_uri()]
    # the coverage meter, point by point, with what the author said
    body = page.locator("body").inner_text()
    assert "not applicable (software only)" in body and "by the author" in body
    for key in ("1(a)", "2(h)", "9"):
        assert key in body
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOT), full_page=False)
    assert SHOT.stat().st_size > 20_000
    page.get_by_text("Drop <b>age</b>", exact=False).first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "annex-iv-decisions.png"))
    pdf = page.pdf(format="A4")  # what the browser's Print ▸ Save as PDF makes
    assert (
        pdf.startswith(b"%PDF")
        and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") > 1
    )


def test_generate_documents_and_record_facts_from_the_panel(
    start_lab, page: Page, tmp_path: Path
) -> None:
    """The panel's Documentation section generates both documents, shows Annex IV's coverage
    meter and what the author still has to write; the facts form records the registry facts,
    and regenerating then covers 1(a); the document opens in JupyterLab."""
    from .jlab import copy_example, open_notebook, open_panel
    from .test_readiness import shot_panel

    root = tmp_path / "root"
    example = copy_example(root, single_user=True)
    lab = start_lab(root)
    open_notebook(page, lab, "credit-risk/train.ipynb")
    panel = open_panel(page)
    section = panel.locator('[data-section="documentation"]')
    expect(section.locator(".jp-mlops-section-status")).to_have_text(
        "not generated", timeout=30_000
    )

    # folded while nothing there is what blocks the next stage
    expect(section.get_by_role("button", name="Documentation")).to_have_attribute(
        "aria-expanded", "false"
    )
    section.get_by_role("button", name="Documentation").click()
    section.get_by_role("button", name="Generate the documents").click()
    expect(section.get_by_role("status")).to_have_text(
        "Generated the model card and the Annex IV documentation.", timeout=60_000
    )
    annex = section.locator('.jp-mlops-doc[data-document="Annex IV"]')
    meter = annex.get_by_role("img")
    expect(meter).to_have_attribute("aria-label", re.compile(r"^Annex IV: \d+ of 23 covered"))
    before = int(re.search(r"(\d+) missing$", meter.get_attribute("aria-label") or "")[1])
    missing = annex.locator(".jp-mlops-doc-missing li")
    expect(missing.filter(has_text="1(a)")).to_contain_text("mlops configure")
    expect(missing.filter(has_text="1(d)")).to_contain_text("placed on the market")
    assert (example / "docs" / "train" / "annex-iv.html").is_file()

    facts = panel.locator('[data-section="facts"]')
    facts.get_by_role("button", name="Project facts").click()
    facts.get_by_role("button", name="Edit the registry facts").click()
    form = facts.get_by_role("form", name="Registry facts")
    form.get_by_label("Provider", exact=True).fill("Example Bank <b>plc</b>")
    form.get_by_label("Intended purpose", exact=True).fill(
        "Refer loan applications likely to default to a credit officer"
    )
    form.get_by_role("button", name="Save the registry facts").click()
    expect(form.get_by_role("status")).to_have_text("Recorded: intended purpose, provider.")
    expect(facts.locator('[data-fact="provider"] dd')).to_have_text("Example Bank <b>plc</b>")
    expect(facts.locator(".jp-mlops-section-status")).to_have_text("2 of 9")
    expect(section.locator(".jp-mlops-section-status")).to_have_text("stale", timeout=30_000)

    section.get_by_role("button", name="Regenerate the documents").click()
    expect(section.get_by_role("status")).to_contain_text("Annex IV: 1(a)", timeout=60_000)
    expect(meter).to_have_attribute("aria-label", re.compile(rf"{before - 1} missing$"))
    expect(missing.filter(has_text="1(a)")).to_have_count(0)
    shot_panel(page, "documentation-panel.png")

    annex.get_by_role("button", name="Open the Annex IV document").click()
    expect(page.locator(".lm-TabBar-tab", has_text="annex-iv.html")).to_be_visible(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "annex-iv-in-jupyterlab.png"))
