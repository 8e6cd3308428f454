"""Secrets in a notebook: credentials in cell code or in the outputs it shows.

Cell sources, cell and notebook metadata, text outputs and text attachments are decoded from the
notebook JSON and scanned line by line with detect-secrets (its high-entropy detectors are left
out: hashes and fingerprints in outputs are not secrets). Images and other binary outputs or
attachments are not text and are not scanned; inline ``data:`` URIs in HTML are removed first.
The results are kept per notebook in the project's git-ignored ``.mlops/cache/secrets/``, so a
fresh process (the CLI, a kernel) scans only the text that changed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fingerprint import cell_source
from ..project import Project
from ..secret_scan import secret_lines

_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")
_BINARY = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "application/pdf")


@dataclass(frozen=True)
class SecretFinding:
    cell: int  # -1: the notebook's own metadata
    where: str  # "source", "metadata", "attachment" or "output"
    line: int
    kind: str

    def describe(self) -> str:
        if self.cell < 0:
            return f"notebook metadata line {self.line}: {self.kind}"
        return f"cell {self.cell + 1}, {self.where} line {self.line}: {self.kind}"


def cache_file(project: Project, notebook: str) -> Path:
    """Where the scan results of ``notebook`` (relative path) are kept between processes."""
    name = hashlib.sha256(notebook.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return project.mlops_dir / "cache" / "secrets" / f"{name}.json"


def scan_notebook(notebook: dict[str, Any], cache: Path | None = None) -> list[SecretFinding]:
    """Every line of code or text output that holds something like a credential
    (``cache``: the file that keeps the results between processes, see :func:`cache_file`)."""
    places: list[tuple[int, str, str]] = []  # (cell, where, text)
    metadata = notebook.get("metadata") or {}
    places.append((-1, "metadata", _joined_lines(metadata)))
    for index, cell in enumerate(notebook.get("cells", [])):
        places.append((index, "source", cell_source(cell)))
        if cell.get("metadata"):
            places.append((index, "metadata", _joined_lines(cell["metadata"])))
        places += [(index, "attachment", text) for text in _attachment_texts(cell)]
        places += [(index, "output", text) for text in _output_texts(cell)]
    scanned = secret_lines((text for _, _, text in places), cache)
    return [
        SecretFinding(cell, where, number, kind)
        for (cell, where, _), lines in zip(places, scanned, strict=True)
        for number, kind in lines
    ]


def _output_texts(cell: dict[str, Any]) -> list[str]:
    texts = []
    for output in cell.get("outputs") or []:
        kind = output.get("output_type")
        if kind == "stream":
            texts.append(_joined(output.get("text")))
        elif kind == "error":
            texts.append(f"{output.get('ename', '')}: {output.get('evalue', '')}")
            texts.append("\n".join(output.get("traceback") or []))
        elif kind in ("display_data", "execute_result"):
            data = output.get("data") or {}
            for mime, value in data.items():
                if mime in _BINARY:
                    continue  # base64 pictures: not text a person reads
                text = value if isinstance(value, str) else _joined(value)
                texts.append(_DATA_URI.sub("data:…", text))
    return texts


def _attachment_texts(cell: dict[str, Any]) -> list[str]:
    """Text attachments of a markdown cell, decoded (pictures are skipped)."""
    import base64
    import binascii

    texts = []
    for bundle in (cell.get("attachments") or {}).values():
        for mime, value in (bundle or {}).items():
            if mime in _BINARY:
                continue
            try:
                texts.append(base64.b64decode(_joined(value)).decode("utf-8", "replace"))
            except (binascii.Error, ValueError):
                texts.append(_joined(value))
    return texts


def _joined_lines(value: Any) -> str:
    """A mapping as indented JSON, one value per line (so findings have line numbers)."""
    import json

    return json.dumps(value, indent=1, ensure_ascii=False, default=str)


def _joined(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    if isinstance(value, dict):
        import json

        return json.dumps(value)
    return str(value or "")
