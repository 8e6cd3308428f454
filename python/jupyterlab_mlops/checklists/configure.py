"""Changing a project's checklist template or risk tier, recorded in the ledger."""

from __future__ import annotations

import os

from pydantic import ValidationError

from ..config import ProjectConfig, dump_config
from ..errors import MlopsError, first_invalid_field
from ..kinds import PROJECT_CONFIGURED
from ..project import CONFIG_FILE, Project
from ..roles import check_waiver_identity
from ..templates import load_template, template_dirs


def reconfigure(
    project: Project, *, actor: str, template: str | None = None, risk_tier: str | None = None
) -> Project:
    """Change the project's checklist template and/or risk tier, recorded in the ledger.

    The config file is rewritten atomically; the ledger entry says what changed and who did it.
    """
    check_waiver_identity(project, actor)  # the checklist and tier are a role holder's call
    changes = {k: v for k, v in (("template", template), ("risk_tier", risk_tier)) if v is not None}
    if not changes:
        raise MlopsError("nothing to change", "give --template and/or --risk-tier")
    try:
        config = ProjectConfig.model_validate({**project.config.model_dump(), **changes})
    except ValidationError as exc:
        raise MlopsError(
            f"invalid {first_invalid_field(exc, 'config')}", "see `mlops configure --help`"
        ) from exc
    before = {k: getattr(project.config, k) for k in changes}
    if before == changes:
        return project
    if template is not None:  # it must exist (shipped, or in the project's template folders)
        load_template(template, template_dirs(project.root, config.checklist_dirs))
    path = project.mlops_dir / CONFIG_FILE
    temporary = path.with_name(f".{CONFIG_FILE}.{os.getpid()}.tmp")
    temporary.write_text(dump_config(config), encoding="utf-8")
    os.replace(temporary, path)
    project = Project(project.root, config)
    project.ledger.append(PROJECT_CONFIGURED, {"before": before, "after": changes}, actor=actor)
    return project
