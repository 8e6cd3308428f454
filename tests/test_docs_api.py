"""Generating the documents of a notebook (needs the content side's ``fill``): files written
atomically inside the project and recorded with their digests, what changed section by
section, stale after a code change; the ``docs`` and ``doc`` commands, in a terminal and in a
kernel; the ``documentation_complete`` check, from no documents to a complete current one."""

from __future__ import annotations

import hashlib
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from jupyterlab_mlops.checklists.bundle import current_bundle
from jupyterlab_mlops.checklists.configure import reconfigure
from jupyterlab_mlops.checklists.evaluate import check_notebook
from jupyterlab_mlops.decisions import record_decision
from jupyterlab_mlops.documentation.api import documentation_status, generate_docs
from jupyterlab_mlops.documentation.authored import authored_texts, record_authored
from jupyterlab_mlops.documentation.model import ANNEX_IV_KEYS, MODEL_CARD_KEYS
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.kinds import DOCUMENTATION_GENERATED
from jupyterlab_mlops.project import Project

from .helpers import ACTOR, make_notebook
from .helpers.documents import document_fully
from .test_docs_content import with_context
from .test_magics import errors_of, run_cells, text_of


def _annex(generated):  # the Annex IV document of a generation
    return next(d for d in generated.documents if d.kind == "annex-iv")


def test_generated_files_are_recorded_with_their_digests(project: Project, notebook: Path) -> None:
    record_decision(
        project, title='<script>alert("t")</script> threshold 0.4', why="recall", tags=["model"],
        actor=ACTOR, notebook=notebook,
    )  # fmt: skip
    generated = generate_docs(project, notebook, actor=ACTOR)
    out = project.root / "docs" / "train"
    assert generated.files == {"model-card": out / "model-card.html", "annex-iv": out / "annex-iv.html"}  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == ["annex-iv.html", "model-card.html"]  # no temp
    (entry,) = project.ledger.entries(DOCUMENTATION_GENERATED)
    p = entry.payload
    assert entry == generated.entry and entry.notebook["path"] == "train.ipynb"
    assert p["bundle_digest"] == current_bundle(project, notebook).digest
    assert p["fingerprint"] == entry.notebook["fingerprint"]
    for document in generated.documents:
        recorded = p["documents"][document.kind]
        data = generated.files[document.kind].read_bytes()
        assert recorded["sha256"] == hashlib.sha256(data).hexdigest()
        assert recorded["file"] == f"docs/train/{document.kind}.html"
        assert recorded["coverage"] == document.coverage()
        assert list(recorded["sections"]) and set(recorded["sections"]) == {
            s.key for s in document.sections
        }
    annex = _annex(generated)
    assert [s.key for s in annex.counted()] == list(ANNEX_IV_KEYS)
    card = next(d for d in generated.documents if d.kind == "model-card")
    assert [s.key for s in card.counted()] == list(MODEL_CARD_KEYS)
    # the decision's title is text in the HTML, never a script
    html = generated.files["annex-iv"].read_text()

    found: list[str] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list) -> None:
            found.append(tag)

    Tags().feed(html)
    assert (
        "section" in found
        and "script" not in found
        and "http://" not in html
        and "https://" not in html
    )
    assert generated.previous is None and generated.changes == {}


def test_regenerating_says_what_changed_section_by_section(
    project: Project, notebook: Path
) -> None:
    first = generate_docs(project, notebook, actor=ACTOR, fmt="md")
    same = generate_docs(project, notebook, actor=ACTOR, fmt="md")
    assert same.previous == first.entry
    assert not any(c.any for c in same.changes.values())
    missing = next(s.key for s in _annex(same).counted() if s.coverage == "missing")
    record_authored(project, "annex-iv", missing, text="Written by the author.", actor=ACTOR)
    again = generate_docs(project, notebook, actor=ACTOR, fmt="md")
    assert again.changes["annex-iv"].changed == [missing]
    assert not again.changes["model-card"].any
    section = next(s for s in _annex(again).sections if s.key == missing)
    assert section.coverage == "author" and section.author_text == "Written by the author."
    assert "Written by the author." in again.files["annex-iv"].read_text()
    assert f"entry:{authored_texts(project)[('annex-iv', missing)].entry_id}" in again.entry.links


def test_the_documents_go_stale_after_a_code_change(project: Project, notebook: Path) -> None:
    assert documentation_status(project, notebook).stale is None
    generate_docs(project, notebook, actor=ACTOR)
    status = documentation_status(project, notebook)
    assert status.stale is False and status.to_json()["files"]["annex-iv"] == "docs/train/annex-iv.html"  # fmt: skip
    make_notebook(notebook, ["import math", "x = math.tau"])
    status = documentation_status(project, notebook)
    assert status.stale is True and status.stale_because == ["the notebook's code"]


def test_the_documents_go_stale_when_the_facts_change(project: Project, notebook: Path) -> None:
    project = with_context(project, roles={"risk": [ACTOR]})  # the documents quote the facts
    generate_docs(project, notebook, actor=ACTOR)
    assert documentation_status(project, notebook).stale is False
    project = reconfigure(project, actor=ACTOR, context={"provider": "Another Bank"})
    status = documentation_status(project, notebook)
    assert status.stale is True and status.stale_because == ["the project's facts"]
    generate_docs(project, notebook, actor=ACTOR)
    assert documentation_status(project, notebook).stale is False


def test_where_the_files_may_go(project: Project, notebook: Path, tmp_path: Path) -> None:
    done = generate_docs(project, notebook, actor=ACTOR, out_dir=project.root / "audit", fmt="md")
    assert done.files["annex-iv"] == project.root / "audit" / "annex-iv.md"
    before = project.ledger_path.read_bytes()
    for out_dir, message in (
        (tmp_path.parent, "is outside the project"),
        (project.root / ".." / "elsewhere", "is outside the project"),
        (project.mlops_dir / "docs", "inside .mlops/"),
    ):
        with pytest.raises(MlopsError, match=message):
            generate_docs(project, notebook, actor=ACTOR, out_dir=out_dir)
    (project.root / "out").symlink_to(tmp_path.parent)
    with pytest.raises(MlopsError, match="is outside the project"):
        generate_docs(project, notebook, actor=ACTOR, out_dir=project.root / "out")
    with pytest.raises(MlopsError, match="unknown format 'pdf'"):
        generate_docs(project, notebook, actor=ACTOR, fmt="pdf")
    assert project.ledger_path.read_bytes() == before


def test_the_commands(project: Project, notebook: Path, mlops) -> None:
    done = mlops("docs", "train.ipynb", "--json", cwd=project.root)
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    annex = body["documents"]["annex-iv"]
    assert list(annex["coverage"]["entries"]) == list(ANNEX_IV_KEYS)  # "1(a)" … "9", in order
    totals = annex["coverage"]["totals"]
    assert totals["total"] == 23 and sum(totals[k] for k in ("evidence", "author", "not_applicable", "missing")) == 23  # fmt: skip
    assert annex["file"] == "docs/train/annex-iv.html" and body["previous"] is None
    missing = [k for k, e in annex["coverage"]["entries"].items() if e["status"] == "missing"]
    assert missing, "a bare project leaves points for the author"
    bad = mlops("doc", "1(z)", "--text", "x", cwd=project.root)
    assert bad.returncode == 1 and "no section '1(z)'" in bad.stderr and "1(a), 1(b)" in bad.stderr
    reasonless = mlops("doc", missing[0], "--not-applicable", " ", cwd=project.root)
    assert reasonless.returncode == 1 and "needs a reason" in reasonless.stderr
    recorded = mlops("doc", missing[0], "--not-applicable", "not sold", cwd=project.root)
    assert recorded.returncode == 0 and "not applicable (not sold)" in recorded.stdout
    (project.root / "authored.yaml").write_text(
        "annex-iv:\n" + "".join(f"  {k}: text for {k}\n" for k in missing[1:])
    )
    filed = mlops("doc", "--file", "authored.yaml", cwd=project.root)
    assert filed.returncode == 0, filed.stderr
    again = mlops("docs", "train.ipynb", "--format", "md", cwd=project.root)
    assert again.returncode == 0, again.stderr
    assert "docs/train/annex-iv.md" in again.stdout and "23 of 23 covered" in again.stdout
    assert f"changed {', '.join(missing)}" in again.stdout
    outside = mlops("docs", "train.ipynb", "-o", "..", cwd=project.root)
    assert outside.returncode == 1 and "outside the project" in outside.stderr
    assert mlops("docs", "train.ipynb", "--format", "pdf", cwd=project.root).returncode == 2


def test_the_magics_in_a_kernel(project: Project) -> None:
    cells = [
        "%load_ext jupyterlab_mlops",
        "%%mlops doc 1(e)\nRuns on one CPU core;\nno GPU.",
        "%mlops doc 7 --not-applicable 'no harmonised standard applied yet'",
        "%mlops docs --format md",
    ]
    nb = run_cells(project.root / "train.ipynb", cells)
    assert all(not errors_of(cell) for cell in nb.cells), [errors_of(c) for c in nb.cells]
    texts = authored_texts(project)
    assert texts[("annex-iv", "1(e)")].text == "Runs on one CPU core;\nno GPU."
    assert texts[("annex-iv", "7")].not_applicable == "no harmonised standard applied yet"
    assert "docs/train/annex-iv.md" in text_of(nb.cells[3])
    (entry,) = project.ledger.entries(DOCUMENTATION_GENERATED)
    assert entry.notebook["path"] == "train.ipynb"


def test_documentation_complete_fails_then_passes(project: Project, notebook: Path) -> None:
    def item():
        report = check_notebook(project, notebook)
        return next(r for r in report.results if r.item.id == "documentation")

    assert not item().ok and "no documentation generated yet" in item().outcome.detail
    generated = generate_docs(project, notebook, actor=ACTOR)
    missing = [s.key for s in _annex(generated).counted() if s.coverage == "missing"]
    assert (
        not item().ok and f"need the author's input: {', '.join(missing)}" in item().outcome.detail
    )
    document_fully(project, notebook)
    result = item()
    assert result.ok, result.outcome.detail
    assert (
        result.outcome.evidence[0].ref == project.ledger.entries(DOCUMENTATION_GENERATED)[-1].hash
    )
    make_notebook(notebook, ["import math", "x = math.e"])  # a code change: stale
    assert not item().ok and "stale" in item().outcome.detail


def test_the_status_command(project: Project, notebook: Path, mlops) -> None:
    none = mlops("docs", "train.ipynb", "--status", cwd=project.root)
    assert none.returncode == 1 and "no documents generated yet" in none.stdout
    assert mlops("docs", "train.ipynb", cwd=project.root).returncode == 0
    current = mlops("docs", "train.ipynb", "--status", "--json", cwd=project.root)
    assert current.returncode == 0 and json.loads(current.stdout)["stale"] is False
    make_notebook(notebook, ["import math", "x = 2 * math.pi"])
    stale = mlops("docs", "train.ipynb", "--status", cwd=project.root)
    assert stale.returncode == 1 and "STALE: the notebook's code changed" in stale.stdout
    assert len(project.ledger.entries(DOCUMENTATION_GENERATED)) == 1  # --status writes nothing
