"""One person, one identity, with a real Jupyter server (auth on): in single-user mode the
server acts as the local identity the kernel and the CLI use; in a shared project the server's
user is the person listed with that username, so a CLI sign-off by them is theirs in the panel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from jupyterlab_mlops.project import find_project

from .helpers import ACTOR
from .helpers.server import server_config
from .test_openapi import check
from .test_server_panel import HeaderIdentity, credit_project, post, refused, status

pytest_plugins = ["pytest_jupyter.jupyter_server"]
BO = {"name": "Bo Berg", "identities": ["Bo <bo@example.com>", "bo"]}


@pytest.fixture
def jp_server_config() -> dict:
    return server_config(identity_provider_class=HeaderIdentity)


@pytest.fixture
def credit(jp_root_dir: Path) -> Path:
    return credit_project(jp_root_dir)


def reconfigure(root: Path, **changes) -> None:
    project = find_project(root)
    raw = {**project.config.model_dump(), **changes}
    (project.mlops_dir / "config").write_text(yaml.safe_dump(raw, sort_keys=False))


async def test_single_user_mode_the_server_acts_as_the_local_identity(
    jp_fetch, credit: Path, mlops
) -> None:
    reconfigure(credit, allow_anonymous=True, roles={})
    body = await status(jp_fetch)  # the token's user: anonymous to Jupyter
    me = body["me"]
    assert me["identity"] == ACTOR and me["name"] == "Ada Lovelace"  # MLOPS_USER, as the CLI
    assert me["anonymous"] is False and me["single_user"] is True and me["roles"] == ["business"]
    check(body, "NotebookStatus")
    # approved from the CLI: the panel's user signed it
    done = mlops("approve", "train.ipynb", "--role", "business", cwd=credit)
    assert done.returncode == 0, done.stderr
    body = await status(jp_fetch)
    signoff = body["approvals"]["signoffs"]["business"]
    assert signoff["actor"] == ACTOR and signoff["person"] == body["me"]["person"]
    assert signoff["name"] == "Ada Lovelace" and body["names"][ACTOR] == "Ada Lovelace"
    # the panel's sign-offs and decisions are recorded as that same identity
    revoke = {"path": "credit/train.ipynb", "role": "business", "decision": "revoke"}
    signed = json.loads((await post(jp_fetch, "signoffs", revoke)).body)
    assert signed["signoff"]["actor"] == ACTOR and signed["signoff"]["name"] == "Ada Lovelace"
    decision = {"path": "credit/train.ipynb", "title": "t", "why": "w"}
    recorded = json.loads((await post(jp_fetch, "decisions", decision)).body)["decision"]
    assert recorded["actor"] == ACTOR
    actors = {e.actor for e in find_project(credit).ledger.entries()}
    assert not any(a.startswith("Anonymous") for a in actors)


async def test_shared_project_the_servers_user_is_the_person_with_that_username(
    jp_fetch, credit: Path, mlops
) -> None:
    reconfigure(credit, people=[BO], roles={"business": ["Bo Berg"]})
    body = await status(jp_fetch, user="bo")
    assert body["me"]["name"] == "Bo Berg" and body["me"]["roles"] == ["business"]
    assert body["me"]["person"] == "person:Bo Berg"
    import os
    import subprocess
    import sys

    env = {**os.environ, "MLOPS_USER": "Bo <bo@example.com>"}  # Bo's git identity, in the CLI
    done = subprocess.run(
        [sys.executable, "-m", "jupyterlab_mlops.cli", "approve", "train.ipynb", "--role", "business"],
        cwd=credit, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    body = await status(jp_fetch, user="bo")
    signoff = body["approvals"]["signoffs"]["business"]
    assert signoff["actor"] == "Bo <bo@example.com>" and signoff["person"] == body["me"]["person"]
    assert body["names"]["Bo <bo@example.com>"] == "Bo Berg" and body["approvals"]["may_run"]
    (item,) = [i for i in body["report"]["items"] if i["id"] == "signoffs"]
    assert [e["label"] for e in item["evidence"]] == ["business: approved by Bo Berg"]  # short
    check(body, "NotebookStatus")
    # Bo revokes from the panel as his Jupyter username: his approval no longer counts
    revoke = {"path": "credit/train.ipynb", "role": "business", "decision": "revoke"}
    assert (await post(jp_fetch, "signoffs", revoke, user="bo")).code == 201
    body = await status(jp_fetch, user="bo")
    assert body["approvals"]["problems"] == ["no business sign-off"]
    # the token's anonymous user is nobody here: not the local identity, and refused
    anonymous = await status(jp_fetch)
    assert anonymous["me"]["anonymous"] is True and anonymous["me"]["roles"] == []
    code, error = await refused(jp_fetch, "signoffs", revoke)
    assert code == 403 and "anonymous" in error["error"]
