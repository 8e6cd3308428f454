"""People in ``.mlops/config``: each person once with every identity that is theirs, roles that
name people, and sign-offs, authorship and separation of duties counted per person, whichever
identity (git's ``Name <email>`` from the kernel or CLI, a Jupyter username) acted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from jupyterlab_mlops.approvals import approval_status, sign_off
from jupyterlab_mlops.config import ProjectConfig, dump_config, load_config
from jupyterlab_mlops.decisions import record_decision
from jupyterlab_mlops.errors import ForbiddenError, MlopsError
from jupyterlab_mlops.people import display_name, person_key
from jupyterlab_mlops.project import Project, find_project, init_project

from .helpers import ACTOR
from .helpers.ready import ready_project

ADA = {"name": "Ada Lovelace", "identities": [ACTOR, "ada"]}
RITA = {"name": "Rita Chen", "identities": ["Rita Chen <rita@example.com>", "rchen"]}
BO = {"name": "Bo Berg", "identities": ["Bo <bo@example.com>", "bo"]}
IAN = {"name": "Ian Ito", "identities": ["Ian <ian@example.com>", "ian"]}
TEAM = {
    "people": [ADA, RITA, BO, IAN],
    "roles": {
        "business": ["Bo Berg"],
        "risk": ["Rita Chen", "Ada Lovelace"],
        "it-ops": ["Ian Ito"],
    },
}


def write_config(project: Project, **changes) -> Project:
    raw = {**project.config.model_dump(), **changes}
    (project.mlops_dir / "config").write_text(yaml.safe_dump(raw, sort_keys=False))
    return find_project(project.root)


def config_error(tmp_path: Path, **changes) -> str:
    """The error ``load_config`` gives for a config with ``changes``."""
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump({"name": "p", **changes}))
    with pytest.raises(MlopsError) as info:
        load_config(path)
    assert info.value.hint == "fix the value in .mlops/config"
    return info.value.message.removeprefix(f"{path}: ")


@pytest.fixture
def team(tmp_path: Path) -> Project:
    """A high-risk project whose notebook passes every item but the sign-offs; Ada (as git's
    ``Ada Lovelace <ada@example.com>``) is its author."""
    project = ready_project(tmp_path, ["seed = 7", "import math", "x = math.pi"])
    return write_config(project, **TEAM)


def test_the_config_lists_people_once_and_roles_name_them(tmp_path: Path) -> None:
    config = ProjectConfig.model_validate({"name": "p", **TEAM})
    assert config.person_of("rchen").name == "Rita Chen"
    assert config.person_of("Rita Chen") is None  # a name is not an identity
    assert config.person_named("Rita Chen").name == "Rita Chen"
    assert person_key(config, "rchen") == person_key(config, "Rita Chen <rita@example.com>")
    assert person_key(config, "mallory") == "identity:mallory"
    assert display_name(config, "rchen") == "Rita Chen"
    assert display_name(config, "Eve Evans <eve@example.com>") == "Eve Evans"
    assert display_name(None, "rita") == "rita"
    # a config of the older shape (roles list identities, no people) stays valid
    old = ProjectConfig.model_validate({"name": "p", "roles": {"risk": ["Rita <r@x>"]}})
    assert old.people == [] and old.roles == {"risk": ["Rita <r@x>"]}


def test_who_is_who_has_one_answer(tmp_path: Path) -> None:
    twice = config_error(tmp_path, people=[ADA, {**RITA, "name": "ada lovelace"}])
    assert (
        twice
        == "people: ada lovelace is listed twice; list each person once, with all of their identities"
    )
    shared = config_error(tmp_path, people=[ADA, {**RITA, "identities": ["rchen", "ada"]}])
    assert (
        shared
        == "people: the identity 'ada' belongs to both Ada Lovelace and Rita Chen; an identity is one person's"
    )
    named = config_error(tmp_path, people=[ADA, {**RITA, "identities": ["Ada Lovelace"]}])
    assert "'Ada Lovelace' is both a person's name and an identity of Rita Chen" in named
    double = config_error(tmp_path, people=[ADA], roles={"risk": ["Ada Lovelace", "ada"]})
    assert (
        double
        == "roles: risk lists Ada Lovelace twice ('Ada Lovelace' and 'ada'); name each person once"
    )
    assert "people.0.email: Extra inputs are not permitted" in config_error(
        tmp_path, people=[{**ADA, "email": "ada@example.com"}]
    )
    assert "people.0.identities" in config_error(
        tmp_path, people=[{"name": "Ada", "identities": []}]
    )
    assert "people.0.identities" in config_error(
        tmp_path, people=[{"name": "Ada", "identities": ["a", "a"]}]
    )


def test_init_writes_a_commented_example_that_works_when_uncommented(tmp_path: Path) -> None:
    init_project(tmp_path, name="p", template="classification", risk_tier="high", actor=ACTOR)
    text = (tmp_path / ".mlops" / "config").read_text()
    assert "#   people:\n#     - name: Ada Lovelace\n" in text and "\npeople: []\n" in text
    example = "\n".join(
        line[2:]
        for line in text.splitlines()
        if line.startswith("#  ") or line.startswith("#     ")
    )
    parsed = ProjectConfig.model_validate({"name": "p", **yaml.safe_load(example)})
    assert parsed.person_of("rchen").name == "Rita Chen" and parsed.roles["risk"] == ["Rita Chen"]
    assert load_config(tmp_path / ".mlops" / "config").people == []
    # a config with people is written as data, and read back the same
    config = ProjectConfig.model_validate({"name": "p", **TEAM})
    assert ProjectConfig.model_validate(yaml.safe_load(dump_config(config))) == config


def test_any_identity_of_a_role_holder_may_sign_and_authorship_follows_the_person(
    team: Project,
) -> None:
    notebook = team.root / "train.ipynb"
    sign_off(team, notebook, role="business", actor="bo", decision="approve")  # Jupyter username
    sign_off(
        team, notebook, role="it-ops", actor="Ian <ian@example.com>", decision="approve"
    )  # git
    # Ada wrote the notebook as git's identity: as her Jupyter username she is still its author
    with pytest.raises(
        ForbiddenError, match=r"ada worked on train.ipynb \(as Ada Lovelace <ada@example.com>\)"
    ):
        sign_off(team, notebook, role="risk", actor="ada", decision="approve")
    with pytest.raises(ForbiddenError, match="may not sign off as business"):
        sign_off(team, notebook, role="business", actor="Bo Berg", decision="approve")  # a name
    sign_off(team, notebook, role="risk", actor="rchen", decision="approve")
    assert approval_status(notebook, team).may_run
    # Rita refuses as git's identity, then approves as her Jupyter username: her latest word counts
    sign_off(
        team,
        notebook,
        role="risk",
        actor="Rita Chen <rita@example.com>",
        decision="refuse",
        comment="no",
    )
    assert "risk refused by Rita Chen: no" in approval_status(notebook, team).problems()
    sign_off(team, notebook, role="risk", actor="rchen", decision="approve")
    assert approval_status(notebook, team).may_run
    # Rita working on the notebook, as either identity, makes her an author
    record_decision(
        team,
        title="late",
        why="w",
        tags=["model"],
        actor="Rita Chen <rita@example.com>",
        notebook=notebook,
    )
    assert "does not count" in " ".join(approval_status(notebook, team).problems())


def test_one_person_covers_one_required_role_whichever_identity_signs(team: Project) -> None:
    notebook = team.root / "train.ipynb"
    both = write_config(team, roles={**TEAM["roles"], "it-ops": ["Bo Berg"]})
    sign_off(both, notebook, role="business", actor="bo", decision="approve")
    sign_off(both, notebook, role="risk", actor="rchen", decision="approve")
    sign_off(both, notebook, role="it-ops", actor="Bo <bo@example.com>", decision="approve")
    assert "signs another role" in " ".join(approval_status(notebook, both).problems())


def test_a_role_listing_identities_still_works_and_finds_the_person(team: Project) -> None:
    notebook = team.root / "train.ipynb"
    legacy = write_config(team, roles={**TEAM["roles"], "business": ["Bo <bo@example.com>"]})
    sign_off(legacy, notebook, role="business", actor="bo", decision="approve")  # same person
    no_people = write_config(
        team, people=[], roles={**TEAM["roles"], "business": ["Bo <bo@example.com>"]}
    )
    with pytest.raises(ForbiddenError, match="may not sign off as business"):
        sign_off(no_people, notebook, role="business", actor="bo", decision="approve")


def test_the_cli_signs_as_the_person_of_git_identity(team: Project) -> None:
    env = {**os.environ, "MLOPS_USER": "Bo <bo@example.com>"}
    done = subprocess.run(
        [sys.executable, "-m", "jupyterlab_mlops.cli", "approve", "train.ipynb", "--role", "business"],
        cwd=team.root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    signoff = approval_status(team.root / "train.ipynb", team).latest["business"].to_json()
    assert signoff["actor"] == "Bo <bo@example.com>" and signoff["name"] == "Bo Berg"
    assert signoff["person"] == "person:Bo Berg" == person_key(team.config, "bo")


def test_the_cli_names_a_config_problem_in_one_line(team: Project, mlops) -> None:
    raw = {**team.config.model_dump(), "people": [RITA, {**BO, "identities": ["bo", "rchen"]}]}
    (team.mlops_dir / "config").write_text(yaml.safe_dump(raw, sort_keys=False))
    done = mlops("approvals", "train.ipynb", cwd=team.root)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "the identity 'rchen' belongs to both Rita Chen and Bo Berg" in done.stderr
