"""The author's own text for the sections evidence cannot fill, or their reason a section does
not apply: recorded in the ledger (``documentation.authored``), the newest per section wins."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import MlopsError
from ..kinds import DOCUMENTATION_AUTHORED
from ..project import Project
from ..yamlfile import read_yaml_mapping
from .model import ANNEX_IV_KEYS, MODEL_CARD_KEYS, Authored

#: the sections of each document, as the author names them
DOCUMENTS: dict[str, tuple[str, ...]] = {"annex-iv": ANNEX_IV_KEYS, "model-card": MODEL_CARD_KEYS}
MAX_TEXT = 20_000
_LETTERED = re.compile(r"^([12])\s*\(?\s*([a-h])\s*\)?$")
_EXAMPLE = "annex-iv:\n  1(d): text\n  7: {not_applicable: reason}\nmodel-card:\n  caveats-and-recommendations: text"  # fmt: skip


def section_key(document: str, key: object) -> str:
    """``key`` as the document numbers it (``1d``, ``1 (d)`` and ``1(D)`` are ``1(d)``; YAML's
    ``3`` is ``"3"``), or an error listing the valid keys."""
    if document not in DOCUMENTS:
        raise MlopsError(f"unknown document {document!r}", f"name one of: {', '.join(DOCUMENTS)}")
    keys = DOCUMENTS[document]
    text = (
        str(key).strip().lower() if isinstance(key, str | int) and not isinstance(key, bool) else ""
    )
    lettered = _LETTERED.match(text)
    if lettered:
        text = f"{lettered[1]}({lettered[2]})"
    if text not in keys:
        raise MlopsError(
            f"{document} has no section {str(key)[:60]!r}",
            f"valid sections of {document}: {', '.join(keys)}",
        )
    return text


def _validated(
    document: str, key: object, text: object, not_applicable: object
) -> tuple[str, dict[str, Any]]:
    """The section's key and the entry's payload, or one clear error."""
    clean = section_key(document, key)
    where = f"{document} {clean}"
    if text is not None and not_applicable is not None:
        raise MlopsError(
            f"{where}: give either text or a reason it does not apply, not both",
            "drop one of them",
        )
    value = not_applicable if not_applicable is not None else text
    field = "not_applicable" if not_applicable is not None else "text"
    if value is None or not isinstance(value, str) or not value.strip():
        what = "a reason" if field == "not_applicable" else "text"
        raise MlopsError(
            f"{where}: {'not applicable needs ' + what if field == 'not_applicable' else 'no text given'}",
            "say why the section does not apply" if field == "not_applicable"
            else "write the section's text (a %%mlops doc SECTION cell, --text, or --file)",
        )  # fmt: skip
    if len(value) > MAX_TEXT:
        raise MlopsError(
            f"{where}: the text is {len(value):,} characters long", f"keep it under {MAX_TEXT:,}"
        )
    payload: dict[str, Any] = {"document": document, "key": clean, "text": None}
    payload["not_applicable"] = None
    payload[field] = value.strip()
    return clean, payload


def record_authored(
    project: Project,
    document: str,
    key: str,
    *,
    text: str | None = None,
    not_applicable: str | None = None,
    actor: str,
) -> Authored:
    """Record the author's ``text`` for section ``key`` of ``document``, or ``not_applicable``
    with its reason; it replaces what they recorded for that section before."""
    _, payload = _validated(document, key, text, not_applicable)
    entry = project.ledger.append(DOCUMENTATION_AUTHORED, payload, actor=actor)
    return _authored(entry.payload, entry.hash, entry.actor, entry.time)


def record_authored_file(project: Project, path: Path, actor: str) -> list[Authored]:
    """Record every section of a YAML file (``annex-iv: {"1(d)": text | {not_applicable:
    reason}}, model-card: {...}``): all of it is checked first; on any error nothing is
    recorded."""
    hint = f"write a mapping such as:\n{_EXAMPLE}"
    data = read_yaml_mapping(Path(path), hint=hint)
    payloads: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for document, sections in data.items():
        if document not in DOCUMENTS:
            raise MlopsError(
                f"{path}: unknown document {str(document)[:60]!r}",
                f"name one of: {', '.join(DOCUMENTS)}",
            )
        if not isinstance(sections, Mapping):
            raise MlopsError(f"{path}: {document} must map sections to text", hint)
        for key, value in sections.items():
            try:
                section_key(document, key)  # the key first: its error is the clearest
                text, reason = _text_or_reason(document, key, value, hint)
                clean, payload = _validated(document, key, text, reason)
            except MlopsError as exc:
                raise MlopsError(f"{path}: {exc.message}", exc.hint) from None
            if (document, clean) in seen:
                raise MlopsError(f"{path}: {document} {clean} is given twice", "keep one of them")
            seen.add((document, clean))
            payloads.append(payload)
    recorded = []
    for payload in payloads:
        entry = project.ledger.append(DOCUMENTATION_AUTHORED, payload, actor=actor)
        recorded.append(_authored(entry.payload, entry.hash, entry.actor, entry.time))
    return recorded


def _text_or_reason(document: str, key: object, value: object, hint: str) -> tuple[object, object]:
    if isinstance(value, Mapping):
        if set(value) != {"not_applicable"}:
            raise MlopsError(
                f"{document} {str(key)[:60]}: a section is text or {{not_applicable: reason}}",
                hint,
            )
        reason = value["not_applicable"]
        if not isinstance(reason, str) or not reason.strip():
            raise MlopsError(
                f"{document} {str(key)[:60]}: not applicable needs a reason",
                "say why the section does not apply",
            )
        return None, reason
    if not isinstance(value, str):
        raise MlopsError(f"{document} {str(key)[:60]}: the text must be a string", hint)
    return value, None


def authored_texts(project: Project) -> dict[tuple[str, str], Authored]:
    """What the authors recorded, per ``(document, key)``: the newest entry for each wins."""
    found: dict[tuple[str, str], Authored] = {}
    for entry in project.ledger.entries(DOCUMENTATION_AUTHORED):
        p = entry.payload
        if p.get("document") not in DOCUMENTS or p.get("key") not in DOCUMENTS[p["document"]]:
            continue  # not written by record_authored: ignored, as it would be rejected
        try:
            found[(p["document"], p["key"])] = _authored(p, entry.hash, entry.actor, entry.time)
        except ValidationError:
            continue
    return found


def _authored(payload: Mapping[str, Any], entry_id: str, by: str, at: str) -> Authored:
    return Authored(
        document=payload["document"],
        key=payload["key"],
        text=payload.get("text"),
        not_applicable=payload.get("not_applicable"),
        entry_id=entry_id,
        by=by,
        at=at,
    )
