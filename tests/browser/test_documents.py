"""The generated Annex IV document in a real headless Chromium: self-contained (it asks for
nothing but itself), user text shown as text (a script in a decision title never runs), the
coverage meter on top, and it prints to PDF. Writes ``test-artifacts/annex-iv.png``."""

from __future__ import annotations

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
