"""The coverage meter of a document: each counted section's status, in order, and the totals
(one source for the Markdown, the HTML, the command's text and its JSON)."""

from __future__ import annotations

from typing import Any

from .model import COVERAGE_LABELS, Document, Section


def status_label(section: Section) -> str:
    """``from evidence``, ``by the author``, ``not applicable (REASON)`` or ``missing``."""
    label = COVERAGE_LABELS[section.coverage]
    if section.coverage == "not_applicable":
        return f"{label} ({section.reason or 'no reason given'})"
    return label


def meter(document: Document) -> dict[str, Any]:
    """Each counted section (``key``, ``title``, ``status``, ``label``, ``reason`` and what it
    ``needs`` while missing) and the ``totals`` per status, with their ``total``."""
    entries = [
        {
            "key": s.key,
            "title": s.title,
            "status": s.coverage,
            "label": status_label(s),
            "reason": s.reason if s.coverage == "not_applicable" else None,
            "needs": s.needs if s.coverage == "missing" else None,
        }
        for s in document.counted()
    ]
    totals = document.coverage()
    return {
        "entries": entries,
        "totals": totals,
        "total": len(entries),
        "covered": len(entries) - totals["missing"],
    }


def missing_keys(document: Document) -> list[str]:
    """The counted sections that still need the author's input, in order."""
    return [s.key for s in document.counted() if s.coverage == "missing"]


def summary(document: Document) -> str:
    """``15 of 23 covered: 10 from evidence, 3 by the author, 2 not applicable, 8 missing``."""
    m = meter(document)
    parts = ", ".join(f"{n} {COVERAGE_LABELS[k]}" for k, n in m["totals"].items())
    return f"{m['covered']} of {m['total']} covered: {parts}"
