"""``jupyterlab_mlops.prompt``: register a prompt template as a version in the project's MLflow
prompt registry, move its aliases, and read versions back, each change in the ledger.

A template uses MLflow's ``{{variable}}`` placeholders. Registering text identical to the
newest version makes no new version (and records nothing new); an alias move is recorded
with the version it left.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..canonical import sha256_hex
from ..errors import MlopsError, NotFoundError
from ..experiments.prompt_uses import note_prompt
from ..experiments.store import recorded_uri, tracking_uri
from ..identity import current_actor
from ..kernel import current_notebook
from ..kinds import PROMPT_ALIASED, PROMPT_REGISTERED
from ..ledger import Entry
from ..notebooks import notebook_ref
from ..project import Project, locate_project
from . import registry

#: the version tag that holds the template's digest (the text is what is approved)
DIGEST_TAG = "mlops.digest"
_MAX_TEMPLATE = 100_000  # characters: a prompt, not a corpus


def template_digest(template: str) -> str:
    return sha256_hex(template)


@dataclass(frozen=True)
class Prompt:
    """One version of a registered prompt: ``format(**values)`` fills its variables."""

    name: str
    version: int
    template: str
    variables: frozenset[str]
    message: str | None = None
    aliases: tuple[str, ...] = ()
    entry: Entry | None = field(default=None, compare=False)
    created: bool = field(default=False, compare=False)  # a new version was registered now
    project_root: str | None = field(default=None, compare=False)  # whose runs use it

    @property
    def uri(self) -> str:
        """``prompts:/NAME/VERSION``, as MLflow's ``load_prompt`` reads it."""
        return f"prompts:/{self.name}/{self.version}"

    @property
    def digest(self) -> str:
        return template_digest(self.template)

    def format(self, **values: Any) -> str:
        """The template with every variable filled; a missing or unknown one is an error.
        The version is noted for the run that formats it (its lineage)."""
        missing = sorted(self.variables - values.keys())
        unknown = sorted(values.keys() - self.variables)
        if missing or unknown:
            said = [f"missing {', '.join(missing)}"] if missing else []
            said += [f"unknown {', '.join(unknown)}"] if unknown else []
            raise MlopsError(
                f"prompt {self.name} v{self.version}: {'; '.join(said)}",
                f"it takes {', '.join(sorted(self.variables)) or 'no variables'}",
            )
        text = self.template
        for name in sorted(self.variables, key=len, reverse=True):
            text = _fill(text, name, str(values[name]))
        if self.project_root is not None:
            note_prompt(self.project_root, self.name, self.version, self.digest)
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "uri": self.uri,
            "digest": self.digest,
            "variables": sorted(self.variables),
            "message": self.message,
            "aliases": list(self.aliases),
            "template": self.template,
            "entry": self.entry.hash if self.entry is not None else None,
            "created": self.created,
        }


def _fill(text: str, name: str, value: str) -> str:
    import re

    return re.sub(r"\{\{\s*" + re.escape(name) + r"\s*\}\}", lambda _: value, text)


def _from_mlflow(
    project: Project, version: Any, entry: Entry | None = None, created: bool = False
) -> Prompt:
    return Prompt(
        name=str(version.name),
        version=int(version.version),
        template=str(version.template),
        variables=frozenset(str(v) for v in (version.variables or ())),
        message=getattr(version, "commit_message", None) or None,
        aliases=tuple(sorted(str(a) for a in (getattr(version, "aliases", None) or ()))),
        entry=entry,
        created=created,
        project_root=str(project.root),
    )


def _recorded(project: Project, name: str, version: int, digest: str, store: str) -> Entry | None:
    for entry in reversed(project.ledger.entries(PROMPT_REGISTERED)):
        p = entry.payload
        if (p.get("name"), p.get("version"), p.get("digest"), p.get("store")) == (
            name, version, digest, store,
        ):  # fmt: skip
            return entry
    return None


def register_prompt(
    project: Project,
    name: str,
    template: str,
    *,
    actor: str,
    alias: str | None = None,
    message: str | None = None,
    notebook: str | os.PathLike[str] | None = None,
) -> Prompt:
    """Register ``template`` as the next version of prompt ``name`` (unless the newest version
    holds the same text) and record it; with ``alias``, point the alias at it."""
    registry.check_name(name)
    if alias is not None:
        registry.check_alias(alias)
    if not isinstance(template, str) or not template.strip():
        raise MlopsError(f"prompt {name}: the template is empty", "write it in the cell body")
    if len(template) > _MAX_TEMPLATE:
        raise MlopsError(
            f"prompt {name}: the template has {len(template):,} characters",
            f"keep a prompt under {_MAX_TEMPLATE:,}; put reference text in the data instead",
        )
    digest = template_digest(template)
    latest = registry.latest_version(project, name)
    created = latest is None or template_digest(str(latest.template)) != digest
    if created:
        tags = {DIGEST_TAG: digest, "mlops.project": project.config.name, "mlops.actor": actor}
        latest = registry.create_version(project, name, template, message, tags)
    assert latest is not None
    version = int(latest.version)
    store = recorded_uri(project, tracking_uri(project))
    payload = {
        "name": name,
        "version": version,
        "uri": f"prompts:/{name}/{version}",
        "digest": digest,
        "variables": sorted(str(v) for v in (latest.variables or ())),
        "message": getattr(latest, "commit_message", None) or None,
        "store": store,
    }
    entry, _ = project.ledger.append_once(
        PROMPT_REGISTERED,
        payload,
        actor=actor,
        notebook=notebook_ref(project, notebook),
        links=[payload["uri"]],
        existing=lambda: _recorded(project, name, version, digest, store),
    )
    if alias is not None:
        set_alias(project, name, version, alias, actor=actor, notebook=notebook)
        latest = registry.load_version(project, name, version=version)
    return _from_mlflow(project, latest, entry, created)


def set_alias(
    project: Project,
    name: str,
    version: int,
    alias: str,
    *,
    actor: str,
    notebook: str | os.PathLike[str] | None = None,
) -> Entry | None:
    """Point ``alias`` of prompt ``name`` at ``version`` and record the move (None: it
    already pointed there)."""
    registry.check_name(name)
    registry.check_alias(alias)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise MlopsError(f"{version!r} is not a version number", "versions are 1, 2, 3, …")
    registry.load_version(project, name, version=version)  # it exists
    before = registry.aliases_of(project, name).get(alias)
    if before == version:
        return None
    registry.move_alias(project, name, alias, version)
    return project.ledger.append(
        PROMPT_ALIASED,
        {"name": name, "alias": alias, "version": version, "before": before,
         "store": recorded_uri(project, tracking_uri(project))},
        actor=actor,
        notebook=notebook_ref(project, notebook),
        links=[f"prompts:/{name}/{version}"],
    )  # fmt: skip


def parse_reference(reference: str) -> tuple[str, int | None, str]:
    """``NAME``, ``NAME/VERSION`` or ``NAME@ALIAS`` (also with ``prompts:/`` in front) as
    (name, version or None, alias or "")."""
    text = reference.strip().removeprefix("prompts:/")
    if "@" in text:
        name, alias = text.split("@", 1)
        return registry.check_name(name), None, registry.check_alias(alias)
    if "/" in text:
        name, number = text.split("/", 1)
        if not number.isdigit() or int(number) < 1:
            raise MlopsError(f"{number!r} is not a version number", f"e.g. {name}/1 or {name}@production")  # fmt: skip
        return registry.check_name(name), int(number), ""
    return registry.check_name(text), None, ""


def load_prompt(project: Project, reference: str) -> Prompt:
    """The version ``reference`` names (the newest for a bare name)."""
    name, version, alias = parse_reference(reference)
    return _from_mlflow(project, registry.load_version(project, name, version=version, alias=alias))


def prompt_versions(project: Project, name: str) -> list[Prompt]:
    """Every version of prompt ``name``, oldest first."""
    registry.check_name(name)
    return [_from_mlflow(project, v) for v in registry.all_versions(project, name)]


def list_prompts(project: Project) -> list[Prompt]:
    """The newest version of every prompt in the registry, by name, with every alias of the
    prompt as ``ALIAS→vN``."""
    found = []
    for name in registry.prompt_names(project):
        versions = registry.all_versions(project, name)
        if versions:
            where = {str(a): int(v.version) for v in versions for a in (v.aliases or ())}
            newest = _from_mlflow(project, versions[-1])
            found.append(replace(newest, aliases=tuple(f"{a}→v{where[a]}" for a in sorted(where))))
    return found


def prompt(
    name: str,
    template: str,
    *,
    alias: str | None = None,
    message: str | None = None,
    notebook: str | os.PathLike[str] | None = None,
) -> Prompt:
    """Register ``template`` (``{{variable}}`` placeholders) as prompt ``name`` in the project
    of the notebook that runs this (a new version only when the text changed); returns it:
    ``p.version``, ``p.uri``, ``p.format(**values)``."""
    if notebook is None:
        notebook, _ = current_notebook()
    project = locate_project(Path(notebook).parent if notebook else Path.cwd())
    if project is None:
        raise NotFoundError("no MLOps project here to register the prompt in", "mlops init")
    return register_prompt(
        project, name, template, alias=alias, message=message, notebook=notebook,
        actor=current_actor(project.root),
    )  # fmt: skip
