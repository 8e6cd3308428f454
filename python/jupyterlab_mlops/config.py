"""The project configuration kept in ``.mlops/config`` (YAML)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import MlopsError, first_invalid_field
from .yamlfile import read_yaml_mapping

ModelTemplate = Literal["classification", "regression", "forecasting", "unsupervised", "llm"]
RiskTier = Literal["minimal", "limited", "high"]

MODEL_TEMPLATES: tuple[str, ...] = get_args(ModelTemplate)
RISK_TIERS: tuple[str, ...] = get_args(RiskTier)
DEFAULT_ROLES = ("business", "risk", "it-ops")


class ProjectConfig(BaseModel):
    """What ``mlops init`` writes and every command reads."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    name: str = Field(min_length=1, max_length=100)
    #: a shipped model template, or one of the project's own (``.mlops/checklists/NAME.yaml``)
    template: str = Field(default="classification", pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    risk_tier: RiskTier = "limited"
    #: sign-off role -> identities allowed to act in it (filled in by the team)
    roles: dict[str, list[str]] = Field(default_factory=lambda: {r: [] for r in DEFAULT_ROLES})
    #: allow sign-offs by Jupyter's "Anonymous" user (local single-user mode only)
    allow_anonymous: bool = False
    #: MLflow tracking URI of a team server (MLFLOW_TRACKING_URI wins; default: a SQLite store
    #: in .mlops/mlflow/, git-ignored)
    tracking_uri: str | None = None
    #: extra folders of checklist templates (relative to the project root); .mlops/checklists/
    #: is always looked in, and overrides the shipped templates
    checklist_dirs: list[str] = Field(default_factory=list)
    #: where batch runs write their executed notebooks (relative to the project root)
    batch_output_dir: str = "batch-runs"
    #: a batch run flags a column whose input data drifted from the training data by more
    #: than this population stability index (PSI)
    drift_threshold: float = Field(default=0.2, gt=0, le=100)

    @field_validator("name")
    @classmethod
    def _printable_name(cls, value: str) -> str:
        value = value.strip()
        if not value or any(not ch.isprintable() for ch in value):
            raise ValueError("must be printable text")
        return value

    @field_validator("batch_output_dir")
    @classmethod
    def _inside_project(cls, value: str) -> str:
        pure = PurePosixPath(value.replace("\\", "/"))
        if (
            not value.strip()
            or pure.is_absolute()
            or ".." in pure.parts
            or any(not ch.isprintable() for ch in value)
        ):
            raise ValueError("must be a folder inside the project, e.g. batch-runs")
        return pure.as_posix()


def load_config(path: Path) -> ProjectConfig:
    """Read and validate ``.mlops/config``; any problem is one clear error."""
    raw = read_yaml_mapping(
        path,
        hint="see `mlops init --help` for the fields",
        missing=MlopsError(f"{path} is missing", "restore it from git or run `mlops init` again"),
        read_hint="check the file and its permissions",
        show_column=True,
    )
    try:
        return ProjectConfig.model_validate(raw)
    except ValidationError as exc:
        raise MlopsError(
            f"{path}: {first_invalid_field(exc, 'config')}", "fix the value in .mlops/config"
        ) from exc


def dump_config(config: ProjectConfig) -> str:
    import yaml

    header = (
        "# jupyterlab-mlops project configuration. Commit this file.\n"
        '# roles: who may sign off in each role, e.g. risk: ["Ada Lovelace <ada@example.com>"]\n'
    )
    return header + yaml.safe_dump(config.model_dump(), sort_keys=False, allow_unicode=True)
