"""The renderers on documents built from the contract: Markdown for git, one self-contained
printable HTML file; user text escaped everywhere; the coverage figures right."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from jupyterlab_mlops.documentation.html import render_html
from jupyterlab_mlops.documentation.images import project_images
from jupyterlab_mlops.documentation.markdown import escape_md, render_markdown
from jupyterlab_mlops.documentation.meter import meter
from jupyterlab_mlops.documentation.model import ANNEX_IV_KEYS, Statement
from jupyterlab_mlops.project import Project

from .helpers.documents import annex, card

STATUSES = {"1(a)": "evidence", "2(b)": "evidence", "3": "evidence", "1(d)": "author",
            "1(e)": "not_applicable", "7": "author"}  # fmt: skip
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Tags:
    tags = _Tags()
    tags.feed(html)
    return tags


def test_a_script_in_a_decision_title_is_text_in_html() -> None:
    html = render_html(annex(STATUSES))
    tags = parse(html)
    assert [t for t, _ in tags.tags if t in ("script", "img", "i")] == []
    assert not [a for _, a in tags.tags if any(k.startswith("on") for k in a)]
    text = "".join(tags.text)
    assert '<script>alert("x")</script>' in text and "<i>young</i>" in text
    assert "The author wrote <b>this</b>." in text and "credit <b>" in text


def test_a_script_in_a_decision_title_is_text_in_markdown() -> None:
    md = render_markdown(annex(STATUSES))
    assert "<script" not in md and "<img" not in md and "<b>" not in md and "<i>" not in md
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in md
    assert r"\[a\](javascript:1)" in md and r"\*bold\*" in md and r"\|" in md
    assert "&amp;amp;" in md  # an entity in user text is shown as written, not decoded
    assert "[entry 3f2a91c0aaaa]" in md.replace("\\", "")
    # the table of a statement: header, rule, a row; the cell escaped
    assert "| group | accuracy |" in md and "| &lt;i&gt;young&lt;/i&gt; | 0.81 |" in md


@pytest.mark.parametrize(
    ("text", "shown"),
    [("1. first", r"1\. first"), ("# title", r"\# title"), ("- x", r"\- x"), ("0.83", "0.83"),
     ("a\nb", "a b"), ("2026-01-02", "2026-01-02"), ("`code`", r"\`code\`")],
)  # fmt: skip
def test_markdown_escaping(text: str, shown: str) -> None:
    assert escape_md(text) == shown


def test_html_is_self_contained_and_prints(project: Project) -> None:
    (project.root / "plots").mkdir()
    (project.root / "plots" / "roc.png").write_bytes(PNG)
    document = annex(STATUSES)
    document.sections[-1].statements = [
        Statement(text="ROC curve", image="plots/roc.png"),
        Statement(text="outside", image="../outside.png"),
        Statement(text="external", image="https://example.com/x.png"),
    ]
    html = render_html(document, project_images(project))
    tags = parse(html)
    for _, attrs in tags.tags:
        for name in ("src", "href", "action", "data"):
            value = attrs.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value), (name, value)
    images = [a["src"] for t, a in tags.tags if t == "img"]
    assert len(images) == 1 and images[0].startswith("data:image/png;base64,")
    assert "(figure ../outside.png: not a path inside the project or a run)" in html
    assert "example.com" not in "".join(a.get("src") or "" for _, a in tags.tags)
    assert not [t for t, a in tags.tags if t == "link" or (t == "script" and a.get("src"))]
    assert "@media print" in html and "break-before:page" in html
    # a page break before each top-level point (1, 2, 3 … 9), not before lettered subpoints
    tops = [a.get("id") for t, a in tags.tags if t == "section" and "top" in (a.get("class") or "")]
    assert tops == ["s-1", "s-2", "s-3", "s-4", "s-5", "s-6", "s-7", "s-8", "s-9"]


def test_the_coverage_figures() -> None:
    document = annex(STATUSES)
    m = meter(document)
    assert [e["key"] for e in m["entries"]] == list(ANNEX_IV_KEYS)  # in the regulation's order
    assert m["totals"] == {"evidence": 3, "author": 2, "not_applicable": 1, "missing": 17}
    assert (m["total"], m["covered"]) == (23, 6)
    md = render_markdown(document)
    assert "**Total:** 6 of 23 covered (3 from evidence, 2 by the author, 1 not applicable, 17 missing)." in md  # fmt: skip
    assert "| 1(e) | not applicable (no such hardware) |" in md.replace("\\", "")
    assert "| 1(d) | by the author |" in md.replace("\\", "")
    assert "**Needs author input:** describe 1(b)" in md
    tags = parse(html := render_html(document))
    widths = {
        a["class"]: a["style"]
        for t, a in tags.tags
        if t == "span" and "bar-" in (a.get("class") or "")
    }
    assert set(widths) == {"bar-evidence", "bar-author", "bar-not_applicable", "bar-missing"}
    assert "width:73.91%" in widths["bar-missing"] and "width:13.04%" in widths["bar-evidence"]
    assert '<b class="covered">6</b> of <b class="total">23</b>' in html
    assert '<b class="count-missing">17</b>' in html
    # headings in order, each point once
    headings = re.findall(r"<h[23]>([0-9]\([a-h]\)|[0-9]) ", html)
    assert headings == ["1", *ANNEX_IV_KEYS[:8], "2", *ANNEX_IV_KEYS[8:]]
    md_headings = re.findall(r"^#{2,3} (\S+) ", md, flags=re.M)
    assert md_headings == ["1", *ANNEX_IV_KEYS[:8], "2", *ANNEX_IV_KEYS[8:]]


def test_a_fully_covered_document_and_the_model_card() -> None:
    full = annex(dict.fromkeys(ANNEX_IV_KEYS, "evidence"))
    assert meter(full)["totals"]["missing"] == 0
    assert "Needs author input" not in render_markdown(full)
    assert "bar-missing" not in render_html(full)
    html = render_html(card())
    assert "<title>Model card &lt;script&gt;x&lt;/script&gt;</title>" in html
    assert "<script" not in html and '10</b> of <b class="total">10' in html
    md = render_markdown(card())
    assert "| Model Details | from evidence |" in md and "10 of 10 covered" in md


def test_images_from_project_files_only(project: Project, tmp_path: Path) -> None:
    load = project_images(project)
    (tmp_path.parent / "secret.png").write_bytes(PNG)
    (project.root / "link.png").symlink_to(tmp_path.parent / "secret.png")
    assert load("link.png") == "link.png leads outside the project"
    assert load("notes.txt") == "not an image (png, jpeg, gif, webp, svg)"
    assert isinstance(load("missing.png"), str)
    (project.root / "ok.png").write_bytes(PNG)
    assert load("ok.png") == ("image/png", PNG)


def test_a_run_artifact_is_embedded_from_the_projects_store(
    project: Project, notebook: Path
) -> None:
    from jupyterlab_mlops.experiments import runs

    plot = project.root / "roc.png"
    plot.write_bytes(PNG)
    with runs.run("gbm", project=project, notebook=notebook) as run:
        run.artifact(plot, "plots")
    plot.unlink()
    load = project_images(project)
    assert load(f"{run.run_id}/plots/roc.png") == ("image/png", PNG)
    assert isinstance(load(f"{run.run_id}/plots/none.png"), str)  # a note, not a traceback
    assert load(f"{run.run_id}/../../x.png") == "not a path inside the project or a run"
    document = annex(STATUSES)
    document.sections[-1].statements = [Statement(text="ROC", image=f"{run.run_id}/plots/roc.png")]
    assert 'src="data:image/png;base64,' in render_html(document, load)
