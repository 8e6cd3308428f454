"""Build a notebook's documents from its evidence: the model card and the EU AI Act Annex IV
technical documentation, each section filled from the evidence, by the author, marked not
applicable (with the author's reason) or missing (saying what to write).

Rendering and recording them is the output side's (``markdown``, ``html``, ``api``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from ..errors import MlopsError
from ..project import Project
from . import fill_annex, fill_card
from .evidence import Evidence, gather
from .model import Authored, Document, Section, Statement
from .outline import shipped_outline

Filler = Callable[[Evidence], list[Statement]]
#: per document: its title and the fillers its outline names
DOCUMENTS: dict[str, dict[str, Filler]] = {
    "model-card": fill_card.FILLERS,
    "annex-iv": fill_annex.FILLERS,
}


def build_documents(
    project: Project,
    notebook: str | Path,
    *,
    authored: Mapping[tuple[str, str], Authored],
    bundle_digest: str,
    actor: str,
    generated_at: str,
) -> list[Document]:
    """The model card and the Annex IV documentation of ``notebook``, in that order.

    ``authored`` holds the author's recorded text (or reason it does not apply) keyed by
    ``(document, key)``; ``bundle_digest`` is the bundle the documents describe."""
    return documents_from(gather(project, notebook), authored, bundle_digest, actor, generated_at)


def documents_from(
    evidence: Evidence,
    authored: Mapping[tuple[str, str], Authored],
    bundle_digest: str,
    actor: str,
    generated_at: str,
) -> list[Document]:
    """The model card and the Annex IV documentation from evidence already gathered."""
    return [
        build_document(evidence, kind, authored, bundle_digest, actor, generated_at)
        for kind in DOCUMENTS
    ]


def build_document(
    evidence: Evidence,
    kind: str,
    authored: Mapping[tuple[str, str], Authored],
    bundle_digest: str,
    actor: str,
    generated_at: str,
) -> Document:
    """One document (``model-card`` or ``annex-iv``) from evidence already gathered."""
    outline = shipped_outline(kind)
    fillers = DOCUMENTS[kind]
    sections = []
    for spec, section in zip(outline.sections, outline.skeleton(), strict=True):
        if section.heading_only:
            sections.append(section)
            continue
        if spec.fill is not None and spec.fill not in fillers:
            raise MlopsError(f"the {kind} outline names an unknown filler {spec.fill!r}", "")
        statements = fillers[spec.fill](evidence) if spec.fill else []
        sections.append(cover(section, statements, authored.get((kind, section.key))))
    config = evidence.project.config
    title = f"{outline.title}: {config.name}, {evidence.notebook}"
    return Document(
        kind=kind,  # type: ignore[arg-type]  # one of DOCUMENTS' keys
        title=title,
        project=config.name,
        notebook=evidence.notebook,
        fingerprint=evidence.fingerprint,
        bundle_digest=bundle_digest,
        generated_at=generated_at,
        generated_by=actor,
        sections=sections,
    )


def cover(section: Section, statements: list[Statement], authored: Authored | None) -> Section:
    """The section with its statements and its coverage: from evidence when the evidence says
    anything (the author's text is kept alongside), else the author's text, else not
    applicable with the author's reason, else missing (its ``needs`` says what to write)."""
    text = authored.text if authored is not None and authored.text else None
    reason = authored.not_applicable if authored is not None and not text else None
    update: dict[str, object] = {"statements": statements, "author_text": text}
    if statements:
        update |= {"coverage": "evidence", "needs": None}
    elif text:
        update |= {"coverage": "author", "needs": None}
    elif reason:
        update |= {"coverage": "not_applicable", "reason": reason, "needs": None}
    return section.model_copy(update=update)
