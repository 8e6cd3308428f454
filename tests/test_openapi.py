"""The OpenAPI description is valid and names exactly the routes the server registers (the
server's real answers are checked against it in test_server_panel.py)."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate

from jupyterlab_mlops.server import routes

SPEC_FILE = (
    Path(__file__).resolve().parents[1] / "python" / "jupyterlab_mlops" / "server" / "openapi.yaml"
)
SPEC = yaml.safe_load(SPEC_FILE.read_text())


def test_the_document_is_valid_openapi_and_covers_every_route() -> None:
    validate(SPEC)
    assert set(SPEC["paths"]) == {f"/{templated(route)}" for route, _ in routes()}


def templated(route: str) -> str:
    """A tornado route as an OpenAPI path: ``batch-runs/(?P<job_id>...)`` -> ``batch-runs/{job_id}``."""
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)


def check(body: object, schema_name: str) -> None:
    """``body`` is valid against the named schema of the OpenAPI document."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": SPEC["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


def test_a_wrong_answer_would_be_caught() -> None:
    with pytest.raises(jsonschema.ValidationError):
        check({"projects": [{"root": "x"}], "truncated": False}, "Portfolio")
