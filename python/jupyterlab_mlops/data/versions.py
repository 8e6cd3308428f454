"""Data versions: the ledger's record of which exact data a project registered, and when.

Each registration (see :mod:`.register`) is one ``data.registered`` entry linked to the
previous version of the same dataset. This module answers questions about those entries: the
versions of a dataset, the latest of each, a version by number or id, whether its PII findings
were reviewed, how two versions differ, and whether the files on disk are a given version.
Everything here is framework-free; the magic, the CLI and REST call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..decisions import Decision
from ..errors import MlopsError, NotFoundError
from ..kinds import DATA_REGISTERED, DECISION
from ..ledger import Entry
from ..project import Project
from .diff import ProfileDiff, diff_profiles
from .hashing import md5_files, stat_signature
from .pii import PiiFinding
from .profile import DataProfile
from .workspace import content_key, load_state, manifest_key, save_state, versioned_files

PII_REVIEW_TAG = "pii-review"


@dataclass(frozen=True)
class DataVersion:
    """One registered version of a dataset (a ``data.registered`` ledger entry)."""

    entry: Entry

    @property
    def payload(self) -> dict[str, Any]:
        return self.entry.payload

    @property
    def name(self) -> str:
        return str(self.payload["name"])

    @property
    def number(self) -> int:
        return int(self.payload["version"])

    @property
    def path(self) -> str:
        return str(self.payload["path"])

    @property
    def md5(self) -> str:
        return str(self.payload["md5"])

    @property
    def label(self) -> str:
        return f"{self.name} v{self.number}"

    @cached_property
    def profile(self) -> DataProfile:
        return DataProfile.from_json(self.payload["profile"])

    @property
    def findings(self) -> tuple[PiiFinding, ...]:
        return self.profile.pii

    def to_json(self) -> dict[str, Any]:
        p = self.payload
        profile = p["profile"]
        return {
            "id": self.entry.hash,
            "short_id": self.entry.short_id,
            "name": self.name,
            "version": self.number,
            "path": self.path,
            "md5": self.md5,
            "size": p["size"],
            "files": p["files"],
            "rows": profile.get("rows"),
            "columns": len(profile.get("columns") or []),
            "schema_fingerprint": profile.get("schema_fingerprint"),
            "description": p.get("description"),
            "sensitive": list(p.get("sensitive") or []),
            "dvc_file": p.get("dvc_file"),
            "previous": p.get("previous"),
            "actor": self.entry.actor,
            "time": self.entry.time,
            "notebook": self.entry.notebook_path,
        }


@dataclass(frozen=True)
class Review:
    """Whether a version's PII findings count as cleared, and by which review decision."""

    cleared: bool
    decision: Decision | None = None  # the pii-review decision that covers this version
    reviewed_version: int | None = None  # the version that decision was about

    def to_json(self) -> dict[str, Any]:
        if self.decision is None:
            return {"cleared": self.cleared, "review": None}
        return {
            "cleared": self.cleared,
            "review": {**self.decision.to_json(), "version": self.reviewed_version},
        }


@dataclass(frozen=True)
class VersionDiff:
    old: DataVersion
    new: DataVersion
    profile: ProfileDiff

    @property
    def content_changed(self) -> bool:
        return self.old.md5 != self.new.md5

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.new.name,
            "old": self.old.to_json(),
            "new": self.new.to_json(),
            "content_changed": self.content_changed,
            **self.profile.to_json(),
        }


# --- reading ---------------------------------------------------------------------------------


def all_versions(project: Project) -> list[DataVersion]:
    """Every registered version, in ledger order."""
    return [DataVersion(e) for e in project.ledger.entries(DATA_REGISTERED)]


def versions_of(project: Project, name: str) -> list[DataVersion]:
    """The versions of one dataset, oldest first; a clear error for an unknown name."""
    found = [v for v in all_versions(project) if v.name == name]
    if not found:
        known = sorted({v.name for v in all_versions(project)})
        listed = f"registered: {', '.join(known)}" if known else "none is registered yet"
        raise NotFoundError(
            f"no dataset named {name!r} ({listed})", "register it with `mlops data add PATH`"
        )
    return found


def latest_versions(project: Project) -> list[DataVersion]:
    """The newest version of every dataset, in the order the datasets were first registered."""
    latest: dict[str, DataVersion] = {}
    for version in all_versions(project):
        latest[version.name] = version
    return list(latest.values())


def get_version(project: Project, name: str, version: str | int | None = None) -> DataVersion:
    """A version by number (``3``, ``v3``), by ledger entry id, or the latest (``None``)."""
    versions = versions_of(project, name)
    if version is None or str(version).strip() == "":
        return versions[-1]
    text = str(version).strip().lower()
    number = text[1:] if text.startswith("v") else text
    if number.isdigit():
        for candidate in versions:
            if candidate.number == int(number):
                return candidate
    if len(text) >= 6:
        matches = [v for v in versions if v.entry.hash.startswith(text)]
        if len(matches) == 1:
            return matches[0]
    numbers = ", ".join(f"v{v.number}" for v in versions)
    raise NotFoundError(f"{name} has no version {version!r}", f"its versions: {numbers}")


def review_status(project: Project, version: DataVersion) -> Review:
    """Cleared when there is nothing to review, when a review decision links to this version,
    or when an earlier reviewed version of the same data had at least these findings."""
    if not version.findings:
        return Review(cleared=True)
    versions = {v.entry.hash: v for v in versions_of(project, version.name)}
    wanted = _finding_keys(version)
    best: Review | None = None
    for entry in project.ledger.entries(DECISION):
        if PII_REVIEW_TAG not in (entry.payload.get("tags") or []):
            continue
        for link in entry.links:
            reviewed = versions.get(link.removeprefix("entry:"))
            if reviewed is None or reviewed.number > version.number:
                continue
            if reviewed.entry.hash == version.entry.hash or wanted <= _finding_keys(reviewed):
                best = Review(True, Decision(entry), reviewed.number)  # newest review wins
    return best or Review(cleared=False)


def _finding_keys(version: DataVersion) -> set[tuple[str, str]]:
    return {(f.column, f.kind) for f in version.findings}


def diff_versions(
    project: Project, name: str, old: str | None = None, new: str | None = None
) -> VersionDiff:
    """Schema and profile changes between two versions (default: the last two)."""
    versions = versions_of(project, name)
    if old is None:
        if len(versions) < 2:
            raise MlopsError(
                f"{name} has only one version (v1)",
                "register a changed copy with `mlops data add` first, or name two versions",
            )
        before, after = versions[-2], versions[-1]
    else:
        before, after = get_version(project, name, old), get_version(project, name, new)
    return VersionDiff(before, after, diff_profiles(before.profile, after.profile))


class DataChangedError(MlopsError):
    """The files at a version's path hold other content than that version."""


def check_workspace(project: Project, version: DataVersion) -> None:
    """Raise unless the data at the version's path is exactly that version (cheap when the
    files were not touched since they were registered or last checked)."""
    target = project.root / version.path
    dvc_file = version.payload.get("dvc_file") or f"{version.path}.dvc"
    if not target.exists():
        raise NotFoundError(
            f"{version.path} is missing",
            f"restore it with `dvc checkout {dvc_file}` (or `dvc pull`)",
        )
    files = versioned_files(project, target)
    signature = stat_signature(target, files)
    cached = load_state(project).get(version.path) or {}
    if cached.get("signature") == signature and cached.get("md5") == version.md5:
        return
    content = content_key(target, files, md5_files(files))
    expected = (
        version.md5 if not version.md5.endswith(".dir") else manifest_key(project, version.md5)
    )
    if content != expected:
        raise DataChangedError(
            f"{version.path} is not {version.label}: its content changed since",
            f"register it again (`mlops data add {version.path}`) or restore that version "
            f"(`git checkout` the commit of {dvc_file}, then `dvc checkout {dvc_file}`)",
        )
    save_state(project, version.path, signature, version.md5, content)
