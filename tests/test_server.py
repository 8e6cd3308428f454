"""The REST API with a real Jupyter server: auth on, paths confined to the root."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_mlops.config import CONTEXT_FIELDS, context_form
from jupyterlab_mlops.decisions import record_decision
from jupyterlab_mlops.project import find_project, init_project

from .helpers import ACTOR, make_notebook
from .helpers.server import server_config

pytest_plugins = ["pytest_jupyter.jupyter_server"]


@pytest.fixture
def jp_server_config() -> dict:
    return server_config()


@pytest.fixture
def credit(jp_root_dir: Path) -> Path:
    root = jp_root_dir / "credit"
    root.mkdir()
    init_project(root, name="credit", template="classification", risk_tier="high", actor=ACTOR)
    make_notebook(root / "notebooks" / "train.ipynb", ["x = 1"])
    return root


async def get_status(jp_fetch, path: str, **kwargs):
    return await jp_fetch("mlops", "api", "notebook", params={"path": path}, **kwargs)


async def error_of(jp_fetch, path: str) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as info:
        await get_status(jp_fetch, path)
    return info.value.code, json.loads(info.value.response.body)


async def test_status_and_decisions_of_a_notebook(jp_fetch, credit: Path) -> None:
    project = find_project(credit)
    record_decision(
        project,
        title="Drop <b>identifiers</b>",
        why="privacy",
        actor=ACTOR,
        notebook=credit / "notebooks" / "train.ipynb",
        tags=["data"],
    )
    response = await get_status(jp_fetch, "credit/notebooks/train.ipynb")
    assert response.code == 200
    body = json.loads(response.body)
    assert body["path"] == "credit/notebooks/train.ipynb"
    assert body["project"] == {
        "root": "credit",
        "name": "credit",
        "template": "classification",
        "risk_tier": "high",
        "context": dict.fromkeys(CONTEXT_FIELDS),
        "context_form": list(context_form()),
    }
    assert (
        body["notebook"]["fingerprint"].startswith("sha256:") and body["notebook"]["exists"] is True
    )
    assert body["counts"]["entries"] == 2 and body["counts"]["decisions"] == 1
    decision = body["decisions"][0]
    assert (
        decision["title"] == "Drop <b>identifiers</b>" and decision["current"] is True
    )  # raw text: the UI escapes
    assert (
        decision["actor"] == ACTOR
        and decision["tags"] == ["data"]
        and len(decision["short_id"]) == 12
    )


async def test_etag_lets_the_panel_poll_cheaply(jp_fetch, credit: Path) -> None:
    first = await get_status(jp_fetch, "credit/notebooks/train.ipynb")
    etag = first.headers["Etag"]
    # a browser keeps the login cookie, so it stays the same (anonymous) user between polls
    cookie = first.headers["Set-Cookie"].split(";", 1)[0]
    with pytest.raises(HTTPClientError) as unchanged:
        await get_status(
            jp_fetch,
            "credit/notebooks/train.ipynb",
            headers={"If-None-Match": etag, "Cookie": cookie},
        )
    assert unchanged.value.code == 304
    record_decision(
        find_project(credit),
        title="New",
        why="because",
        actor=ACTOR,
        notebook=credit / "notebooks" / "train.ipynb",
    )
    changed = await get_status(
        jp_fetch, "credit/notebooks/train.ipynb", headers={"If-None-Match": etag, "Cookie": cookie}
    )
    assert changed.code == 200 and changed.headers["Etag"] != etag
    assert [d["title"] for d in json.loads(changed.body)["decisions"]] == ["New"]


async def test_notebook_outside_any_project(jp_fetch, jp_root_dir: Path) -> None:
    make_notebook(jp_root_dir / "loose.ipynb", ["x = 1"])
    body = json.loads((await get_status(jp_fetch, "loose.ipynb")).body)
    assert body["project"] is None and "mlops init" in body["hint"]
    assert body["notebook"]["fingerprint"].startswith("sha256:")


async def test_a_project_above_the_server_root_is_not_exposed(jp_fetch, jp_root_dir: Path) -> None:
    above = jp_root_dir.parent
    if not (above / ".mlops").exists():
        init_project(above, name="above", template="classification", risk_tier="high", actor=ACTOR)
    make_notebook(jp_root_dir / "inner.ipynb", ["x = 1"])
    body = json.loads((await get_status(jp_fetch, "inner.ipynb")).body)
    assert body["project"] is None


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("../outside.ipynb", 400),
        ("credit/../../outside.ipynb", 400),
        ("/etc/passwd.ipynb", 400),
        ("~/x.ipynb", 400),
        ("", 400),
        ("credit/notebooks/missing.ipynb", 404),
        ("credit/.mlops/config", 400),  # not a notebook
        ("credit\\..\\..\\outside.ipynb", 400),  # Windows-style separators
    ],
)
async def test_bad_paths_get_4xx_json(jp_fetch, credit: Path, path: str, status: int) -> None:
    code, body = await error_of(jp_fetch, path)
    assert code == status and body["error"] and body["hint"]


async def test_encoded_traversal_is_refused(
    jp_fetch, jp_base_url, jp_auth_header, http_server_client, credit
) -> None:
    url = f"{jp_base_url}mlops/api/notebook?path=%2e%2e%2f%2e%2e%2fetc%2fpasswd.ipynb"
    with pytest.raises(HTTPClientError) as info:
        await http_server_client.fetch(url, headers=jp_auth_header)
    assert info.value.code == 400 and "not allowed" in json.loads(info.value.response.body)["error"]


async def test_symlink_out_of_the_root_is_forbidden(
    jp_fetch, credit: Path, tmp_path_factory
) -> None:
    secret = tmp_path_factory.mktemp("secret")
    make_notebook(secret / "secret.ipynb", ["password = 'x'"])
    os.symlink(secret, credit / "link")
    code, body = await error_of(jp_fetch, "credit/link/secret.ipynb")
    assert code == 403 and "outside the server root" in body["error"]


async def test_requests_without_a_token_are_refused(
    jp_base_url, http_server_client, credit: Path
) -> None:
    url = f"{jp_base_url}mlops/api/notebook?path=credit/notebooks/train.ipynb"
    with pytest.raises(HTTPClientError) as info:
        await http_server_client.fetch(url)
    assert info.value.code == 403
    with pytest.raises(HTTPClientError) as info:
        await http_server_client.fetch(url, headers={"Authorization": "token wrong-token"})
    assert info.value.code == 403


async def test_project_files_leading_out_of_the_root_are_refused(
    jp_fetch, jp_root_dir: Path, tmp_path_factory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    init_project(elsewhere, name="other", template="classification", risk_tier="high", actor=ACTOR)
    record_decision(
        find_project(elsewhere), title="Secret plan", why="nobody may read this", actor=ACTOR
    )
    (jp_root_dir / "p").mkdir()
    os.symlink(elsewhere / ".mlops", jp_root_dir / "p" / ".mlops")  # a marker that points away
    make_notebook(jp_root_dir / "p" / "n.ipynb", ["x = 1"])
    code, body = await error_of(jp_fetch, "p/n.ipynb")
    assert code == 403 and "Secret plan" not in json.dumps(body)

    secret = elsewhere / "secrets.yaml"
    secret.write_text("api_key: [AKIA-SECRET-123\n")
    (jp_root_dir / "q" / ".mlops").mkdir(parents=True)
    os.symlink(secret, jp_root_dir / "q" / ".mlops" / "config")  # a cloned repo can hold this
    (jp_root_dir / "q" / ".mlops" / "ledger.jsonl").touch()
    make_notebook(jp_root_dir / "q" / "n.ipynb", ["x = 1"])
    code, body = await error_of(jp_fetch, "q/n.ipynb")
    assert code == 403 and "AKIA" not in json.dumps(body)


async def test_errors_never_echo_file_contents_or_server_paths(
    jp_fetch, credit: Path, jp_root_dir: Path
) -> None:
    (credit / ".mlops" / "config").write_text("name: credit\napi_key: [AKIA-SECRET-123\n")
    code, body = await error_of(jp_fetch, "credit/notebooks/train.ipynb")
    text = json.dumps(body)
    assert code == 400 and "not valid YAML at line" in body["error"]
    assert "AKIA" not in text and str(jp_root_dir.resolve()) not in text


async def test_hidden_notebooks_follow_the_servers_rule(jp_fetch, credit: Path) -> None:
    make_notebook(credit / ".hidden" / "n.ipynb", ["x = 1"])
    code, _ = await error_of(jp_fetch, "credit/.hidden/n.ipynb")
    assert code == 404  # like the contents API with allow_hidden off (the default)
