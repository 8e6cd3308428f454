"""The project's registry facts (owner, sponsor, intended purpose, ...): given to `mlops init`
and `mlops configure`, recorded in the ledger as changes, refused with one error when bad, and
shown in the portfolio."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jupyterlab_mlops.checklists.configure import reconfigure
from jupyterlab_mlops.config import CONTEXT_FIELDS
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.portfolio import portfolio
from jupyterlab_mlops.project import find_project, init_project

from .helpers import ACTOR


def test_init_and_configure_record_the_facts_as_changes(tmp_path: Path, mlops) -> None:
    made = mlops(
        "init", "credit", "--single-user", "--owner", "Ada Lovelace",
        "--intended-purpose", "Rank <b>credit</b> applications\nfor manual review",
    )  # fmt: skip
    assert made.returncode == 1 and "credit is not a folder" in made.stderr  # nothing half-made
    (tmp_path / "credit").mkdir()
    made = mlops(
        "init", "credit", "--single-user", "--owner", "Ada Lovelace",
        "--intended-purpose", "Rank <b>credit</b> applications\nfor manual review",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "owner: Ada Lovelace" in made.stdout
    project = find_project(tmp_path / "credit")
    assert project.config.context.owner == "Ada Lovelace"
    assert project.config.context.intended_purpose == (
        "Rank <b>credit</b> applications\nfor manual review"
    )
    (created,) = project.ledger.entries("project.created")
    assert created.payload["context"] == {
        "owner": "Ada Lovelace",
        "intended_purpose": "Rank <b>credit</b> applications\nfor manual review",
    }

    changed = mlops(
        "configure", "--sponsor", "Rita Chen", "--owner", "", "--json", cwd=project.root
    )
    assert changed.returncode == 0, changed.stderr
    assert json.loads(changed.stdout)["context"]["sponsor"] == "Rita Chen"
    project = find_project(project.root)
    assert (project.config.context.owner, project.config.context.sponsor) == (None, "Rita Chen")
    (entry,) = project.ledger.entries("project.configured")
    assert entry.payload == {  # only what changed, before and after
        "before": {"context": {"owner": "Ada Lovelace", "sponsor": None}},
        "after": {"context": {"owner": None, "sponsor": "Rita Chen"}},
    }
    again = mlops("configure", "--sponsor", "Rita Chen", cwd=project.root)
    assert again.returncode == 0
    assert len(find_project(project.root).ledger.entries("project.configured")) == 1

    helped = mlops("configure", "--help")
    for name in CONTEXT_FIELDS:
        assert f"--{name.replace('_', '-')}" in helped.stdout


def test_a_bad_fact_is_one_error_and_changes_nothing(tmp_path: Path, mlops) -> None:
    init_project(tmp_path, name="p", template="classification", risk_tier="limited",
                 actor=ACTOR, single_user=True)  # fmt: skip
    config = (tmp_path / ".mlops" / "config").read_bytes()
    ledger = (tmp_path / ".mlops" / "ledger.jsonl").read_bytes()
    for bad in ("\x07bell", "x" * 101):
        done = mlops("configure", "--owner", bad, cwd=tmp_path)
        assert done.returncode == 1 and "context.owner" in done.stderr
        assert "Traceback" not in done.stderr and "hint:" in done.stderr
    assert (tmp_path / ".mlops" / "config").read_bytes() == config
    assert (tmp_path / ".mlops" / "ledger.jsonl").read_bytes() == ledger


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(facts=st.dictionaries(st.sampled_from(CONTEXT_FIELDS), st.text(max_size=120), max_size=4))
def test_any_facts_are_recorded_or_refused_whole(tmp_path_factory, facts: dict[str, str]) -> None:
    root = tmp_path_factory.mktemp("p")
    project = init_project(root, name="p", template="classification", risk_tier="limited",
                           actor=ACTOR, single_user=True)  # fmt: skip
    before = (root / ".mlops" / "config").read_bytes()
    try:
        changed = reconfigure(project, actor=ACTOR, context=facts)
    except MlopsError as exc:
        assert exc.hint and "\n" not in exc.message
        assert (root / ".mlops" / "config").read_bytes() == before
        assert not project.ledger.entries("project.configured")
        return
    stored = find_project(root).config.context.model_dump()
    assert stored == changed.config.context.model_dump()
    for name, value in facts.items():
        assert stored[name] == (value.strip() or None)


def test_the_portfolio_shows_the_facts_given(tmp_path: Path) -> None:
    (tmp_path / "credit").mkdir()
    init_project(tmp_path / "credit", name="credit", template="classification",
                 risk_tier="high", actor=ACTOR, context={"owner": "Ada", "provider": "Bank AG"})  # fmt: skip
    (project,) = portfolio(tmp_path).projects
    assert project["context"] == {"owner": "Ada", "provider": "Bank AG"}
