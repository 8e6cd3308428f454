"""What a generated document is made of: sections of statements, each statement linked to
the evidence it comes from, and each section's coverage status.

The content side (``outline``, ``evidence``, ``fill``) builds :class:`Document` objects; the
output side (``markdown``, ``html``, ``api``) renders and records them. Neither reads the
other's modules: this file is the contract between them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: what a link points to: a ledger entry (its id), an MLflow run (its run id), a data version
#: (its DVC MD5), an artifact file of a run (``RUN_ID/path``), or a notebook version (fingerprint)
LinkKind = Literal["entry", "run", "data", "artifact", "notebook"]

#: how a section is covered
#: - ``evidence``: filled from the ledger and the stores it points to
#: - ``author``: the author's own text (recorded in the ledger) fills it
#: - ``not_applicable``: the author said it does not apply, and why
#: - ``missing``: neither; the section says what to write
Coverage = Literal["evidence", "author", "not_applicable", "missing"]

COVERAGE_LABELS: dict[str, str] = {
    "evidence": "from evidence",
    "author": "by the author",
    "not_applicable": "not applicable",
    "missing": "missing",
}


class Link(BaseModel):
    """One piece of evidence a statement rests on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: LinkKind
    #: the id as stored: entry id, run id, MD5, ``RUN_ID/artifact/path``, fingerprint
    id: str
    #: a short human label, e.g. ``decision 3f2a91c0`` or ``run 9c1e…``
    label: str


class Statement(BaseModel):
    """One sentence or table row of a document, with what it rests on.

    ``text`` is plain text (never HTML: renderers escape it). ``rows`` turns it into a small
    table (first row the header) for figures such as per-group accuracy.
    """

    model_config = ConfigDict(extra="forbid")

    text: str
    links: list[Link] = Field(default_factory=list)
    rows: list[list[str]] | None = None
    #: an image to embed, as a run artifact (``RUN_ID/path``) or a file under the project root
    image: str | None = None


class Section(BaseModel):
    """A numbered point of a document (``"1(a)"``, ``"3"``) or a named model-card section."""

    model_config = ConfigDict(extra="forbid")

    #: ``"1(a)"`` … ``"9"`` for Annex IV; a slug such as ``"intended-use"`` for the model card
    key: str
    #: the heading (for Annex IV, the regulation's own wording of the point)
    title: str
    #: points that hold lettered subpoints (``"1"``, ``"2"``) are headings only: not counted
    heading_only: bool = False
    coverage: Coverage = "missing"
    statements: list[Statement] = Field(default_factory=list)
    #: the author's text for this section, when they gave one (plain text or Markdown source)
    author_text: str | None = None
    #: why the section does not apply (``coverage == "not_applicable"``)
    reason: str | None = None
    #: what the author should write when evidence cannot fill it (shown while ``missing``)
    needs: str | None = None


class Document(BaseModel):
    """One generated document for one notebook's bundle."""

    model_config = ConfigDict(extra="forbid")

    #: ``model-card`` or ``annex-iv`` (also the file's stem)
    kind: Literal["model-card", "annex-iv"]
    title: str
    project: str
    #: the notebook's path relative to the project root
    notebook: str
    #: the notebook version (fingerprint) and the bundle digest the document describes
    fingerprint: str
    bundle_digest: str
    #: when the evidence was read (ISO 8601, UTC)
    generated_at: str
    generated_by: str
    sections: list[Section]

    def counted(self) -> list[Section]:
        """The sections the coverage meter counts (every one but the heading-only points)."""
        return [s for s in self.sections if not s.heading_only]

    def coverage(self) -> dict[str, int]:
        """How many counted sections have each coverage status (every status present)."""
        counts = dict.fromkeys(COVERAGE_LABELS, 0)
        for section in self.counted():
            counts[section.coverage] += 1
        return counts


#: the points of Annex IV the coverage meter counts, as the regulation numbers them, in order
#: (points 1 and 2 are headings over their lettered subpoints)
ANNEX_IV_KEYS: tuple[str, ...] = (
    *(f"1({c})" for c in "abcdefgh"),
    *(f"2({c})" for c in "abcdefgh"),
    "3", "4", "5", "6", "7", "8", "9",
)  # fmt: skip

#: the model card's sections, in order (after the model-card literature and Hugging Face's card)
MODEL_CARD_KEYS: tuple[str, ...] = (
    "model-details",
    "intended-use",
    "out-of-scope-use",
    "factors",
    "metrics",
    "training-data",
    "evaluation-data",
    "quantitative-analyses",
    "ethical-considerations",
    "caveats-and-recommendations",
)


class Authored(BaseModel):
    """The author's own text for one section, or their reason it does not apply, as recorded
    in the ledger (a ``documentation.authored`` entry; the newest for a key wins)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: ``annex-iv`` or ``model-card``
    document: Literal["model-card", "annex-iv"]
    #: a key of :data:`ANNEX_IV_KEYS` or :data:`MODEL_CARD_KEYS`
    key: str
    text: str | None = None
    #: set instead of ``text`` when the section does not apply
    not_applicable: str | None = None
    entry_id: str
    by: str
    at: str
