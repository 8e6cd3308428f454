"""The panel's REST API with a real Jupyter server (auth on): the readiness report, sign-offs and
decisions as the server's user, the timeline, and the portfolio of every project under the root."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
from jupyter_server.auth.identity import IdentityProvider, User
from tornado.httpclient import HTTPClientError

from jupyterlab_mlops import data
from jupyterlab_mlops.config import dump_config
from jupyterlab_mlops.data.register import register_data
from jupyterlab_mlops.experiments import runs
from jupyterlab_mlops.project import find_project, init_project

from .helpers import ACTOR, git_project, make_notebook
from .helpers.server import server_config
from .test_openapi import check

pytest_plugins = ["pytest_jupyter.jupyter_server"]
BUSINESS = "Bo <bo@example.com>"


class HeaderIdentity(IdentityProvider):
    """Token auth as usual; a test may then name the user with ``X-Test-User``."""

    async def get_user(self, handler):
        user = super().get_user(handler)
        if inspect.isawaitable(user):
            user = await user
        name = handler.request.headers.get("X-Test-User")
        return User(username=name, name=name) if user is not None and name else user


@pytest.fixture
def jp_server_config() -> dict:
    return server_config(identity_provider_class=HeaderIdentity)


@pytest.fixture
def credit(jp_root_dir: Path) -> Path:
    """A minimal-tier project whose notebook passes everything but the business sign-off."""
    return credit_project(jp_root_dir)


def credit_project(jp_root_dir: Path) -> Path:
    """``credit/`` under the server root: see the ``credit`` fixture."""
    root = git_project(jp_root_dir / "credit", rows=200, seed=5)
    project = find_project(root)
    config = project.config.model_copy(
        update={"risk_tier": "minimal", "roles": {"business": [BUSINESS]}}
    )
    (project.mlops_dir / "config").write_text(dump_config(config))
    project = find_project(root)
    notebook = make_notebook(
        root / "train.ipynb", ["seed = 7", "x = seed"], tags={0: ["parameters"]}
    )
    register_data(project, root / "data" / "applications.csv", actor=ACTOR)
    data.path("applications", start=root)
    with runs.run("training", project=project, notebook=notebook) as run:
        run.log(test_roc_auc=0.8)
    return root


async def status(jp_fetch, path: str = "credit/train.ipynb", user: str | None = None) -> dict:
    headers = {"X-Test-User": user} if user else {}
    response = await jp_fetch("mlops", "api", "notebook", params={"path": path}, headers=headers)
    return json.loads(response.body)


async def post(jp_fetch, endpoint: str, body: object, user: str | None = None):
    headers = {"X-Test-User": user} if user else {}
    raw = body if isinstance(body, str) else json.dumps(body)
    return await jp_fetch("mlops", "api", endpoint, method="POST", body=raw, headers=headers)


async def refused(
    jp_fetch, endpoint: str, body: object, user: str | None = None
) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as info:
        await post(jp_fetch, endpoint, body, user)
    return info.value.code, json.loads(info.value.response.body)


async def test_the_report_approvals_and_timeline_of_a_notebook(jp_fetch, credit: Path) -> None:
    body = await status(jp_fetch, user=BUSINESS)
    report = body["report"]
    assert report["stage"] == "ready for review" and report["risk_tier"] == "minimal"
    items = {i["id"]: i for i in report["items"]}
    assert items["run-logged"]["status"] == "pass" and items["signoffs"]["status"] == "fail"
    assert items["run-logged"]["evidence"][0]["kind"] == "mlflow-run"
    assert str(credit) not in json.dumps(body)  # the server's folders never leak
    assert body["approvals"]["may_run"] is False
    assert body["approvals"]["problems"] == ["no business sign-off"]
    assert body["me"] == {
        "identity": BUSINESS,
        "name": "Bo",
        "person": f"identity:{BUSINESS}",
        "anonymous": False,
        "single_user": False,
        "roles": ["business"],
    }
    kinds = [row["kind"] for row in body["timeline"]]
    assert kinds == ["run.logged"]  # this notebook's entries (the data was registered elsewhere)
    assert body["timeline"][0]["mlflow"]["experiment_id"]
    anonymous = await status(jp_fetch)
    assert anonymous["me"]["anonymous"] is True and anonymous["me"]["roles"] == []


async def test_sign_off_as_the_servers_user_and_go_stale_on_edit(jp_fetch, credit: Path) -> None:
    approve = {
        "path": "credit/train.ipynb",
        "role": "business",
        "decision": "approve",
        "comment": "ok",
    }
    code, error = await refused(jp_fetch, "signoffs", approve)  # the token's anonymous user
    assert code == 403 and "anonymous" in error["error"] and error["hint"]
    code, error = await refused(jp_fetch, "signoffs", approve, user="Eve <eve@example.com>")
    assert code == 403 and "may not sign off as business" in error["error"]
    response = await post(jp_fetch, "signoffs", approve, user=BUSINESS)
    assert response.code == 201
    signed = json.loads(response.body)
    assert signed["signoff"]["actor"] == BUSINESS and signed["approvals"]["may_run"] is True
    body = await status(jp_fetch, user=BUSINESS)
    assert (
        body["report"]["stage"] == "approved" and body["timeline"][0]["kind"] == "approval.granted"
    )
    make_notebook(credit / "train.ipynb", ["seed = 7", "x = seed + 1"], tags={0: ["parameters"]})
    body = await status(jp_fetch, user=BUSINESS)
    assert body["approvals"]["may_run"] is False
    assert body["approvals"]["signoffs"]["business"]["current"] is False
    assert "the notebook's code" in body["approvals"]["stale_because"]
    code, error = await refused(
        jp_fetch, "signoffs", {**approve, "decision": "refuse", "comment": " "}, user=BUSINESS
    )
    assert code == 400 and "reason" in error["error"]


async def test_decisions_are_recorded_as_the_servers_user(jp_fetch, credit: Path) -> None:
    decision = {"path": "credit/train.ipynb", "title": "Use <b>GBM</b>", "why": "best AUC",
                "alternatives": "logistic regression", "tags": ["model"]}  # fmt: skip
    response = await post(jp_fetch, "decisions", decision, user=BUSINESS)
    assert response.code == 201
    recorded = json.loads(response.body)["decision"]
    assert recorded["title"] == "Use <b>GBM</b>" and recorded["actor"] == BUSINESS
    body = await status(jp_fetch)
    assert body["decisions"][0]["id"] == recorded["id"]
    assert body["timeline"][0]["summary"] == "decision: Use <b>GBM</b>"  # raw text: the UI escapes


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("{not json", 400, "not JSON"),
        ("[1]", 400, "JSON object"),
        ({"path": "credit/train.ipynb", "title": "t"}, 400, "why: Field required"),
        ({"path": "credit/train.ipynb", "title": "t", "why": "w", "admin": True}, 400, "admin"),
        ({"path": "../etc/x.ipynb", "title": "t", "why": "w"}, 400, "'..'"),
        ({"path": "credit/missing.ipynb", "title": "t", "why": "w"}, 404, "not found"),
        ({"path": "credit/train.ipynb", "title": "", "why": "w"}, 400, "title"),
    ],
)
async def test_bad_requests_get_4xx_json(jp_fetch, credit: Path, body, status, message) -> None:
    code, error = await refused(jp_fetch, "decisions", body, user=BUSINESS)
    assert code == status and message in error["error"], error
    assert "Traceback" not in json.dumps(error)


async def test_the_portfolio_lists_every_project_and_notebook(
    jp_fetch, credit: Path, jp_root_dir: Path
) -> None:
    other = jp_root_dir / "teams" / "fraud"
    other.mkdir(parents=True)
    init_project(other, name="fraud", template="llm", risk_tier="high", actor=ACTOR)
    make_notebook(other / "prompt.ipynb", ["x = 1"])
    make_notebook(other / "batch-runs" / "prompt" / "old.ipynb", ["x = 1"])  # outputs: skipped
    make_notebook(other / ".hidden" / "secret.ipynb", ["x = 1"])
    side = jp_root_dir / "teams" / "side"
    side.mkdir()
    init_project(side, name="side", template="regression", risk_tier="minimal", actor=ACTOR)
    make_notebook(side / "fit.ipynb", ["x = 1"])
    make_notebook(jp_root_dir / "teams" / "loose.ipynb", ["x = 1"])  # in no project
    response = await jp_fetch("mlops", "api", "portfolio")
    body = json.loads(response.body)
    projects = {p["name"]: p for p in body["projects"]}
    assert set(projects) == {"credit", "fraud", "side"} and body["truncated"] is False
    assert [n["path"] for n in projects["fraud"]["notebooks"]] == ["teams/fraud/prompt.ipynb"]
    assert [n["path"] for n in projects["side"]["notebooks"]] == ["teams/side/fit.ipynb"]
    (train,) = projects["credit"]["notebooks"]
    assert train["stage"] == "ready for review" and train["failing"] == 1
    assert train["may_run"] is False and train["stale"] is False and train["last_activity"]
    assert projects["fraud"]["risk_tier"] == "high" and projects["fraud"]["template"] == "llm"


def test_the_portfolio_in_a_terminal(credit: Path, jp_root_dir: Path, mlops) -> None:
    done = mlops("portfolio", str(jp_root_dir), cwd=jp_root_dir)
    assert done.returncode == 0, done.stderr
    assert (
        "credit" in done.stdout
        and "train.ipynb" in done.stdout
        and "ready for review" in done.stdout
    )
    as_json = json.loads(mlops("portfolio", "--json", cwd=jp_root_dir).stdout)
    assert [p["name"] for p in as_json["projects"]] == ["credit"]
    assert mlops("portfolio", "nowhere", cwd=jp_root_dir).returncode == 1


def test_the_ledger_names_the_unique_username_and_anonymous_users_stay_anonymous() -> None:
    from jupyterlab_mlops.server.handlers import actor_of

    assert actor_of(User(username="rita", name="Rita")) == "rita"
    assert actor_of(User(username="4f9c2a", name="Anonymous Ananke")) == "Anonymous Ananke"


def test_the_timeline_flags_drift_of_a_batch_run(tmp_path: Path) -> None:
    from jupyterlab_mlops.timeline import timeline

    init_project(tmp_path, name="p", template="classification", risk_tier="minimal", actor=ACTOR)
    ledger = find_project(tmp_path).ledger
    ledger.append(
        "batch.run",
        {"status": "succeeded", "drift": {"flagged": [{"dataset": "applications", "column": "income", "psi": 0.4}]}},
        actor=ACTOR,
        notebook={"path": "a.ipynb", "fingerprint": "sha256:x"},
    )  # fmt: skip
    (row,) = timeline(ledger.entries(notebook="a.ipynb"), None)
    assert row["summary"] == "batch run succeeded; drift in applications.income"


async def test_real_answers_match_the_schemas(jp_fetch, credit: Path) -> None:
    check(await status(jp_fetch, user=BUSINESS), "NotebookStatus")
    body = {"path": "credit/train.ipynb", "role": "business", "decision": "approve"}
    signed = json.loads((await post(jp_fetch, "signoffs", body, user=BUSINESS)).body)
    check(signed["signoff"], "SignOff")
    check(signed["approvals"], "Approvals")
    decided = {"path": "credit/train.ipynb", "title": "t", "why": "w", "tags": ["model"]}
    check(
        json.loads((await post(jp_fetch, "decisions", decided, user=BUSINESS)).body)["decision"],
        "Decision",
    )
    check(json.loads((await jp_fetch("mlops", "api", "portfolio")).body), "Portfolio")
    check(await status(jp_fetch, user=BUSINESS), "NotebookStatus")  # with a decision and sign-off
