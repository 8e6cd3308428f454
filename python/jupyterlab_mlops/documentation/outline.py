"""The outline of each generated document: its sections in order, each with its heading, the
filler that writes it from the evidence, and what the author writes when evidence cannot.

Outlines are YAML files shipped in ``outlines/`` (``annex_iv.yaml``, ``model_card.yaml``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import MlopsError, first_invalid_field
from ..yamlfile import read_yaml_mapping
from .model import ANNEX_IV_KEYS, MODEL_CARD_KEYS, Section

OUTLINES = Path(__file__).parent / "outlines"
DocumentKind = Literal["model-card", "annex-iv"]
#: the shipped outline of each document, and the keys it must hold in order
FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "annex-iv": ("annex_iv.yaml", ANNEX_IV_KEYS),
    "model-card": ("model_card.yaml", MODEL_CARD_KEYS),
}


class OutlineSection(BaseModel):
    """One section as the outline describes it."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=2000)
    heading_only: bool = False
    #: the filler that writes it from the evidence (None: only the author can)
    fill: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,63}$")
    needs: str | None = Field(default=None, min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _counted_needs(self) -> OutlineSection:
        if not self.heading_only and not self.needs:
            raise ValueError(f"section {self.key} needs 'needs': what the author should write")
        return self


class Outline(BaseModel):
    """A document's outline."""

    model_config = ConfigDict(extra="forbid")

    document: DocumentKind
    title: str = Field(min_length=1, max_length=200)
    sections: list[OutlineSection] = Field(min_length=1)

    def counted_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections if not s.heading_only)

    def skeleton(self) -> list[Section]:
        """The document's sections in order, nothing filled yet (every counted one missing)."""
        return [
            Section(key=s.key, title=s.title, heading_only=s.heading_only, needs=s.needs)
            for s in self.sections
        ]


def load_outline(document: str, path: Path | None = None) -> Outline:
    """The outline of ``document`` (``annex-iv`` or ``model-card``), from the shipped file or
    ``path``; one clear error for a broken file or one whose keys are not the document's."""
    if document not in FILES:
        raise MlopsError(f"no document {document!r}", f"documents: {', '.join(FILES)}")
    name, keys = FILES[document]
    file = path or OUTLINES / name
    raw = read_yaml_mapping(file, hint="an outline is a mapping: document, title, sections")
    try:
        outline = Outline.model_validate(raw)
    except ValidationError as exc:
        raise MlopsError(
            f"{file} is not a valid outline ({first_invalid_field(exc, 'outline')})",
            "see the shipped outlines in jupyterlab_mlops/documentation/outlines/",
        ) from None
    if outline.document != document:
        raise MlopsError(f"{file} is the outline of {outline.document}, not {document}", "")
    if outline.counted_keys() != keys:
        raise MlopsError(
            f"{file} does not hold the sections of {document} in order",
            f"its counted sections must be: {', '.join(keys)}",
        )
    return outline


@functools.cache
def shipped_outline(document: str) -> Outline:
    """The shipped outline of ``document``, read once per process."""
    return load_outline(document)
