"""Configs, checklist templates and request bodies someone else wrote: any content is either
read as valid or refused with one MlopsError naming the file (or field); nothing else escapes
(issue 14). Notebooks, ledgers, parameters and command lines have their own property tests."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jupyterlab_mlops.config import load_config
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.server.handlers import DecisionBody, SignoffBody, parse_body
from jupyterlab_mlops.templates import load_template

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
CONFIG_KEYS = st.sampled_from(
    ["version", "name", "template", "risk_tier", "roles", "allow_anonymous", "tracking_uri",
     "checklist_dirs", "batch_output_dir", "drift_threshold", "unknown"]
)  # fmt: skip
TEXT = st.one_of(
    st.dictionaries(CONFIG_KEYS, VALUES, max_size=6).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True)
    ),
    st.text(max_size=200),
    st.sampled_from(["a: [", "x: " + "9" * 5000, "a: " + "[" * 5000, "\ufeffname: x", "- 1"]),
)
SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(text=TEXT)
def test_any_config_is_read_or_refused_naming_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_config(path)
        event("read")
    except MlopsError as exc:
        assert str(path) in exc.message and exc.hint
        event("refused")


ITEM = st.fixed_dictionaries(
    {"id": st.text(max_size=10)},
    optional={"title": VALUES, "why": VALUES, "fix": VALUES, "check": VALUES, "gates": VALUES,
              "tiers": VALUES, "waivable": VALUES, "evidence": VALUES},
)  # fmt: skip
TEMPLATES = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "title": VALUES,
            "model_type": VALUES,
            "extends": VALUES,
            "items": st.lists(ITEM, max_size=3) | VALUES,
        },
    ).map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
    TEXT,
)


@SETTINGS
@given(text=TEMPLATES)
def test_any_template_is_read_or_refused_naming_the_file(tmp_path: Path, text: str) -> None:
    (tmp_path / "mine.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_template("mine", [tmp_path])
        event("read")
    except MlopsError as exc:
        assert "mine" in exc.message and exc.hint
        event("refused")


BODIES = st.one_of(
    st.binary(max_size=80),
    VALUES.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {},
        optional={
            "path": VALUES,
            "title": VALUES,
            "why": VALUES,
            "role": VALUES,
            "decision": VALUES,
            "tags": VALUES,
            "comment": VALUES,
            "x": VALUES,
        },
    ).map(lambda d: json.dumps(d).encode()),
    st.sampled_from([b"[" * 100_000, b'{"path": ' + b"9" * 5000 + b"}", b"\xff\xfe"]),
)


@SETTINGS
@given(raw=BODIES)
def test_any_request_body_is_a_model_or_a_400(raw: bytes) -> None:
    for model in (DecisionBody, SignoffBody):
        try:
            parse_body(raw, model)
            event(f"{model.__name__}: read")
        except MlopsError as exc:
            assert exc.status == 400 and exc.hint, exc.message
            event(f"{model.__name__}: refused (400)")


def test_a_missing_or_circular_parent_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("extends: '0'\n")
    (tmp_path / "a.yaml").write_text("extends: b\n")
    (tmp_path / "b.yaml").write_text("extends: a\n")
    for name, message in [
        ("mine", "mine.yaml: extends '0', but there is no checklist template named '0'"),
        ("a", "b.yaml: templates extend each other in a circle: a -> b -> a"),
    ]:
        try:
            load_template(name, [tmp_path])
        except MlopsError as exc:
            assert message in exc.message
        else:
            raise AssertionError(f"{name} loaded")
