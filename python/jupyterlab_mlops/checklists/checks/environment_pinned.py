"""Evidence check ``environment_pinned``: a lock file or fully pinned requirements."""

from __future__ import annotations

import re

from ...confinement import readable
from ..engine import Context, Evidence, Outcome, evidence_check

_LOCKS = ("uv.lock", "poetry.lock", "Pipfile.lock", "conda-lock.yml", "pdm.lock", "pixi.lock")
_PINNED = re.compile(r"^[A-Za-z0-9_.\-\[\],]+\s*===?\s*[\w.!+*-]+")


@evidence_check("environment_pinned")
def environment_pinned(context: Context) -> Outcome:
    """A lock file, or a requirements file whose every requirement is pinned with ``==``."""
    root = context.project.root
    for name in _LOCKS:
        if (root / name).is_file():
            return Outcome(True, f"{name}", (Evidence("file", name, name),))
    unpinned_files = []
    for file in sorted(root.glob("requirements*.txt")):
        lines = [
            line.split("#", 1)[0].strip()
            for line in readable(file).read_text(encoding="utf-8", errors="replace").splitlines()
        ]
        requirements = [line for line in lines if line and not line.startswith("-")]
        loose = [line for line in requirements if not _PINNED.match(line)]
        if requirements and not loose:
            return Outcome(
                True,
                f"{file.name}: {len(requirements)} pinned",
                (Evidence("file", file.name, file.name),),
            )
        unpinned_files.append(f"{file.name} ({loose[0] if loose else 'empty'} is not pinned)")
    detail = "; ".join(unpinned_files) or "no lock file or requirements*.txt in the project root"
    return Outcome(False, detail)
