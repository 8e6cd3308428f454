"""Authorization by action: a user allowed to read but not write sees the panel's data but
cannot sign off, record decisions, generate documents or change the registry facts (403),
and every endpoint requires a token."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jupyter_server.auth.authorizer import Authorizer
from tornado.httpclient import HTTPClientError

from jupyterlab_mlops.project import init_project
from jupyterlab_mlops.server import routes

from .helpers import ACTOR, make_notebook
from .helpers.server import server_config

pytest_plugins = ["pytest_jupyter.jupyter_server"]


class ReadOnly(Authorizer):
    def is_authorized(self, handler, user, action, resource) -> bool:
        return action == "read"


@pytest.fixture
def jp_server_config() -> dict:
    return server_config(authorizer_class=ReadOnly)


async def test_reads_pass_and_writes_are_refused(jp_fetch, jp_root_dir: Path) -> None:
    root = jp_root_dir / "p"
    root.mkdir()
    init_project(
        root,
        name="p",
        template="classification",
        risk_tier="minimal",
        actor=ACTOR,
        single_user=True,
    )
    make_notebook(root / "a.ipynb", ["x = 1"])
    assert (await jp_fetch("mlops", "api", "notebook", params={"path": "p/a.ipynb"})).code == 200
    assert (await jp_fetch("mlops", "api", "portfolio")).code == 200
    for endpoint, body in (
        ("decisions", {"path": "p/a.ipynb", "title": "t", "why": "w"}),
        ("signoffs", {"path": "p/a.ipynb", "role": "business", "decision": "approve"}),
        ("documentation", {"path": "p/a.ipynb"}),
        ("context", {"path": "p/a.ipynb", "context": {"owner": "Ann"}}),
    ):
        with pytest.raises(HTTPClientError) as info:
            await jp_fetch("mlops", "api", endpoint, method="POST", body=json.dumps(body))
        assert info.value.code == 403
    ledger = (root / ".mlops" / "ledger.jsonl").read_text()
    assert '"decision.recorded"' not in ledger and '"documentation.generated"' not in ledger
    assert '"project.configured"' not in ledger and not (root / "docs").exists()


ROUTES = [
    (re.sub(r"\(\?P<\w+>[^)]*\)", "0" * 32, route), method)  # a job id in batch-runs/ID
    for route, handler in routes()
    for method in ("GET", "POST")
    if method.lower() in vars(handler)
]


def test_every_route_is_checked_below() -> None:
    assert {r for r, _ in ROUTES} >= {"notebook", "portfolio", "documentation", "context"}


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
async def test_every_endpoint_needs_a_token(
    jp_fetch, jp_root_dir: Path, endpoint: str, method: str
) -> None:
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(
            "mlops", "api", endpoint, method=method,
            body="{}" if method == "POST" else None, headers={"Authorization": ""},
            params={"path": "p/a.ipynb"} if method == "GET" else None,
        )  # fmt: skip
    assert info.value.code in (401, 403)
