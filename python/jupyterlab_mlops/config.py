"""The project configuration kept in ``.mlops/config`` (YAML)."""

from __future__ import annotations

import functools
import re
from pathlib import Path, PurePosixPath
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .errors import MlopsError, first_invalid_field
from .yamlfile import read_yaml_mapping

ModelTemplate = Literal["classification", "regression", "forecasting", "unsupervised", "llm"]
RiskTier = Literal["minimal", "limited", "high"]

MODEL_TEMPLATES: tuple[str, ...] = get_args(ModelTemplate)
RISK_TIERS: tuple[str, ...] = get_args(RiskTier)
DEFAULT_ROLES = ("business", "risk", "it-ops")


def _printable(value: str) -> str:
    value = value.strip()
    if not value or any(not ch.isprintable() for ch in value):
        raise ValueError("must be printable text")
    return value


def _printable_text(value: str) -> str:
    _printable(value.replace("\n", " "))  # line breaks are allowed, other control characters not
    return value.strip()


#: a person's or the project's name: printable text, the spaces around it dropped
Name = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_printable)]


class Person(BaseModel):
    """Someone on the team, listed once, with every identity that is theirs."""

    model_config = ConfigDict(extra="forbid")

    #: how the panel and the views name them, and how ``roles`` refer to them
    name: Name
    #: who they are to each tool: git ``Name <email>`` (kernel, CLI), Jupyter username (server)
    identities: list[str] = Field(min_length=1, max_length=20)

    @field_validator("identities")
    @classmethod
    def _printable_identities(cls, values: list[str]) -> list[str]:
        cleaned = [_printable(v) for v in values]
        twice = sorted({v for v in cleaned if cleaned.count(v) > 1})
        if twice:
            raise ValueError(f"{twice[0]!r} is listed twice")
        return cleaned


#: longer free text (a description, a purpose): printable lines, the spaces around it dropped
Text = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_printable_text)]


class ProjectContext(BaseModel):
    """The project's registry facts: what a risk manager reads first, and what the model card
    and the EU AI Act Annex IV documentation (point 1) are written from. Every field is
    optional; a missing one is marked for the author in the documents."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    owner: Name | None = None
    """who answers for the model day to day"""
    sponsor: Name | None = None
    """who funds it and answers for it to the business"""
    initiative: Name | None = None
    """the business initiative or programme it serves"""
    description: Text | None = None
    """what the system is and does, in a sentence or two"""
    intended_purpose: Text | None = None
    """what it is intended to be used for (EU AI Act Annex IV 1(a))"""
    intended_users: Text | None = None
    """who is meant to use its outputs"""
    out_of_scope: Text | None = None
    """uses it is not meant for"""
    deployment_context: Text | None = None
    """where and how it runs, and whom its outputs reach"""
    provider: Name | None = None
    """the provider: who places it on the market or puts it into service (EU AI Act Art. 3)"""


#: the context's fields, in the order the forms and documents show them
CONTEXT_FIELDS: tuple[str, ...] = tuple(ProjectContext.model_fields)


@functools.cache
def context_form() -> tuple[dict[str, object], ...]:
    """Each registry fact as a form shows it: ``key``, ``label``, what it means (``help``),
    its longest length and whether it is free text over several lines (``multiline``) or a
    name on one line; all read from :class:`ProjectContext`, the one description of them."""
    properties = ProjectContext.model_json_schema()["properties"]
    form = []
    for key in CONTEXT_FIELDS:
        spec = properties[key]
        text = next(s for s in spec["anyOf"] if s.get("type") == "string")
        form.append(
            {
                "key": key,
                "label": spec["title"].capitalize(),
                "help": spec.get("description", ""),
                "max_length": text["maxLength"],
                "multiline": text["maxLength"] > 100,
            }
        )
    return tuple(form)


AlertEvent = Literal[
    "review.requested", "signoff.approved", "signoff.refused", "signoff.revoked",
    "approval.stale", "drift.flagged", "batch.failed",
]  # fmt: skip
#: every event an alert can be sent for (see :mod:`.alerts`)
ALERT_EVENTS: tuple[str, ...] = get_args(AlertEvent)
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


def _web_url(value: str, *, plain: bool = False) -> str:
    """An http(s) URL with a host; ``plain``: no user, query or fragment either (a link people
    see). Messages never repeat the URL: it may hold a token."""
    from urllib.parse import urlsplit

    value = value.strip()
    if len(value) > 2000 or any(not ch.isprintable() or ch.isspace() for ch in value):
        raise _invalid("must be an http(s) URL of printable characters without spaces")
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise _invalid("must be an http:// or https:// URL with a host")
    if plain and (parts.username or parts.password or parts.query or parts.fragment):
        raise _invalid("must be a plain link (no user, ?query or #fragment: people see it)")
    return value


def _env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise _invalid("must be an environment variable name, e.g. SLACK_WEBHOOK")
    return value


class AlertTarget(BaseModel):
    """A webhook that hears about some events (see docs/reference.md, Alerts)."""

    model_config = ConfigDict(extra="forbid")

    #: the webhook's address; it may hold a token, so prefer ``url_env``
    url: Annotated[str, AfterValidator(_web_url)] | None = None
    #: the environment variable that holds the address (read when an alert is sent)
    url_env: Annotated[str, AfterValidator(_env_name)] | None = None
    #: ``slack``: ``{"text": ...}`` for a Slack incoming webhook; ``json``: the event itself
    format: Literal["slack", "json"] = "json"
    #: the events this webhook hears about
    events: list[str] = Field(min_length=1, max_length=len(ALERT_EVENTS))
    #: json format: the environment variable holding the HMAC-SHA256 key that signs each body
    secret_env: Annotated[str, AfterValidator(_env_name)] | None = None

    @field_validator("events")
    @classmethod
    def _known_events(cls, events: list[str]) -> list[str]:
        for name in events:
            if name not in ALERT_EVENTS:
                shown = name[:40] if isinstance(name, str) else repr(name)[:40]
                raise _invalid(f"unknown event {shown!r}; events: {', '.join(ALERT_EVENTS)}")
        if len(set(events)) != len(events):
            raise _invalid("an event is listed twice")
        return events

    @model_validator(mode="after")
    def _one_address(self) -> AlertTarget:
        if (self.url is None) == (self.url_env is None):
            raise _invalid("give either url or url_env (one of them, not both)")
        if self.secret_env and self.format != "json":
            raise _invalid("secret_env signs json payloads; Slack does not check signatures")
        return self

    @property
    def where(self) -> str:
        """The webhook as views show it: ``$NAME``, or the URL masked (scheme and host)."""
        return f"${self.url_env}" if self.url_env else mask_url(str(self.url))


def mask_url(url: str) -> str:
    """``https://hooks.slack.com/…``: the scheme and host only; the rest may be a token."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
    except ValueError:
        return "…"
    return f"{parts.scheme}://{host}/…"


class ProjectConfig(BaseModel):
    """What ``mlops init`` writes and every command reads."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    name: Name
    #: a shipped model template, or one of the project's own (``.mlops/checklists/NAME.yaml``)
    template: str = Field(default="classification", pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    risk_tier: RiskTier = "limited"
    #: the team: each person once, with their identities (see :class:`Person`)
    people: list[Person] = Field(default_factory=list)
    #: sign-off role -> who may act in it: people's names (or, as older configs do, identities)
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
    #: the registry facts (owner, sponsor, intended purpose, ...): see :class:`ProjectContext`
    context: ProjectContext = Field(default_factory=ProjectContext)
    #: webhooks told about review requests, sign-offs, stale approvals, drift, failed batches
    alerts: list[AlertTarget] = Field(default_factory=list, max_length=20)
    #: the project folder in JupyterLab (e.g. https://hub.example.com/user/ada/lab/tree/credit):
    #: alerts link to a notebook as this address followed by the notebook's path
    lab_url: Annotated[str, AfterValidator(functools.partial(_web_url, plain=True))] | None = None

    @field_validator("people")
    @classmethod
    def _each_person_once(cls, people: list[Person]) -> list[Person]:
        """Nobody listed twice, no identity shared by two people: who is who has one answer."""
        names: set[str] = set()
        owner: dict[str, str] = {}
        for person in people:
            if person.name.casefold() in names:
                raise _invalid(
                    f"{person.name} is listed twice; list each person once, with all of "
                    "their identities"
                )
            names.add(person.name.casefold())
            for identity in person.identities:
                if owner.get(identity, person.name) != person.name:
                    raise _invalid(
                        f"the identity {identity!r} belongs to both {owner[identity]} and "
                        f"{person.name}; an identity is one person's"
                    )
                owner[identity] = person.name
        for person in people:
            if owner.get(person.name, person.name) != person.name:
                raise _invalid(
                    f"{person.name!r} is both a person's name and an identity of "
                    f"{owner[person.name]}; give them different names"
                )
        return people

    @field_validator("roles")
    @classmethod
    def _each_member_once(
        cls, roles: dict[str, list[str]], info: ValidationInfo
    ) -> dict[str, list[str]]:
        """A role names each person once (not by their name and again by an identity)."""
        people = info.data.get("people") or []
        for role, members in roles.items():
            seen: dict[str, str] = {}
            for member in members:
                who = _person_named(people, member)
                key = who.name if who else member
                if key in seen:
                    raise _invalid(
                        f"{role} lists {key} twice ({seen[key]!r} and {member!r}); "
                        "name each person once"
                    )
                seen[key] = member
        return roles

    def person_named(self, name_or_identity: str) -> Person | None:
        """The person a role member refers to: by their name or one of their identities
        (None when the text belongs to nobody listed)."""
        return _person_named(self.people, name_or_identity)

    def person_of(self, identity: str) -> Person | None:
        """The person an acting identity belongs to (only their listed identities count)."""
        for person in self.people:
            if identity in person.identities:
                return person
        return None

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


def _person_named(people: list[Person], text: str) -> Person | None:
    for person in people:
        if text == person.name or text in person.identities:
            return person
    return None


def _invalid(message: str) -> PydanticCustomError:
    return PydanticCustomError("config", message)


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

    fields = config.model_dump()
    fields["alerts"] = [a.model_dump(exclude_none=True) for a in config.alerts]
    for key in ("alerts", "lab_url"):  # written only when set
        if not fields[key]:
            del fields[key]
    body = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
    if not config.people:  # the example goes where people belong
        body = body.replace("people: []\n", PEOPLE_EXAMPLE, 1)
    return CONFIG_HEADER + body


CONFIG_HEADER = "# jupyterlab-mlops project configuration. Commit this file.\n"

#: what ``mlops init`` writes in place of an empty ``people`` list
PEOPLE_EXAMPLE = """\
# people: each person once, with every identity that is theirs: git's "Name <email>"
# (what the kernel and the mlops CLI act as, or MLOPS_USER) and their Jupyter username
# (what the panel acts as). Roles below name people. For example:
#   people:
#     - name: Ada Lovelace
#       identities: ["Ada Lovelace <ada@example.com>", ada]
#     - name: Rita Chen
#       identities: ["Rita Chen <rita@example.com>", rchen]
#   roles:
#     business: [Ada Lovelace]
#     risk: [Rita Chen]
people: []
# roles: who may sign off in each role (people's names)
"""
