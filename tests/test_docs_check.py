"""The ``documentation_complete`` check on recorded entries (it reads only the ledger): the
newest documentation of this notebook must be of the current bundle, no Annex IV point missing;
only the high tier asks for it."""

from __future__ import annotations

from pathlib import Path

from jupyterlab_mlops.checklists.bundle import current_bundle
from jupyterlab_mlops.checklists.evaluate import check_notebook
from jupyterlab_mlops.config import dump_config
from jupyterlab_mlops.kinds import DOCUMENTATION_GENERATED
from jupyterlab_mlops.notebooks import notebook_state
from jupyterlab_mlops.project import Project, find_project

from .helpers import ACTOR, make_notebook


def _record(project: Project, notebook: Path, *, missing: list[str], digest: str | None = None):
    coverage = {"evidence": 20 - len(missing), "author": 2, "not_applicable": 1, "missing": len(missing)}  # fmt: skip
    return project.ledger.append(
        DOCUMENTATION_GENERATED,
        {
            "notebook": "train.ipynb",
            "bundle_digest": digest or current_bundle(project, notebook).digest,
            "documents": {"annex-iv": {"coverage": coverage, "missing": missing}},
        },
        actor=ACTOR,
        notebook=notebook_state(project, notebook).ref(),
    )


def _item(project: Project, notebook: Path):
    report = check_notebook(project, notebook)
    return next((r for r in report.results if r.item.id == "documentation"), None)


def test_the_newest_documentation_of_the_current_bundle_without_missing_points(
    project: Project, notebook: Path
) -> None:
    result = _item(project, notebook)
    assert not result.ok and result.outcome.detail == (
        "no documentation generated yet: mlops docs train.ipynb"
    )
    assert result.item.gates == "production" and "mlops docs NOTEBOOK" in result.item.fix
    assert "%%mlops doc SECTION" in result.item.fix
    _record(project, notebook, missing=["1(d)", "7"])
    result = _item(project, notebook)
    assert not result.ok and "Annex IV: 2 of 23 points need the author's input: 1(d), 7" in (
        result.outcome.detail
    )
    complete = _record(project, notebook, missing=[])
    result = _item(project, notebook)
    assert result.ok and "all 23 points covered (20 from evidence, 2 by the author" in (
        result.outcome.detail
    )
    assert [e.ref for e in result.outcome.evidence] == [complete.hash]
    # another bundle's documentation (older data, another run …) does not count
    _record(project, notebook, missing=[], digest="0" * 64)
    assert "stale" in _item(project, notebook).outcome.detail
    _record(project, notebook, missing=[])
    assert _item(project, notebook).ok
    make_notebook(notebook, ["import math", "x = math.tau"])  # a code change
    result = _item(project, notebook)
    assert not result.ok and "the documentation is stale" in result.outcome.detail


def test_another_notebooks_documentation_does_not_count(project: Project, notebook: Path) -> None:
    other = make_notebook(project.root / "score.ipynb", ["y = 1"])
    project.ledger.append(
        DOCUMENTATION_GENERATED,
        {"notebook": "score.ipynb", "bundle_digest": current_bundle(project, notebook).digest,
         "documents": {"annex-iv": {"coverage": {"missing": 0}, "missing": []}}},
        actor=ACTOR, notebook=notebook_state(project, other).ref(),
    )  # fmt: skip
    assert "no documentation generated yet" in _item(project, notebook).outcome.detail


def test_only_the_high_tier_asks_for_it(project: Project, notebook: Path) -> None:
    assert _item(project, notebook) is not None
    for tier in ("minimal", "limited"):
        config = project.config.model_copy(update={"risk_tier": tier})
        (project.mlops_dir / "config").write_text(dump_config(config))
        assert _item(find_project(project.root), notebook) is None
