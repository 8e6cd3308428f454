"""An item whose template names ``waiver_decision`` (the fairness item: ``fairness``) may be
waived only with a recorded decision carrying that tag, made at this notebook version and
linked to the report that fails; the waiver then points at the decision and takes its
reasons. Shown on the explanations item, overridden in a project template."""

from __future__ import annotations

import pytest
import yaml

from jupyterlab_mlops.checklists.evaluate import check_notebook, waive_item
from jupyterlab_mlops.config import dump_config
from jupyterlab_mlops.decisions import record_decision
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.project import Project, find_project
from jupyterlab_mlops.templates import shipped_template

from .helpers import ACTOR
from .helpers.explanations import record_explanation
from .test_checklist_explanations import trained  # noqa: F401 (a fixture)
from .test_checklists import SOURCES, repo, results  # noqa: F401 (fixtures)


@pytest.fixture
def reviewed(trained: Project) -> Project:  # noqa: F811
    """The trained project, with the recording actor in the risk role (who may waive)."""
    config = trained.config.model_copy(update={"roles": {"risk": [ACTOR]}})
    (trained.mlops_dir / "config").write_text(dump_config(config))
    return find_project(trained.root)


def needs_decision(project: Project) -> Project:
    """The project's template with the explanations item waivable only by a decision."""
    item = next(i for i in shipped_template("classification").items if i.id == "explanations")
    override = item.model_dump(exclude_none=True) | {"waiver_decision": "fairness"}
    folder = project.mlops_dir / "checklists"
    folder.mkdir(exist_ok=True)
    (folder / "classification.yaml").write_text(yaml.safe_dump({"items": [override]}))
    return find_project(project.root)


def waiver_of(project: Project) -> object:
    report = check_notebook(project, project.root / "train.ipynb")
    return next(r for r in report.results if r.item.id == "explanations").waiver


def test_a_waiver_needs_a_tagged_decision_linked_to_the_failing_report(reviewed: Project) -> None:
    project = needs_decision(reviewed)
    notebook = project.root / "train.ipynb"
    report = record_explanation(project, notebook, kinds=["global"])  # lacks local (limited)
    assert results(project)["explanations"][0] == "fail"

    with pytest.raises(MlopsError) as refused:
        waive_item(project, notebook, "explanations", why="accepted", actor=ACTOR)
    assert "decision tagged 'fairness'" in refused.value.message
    assert f"--tag fairness --link {report.hash[:12]}" in refused.value.hint

    # a decision with the right tag that does not link the report does not count, nor does a
    # linked one with another tag
    for tags, links in ((["fairness"], []), (["model"], [report.hash])):
        record_decision(
            project, title=f"not it {tags}", why="...", actor=ACTOR, tags=tags, links=links,
            notebook=notebook,
        )  # fmt: skip
        with pytest.raises(MlopsError):
            waive_item(project, notebook, "explanations", why="", actor=ACTOR)

    decision = record_decision(
        project,
        title="Accept a global-only explanation for the pilot",
        why="The pilot scores 200 applications under manual review; local explanations follow",
        actor=ACTOR,
        tags=["fairness"],
        links=[report.hash],
        notebook=notebook,
    )
    waiver = waive_item(project, notebook, "explanations", why="", actor=ACTOR)
    assert waiver.payload["decision"] == decision.entry.hash
    assert waiver.payload["why"].startswith("The pilot scores 200 applications")
    assert f"entry:{decision.entry.hash}" in waiver.links
    assert results(project)["explanations"][0] == "waived"
    assert waiver_of(project) == waiver


def test_a_plain_waiver_of_such_an_item_does_not_count(reviewed: Project) -> None:
    """A waiver recorded without a decision (before the template asked for one) no longer
    excuses the item once the template does."""
    project = reviewed
    notebook = project.root / "train.ipynb"
    record_explanation(project, notebook, kinds=["global"])
    waive_item(project, notebook, "explanations", why="accepted for the pilot", actor=ACTOR)
    assert results(project)["explanations"][0] == "waived"
    project = needs_decision(project)
    assert results(project)["explanations"][0] == "fail"
