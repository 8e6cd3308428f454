"""The MLflow side of prompts: register a version, set an alias, read versions back.

Every MLflow call goes through :func:`mlflow_errors`, so a store that fails or a prompt that
does not exist is one clear error. MLflow is imported inside the functions.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import MlopsError, NotFoundError
from ..experiments.store import client, mlflow_errors, tracking_uri
from ..project import Project

#: MLflow's rule for prompt names (letters, digits, ``-``, ``_``, ``.``), said in our words
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")
_ALIAS = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$")
#: aliases MLflow keeps for itself
_RESERVED_ALIASES = {"latest"}


def check_name(name: str) -> str:
    """``name`` if MLflow accepts it as a prompt name, else a clear error."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise MlopsError(
            f"{name!r} is not a prompt name",
            "use letters, digits, '-', '_' or '.' (up to 100), e.g. faq-answer",
        )
    return name


def check_alias(alias: str) -> str:
    if not isinstance(alias, str) or not _ALIAS.match(alias) or alias in _RESERVED_ALIASES:
        raise MlopsError(
            f"{alias!r} is not an alias",
            "start with a letter; letters, digits, '-' or '_' (not 'latest'), e.g. production",
        )
    return alias


def latest_version(project: Project, name: str) -> Any | None:
    """The newest version of prompt ``name`` (an MLflow ``PromptVersion``), None if none."""
    mlflow = client(project)
    with mlflow_errors(tracking_uri(project)):
        if mlflow.get_prompt(name) is None:
            return None
        versions = _listed(mlflow.search_prompt_versions(name))
    return max(versions, key=lambda v: int(v.version)) if versions else None


def all_versions(project: Project, name: str) -> list[Any]:
    """Every version of ``name``, oldest first (NotFoundError if there is no such prompt)."""
    mlflow = client(project)
    with mlflow_errors(tracking_uri(project)):
        if mlflow.get_prompt(name) is None:
            raise _missing(name)
        found = _listed(mlflow.search_prompt_versions(name))
        # the search leaves the aliases out: each version read on its own carries them
        versions = [mlflow.get_prompt_version(name, int(v.version)) for v in found]
    return sorted(versions, key=lambda v: int(v.version))


def prompt_names(project: Project) -> list[str]:
    """The names of every prompt in the registry, sorted."""
    mlflow = client(project)
    names: list[str] = []
    token = None
    with mlflow_errors(tracking_uri(project)):
        while True:
            page = mlflow.search_prompts(max_results=1000, page_token=token)
            names.extend(p.name for p in page)
            token = getattr(page, "token", None)
            if not token:
                break
    return sorted(names)


def create_version(
    project: Project, name: str, template: str, message: str | None, tags: dict[str, str]
) -> Any:
    mlflow = client(project)
    with mlflow_errors(tracking_uri(project)):
        return mlflow.register_prompt(name, template, commit_message=message, tags=tags)


def load_version(
    project: Project, name: str, *, version: int | None = None, alias: str = ""
) -> Any:
    """A version of ``name`` by number, by alias, or the newest."""
    from mlflow.exceptions import MlflowException

    mlflow = client(project)
    with mlflow_errors(tracking_uri(project)):
        if mlflow.get_prompt(name) is None:
            raise _missing(name)
        if version is None and not alias:
            found = latest_version(project, name)
            assert found is not None
            return found
        try:
            if alias:
                return mlflow.get_prompt_version_by_alias(name, alias)
            return mlflow.get_prompt_version(name, version)
        except MlflowException:  # the registry's "not found", for a version or an alias
            pass
    if alias:
        raise NotFoundError(
            f"prompt {name!r} has no alias {alias!r}",
            f"set one: mlops prompt alias {name} VERSION {alias}",
        )
    raise NotFoundError(
        f"prompt {name!r} has no version {version}", f"see its versions: mlops prompts {name}"
    )


def aliases_of(project: Project, name: str) -> dict[str, int]:
    """Alias -> version of prompt ``name``."""
    found: dict[str, int] = {}
    for version in all_versions(project, name):
        for alias in getattr(version, "aliases", None) or []:
            found[str(alias)] = int(version.version)
    return found


def move_alias(project: Project, name: str, alias: str, version: int) -> None:
    mlflow = client(project)
    with mlflow_errors(tracking_uri(project)):
        mlflow.set_prompt_alias(name, alias, version)


def _listed(found: Any) -> list[Any]:
    """MLflow answers a version search with a list, or a response holding one."""
    return list(getattr(found, "prompt_versions", found) or [])


def _missing(name: str) -> NotFoundError:
    return NotFoundError(
        f"no prompt named {name!r} in the project's registry",
        "list them with `mlops prompts`; register one with %%mlops prompt NAME",
    )
