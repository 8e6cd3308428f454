"""Reading the figures a document embeds: an artifact of a run (``RUN_ID/path``, read through
MLflow from the project's store) or a file under the project root, never anything outside it."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from ..confinement import readable, resolve
from ..errors import MlopsError
from ..project import Project
from .html import ImageLoader

_RUN_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_IMAGE_BYTES = 10 << 20
MIME = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}


def project_images(project: Project) -> ImageLoader:
    """A loader of ``project``'s figures: ``(mime, bytes)``, or why it cannot be embedded."""

    def load(ref: str) -> tuple[str, bytes] | str:
        parts = PurePosixPath(ref).parts
        if not parts or ref.startswith("/") or ".." in parts or "\\" in ref:
            return "not a path inside the project or a run"
        mime = MIME.get(PurePosixPath(ref).suffix.lower())
        if mime is None:
            return "not an image (png, jpeg, gif, webp, svg)"
        try:
            if _RUN_ID.match(parts[0]) and len(parts) > 1:
                data = _artifact(project, parts[0], "/".join(parts[1:]))
            else:
                data = _project_file(project, ref)
        except (MlopsError, OSError) as exc:
            return getattr(exc, "message", None) or type(exc).__name__
        if len(data) > MAX_IMAGE_BYTES:
            return f"larger than {MAX_IMAGE_BYTES >> 20} MB"
        return mime, data

    return load


def _project_file(project: Project, ref: str) -> bytes:
    root = resolve(project.root)
    path = resolve(project.root / ref, ref)
    if root not in path.parents:
        raise MlopsError(f"{ref} leads outside the project", "keep figures inside the project")
    return readable(path).read_bytes()


def _artifact(project: Project, run_id: str, path: str) -> bytes:
    from ..experiments.artifacts import read_artifact  # lazy: mlflow, when it is needed

    return read_artifact(project, run_id, path)
