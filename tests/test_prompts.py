"""Prompt versions in a real MLflow prompt registry (the project's own SQLite store), read back
with MLflow's own ``load_prompt``; the ledger's record of each version and alias move; the
CLI and the ``%%mlops prompt`` cell in a real kernel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_mlops.errors import MlopsError, NotFoundError
from jupyterlab_mlops.experiments.store import prepare
from jupyterlab_mlops.kinds import PROMPT_ALIASED, PROMPT_REGISTERED
from jupyterlab_mlops.project import Project
from jupyterlab_mlops.prompts.api import (
    load_prompt,
    register_prompt,
    set_alias,
)
from jupyterlab_mlops.prompts.diff import diff_prompt, side_by_side
from jupyterlab_mlops.timeline import SUMMARIES

from .helpers import ACTOR
from .test_magics import errors_of, run_cells, text_of

FIRST = "You answer customer questions.\nUse only this FAQ:\n{{faq}}\nQuestion: {{question}}"
SECOND = "You answer customer questions politely.\nUse only this FAQ:\n{{faq}}\nQuestion: {{question}}\nAnswer in {{language}}."  # fmt: skip


def mlflow_load(project: Project, uri: str):
    import mlflow

    prepare(project)
    return mlflow.genai.load_prompt(uri)


def test_versions_are_in_mlflow_and_in_the_ledger(project: Project) -> None:
    first = register_prompt(project, "faq-answer", FIRST, actor=ACTOR, message="first cut")
    assert (first.version, first.uri, first.created) == (1, "prompts:/faq-answer/1", True)
    assert first.variables == {"faq", "question"}
    assert mlflow_load(project, "prompts:/faq-answer/1").template == FIRST

    again = register_prompt(project, "faq-answer", FIRST, actor=ACTOR)
    assert (again.version, again.created, again.entry) == (1, False, first.entry)
    assert len(project.ledger.entries(PROMPT_REGISTERED)) == 1  # unchanged: nothing new

    second = register_prompt(project, "faq-answer", SECOND, actor=ACTOR, alias="production")
    assert (second.version, second.aliases) == (2, ("production",))
    loaded = mlflow_load(project, "prompts:/faq-answer@production")
    assert (loaded.version, loaded.template) == (2, SECOND)
    entries = project.ledger.entries(PROMPT_REGISTERED)
    assert [e.payload["version"] for e in entries] == [1, 2]
    p = entries[1].payload
    assert p["digest"] == second.digest and p["store"] == "local" and p["uri"] == second.uri
    assert p["variables"] == ["faq", "language", "question"] and entries[1].actor == ACTOR
    (moved,) = project.ledger.entries(PROMPT_ALIASED)
    assert moved.payload | {} == {
        "name": "faq-answer", "alias": "production", "version": 2, "before": None,
        "store": "local",
    }  # fmt: skip


def test_an_alias_moves_back_and_is_recorded_with_where_it_was(project: Project) -> None:
    register_prompt(project, "faq-answer", FIRST, actor=ACTOR)
    register_prompt(project, "faq-answer", SECOND, actor=ACTOR, alias="production")
    moved = set_alias(project, "faq-answer", 1, "production", actor=ACTOR)
    assert moved is not None and moved.payload["before"] == 2
    assert set_alias(project, "faq-answer", 1, "production", actor=ACTOR) is None
    assert mlflow_load(project, "prompts:/faq-answer@production").version == 1
    assert load_prompt(project, "faq-answer@production").template == FIRST
    assert load_prompt(project, "faq-answer").version == 2  # a bare name: the newest
    with pytest.raises(NotFoundError, match="no version 7"):
        set_alias(project, "faq-answer", 7, "production", actor=ACTOR)
    with pytest.raises(NotFoundError, match="no alias 'staging'"):
        load_prompt(project, "faq-answer@staging")
    with pytest.raises(NotFoundError, match="no prompt named 'other'"):
        load_prompt(project, "other")


def test_format_fills_every_variable_and_refuses_missing_or_unknown(project: Project) -> None:
    p = register_prompt(project, "faq-answer", FIRST, actor=ACTOR)
    text = p.format(faq="Refunds take 5 days.", question="When is my {{refund}}?")
    assert text.endswith("Refunds take 5 days.\nQuestion: When is my {{refund}}?")
    with pytest.raises(MlopsError, match="missing question"):
        p.format(faq="x")
    with pytest.raises(MlopsError, match="unknown tone") as caught:
        p.format(faq="x", question="y", tone="z")
    assert "faq, question" in caught.value.hint


@pytest.mark.parametrize(
    ("name", "template"),
    [("faq answer", FIRST), ("../x", FIRST), ("", FIRST), ("ok", "   "), ("ok", "x" * 100_001)],
)
def test_bad_names_and_templates_are_refused_before_the_registry(
    project: Project, name: str, template: str
) -> None:
    with pytest.raises(MlopsError):
        register_prompt(project, name, template, actor=ACTOR)
    assert project.ledger.entries(PROMPT_REGISTERED) == []


def test_side_by_side_rows() -> None:
    rows = side_by_side("a\nb\nc", "a\nB\nc\nd")
    assert [(r.change, r.left, r.right) for r in rows] == [
        ("same", "a", "a"), ("changed", "b", "B"), ("same", "c", "c"), ("added", None, "d"),
    ]  # fmt: skip
    assert [(r.left_line, r.right_line) for r in rows] == [(1, 1), (2, 2), (3, 3), (None, 4)]


def test_diff_of_two_versions(project: Project) -> None:
    register_prompt(project, "faq-answer", FIRST, actor=ACTOR)
    register_prompt(project, "faq-answer", SECOND, actor=ACTOR, alias="production")
    diff = diff_prompt(project, "faq-answer", "1", "@production")
    assert not diff.identical and diff.variables() == {"removed": [], "added": ["language"]}
    changes = [r.change for r in diff.rows]
    assert changes.count("changed") == 1 and changes[-1] == "added"


def test_the_cli_registers_lists_shows_compares_and_moves_aliases(project: Project, mlops) -> None:
    root = project.root
    (root / "v1.txt").write_text(FIRST)
    (root / "v2.txt").write_text(SECOND)
    first = mlops("prompt", "faq-answer", "--file", "v1.txt", "-m", "first", cwd=root)
    assert first.returncode == 0, first.stderr
    assert "registered prompts:/faq-answer/1" in first.stdout
    same = mlops("prompt", "faq-answer", "--file", "v1.txt", cwd=root)
    assert "unchanged: still prompts:/faq-answer/1" in same.stdout
    mlops("prompt", "faq-answer", "--file", "v2.txt", "--alias", "production", cwd=root, check=True)  # fmt: skip

    listed = json.loads(mlops("prompts", "--json", cwd=root, check=True).stdout)
    assert [(p["name"], p["version"], p["aliases"]) for p in listed] == [
        ("faq-answer", 2, ["production→v2"])
    ]
    versions = json.loads(mlops("prompts", "faq-answer", "--json", cwd=root, check=True).stdout)
    assert [v["version"] for v in versions] == [1, 2] and versions[0]["message"] == "first"
    shown = mlops("prompt", "show", "faq-answer/1", cwd=root, check=True)
    assert FIRST in shown.stdout
    diff = mlops("prompt", "diff", "faq-answer", "1", "2", cwd=root, check=True)
    assert "faq-answer: v1 (left) against v2 (right)" in diff.stdout
    changed = next(line for line in diff.stdout.splitlines() if " | " in line)
    assert "You answer customer questions." in changed and "politely" in changed
    assert "variables added: language" in diff.stdout
    moved = mlops("prompt", "alias", "faq-answer", "1", "production", cwd=root, check=True)
    assert "-> version 1 (was version 2)" in moved.stdout

    for bad, says in [
        (["prompt", "faq-answer"], "no template"),
        (["prompt", "show", "faq-answer/0"], "not a version number"),
        (["prompt", "alias", "faq-answer", "x", "production"], "not a version number"),
        (["prompt", "diff", "faq-answer", "1"], "takes other arguments"),
        (["prompt", "show", "nothing-here"], "no prompt named"),
        (["prompt", "faq-answer", "--file", "missing.txt"], "missing.txt"),
    ]:
        done = mlops(*bad, cwd=root)
        assert done.returncode != 0 and says in done.stderr, (bad, done.stderr)
        assert "Traceback" not in done.stderr
    assert len(project.ledger.entries(PROMPT_REGISTERED)) == 2


def test_a_prompt_cell_in_a_kernel(project: Project) -> None:
    nb = run_cells(
        project.root / "assistant.ipynb",
        [
            "%load_ext jupyterlab_mlops",
            "%%mlops prompt faq-answer --alias production\n" + FIRST,
            "import jupyterlab_mlops\n"
            f"p = jupyterlab_mlops.prompt('faq-answer', {FIRST!r})\n"
            "print(p.version, p.uri, p.format(faq='F', question='Q').splitlines()[-1])",
            "catalog = %mlops prompts\nprint(type(catalog).__mro__[1].__name__, list(catalog['name']))",
            "%mlops prompt show faq-answer@nope",
        ],
    )
    cells = nb.cells
    assert "registered prompts:/faq-answer/1 (production)" in text_of(cells[1])
    assert "1 prompts:/faq-answer/1 Question: Q" in text_of(cells[2])
    assert "DataFrame ['faq-answer']" in text_of(cells[3])
    (error,) = errors_of(cells[4])
    assert "no alias 'nope'" in error and "Traceback" not in error
    (entry,) = project.ledger.entries(PROMPT_REGISTERED)
    assert entry.notebook is not None and entry.notebook["path"] == "assistant.ipynb"
    (moved,) = project.ledger.entries(PROMPT_ALIASED)
    assert SUMMARIES[entry.kind](entry.payload) == "prompt faq-answer v1 registered"
    assert SUMMARIES[moved.kind](moved.payload) == "prompt faq-answer@production -> v1"


def test_prompts_outside_a_project_say_so(tmp_path: Path, mlops) -> None:
    done = mlops("prompts", cwd=tmp_path)
    assert done.returncode != 0 and "mlops init" in done.stderr


def test_runs_record_the_prompt_versions_they_formatted(project: Project, notebook: Path) -> None:
    from jupyterlab_mlops.checklists.bundle import current_bundle
    from jupyterlab_mlops.experiments import runs
    from jupyterlab_mlops.experiments.store import client
    from jupyterlab_mlops.kinds import RUN_LOGGED

    first = register_prompt(project, "faq-answer", FIRST, actor=ACTOR)
    with runs.run("v1", project=project, notebook=notebook) as run:
        first.format(faq="F", question="Q")
    (logged,) = project.ledger.entries(RUN_LOGGED)
    assert logged.payload["prompts"] == [{"name": "faq-answer", "version": 1, "digest": first.digest}]  # fmt: skip
    assert "prompts:/faq-answer/1" in logged.links
    tags = client(project).get_run(run.run_id).data.tags
    assert tags["mlops.prompt.faq-answer"] == f"v1 {first.digest}"
    before = current_bundle(project, notebook)
    assert before.prompts == [f"faq-answer/1@{first.digest}"]

    second = register_prompt(project, "faq-answer", SECOND, actor=ACTOR)
    with runs.run("v2", project=project, notebook=notebook):
        second.format(faq="F", question="Q", language="English")
    after = current_bundle(project, notebook)
    assert after.prompts == [f"faq-answer/2@{second.digest}"]
    assert "the prompt versions" in after.changes_from(before.to_json())


def test_a_bundle_without_prompts_keeps_its_digest() -> None:
    from jupyterlab_mlops.signoffs import Bundle

    plain = Bundle("f" * 64, {}, [], ["run"])
    assert "prompts" not in plain.to_json()  # approvals made before prompts stay current
    with_prompt = Bundle("f" * 64, {}, [], ["run"], prompts=["faq-answer/1@abc"])
    assert with_prompt.changes_from(plain.to_json()) == ["the prompt versions"]


def test_a_new_prompt_version_makes_the_approvals_stale(tmp_path: Path) -> None:
    from jupyterlab_mlops import data
    from jupyterlab_mlops.approvals import approval_status
    from jupyterlab_mlops.experiments import runs

    from .helpers.ready import ready_project
    from .test_approvals import BUSINESS, OPS, RISK, SOURCES, approve_all, configure

    project = ready_project(tmp_path, SOURCES)
    project = configure(project, roles={"business": [BUSINESS], "risk": [RISK, ACTOR], "it-ops": [OPS]})  # fmt: skip
    notebook = project.root / "train.ipynb"
    approve_all(project)
    assert approval_status(notebook).may_run
    p = register_prompt(project, "faq-answer", FIRST, actor=ACTOR, notebook=notebook)
    data.path("applications", start=project.root)
    with runs.run("with a prompt", project=project, notebook=notebook):
        p.format(faq="F", question="Q")
    status = approval_status(notebook)
    assert not status.may_run and "the prompt versions" in status.stale_because
