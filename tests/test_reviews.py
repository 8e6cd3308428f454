"""Review requests: recorded in the ledger, pending for the role's holders until a sign-off or a
refusal in that role answers them; from the core, the CLI and a real Jupyter server (auth on)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_mlops.approvals import sign_off
from jupyterlab_mlops.errors import ForbiddenError, MlopsError
from jupyterlab_mlops.kinds import REVIEW_REQUESTED
from jupyterlab_mlops.project import find_project
from jupyterlab_mlops.reviews import pending_requests, request_review

from . import test_server_panel as panel_api
from .helpers import ACTOR
from .test_openapi import check
from .test_server_panel import BUSINESS, post, refused, status

pytest_plugins = ["pytest_jupyter.jupyter_server"]
credit, jp_server_config = panel_api.credit, panel_api.jp_server_config  # the same fixtures


def test_a_request_stays_pending_until_a_sign_off_or_refusal_in_its_role(credit: Path) -> None:
    project = find_project(credit)
    entry = request_review(
        project, credit / "train.ipynb", role="business", actor=ACTOR, comment="the AUC is in"
    )
    assert entry.kind == REVIEW_REQUESTED and entry.payload == {
        "role": "business",
        "comment": "the AUC is in",
    }
    (waiting,) = pending_requests(project, "train.ipynb")
    assert waiting.to_json() == {
        "id": entry.hash,
        "role": "business",
        "notebook": "train.ipynb",
        "requester": ACTOR,
        "time": entry.time,
        "comment": "the AUC is in",
    }
    with pytest.raises(MlopsError, match="already requested by Ada"):  # asked once
        request_review(project, credit / "train.ipynb", role="business", actor=ACTOR)
    notebook = credit / "train.ipynb"
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="approve")
    assert pending_requests(project, "train.ipynb") == []
    # a revocation withdraws an answer, it does not give one: a new request waits again
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="revoke")
    again = request_review(project, notebook, role="business", actor=ACTOR)
    assert [r.entry.hash for r in pending_requests(project)] == [again.hash]
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="refuse", comment="no")
    assert pending_requests(project) == []


def test_bad_requests_get_a_clear_error_and_record_nothing(credit: Path) -> None:
    project = find_project(credit)
    before = len(project.ledger.entries())
    notebook = credit / "train.ipynb"
    with pytest.raises(MlopsError, match="unknown role 'auditor'") as info:
        request_review(project, notebook, role="auditor", actor=ACTOR)
    assert "business" in info.value.hint
    with pytest.raises(ForbiddenError, match="real identity"):
        request_review(project, notebook, role="business", actor="Anonymous Io")
    with pytest.raises(MlopsError, match="printable"):
        request_review(project, notebook, role="business", actor=ACTOR, comment="a\x1b[31mb")
    assert len(find_project(credit).ledger.entries()) == before


def test_the_cli_requests_a_review_and_lists_what_is_pending(credit: Path, mlops) -> None:
    done = mlops(
        "request-review", "train.ipynb", "--role", "business", "--comment", "v2 is in", cwd=credit
    )
    assert done.returncode == 0, done.stderr
    shown = mlops("approvals", "train.ipynb", cwd=credit)
    assert shown.returncode == 0, shown.stderr
    assert "pending: business review requested by Ada Lovelace" in shown.stdout
    assert '"v2 is in"' in shown.stdout
    again = mlops("request-review", "train.ipynb", "--role", "business", cwd=credit)
    assert again.returncode == 1 and "already requested" in again.stderr
    assert "Traceback" not in again.stderr
    as_json = mlops("approvals", "train.ipynb", "--json", cwd=credit)
    requests = json.loads(as_json.stdout)["review_requests"]
    assert [r["role"] for r in requests] == ["business"]


async def test_a_request_from_the_panel_is_seen_by_the_role_holder(jp_fetch, credit: Path) -> None:
    body = {"path": "credit/train.ipynb", "role": "business", "comment": "<b>look</b>"}
    made = json.loads((await post(jp_fetch, "review-requests", body, user=ACTOR)).body)
    check(made["request"], "ReviewRequest")
    assert made["request"]["requester"] == ACTOR and made["request"]["comment"] == "<b>look</b>"
    seen = await status(jp_fetch, user=BUSINESS)  # another person, who holds the role
    check(seen, "NotebookStatus")
    assert seen["me"]["roles"] == ["business"]
    assert [r["id"] for r in seen["review_requests"]] == [made["request"]["id"]]
    assert seen["names"][ACTOR] == "Ada Lovelace"
    assert any(row["summary"].startswith("business review requested") for row in seen["timeline"])
    # the holder's sign-off answers it
    approve = {"path": "credit/train.ipynb", "role": "business", "decision": "approve"}
    await post(jp_fetch, "signoffs", approve, user=BUSINESS)
    assert (await status(jp_fetch, user=BUSINESS))["review_requests"] == []


async def test_the_route_refuses_bad_bodies_and_anonymous_users(jp_fetch, credit: Path) -> None:
    path = "credit/train.ipynb"
    for body, code, words in (
        ({"path": path, "role": "auditor"}, 400, "unknown role"),
        ({"path": path}, 400, "role"),
        ({"path": path, "role": "business", "extra": 1}, 400, "extra"),
        ({"path": "../x.ipynb", "role": "business"}, 400, "not allowed"),
        ({"path": path, "role": "business"}, 403, "real identity"),  # the token's anonymous user
    ):
        status_code, error = await refused(jp_fetch, "review-requests", body)
        assert status_code == code and words in error["error"], (body, error)
        assert set(error) == {"error", "hint"}
    assert pending_requests(find_project(credit)) == []
