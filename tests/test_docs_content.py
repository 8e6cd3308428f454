"""The content of the generated documents (model card, EU AI Act Annex IV): their outlines,
what fills each section from the ledger's evidence, the links to it, and the coverage meter."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyterlab_mlops.approvals import sign_off
from jupyterlab_mlops.batch.run import batch_run
from jupyterlab_mlops.checklists.configure import reconfigure
from jupyterlab_mlops.config import dump_config
from jupyterlab_mlops.data.versions import all_versions
from jupyterlab_mlops.decisions import record_decision
from jupyterlab_mlops.documentation.fill import build_documents
from jupyterlab_mlops.documentation.model import (
    ANNEX_IV_KEYS,
    MODEL_CARD_KEYS,
    Authored,
    Document,
)
from jupyterlab_mlops.documentation.outline import load_outline
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.kinds import RUN_LOGGED
from jupyterlab_mlops.project import Project, find_project, init_project

from .helpers import ACTOR, make_notebook
from .helpers.batch import approved_project
from .helpers.ready import ready_project

SOURCES = ["seed = 7\nthreshold = 0.2", "import math", "x = math.pi"]
BUSINESS, RISK, OPS = "Bo <bo@example.com>", "Rita <rita@example.com>", "Ian <ian@example.com>"
CONTEXT = {
    "owner": "Olga Owner",
    "provider": "Acme Bank plc",
    "description": "Scores credit applications.",
    "intended_purpose": "Rank consumer credit applications for manual review.",
    "intended_users": "Credit officers",
    "out_of_scope": "Automated rejection without a human.",
    "deployment_context": "A nightly batch job feeding the loan review queue.",
}


def documents(project: Project, notebook: Path, authored=None) -> tuple[Document, Document]:
    card, annex = build_documents(
        project, notebook, authored=authored or {}, bundle_digest="d" * 64,
        actor=ACTOR, generated_at="2026-01-01T00:00:00Z",
    )  # fmt: skip
    return card, annex


def coverage_of(document: Document) -> dict[str, str]:
    return {s.key: s.coverage for s in document.counted()}


def with_context(project: Project, **changes) -> Project:
    """Record the project's context with `mlops configure`'s core (config rewritten, one
    entry), after ``changes`` to the config (roles) are written."""
    config = project.config.model_copy(update=changes)
    (project.mlops_dir / "config").write_text(dump_config(config))
    return reconfigure(find_project(project.root), actor=ACTOR, context=CONTEXT)


@pytest.fixture
def ready(tmp_path: Path) -> Project:
    """The high-risk project of the sign-off tests (data, decisions, a run, its analyses, a
    clean run), with its context and roles, every role signed."""
    project = ready_project(tmp_path, SOURCES)
    project = with_context(
        project, roles={"business": [BUSINESS], "risk": [RISK, ACTOR], "it-ops": [OPS]}
    )
    notebook = project.root / "train.ipynb"
    for role, who in (("business", BUSINESS), ("risk", RISK), ("it-ops", OPS)):
        sign_off(project, notebook, role=role, actor=who, decision="approve", comment="ok")
    return project


def test_outlines_hold_the_contracts_keys_in_order() -> None:
    annex = load_outline("annex-iv")
    assert annex.counted_keys() == ANNEX_IV_KEYS
    assert [s.key for s in annex.sections if s.heading_only] == ["1", "2"]
    keys = [s.key for s in annex.sections]
    assert keys.index("1") < keys.index("1(a)") < keys.index("2") < keys.index("2(a)")
    titles = {s.key: s.title for s in annex.sections}
    assert titles["1(a)"].startswith("its intended purpose, the name of the provider")
    assert titles["7"].startswith("A list of the harmonised standards applied")
    assert load_outline("model-card").counted_keys() == MODEL_CARD_KEYS


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("document: annex-iv\ntitle: x\nsections: [{key: '1(a)', title: t}]\n", "needs"),
        ("document: annex-iv\ntitle: x\nsections: [{key: '3', title: t, needs: n}]\n", "order"),
        ("document: annex-iv\ntitle: x\nsections: [{key: 3, title: t, needs: n, x: 1}]\n", "valid"),
        ("document: [\n", "not valid YAML"),
    ],
)
def test_a_broken_outline_is_one_clear_error(tmp_path: Path, text: str, found: str) -> None:
    path = tmp_path / "outline.yaml"
    path.write_text(text)
    with pytest.raises(MlopsError) as caught:
        load_outline("annex-iv", path)
    assert found in str(caught.value) and str(path) in str(caught.value)


def test_a_bare_project_is_nearly_all_missing(tmp_path: Path) -> None:
    root = tmp_path / "bare"
    root.mkdir()
    project = init_project(
        root, name="bare", template="classification", risk_tier="high", actor=ACTOR
    )
    notebook = make_notebook(root / "nb.ipynb", ["x = 1"])
    card, annex = documents(project, notebook)
    assert [s.key for s in annex.sections] == ["1", *ANNEX_IV_KEYS[:8], "2", *ANNEX_IV_KEYS[8:]]
    # only the project's creation is on record: point 6, the changes through the lifecycle
    assert annex.coverage() == {"evidence": 1, "author": 0, "not_applicable": 0, "missing": 22}
    assert coverage_of(annex)["6"] == "evidence"
    assert card.coverage() == {"evidence": 0, "author": 0, "not_applicable": 0, "missing": 10}
    for section in annex.counted():
        if section.coverage == "missing":
            assert section.statements == [] and section.needs  # says what to write, no filler
    assert "hardware" in next(s for s in annex.sections if s.key == "1(e)").needs


def test_more_evidence_fills_more_points(ready: Project) -> None:
    card, annex = documents(ready, ready.root / "train.ipynb")
    covered = coverage_of(annex)
    filled = ["1(a)", "1(b)", "1(c)", "2(a)", "2(b)", "2(d)", "2(e)", "2(g)", "3", "6"]
    assert [k for k, c in covered.items() if c == "evidence"] == filled
    assert annex.coverage()["missing"] == 23 - len(filled)  # 1(d), 1(e), 7, 9 among them
    assert {covered[k] for k in ("1(d)", "1(e)", "7", "9")} == {"missing"}
    assert coverage_of(card) == dict.fromkeys(MODEL_CARD_KEYS, "evidence") | {
        "caveats-and-recommendations": "missing"
    }
    sections = {s.key: s for s in annex.sections}
    assert "Acme Bank plc" in " ".join(s.text for s in sections["1(a)"].statements)
    rationale = [s.text for s in sections["2(b)"].statements]
    assert len(rationale) == 3 and all("because" in t for t in rationale)
    oversight = " ".join(s.text for s in sections["2(e)"].statements)
    assert all(f"as {role}" in oversight for role in ("business", "risk", "it-ops"))
    tested = " ".join(s.text for s in sections["2(g)"].statements)
    assert (
        "clean run passed" in tested
        and "Rita" in tested
        and "test_roc_auc" in str(sections["2(g)"].statements[0].rows)
    )
    # point 3: each disparity per group feature as a row, with its interval
    rows = next(s.rows for s in sections["3"].statements if s.text.startswith("Fairness"))
    assert rows[0][:3] == ["feature", "metric", "value"] and len(rows) == 5
    assert rows[1][3] == "0 to 0.06"


def test_a_real_fairness_report_gives_each_groups_figures(ready: Project) -> None:
    import jupyterlab_mlops

    from .helpers.fairness import groups

    notebook = ready.root / "train.ipynb"
    run_id = ready.ledger.entries(RUN_LOGGED)[-1].payload["run_id"]
    g = groups(400, seed=2)
    jupyterlab_mlops.fairness(g["y"], g["pred"], g["groups"][["sex"]], run=run_id,
                              resamples=200, notebook=notebook)  # fmt: skip
    annex = documents(ready, notebook)[1]
    point = next(s for s in annex.sections if s.key == "3")
    table = next(s for s in point.statements if s.text.startswith("Each group"))
    assert table.rows[0][:3] == ["feature", "group", "size"] and "tpr" in table.rows[0]
    assert sorted(r[1] for r in table.rows[1:]) == ["F", "M"]
    assert sum(int(r[2]) for r in table.rows[1:]) == 400
    assert " to " in table.rows[1][3]  # each figure with its interval
    assert any(link.kind == "artifact" and link.id.endswith("/report.json") for link in table.links)


def test_every_link_resolves_to_the_projects_evidence(ready: Project) -> None:
    from jupyterlab_mlops.experiments import store

    card, annex = documents(ready, ready.root / "train.ipynb")
    client = store.client(ready)
    md5s = {v.md5 for v in all_versions(ready)}
    checked = set()
    for document in (card, annex):
        for section in document.sections:
            for statement in section.statements:
                assert statement.links, f"{section.key}: {statement.text}"
                for link in statement.links:
                    if (link.kind, link.id) in checked:
                        continue
                    checked.add((link.kind, link.id))
                    if link.kind == "entry":
                        assert ready.ledger.get(link.id).hash == link.id
                    elif link.kind == "run":
                        assert client.get_run(link.id).info.run_id == link.id
                    elif link.kind == "data":
                        assert link.id in md5s
                    elif link.kind == "artifact":
                        run_id, _, path = link.id.partition("/")
                        assert client.get_run(run_id) and path
    assert {kind for kind, _ in checked} >= {"entry", "run", "data", "artifact"}


def test_author_text_and_not_applicable_are_used_and_counted(ready: Project) -> None:
    def authored(key: str, **given: str) -> Authored:
        return Authored(
            document="annex-iv", key=key, entry_id="e" * 64, by=ACTOR, at="now", **given
        )

    given = {
        ("annex-iv", "1(d)"): authored("1(d)", text="An internal batch job; no API."),
        ("annex-iv", "1(f)"): authored("1(f)", not_applicable="Not a component of a product."),
        ("annex-iv", "2(b)"): authored("2(b)", text="See also the design note."),
        ("annex-iv", "7"): authored("7", not_applicable=""),  # no reason: still missing
    }
    before = documents(ready, ready.root / "train.ipynb")[1].coverage()
    annex = documents(ready, ready.root / "train.ipynb", given)[1]
    sections = {s.key: s for s in annex.sections}
    assert sections["1(d)"].coverage == "author" and sections["1(d)"].needs is None
    assert sections["1(d)"].author_text == "An internal batch job; no API."
    assert sections["1(f)"].coverage == "not_applicable"
    assert sections["1(f)"].reason == "Not a component of a product."
    assert sections["2(b)"].coverage == "evidence"
    assert sections["2(b)"].author_text == "See also the design note."
    assert sections["7"].coverage == "missing" and sections["7"].needs
    assert annex.coverage() == {
        "evidence": before["evidence"], "author": 1, "not_applicable": 1,
        "missing": before["missing"] - 2,
    }  # fmt: skip


def test_a_script_in_a_decision_stays_plain_text(ready: Project) -> None:
    notebook = ready.root / "train.ipynb"
    title = "<script>alert('x')</script> & <b>bold</b>"
    record_decision(ready, title=title, why="a <i>why</i>", tags=["model"], actor=ACTOR,
                    notebook=notebook)  # fmt: skip
    annex = documents(ready, notebook)[1]
    texts = [s.text for s in next(s for s in annex.sections if s.key == "2(b)").statements]
    assert any(t.startswith(f"{title}: a <i>why</i>") for t in texts)


def test_batch_runs_fill_post_market_monitoring(tmp_path: Path) -> None:
    project, notebook = approved_project(tmp_path)
    assert coverage_of(documents(project, notebook)[1])["9"] == "missing"
    batch_run(project, notebook, {"n": 2}, actor=ACTOR)
    annex = documents(project, notebook)[1]
    section = next(s for s in annex.sections if s.key == "9")
    assert section.coverage == "evidence"
    rows = section.statements[0].rows
    assert rows[1][1] == "succeeded" and "n=2" in rows[1][2]
    assert {link.kind for link in section.statements[0].links} == {"entry", "run"}
