"""The bundle a notebook would be approved with now: its fingerprint, parameter schema, the
data versions and run the checklist evidence points to (with the prompt versions that run
formatted), the checklist itself and the kernel.
"""

from __future__ import annotations

from pathlib import Path

from ..canonical import sha256_hex
from ..confinement import readable
from ..fingerprint import read_notebook
from ..notebooks import notebook_state
from ..project import Project
from ..signoffs import Bundle
from ..templates import load_template, template_dirs
from .engine import Context
from .params import parameter_schema


def current_bundle(
    project: Project, notebook: str | Path, context: Context | None = None
) -> Bundle:
    """The bundle of the saved notebook. ``context`` (the checklist :class:`Context` of this
    notebook, when it was just evaluated) saves reading everything again."""
    if context is None:
        state = notebook_state(project, notebook)
        context = Context(project, state, read_notebook(project.root / state.path))
    config = project.config
    files = context.cache.get("template_files")
    if files is None:
        _, files = load_template(
            config.template, template_dirs(project.root, config.checklist_dirs)
        )
    runs = context.runs
    return Bundle(
        fingerprint=context.state.fingerprint,
        parameters=parameter_schema(context.notebook).described(),
        data=sorted(v.entry.hash for v in context.data_read),
        runs=[runs[0].payload["run_id"]] if runs else [],
        checklist={
            "template": config.template,
            "risk_tier": config.risk_tier,
            "digest": sha256_hex([readable(f).read_text(encoding="utf-8") for f in files]),
        },
        prompts=sorted(
            f"{p['name']}/{p['version']}@{p['digest']}"
            for p in (runs[0].payload.get("prompts") or [] if runs else [])
            if isinstance(p, dict) and {"name", "version", "digest"} <= p.keys()
        ),
        kernel=str(
            ((context.notebook.get("metadata") or {}).get("kernelspec") or {}).get("name")
            or "python3"
        ),
    )
