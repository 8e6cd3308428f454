"""What users see: escaped HTML, and a decisions DataFrame that shows what it holds."""

from __future__ import annotations

from pathlib import Path

from jupyterlab_mlops.decisions import list_decisions, record_decision
from jupyterlab_mlops.project import Project
from jupyterlab_mlops.views import DecisionsView

from .helpers import ACTOR

HOSTILE = '<img src=x onerror="alert(1)">'


def test_decisions_html_escapes_user_text(project: Project, notebook: Path) -> None:
    record_decision(
        project, title=HOSTILE, why="<script>x</script>", actor=ACTOR, tags=["a"], notebook=notebook
    )
    html = DecisionsView(list_decisions(project, notebook), "train.ipynb").to_html()
    assert "<img" not in html and "<script>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_the_dataframe_shows_its_own_current_content(project: Project, notebook: Path) -> None:
    record_decision(project, title="Use GBM", why="AUC", actor=ACTOR, notebook=notebook)
    frame = DecisionsView(list_decisions(project, notebook), "train.ipynb").value()
    assert list(frame["title"]) == ["Use GBM"] and str(frame["time"].dtype).startswith("datetime64")
    frame.loc[0, "title"] = "Edited in the notebook"
    assert "Edited in the notebook" in frame._repr_html_() and "Use GBM" not in frame._repr_html_()
    trimmed = frame[["title", "why"]]
    assert type(trimmed).__name__ == "DataFrame" and "Decision" not in trimmed._repr_html_()
