"""The author's text for a section, or why it does not apply: recorded in the ledger, the
newest wins; bad keys and reasonless "not applicable" are one clear error; a YAML file is
recorded whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jupyterlab_mlops.documentation.authored import (
    authored_texts,
    record_authored,
    record_authored_file,
)
from jupyterlab_mlops.documentation.model import ANNEX_IV_KEYS, MODEL_CARD_KEYS
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.kinds import DOCUMENTATION_AUTHORED
from jupyterlab_mlops.project import Project

from .helpers import ACTOR

BOB = "Bob <bob@example.com>"


def test_recorded_and_the_newest_wins(project: Project) -> None:
    first = record_authored(project, "annex-iv", "1(d)", text="Sold as a SaaS API.", actor=ACTOR)
    record_authored(project, "annex-iv", "1e", text="  Runs on one CPU.  ", actor=ACTOR)
    record_authored(project, "model-card", "caveats-and-recommendations", text="x", actor=ACTOR)
    newer = record_authored(project, "annex-iv", "1 (D)", not_applicable="in-house only", actor=BOB)
    texts = authored_texts(project)
    assert set(texts) == {
        ("annex-iv", "1(d)"), ("annex-iv", "1(e)"), ("model-card", "caveats-and-recommendations")
    }  # fmt: skip
    d = texts[("annex-iv", "1(d)")]
    assert d == newer and d.text is None and d.not_applicable == "in-house only" and d.by == BOB
    assert first.entry_id != newer.entry_id
    assert texts[("annex-iv", "1(e)")].text == "Runs on one CPU."
    (entry, *_) = project.ledger.entries(DOCUMENTATION_AUTHORED)
    assert entry.payload == {
        "document": "annex-iv", "key": "1(d)", "text": "Sold as a SaaS API.", "not_applicable": None
    }  # fmt: skip


@pytest.mark.parametrize(
    ("document", "key", "fields", "message", "hint"),
    [
        ("annex-iv", "1(z)", {"text": "x"}, "annex-iv has no section '1(z)'", "1(a), 1(b)"),
        ("annex-iv", "10", {"text": "x"}, "no section '10'", "2(h), 3, 4, 5, 6, 7, 8, 9"),
        ("model-card", "1(d)", {"text": "x"}, "model-card has no section", "model-details"),
        ("annex", "1(d)", {"text": "x"}, "unknown document 'annex'", "annex-iv, model-card"),
        ("annex-iv", "7", {"not_applicable": "  "}, "not applicable needs a reason", "why"),
        ("annex-iv", "7", {}, "no text given", "%%mlops doc"),
        ("annex-iv", "7", {"text": "a", "not_applicable": "b"}, "not both", "drop one"),
        ("annex-iv", "7", {"text": "x" * 20_001}, "20,001 characters", "under 20,000"),
    ],
)
def test_bad_input_is_one_clear_error(
    project: Project, document: str, key: str, fields: dict, message: str, hint: str
) -> None:
    before = project.ledger_path.read_bytes()
    with pytest.raises(MlopsError) as raised:
        record_authored(project, document, key, actor=ACTOR, **fields)
    assert message in raised.value.message and hint in raised.value.hint
    assert project.ledger_path.read_bytes() == before


def test_a_yaml_file(project: Project, tmp_path: Path) -> None:
    file = tmp_path / "docs.yaml"
    file.write_text(
        "annex-iv:\n  1(d): Sold as an API.\n  1e: one CPU\n  7: {not_applicable: no standard"
        " applies}\nmodel-card:\n  factors: age and sex\n"
    )
    recorded = record_authored_file(project, file, ACTOR)
    assert [(a.document, a.key) for a in recorded] == [
        ("annex-iv", "1(d)"), ("annex-iv", "1(e)"), ("annex-iv", "7"), ("model-card", "factors")
    ]  # fmt: skip
    assert authored_texts(project)[("annex-iv", "7")].not_applicable == "no standard applies"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("annex-iv:\n  1(d): ok\n  3: {not_applicable: }\n", "3: not applicable needs a reason"),
        ("annex-iv:\n  1(d): ok\n  3: {not_applicable: false}\n", "not applicable needs a reason"),
        ("annex-iv:\n  1(d): ok\n  1d: twice\n", "1(d) is given twice"),
        ("annex-iv:\n  1(d): ok\nmodel-cards: {}\n", "unknown document 'model-cards'"),
        ("annex-iv:\n  1(d): ok\n  2(b): [a, b]\n", "the text must be a string"),
        ("annex-iv:\n  1(d): ok\n  2(b): {text: a}\n", "text or {not_applicable: reason}"),
        ("annex-iv: [1, 2]\n", "annex-iv must map sections to text"),
        ("annex-iv:\n  1(d): ok\n  11: no\n", "no section '11'"),
        ("- a\n", "must hold a YAML mapping"),
        ("annex-iv: {1(d): [\n", "is not valid YAML"),
    ],
)
def test_a_yaml_file_is_all_or_nothing(
    project: Project, tmp_path: Path, content: str, message: str
) -> None:
    file = tmp_path / "docs.yaml"
    file.write_text(content)
    before = project.ledger_path.read_bytes()
    with pytest.raises(MlopsError) as raised:
        record_authored_file(project, file, ACTOR)
    assert message in raised.value.message
    assert project.ledger_path.read_bytes() == before


_KEYS = st.sampled_from([*ANNEX_IV_KEYS, *MODEL_CARD_KEYS, "1d", "1 (b)", "2(Z)", "10", "", "x"])
_SCALARS = st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none(), st.floats())
_VALUES = st.one_of(
    _SCALARS,
    st.fixed_dictionaries({"not_applicable": _SCALARS}),
    st.dictionaries(st.text(max_size=5), _SCALARS, max_size=2),
    st.lists(_SCALARS, max_size=2),
)
_DOCS = st.sampled_from(["annex-iv", "model-card", "annex", 3])
_TEXT = st.text(min_size=1, max_size=12).filter(str.strip)
_VALID = st.fixed_dictionaries(
    {},
    optional={
        "annex-iv": st.dictionaries(
            st.sampled_from(ANNEX_IV_KEYS),
            st.one_of(_TEXT, st.fixed_dictionaries({"not_applicable": _TEXT})),
            max_size=6,
        ),
        "model-card": st.dictionaries(st.sampled_from(MODEL_CARD_KEYS), _TEXT, max_size=4),
    },
)
_FILES = st.one_of(
    _VALID,
    st.dictionaries(
        _DOCS,
        st.one_of(st.dictionaries(_KEYS, _VALUES, max_size=5), _SCALARS, st.lists(_SCALARS)),
        max_size=3,
    ),
    _SCALARS,
    st.lists(_SCALARS, max_size=2),
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=_FILES)
def test_any_yaml_is_recorded_whole_or_refused_with_one_error(
    project: Project, tmp_path: Path, content: object
) -> None:
    file = tmp_path / "docs.yaml"
    file.write_text(yaml.safe_dump(content))
    before = project.ledger_path.read_bytes()
    entries = len(project.ledger.entries(DOCUMENTATION_AUTHORED))
    try:
        recorded = record_authored_file(project, file, ACTOR)
    except MlopsError as exc:
        assert exc.message and exc.hint
        assert project.ledger_path.read_bytes() == before  # nothing recorded
        return
    # recorded fully: one entry per section the file gives
    assert isinstance(content, dict) or content is None
    given_sections = sum(len(v) for v in (content or {}).values())
    assert len(recorded) == given_sections
    assert len(project.ledger.entries(DOCUMENTATION_AUTHORED)) == entries + given_sections
    texts = authored_texts(project)
    for a in recorded:
        assert texts[(a.document, a.key)].entry_id in {r.entry_id for r in recorded}
        assert (a.text is None) != (a.not_applicable is None)
