"""Changing a project's checklist template, risk tier or registry facts, recorded in the
ledger."""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import ValidationError

from ..config import ProjectConfig, dump_config
from ..errors import MlopsError, first_invalid_field
from ..kinds import PROJECT_CONFIGURED
from ..project import CONFIG_FILE, Project
from ..roles import check_waiver_identity
from ..templates import load_template, template_dirs


def reconfigure(
    project: Project,
    *,
    actor: str,
    template: str | None = None,
    risk_tier: str | None = None,
    context: Mapping[str, str | None] | None = None,
) -> Project:
    """Change the project's checklist template, risk tier and/or registry facts (``context``:
    field -> new text, ``""`` or None to clear it), recorded in the ledger.

    The config file is rewritten atomically; the ledger entry says what changed (before and
    after, only the fields that changed) and who did it.
    """
    check_waiver_identity(project, actor)  # the checklist, tier and facts are a role holder's call
    changes: dict[str, object] = {
        k: v for k, v in (("template", template), ("risk_tier", risk_tier)) if v is not None
    }
    if context:
        changes["context"] = {
            **project.config.context.model_dump(),
            **{k: (v if v and v.strip() else None) for k, v in context.items()},
        }
    if not changes:
        raise MlopsError(
            "nothing to change", "give --template, --risk-tier or a registry fact such as --owner"
        )
    try:
        config = ProjectConfig.model_validate({**project.config.model_dump(), **changes})
    except ValidationError as exc:
        raise MlopsError(
            f"invalid {first_invalid_field(exc, 'config')}", "see `mlops configure --help`"
        ) from exc
    before, after = _changed(project.config, config)
    if not after:
        return project
    if template is not None:  # it must exist (shipped, or in the project's template folders)
        load_template(template, template_dirs(project.root, config.checklist_dirs))
    path = project.mlops_dir / CONFIG_FILE
    temporary = path.with_name(f".{CONFIG_FILE}.{os.getpid()}.tmp")
    temporary.write_text(dump_config(config), encoding="utf-8")
    os.replace(temporary, path)
    project = Project(project.root, config)
    project.ledger.append(PROJECT_CONFIGURED, {"before": before, "after": after}, actor=actor)
    return project


def _changed(old: ProjectConfig, new: ProjectConfig) -> tuple[dict[str, object], dict[str, object]]:
    """The template, tier and context fields that differ, as (before, after)."""
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for key in ("template", "risk_tier"):
        if getattr(old, key) != getattr(new, key):
            before[key], after[key] = getattr(old, key), getattr(new, key)
    was, now = old.context.model_dump(), new.context.model_dump()
    facts = [k for k in now if was[k] != now[k]]
    if facts:
        before["context"] = {k: was[k] for k in facts}
        after["context"] = {k: now[k] for k in facts}
    return before, after
