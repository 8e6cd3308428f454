"""One person, one identity, in real JupyterLab and Chromium: in single-user mode the panel
signs as the local identity (the kernel's and the CLI's), says so in one short line, and shows
a CLI sign-off by that person as the user's own (Revoke, not Approve)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import ARTIFACTS, REPO
from .jlab import open_notebook, open_panel, ready_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]
GRACE = "Grace Hopper <grace@example.com>"  # the lab's MLOPS_USER (conftest)


def cli(root: Path, *args: str) -> None:
    env = {**os.environ, "MLOPS_USER": GRACE, "PYTHONPATH": str(REPO / "python")}
    done = subprocess.run(
        [sys.executable, "-m", "jupyterlab_mlops.cli", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_the_panel_is_the_same_person_as_the_cli_in_one_short_line(
    start_lab, page: Page, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    project = ready_project(root / "credit")
    lab = start_lab(root)
    open_notebook(page, lab, "credit/train.ipynb")
    panel = open_panel(page)

    identity = panel.locator("[data-testid=mlops-identity] .jp-mlops-identity-line")
    expect(identity).to_have_text("You Grace Hopper · every role", timeout=30_000)
    expect(identity).to_have_attribute(
        "title", f"Signing as {GRACE} in business, risk, it-ops (single-user mode)"
    )
    box = identity.bounding_box()
    line_height = identity.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) || 20")
    assert box is not None and box["height"] < 1.5 * line_height, box  # one line, no wrapping
    assert "Anonymous" not in panel.inner_text()

    # approved from the CLI, as git's / MLOPS_USER's identity: the panel's user signed it
    cli(project.root, "approve", "train.ipynb", "--role", "business", "--comment", "from the CLI")
    business = panel.locator('.jp-mlops-role[data-role="business"]')
    expect(business).to_have_attribute("data-state", "approved", timeout=30_000)
    record = business.locator("[data-testid=mlops-signoff]")
    expect(record).to_have_attribute("data-mine", "true")
    expect(business.locator(".jp-mlops-role-state")).to_have_text("approved")
    expect(record.locator("p").first).to_contain_text("by Grace Hopper (you)")
    expect(record.locator(".jp-mlops-actor")).to_have_attribute("title", GRACE)
    # the one sign-off control, in the business role: Revoke, not Approve
    picker = panel.get_by_role("combobox", name="Role to sign off in")
    picker.select_option("business")
    expect(panel.get_by_role("button", name="Approve as business")).to_have_count(0)
    revoke = panel.get_by_role("button", name="Revoke the business approval")
    expect(revoke).to_be_visible()
    # another role, not signed yet: Approve, and nothing to revoke
    picker.select_option("risk")
    expect(panel.get_by_role("button", name="Approve as risk")).to_be_visible()
    expect(panel.get_by_role("button", name="Revoke the risk approval")).to_have_count(0)
    picker.select_option("business")
    ARTIFACTS.mkdir(exist_ok=True)
    panel.locator("[data-testid=mlops-signoffs]").screenshot(
        path=str(ARTIFACTS / "identity-cli-signoff-is-mine.png")
    )
    page.screenshot(path=str(ARTIFACTS / "identity-page.png"))

    # revoking from the panel is recorded as the same identity, never as Anonymous
    revoke.click()
    expect(business).to_have_attribute("data-state", "revoked", timeout=20_000)
    last = json.loads(project.ledger_path.read_text().splitlines()[-1])
    assert last["kind"] == "approval.revoked" and last["actor"] == GRACE
    expect(panel.get_by_role("button", name="Approve as business")).to_be_visible()
