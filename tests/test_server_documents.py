"""The documentation and registry-facts endpoints with a real Jupyter server (auth on):
generating the model card and Annex IV from the panel, the coverage and staleness the panel
then shows, and changing the project's registry facts as the server's user (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_mlops.kinds import DOCUMENTATION_GENERATED, PROJECT_CONFIGURED
from jupyterlab_mlops.project import find_project

from .helpers import make_notebook
from .test_openapi import check
from .test_server_panel import BUSINESS, credit_project, post, refused, status
from .test_server_panel import jp_server_config as jp_server_config  # the server fixture

pytest_plugins = ["pytest_jupyter.jupyter_server"]
NOTEBOOK = "credit/train.ipynb"


@pytest.fixture
def credit(jp_root_dir: Path) -> Path:
    return credit_project(jp_root_dir)


async def test_generate_from_the_panel_then_see_coverage_and_staleness(
    jp_fetch, credit: Path
) -> None:
    before = await status(jp_fetch, user=BUSINESS)
    assert before["documentation"]["generated"] is None and before["documentation"]["stale"] is None

    response = await post(jp_fetch, "documentation", {"path": NOTEBOOK}, user=BUSINESS)
    assert response.code == 201
    body = json.loads(response.body)
    check(body, "DocumentsGenerated")
    assert str(credit) not in response.body.decode()  # the server's folders never leak
    annex = body["documents"]["annex-iv"]
    assert annex["file"] == "docs/train/annex-iv.html" and (credit / annex["file"]).is_file()
    assert (credit / body["documents"]["model-card"]["file"]).is_file()
    assert list(annex["coverage"]["entries"])[:2] == ["1(a)", "1(b)"]
    (entry,) = find_project(credit).ledger.entries(DOCUMENTATION_GENERATED)
    assert entry.hash == body["entry"] and entry.actor == BUSINESS

    panel = await status(jp_fetch, user=BUSINESS)
    check(panel, "NotebookStatus")
    shown = panel["documentation"]
    assert (
        shown["generated"] == entry.hash and shown["stale"] is False and shown["actor"] == BUSINESS
    )
    meter = shown["documents"]["annex-iv"]
    assert [e["key"] for e in meter["entries"]] == list(annex["coverage"]["entries"])
    assert meter["total"] == 23 and meter["missing"] == [
        e["key"] for e in meter["entries"] if e["status"] == "missing"
    ]
    assert meter["totals"]["missing"] == len(meter["missing"]) > 0  # nothing about 1(d) yet
    missing = next(e for e in meter["entries"] if e["key"] == "1(d)")
    assert missing["status"] == "missing" and "placed on the market" in missing["needs"]
    assert all(e["needs"] is None for e in meter["entries"] if e["status"] != "missing")

    make_notebook(credit / "train.ipynb", ["seed = 7", "x = seed + 1"], tags={0: ["parameters"]})
    stale = (await status(jp_fetch, user=BUSINESS))["documentation"]
    assert stale["stale"] is True and "the notebook's code" in stale["stale_because"]


async def test_bad_document_requests_get_4xx_json(jp_fetch, credit: Path) -> None:
    for body, code, words in (
        ({"path": NOTEBOOK, "format": "pdf"}, 400, "format"),
        ({"path": "../x.ipynb"}, 400, "'..'"),
        ({"path": "credit/nothing.ipynb"}, 404, "not found"),
        ({"path": "credit/data/applications.csv"}, 400, "not a notebook"),
        ({"path": NOTEBOOK, "out_dir": "/tmp"}, 400, "out_dir"),
    ):
        got, error = await refused(jp_fetch, "documentation", body, user=BUSINESS)
        assert got == code and words in error["error"], (body, error)
    assert not find_project(credit).ledger.entries(DOCUMENTATION_GENERATED)
    assert not (credit / "docs").exists()


async def test_registry_facts_change_from_the_panel(jp_fetch, credit: Path) -> None:
    facts = {"owner": "Ann Lee", "intended_purpose": "Rank <b>loan</b> applications"}
    response = await post(jp_fetch, "context", {"path": NOTEBOOK, "context": facts}, user=BUSINESS)
    assert response.code == 200
    body = json.loads(response.body)
    check(body, "ProjectContext")
    assert body["context"]["owner"] == "Ann Lee" and body["context"]["sponsor"] is None
    panel = await status(jp_fetch, user=BUSINESS)
    check(panel, "NotebookStatus")
    assert panel["project"]["context"]["intended_purpose"] == "Rank <b>loan</b> applications"
    form = {f["key"]: f for f in panel["project"]["context_form"]}
    assert list(form) == list(panel["project"]["context"])  # one field per fact, in order
    assert form["owner"]["multiline"] is False and form["intended_purpose"]["multiline"] is True
    assert "Annex IV 1(a)" in form["intended_purpose"]["help"]
    (entry,) = find_project(credit).ledger.entries(PROJECT_CONFIGURED)
    assert entry.actor == BUSINESS
    assert entry.payload["after"] == {"context": facts}
    assert entry.payload["before"] == {"context": {"owner": None, "intended_purpose": None}}

    cleared = {"path": NOTEBOOK, "context": {"owner": ""}}
    body = json.loads((await post(jp_fetch, "context", cleared, user=BUSINESS)).body)
    assert body["context"]["owner"] is None and body["context"]["intended_purpose"]
    again = await post(jp_fetch, "context", cleared, user=BUSINESS)  # nothing changes
    assert again.code == 200 and len(find_project(credit).ledger.entries(PROJECT_CONFIGURED)) == 2


async def test_registry_facts_are_a_role_holders_to_change(jp_fetch, credit: Path) -> None:
    config = (credit / ".mlops" / "config").read_bytes()
    change = {"path": NOTEBOOK, "context": {"owner": "Eve"}}
    code, error = await refused(jp_fetch, "context", change)  # the token's anonymous user
    assert code == 403 and error["hint"]
    code, error = await refused(jp_fetch, "context", change, user="Eve <eve@example.com>")
    assert code == 403 and "holds no sign-off role" in error["error"]
    for body, words in (
        ({"path": NOTEBOOK, "context": {"colour": "red"}}, "colour"),
        ({"path": NOTEBOOK, "context": {"owner": "a\nb"}}, "owner"),
        ({"path": NOTEBOOK, "context": {"owner": "x" * 3000}}, "owner"),
        ({"path": NOTEBOOK, "context": {}}, "nothing to change"),
        ({"path": NOTEBOOK}, "context"),
    ):
        code, error = await refused(jp_fetch, "context", body, user=BUSINESS)
        assert code == 400 and words in error["error"], (body, error)
    assert (credit / ".mlops" / "config").read_bytes() == config
    assert not find_project(credit).ledger.entries(PROJECT_CONFIGURED)
