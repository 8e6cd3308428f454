"""Checklist templates: plain YAML, shipped per model type, extendable per project.

A template names its model type, may ``extend`` another template (``_common`` holds the items
every model type shares) and lists items. Each item names an evidence check (see
:mod:`.checks`) with arguments, says why it matters and how to fix it, which stage it gates
(review, approval, production), for which EU AI Act risk tiers it applies, and whether it may
be waived. Templates in the project's ``.mlops/checklists/`` folder (and in folders named by
``checklist_dirs`` in ``.mlops/config``) override shipped ones of the same name, item by item.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .config import RISK_TIERS
from .errors import MlopsError, NotFoundError
from .notebooks import RACY_NS
from .project import Project
from .yamlfile import read_yaml_mapping

SHIPPED = Path(__file__).parent / "checklists" / "templates"
STAGES = ("review", "approval", "production")
Stage = Literal["review", "approval", "production"]


class CheckSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    args: dict[str, Any] = Field(default_factory=dict)


class Item(BaseModel):
    """One thing that must be true before a stage."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    title: str = Field(min_length=1)
    why: str = Field(min_length=1)
    check: CheckSpec
    fix: str = Field(min_length=1)
    gates: Stage
    tiers: list[str] = Field(default_factory=lambda: list(RISK_TIERS))
    waivable: bool = True
    #: a waiver of this item also needs a recorded decision with this tag, linked to the
    #: item's evidence (e.g. ``fairness``: why a disparity is accepted, tied to its report)
    waiver_decision: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")

    @field_validator("tiers")
    @classmethod
    def _known_tiers(cls, tiers: list[str]) -> list[str]:
        unknown = [t for t in tiers if t not in RISK_TIERS]
        if unknown:
            raise ValueError(f"unknown risk tier {unknown[0]!r} (tiers: {', '.join(RISK_TIERS)})")
        return tiers


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model_type: str | None = None
    title: str | None = None
    extends: str | None = None
    items: list[Item] = Field(default_factory=list)


def template_dirs(project_root: Path | None, extra: list[str] = ()) -> list[Path]:
    """Where templates are looked for, later folders overriding earlier ones."""
    folders = [SHIPPED]
    if project_root is not None:
        folders += [(project_root / d).resolve() for d in extra]
        folders.append(project_root / ".mlops" / "checklists")
    return folders


def load_template(
    name: str, folders: list[Path], _chain: tuple[str, ...] = ()
) -> tuple[Template, list[Path]]:
    """The template ``name`` with its ``extends`` chain and overrides applied, and the files
    it came from. A malformed file is one clear error naming the file and the field."""
    files = [folder / f"{name}.yaml" for folder in folders if (folder / f"{name}.yaml").is_file()]
    if not files:
        raise NotFoundError(  # no folder named: it would show where the package is installed
            f"no checklist template named {name!r}",
            "templates are NAME.yaml files: shipped ones (classification, regression, "
            "forecasting, unsupervised, llm), in .mlops/checklists/, or in a folder listed "
            "under checklist_dirs in .mlops/config",
        )
    merged: dict[str, Item] = {}
    model_type = title = None
    parent_seen = False
    for file in files:
        template = _parse(file)
        if template.extends and not parent_seen:
            if template.extends == name:
                raise MlopsError(f"{file}: a template cannot extend itself", "fix `extends`")
            if template.extends in _chain:
                circle = " -> ".join([*_chain, name, template.extends])
                raise MlopsError(
                    f"{file}: templates extend each other in a circle: {circle}", "fix `extends`"
                )
            try:
                parent, parent_files = load_template(template.extends, folders, (*_chain, name))
            except NotFoundError as exc:
                raise NotFoundError(
                    f"{file}: extends {template.extends!r}, but there is {exc.message}", exc.hint
                ) from exc
            merged = {item.id: item for item in parent.items}
            files = [*parent_files, *files]
            parent_seen = True
        for item in template.items:
            merged[item.id] = item  # later files and the template's own items win
        model_type, title = template.model_type or model_type, template.title or title
    return Template(model_type=model_type or name, title=title, items=list(merged.values())), files


def project_template(project: Project) -> Template:
    """The project's template, with its overrides applied."""
    config = project.config
    template, _ = load_template(config.template, template_dirs(project.root, config.checklist_dirs))
    return template


def shipped_template(name: str) -> Template:
    """A shipped template, as a project with no folders of its own sees it."""
    return load_template(name, template_dirs(None))[0]


def check_args(template: Template, check: str, tier: str) -> dict[str, Any] | None:
    """The arguments ``template`` gives the first item at ``tier`` that runs evidence check
    ``check`` (None when no such item applies), each per-tier value (a mapping keyed by risk
    tiers) narrowed to ``tier``: what an analysis such as ``fairness()`` is judged against."""
    item = next((i for i in template.items if i.check.name == check and tier in i.tiers), None)
    if item is None:
        return None
    return {key: for_tier(value, tier) for key, value in item.check.args.items()}


def for_tier(value: Any, tier: str) -> Any:
    """``value[tier]`` when ``value`` is a mapping keyed by risk tiers, else ``value``."""
    if isinstance(value, dict) and value and set(value) <= set(RISK_TIERS):
        if tier not in value:
            raise MlopsError(
                f"the template names no value for risk tier {tier!r} (it names {', '.join(value)})",
                "give every tier the item applies to a value, or one value for all",
            )
        return value[tier]
    return value


_PARSED: dict[tuple[Any, ...], Template] = {}


def _parse(file: Path) -> Template:
    """A template file, parsed and validated (remembered while the file is unchanged: the
    panel re-evaluates the checklist on every refresh)."""
    try:
        stat = file.stat()
    except OSError:
        return _parse_file(file)
    key = (str(file), stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino, stat.st_dev)
    if key in _PARSED:
        return _PARSED[key]
    template = _parse_file(file)
    if (
        time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) > RACY_NS
    ):  # as for notebooks: see notebook_state
        if len(_PARSED) > 256:
            _PARSED.clear()
        _PARSED[key] = template
    return template


def _parse_file(file: Path) -> Template:
    raw = read_yaml_mapping(file, hint="see the shipped templates", syntax_hint="fix the YAML")
    try:
        return Template.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _field(raw, first["loc"])
        raise MlopsError(
            f"{file}: {where}: {first['msg']}", "fix that field of the template"
        ) from exc


def _field(raw: dict[str, Any], loc: tuple[Any, ...]) -> str:
    """``items[2] (run-logged).check.name`` for a pydantic error location."""
    parts, node = [], raw
    for part in loc:
        if isinstance(part, int):
            label = f"[{part}]"
            if isinstance(node, list) and part < len(node) and isinstance(node[part], dict):
                item_id = node[part].get("id")
                label += f" ({item_id})" if item_id else ""
            parts.append(label)
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            parts.append(f".{part}" if parts else str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return "".join(parts) or "template"
