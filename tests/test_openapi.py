"""The OpenAPI description is valid, names exactly the routes the server registers, and the
server's real answers match its schemas."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate

from jupyterlab_mlops.server.handlers import handlers

from .test_server_panel import BUSINESS, credit, jp_server_config, post, status  # noqa: F401

pytest_plugins = ["pytest_jupyter.jupyter_server"]
SPEC_FILE = (
    Path(__file__).resolve().parents[1] / "python" / "jupyterlab_mlops" / "server" / "openapi.yaml"
)
SPEC = yaml.safe_load(SPEC_FILE.read_text())


def test_the_document_is_valid_openapi_and_covers_every_route() -> None:
    validate(SPEC)
    assert set(SPEC["paths"]) == {f"/{route}" for route, _ in handlers()}


def check(body: object, schema_name: str) -> None:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": SPEC["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


async def test_real_answers_match_the_schemas(jp_fetch, credit: Path) -> None:  # noqa: F811
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


def test_a_wrong_answer_would_be_caught() -> None:
    with pytest.raises(jsonschema.ValidationError):
        check({"projects": [{"root": "x"}], "truncated": False}, "Portfolio")
