"""Documents built directly from the contract, for the renderers' tests, and a project whose
notebook's Annex IV is fully covered (the author writes what evidence leaves missing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyterlab_mlops.documentation.model import (
    ANNEX_IV_KEYS,
    MODEL_CARD_KEYS,
    Document,
    Link,
    Section,
    Statement,
)

from . import ACTOR

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> *bold* [a](javascript:1) | &amp;'


def annex(statuses: dict[str, str] | None = None, **fields: Any) -> Document:
    """An Annex IV document: point headings 1 and 2, every counted point with ``statuses``
    (default: missing), a decision with a hostile title in 2(b)."""
    statuses = statuses or {}
    sections: list[Section] = []
    for key in ANNEX_IV_KEYS:
        if key in ("1(a)", "2(a)"):
            sections.append(Section(key=key[0], title=f"Point {key[0]}", heading_only=True))
        status = statuses.get(key, "missing")
        section = Section(
            key=key,
            title=f"Point {key} wording",
            coverage=status,
            reason="no such hardware" if status == "not_applicable" else None,
            author_text="The author wrote <b>this</b>." if status == "author" else None,
            needs=f"describe {key}",
        )
        if key == "2(b)":
            section.statements = [
                Statement(
                    text=HOSTILE,
                    links=[Link(kind="entry", id="3f2a91c0" + "a" * 56, label="decision 3f2a91c0")],
                ),
                Statement(
                    text="Accuracy per group",
                    links=[Link(kind="run", id="9c1e" + "b" * 28, label="run gbm")],
                    rows=[["group", "accuracy"], ["<i>young</i>", "0.81"]],
                ),
            ]
        sections.append(section)
    base = dict(
        kind="annex-iv",
        title="Technical documentation (Annex IV)",
        project="credit <b>",
        notebook="train.ipynb",
        fingerprint="sha256:" + "c" * 64,
        bundle_digest="d" * 64,
        generated_at="2026-01-02T03:04:05Z",
        generated_by=ACTOR,
        sections=sections,
    )
    return Document(**{**base, **fields})


def card() -> Document:
    return Document(
        kind="model-card",
        title="Model card <script>x</script>",
        project="credit",
        notebook="train.ipynb",
        fingerprint="sha256:" + "c" * 64,
        bundle_digest="d" * 64,
        generated_at="2026-01-02T03:04:05Z",
        generated_by=ACTOR,
        sections=[
            Section(key=k, title=k.replace("-", " ").title(), coverage="evidence")
            for k in MODEL_CARD_KEYS
        ],
    )


def document_fully(project: Any, notebook: Path, fmt: str = "html") -> Any:
    """Generate the notebook's documents, record the author's text for every Annex IV point
    they leave missing, and generate them again: nothing missing."""
    from jupyterlab_mlops.documentation.api import generate_docs
    from jupyterlab_mlops.documentation.authored import record_authored

    first = generate_docs(project, notebook, fmt=fmt, actor=ACTOR)
    for document in first.documents:
        for section in document.counted():
            if section.coverage == "missing":
                record_authored(
                    project,
                    document.kind,
                    section.key,
                    text=f"The author's text for {section.key}.",
                    actor=ACTOR,
                )
    return generate_docs(project, notebook, fmt=fmt, actor=ACTOR)
