"""Data versions: the ledger's record of which exact data a project registered, and when.

A registration versions the file or folder with DVC, profiles and screens it, and appends one
``data.registered`` entry (name, path, DVC MD5, size, file count, profile, PII findings) linked
to the previous version of the same dataset. Registering unchanged data records nothing.
Everything here is framework-free; the magic, the CLI and REST call these functions.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BusyError, MlopsError, NotFoundError
from ..kinds import DATA_REGISTERED, DECISION
from ..ledger import Entry
from ..project import MARKER, Project
from . import dvc_repo, undo
from .hashing import data_files, dvc_info, md5_files, stat_signature

if TYPE_CHECKING:
    from ..decisions import Decision
    from .pii import PiiFinding
    from .profile import DataProfile, ProfileDiff

PII_REVIEW_TAG = "pii-review"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_MAX_DESCRIPTION = 2_000
_LOCK_TIMEOUT_S = 600.0
_STATE_FILE = "data-state.json"  # .mlops/cache/: stat signatures of registered data (local)
_RESERVED = (MARKER, dvc_repo.DVC_DIR, ".git")

#: a factory for a progress bar: ``progress(total_bytes, description)`` -> context manager
#: yielding ``update(n_bytes)``
ProgressFactory = Callable[[int, str], contextlib.AbstractContextManager[Callable[[int], None]]]


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
        from .profile import DataProfile

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
class Registration:
    """What ``data add`` did."""

    version: DataVersion
    created: bool  # False: the data was unchanged, nothing new was recorded
    review: Review
    dvc_initialised: bool = False
    to_commit: list[str] = field(default_factory=list)  # project-relative files to commit


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
    from ..decisions import Decision

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
    from .profile import diff_profiles

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


def review_data(
    project: Project,
    name: str,
    *,
    decision: str,
    actor: str,
    why: str | None = None,
    version: str | None = None,
    notebook: str | Path | None = None,
    cell_id: str | None = None,
    cell_source: str | None = None,
) -> tuple[Decision, DataVersion]:
    """Record the review of a version's PII findings: a ledger decision linked to the version.

    Without ``why`` the reasoning lists the findings that were reviewed.
    """
    from ..decisions import record_decision

    reviewed = get_version(project, name, version)
    if not reviewed.findings:
        raise MlopsError(
            f"{reviewed.label} has no PII findings to review",
            'record other choices about it with `mlops decide "..." --why "..."`',
        )
    summary = "; ".join(f.describe() for f in reviewed.findings)
    recorded = record_decision(
        project,
        title=decision,
        why=why or f"Reviewed the PII findings of {reviewed.label} ({reviewed.path}): {summary}",
        actor=actor,
        tags=[PII_REVIEW_TAG, "privacy"],
        links=[reviewed.entry.hash],
        notebook=notebook,
        cell_id=cell_id,
        cell_source=cell_source,
    )
    return recorded, reviewed


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
    files = _files(project, target)
    signature = stat_signature(target, files)
    cached = _load_state(project).get(version.path) or {}
    if cached.get("signature") == signature and cached.get("md5") == version.md5:
        return
    content = _content_key(target, files, md5_files(files))
    expected = (
        version.md5 if not version.md5.endswith(".dir") else _manifest_key(project, version.md5)
    )
    if content != expected:
        raise DataChangedError(
            f"{version.path} is not {version.label}: its content changed since",
            f"register it again (`mlops data add {version.path}`) or restore that version "
            f"(`git checkout` the commit of {dvc_file}, then `dvc checkout {dvc_file}`)",
        )
    _save_state(project, version.path, signature, version.md5, content)


# --- registering -----------------------------------------------------------------------------


def register_data(
    project: Project,
    path: str | os.PathLike[str],
    *,
    actor: str,
    name: str | None = None,
    description: str | None = None,
    sensitive: Sequence[str] = (),
    notebook: str | Path | None = None,
    cell_id: str | None = None,
    cell_source: str | None = None,
    progress: ProgressFactory | None = None,
) -> Registration:
    """Version ``path`` with DVC, profile and screen it, and record it in the ledger.

    Unchanged data (same content and declarations as the dataset's latest version) records
    nothing and, when its files were not touched since, returns without reading them. A new
    version keeps the description and sensitive columns of the previous one unless new ones
    are given. Any failure leaves no half-registered state: no ``.dvc`` change without a ledger
    entry and no entry without one.
    """
    target = _target(project, path)
    relative = project.relpath(target)
    given_description, given_sensitive = _description(description), _sensitive(sensitive)
    with _data_lock(project):
        _recover_pending(project)
        latest = _latest_by_path(project, relative)
        name = _name(name if name is not None else latest.name if latest else _default_name(target))
        _check_name(project, name, relative, latest)
        files = _files(project, target)
        if not files:
            raise MlopsError(
                f"{relative} is an empty folder", "there is nothing to version: add files"
            )
        _check_confined(project, target, files)
        redeclared = latest is not None and _redeclared(latest, given_description, given_sensitive)
        previous = latest.payload if latest is not None else {}
        description = given_description or previous.get("description")
        sensitive = given_sensitive or list(previous.get("sensitive") or [])
        signature = stat_signature(target, files)
        state = _load_state(project)
        if (
            latest
            and not redeclared
            and _untouched(project, latest, state.get(relative), signature)
        ):
            return Registration(latest, False, review_status(project, latest))
        _check_not_in_git(project, relative)
        infos = [dvc_info(f) for f in files]  # before hashing: DVC trusts a hash only for these
        total = sum(int(info["size"]) for info in infos)
        if total == 0:
            raise MlopsError(f"{relative} is empty (0 bytes)", "check the export that wrote it")
        _check_disk_space(project, total)
        md5s = _hash(files, total, relative, progress)
        content = _content_key(target, files, md5s)
        if (
            latest
            and not redeclared
            and _same_content(project, latest, content, state.get(relative))
        ):
            _save_state(project, relative, signature, latest.md5, content)
            return Registration(latest, False, review_status(project, latest))
        profile = _profile(target, total, sensitive, progress)
        initialised = dvc_repo.ensure_dvc_repo(project.root)
        version, to_commit = _record(
            project,
            target,
            list(zip(files, md5s, infos, strict=True)),
            signature=signature,
            latest=latest,
            new_even_if_same=redeclared,
            payload={
                "name": name,
                "path": relative,
                "description": description,
                "sensitive": sensitive,
                "profile": profile.to_json(),
            },
            actor=actor,
            binding=_binding(project, notebook, cell_id, cell_source),
        )
        _save_state(project, relative, signature, version.md5, content)
    if initialised:
        to_commit = [*_dvc_init_files(project), *to_commit]
    created = latest is None or version.entry.hash != latest.entry.hash
    return Registration(version, created, review_status(project, version), initialised, to_commit)


def _record(
    project: Project,
    target: Path,
    hashed: list[tuple[Path, str, dict[str, int | float]]],
    *,
    signature: str,
    latest: DataVersion | None,
    new_even_if_same: bool,
    payload: dict[str, Any],
    actor: str,
    binding: tuple[dict[str, str] | None, dict[str, Any] | None],
) -> tuple[DataVersion, list[str]]:
    """DVC add, then the ledger entry; undoes the DVC side if the entry is not written."""
    dvc_file = dvc_repo.dvc_file_for(target)
    gitignore = target.parent / ".gitignore"
    dvc_relative = project.relpath(dvc_file)
    undo.remember(project, [dvc_file, gitignore])
    out = None
    try:
        out = dvc_repo.dvc_add(project.root, target, hashed)
        undo.remember_after(project)
        if stat_signature(target, _files(project, target)) != signature or (
            hashed[0][0] == target and out.md5 != hashed[0][1]
        ):
            raise MlopsError(
                f"{payload['path']} changed while it was being registered",
                "wait until whatever writes it has finished, then register it again",
            )
        if latest is not None and out.md5 == latest.md5 and not new_even_if_same:
            version = latest  # the same content after all (a folder we could not compare)
        else:
            notebook_ref, cell = binding
            payload = {
                **payload,
                "version": latest.number + 1 if latest else 1,
                "md5": out.md5,
                "size": out.size or sum(int(info["size"]) for _, _, info in hashed),
                "files": out.files,
                "dvc_file": dvc_relative,
                "previous": latest.entry.hash if latest else None,
            }
            if cell is not None:
                payload["cell"] = cell
            entry = project.ledger.append(
                DATA_REGISTERED,
                payload,
                actor=actor,
                notebook=notebook_ref,
                # the previous version, and the DVC object (as DESIGN.md's links name them)
                links=[*([f"entry:{latest.entry.hash}"] if latest else []), f"dvc-md5:{out.md5}"],
            )
            version = DataVersion(entry)
    except BaseException:
        # an interrupt can arrive after the entry was written: then DVC's change stays
        if out is None or not _is_recorded(project, dvc_relative, out.md5):
            undo.undo(project)
        else:
            undo.forget(project)
        raise
    undo.forget(project)
    to_commit = [dvc_relative]
    if gitignore.is_file():
        to_commit.append(project.relpath(gitignore))
    return version, to_commit


def _dvc_init_files(project: Project) -> list[str]:
    """What ``dvc init`` made that belongs in git (its config has analytics switched off)."""
    names = (f"{dvc_repo.DVC_DIR}/config", f"{dvc_repo.DVC_DIR}/.gitignore", ".dvcignore")
    return [name for name in names if (project.root / name).is_file()]


def _redeclared(latest: DataVersion, description: str | None, sensitive: list[str]) -> bool:
    """New declarations about unchanged data (a description, sensitive columns) make a version."""
    p = latest.payload
    return bool(
        (description is not None and description != p.get("description"))
        or (sensitive and set(sensitive) != set(p.get("sensitive") or []))
    )


def _is_recorded(project: Project, dvc_relative: str, md5: str) -> bool:
    """Is ``md5`` the latest recorded version of the data whose ``.dvc`` file this is?"""
    latest = None
    for version in all_versions(project):
        if version.payload.get("dvc_file") == dvc_relative:
            latest = version
    return latest is not None and latest.md5 == md5


def _files(project: Project, target: Path) -> list[Path]:
    """The files of the data as DVC versions them (a folder's ``.dvcignore``-d files left out)."""
    files = data_files(target)
    return dvc_repo.without_ignored(project.root, files) if target.is_dir() else files


def _binding(
    project: Project, notebook: str | Path | None, cell_id: str | None, cell_source: str | None
) -> tuple[dict[str, str] | None, dict[str, Any] | None]:
    if notebook is None:
        return None, None
    from ..notebooks import notebook_state

    try:
        state = notebook_state(project, notebook)
    except NotFoundError:
        return None, None
    cell = state.cell_binding(cell_id, cell_source) if cell_id else state.locate_cell(cell_source)
    return state.ref(), cell


def _hash(
    files: list[Path], total: int, relative: str, progress: ProgressFactory | None
) -> list[str]:
    if progress is None:
        return md5_files(files)
    with progress(total, f"Hashing {relative}") as update:
        return md5_files(files, update)


def _profile(
    target: Path, total: int, sensitive: list[str], progress: ProgressFactory | None
) -> DataProfile:
    from .profile import profile_path

    if progress is None:
        return profile_path(target, declared=sensitive)
    with progress(total, f"Profiling {target.name}") as update:
        done = 0

        def report(current: int) -> None:  # profile_path reports bytes read so far
            nonlocal done
            if current > done:
                update(current - done)
                done = current

        return profile_path(target, declared=sensitive, progress=report)


# --- input checks ----------------------------------------------------------------------------


def _target(project: Project, path: str | os.PathLike[str]) -> Path:
    raw = Path(path).expanduser()
    target = Path(os.path.abspath(raw))
    if not target.exists() and not target.is_symlink():
        raise NotFoundError(
            f"{os.path.relpath(target)} does not exist",
            "check the path (relative to where you are)",
        )
    relative = project.relpath(target)  # refuses paths outside the project
    if relative in ("", "."):
        raise MlopsError("cannot register the project folder itself", "name a data file or folder")
    parts = Path(relative).parts
    if parts[0] in _RESERVED or target.suffix == ".dvc" or target.name == ".gitignore":
        raise MlopsError(f"{relative} is not data", "register a data file or folder of the project")
    if target.is_symlink():
        raise MlopsError(
            f"{relative} is a symbolic link", "register the file it points to (inside the project)"
        )
    real = target.resolve()
    if real != project.root.resolve() and project.root.resolve() not in real.parents:
        raise MlopsError(
            f"{relative} leads outside the project", "keep the data inside the project"
        )
    return target


def _default_name(target: Path) -> str:
    stem = target.name.split(".")[0] if not target.is_dir() else target.name
    clean = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-._") or "data"
    return clean[:64]


def _name(name: str) -> str:
    name = name.strip()
    if not _NAME.match(name):
        raise MlopsError(
            f"invalid dataset name {name!r}",
            "use up to 64 letters, digits, '-', '_' or '.', starting with a letter or digit",
        )
    return name


def _description(description: str | None) -> str | None:
    text = (description or "").strip()
    if len(text) > _MAX_DESCRIPTION:
        raise MlopsError(
            f"--description is {len(text)} characters long (at most {_MAX_DESCRIPTION})",
            "shorten it",
        )
    return text or None


def _sensitive(columns: Sequence[str]) -> list[str]:
    clean: list[str] = []
    for column in columns:
        if not column.strip():
            raise MlopsError("--sensitive needs a column name", "e.g. --sensitive age")
        if column not in clean:
            clean.append(column)
    return clean


def _latest_by_path(project: Project, relative: str) -> DataVersion | None:
    found = [v for v in all_versions(project) if v.path == relative]
    return found[-1] if found else None


def _check_name(project: Project, name: str, relative: str, latest: DataVersion | None) -> None:
    if latest is not None and latest.name != name:
        raise MlopsError(
            f"{relative} is registered as {latest.name!r}",
            f"register it again under that name (--name {latest.name}) or leave --name out",
        )
    for version in all_versions(project):
        if version.name == name and version.path != relative:
            raise MlopsError(
                f"the name {name!r} is taken by {version.path}",
                "give this data another --name",
            )
        inside = relative.startswith(f"{version.path}/") or version.path.startswith(f"{relative}/")
        if inside:
            raise MlopsError(
                f"{relative} overlaps {version.path}, registered as {version.name!r}",
                "register a folder as a whole or its files one by one, not both",
            )


def _check_confined(project: Project, target: Path, files: list[Path]) -> None:
    """Every file of the data must really lie inside the project (no symlink leads out)."""
    root = project.root.resolve()
    for file in files:
        real = file.resolve()
        if root not in real.parents:
            shown = file.relative_to(target).as_posix() if file != target else file.name
            raise MlopsError(
                f"{shown} in {project.relpath(target)} links outside the project",
                "copy the data into the project instead of linking to it",
            )


def _check_not_in_git(project: Project, relative: str) -> None:
    """Git must not track the data already, nor ignore the ``.dvc`` file DVC will write."""
    dvc_file = f"{relative}.dvc"
    rule = dvc_repo.git_ignore_rule(project.root, dvc_file)
    if rule is not None:
        raise MlopsError(
            f"git ignores {dvc_file} (rule {rule}), so DVC cannot track {relative}",
            "remove that rule: DVC adds each data file it tracks to .gitignore itself",
        )
    tracked = dvc_repo.tracked_by_git(project.root, relative)
    if tracked:
        more = f" (and {len(tracked) - 1} more)" if len(tracked) > 1 else ""
        raise MlopsError(
            f"{tracked[0]}{more} is already tracked by git",
            f"stop tracking it in git first: git rm -r --cached {relative} && git commit",
        )


def _check_disk_space(project: Project, needed: int) -> None:
    """DVC copies new data into its cache: refuse early rather than fill the disk."""
    probe = dvc_repo.cache_dir(project.root)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    usage = shutil.disk_usage(probe)
    margin = 64 << 20
    if usage.free < needed + margin:
        raise MlopsError(
            f"not enough free disk space for DVC's cache: {needed / 1e9:.2f} GB needed, "
            f"{usage.free / 1e9:.2f} GB free",
            "free some space, or point DVC's cache at a bigger disk: dvc cache dir PATH",
        )


# --- "unchanged?" without reading the data ----------------------------------------------------


def _untouched(
    project: Project, latest: DataVersion, cached: dict[str, Any] | None, signature: str
) -> bool:
    """The files were not touched since they were registered as ``latest``, and DVC still
    has that version (its ``.dvc`` file and cache object)."""
    if not cached or cached.get("signature") != signature or cached.get("md5") != latest.md5:
        return False
    return _dvc_has(project, latest)


def _same_content(
    project: Project, latest: DataVersion, content: str | None, cached: dict[str, Any] | None
) -> bool:
    """The content just hashed is the latest version's (a file's MD5, or a folder's file list
    matching what was recorded), and DVC still has it."""
    if content is None:
        return False
    if not latest.md5.endswith(".dir"):
        known: str | None = latest.md5
    elif cached and cached.get("md5") == latest.md5 and cached.get("content"):
        known = cached["content"]
    else:
        known = _manifest_key(project, latest.md5)
    return content == known and _dvc_has(project, latest)


def _dvc_has(project: Project, version: DataVersion) -> bool:
    dvc_file = project.root / str(version.payload.get("dvc_file") or f"{version.path}.dvc")
    recorded = dvc_repo.read_dvc_file(dvc_file)
    return (
        recorded is not None
        and recorded.md5 == version.md5
        and dvc_repo.cache_holds(project.root, version.md5)
    )


def _content_key(target: Path, files: list[Path], md5s: list[str]) -> str:
    """A file's MD5; for a folder a digest of its (relative path, MD5) list."""
    if files == [target]:
        return md5s[0]
    from ..canonical import sha256_hex

    return sha256_hex(
        sorted([f.relative_to(target).as_posix(), m] for f, m in zip(files, md5s, strict=True))
    )


def _manifest_key(project: Project, dir_md5: str) -> str | None:
    """The folder content key of a version, read from DVC's ``.dir`` manifest in the cache."""
    from ..canonical import sha256_hex

    manifest = dvc_repo.cache_dir(project.root) / "files" / "md5" / dir_md5[:2] / dir_md5[2:]
    try:
        listing = json.loads(manifest.read_text(encoding="utf-8"))
        return sha256_hex(sorted([item["relpath"], item["md5"]] for item in listing))
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --- local state: stat signatures and the undo record ------------------------------------------


def _cache_dir(project: Project) -> Path:
    path = project.mlops_dir / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _load_state(project: Project) -> dict[str, dict[str, Any]]:
    try:
        state = json.loads((project.mlops_dir / "cache" / _STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _save_state(project: Project, relative: str, signature: str, md5: str, content: str) -> None:
    state = _load_state(project)
    state[relative] = {"signature": signature, "md5": md5, "content": content}
    _atomic_write(_cache_dir(project) / _STATE_FILE, json.dumps(state, indent=1, sort_keys=True))


def _atomic_write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _recover_pending(project: Project) -> None:
    """A registration killed between ``dvc add`` and its ledger entry left an undo record:
    keep DVC's change if the ledger has the entry, else undo it."""
    record = undo.pending(project)
    if record is None:
        return
    for relative in record["before"]:
        if relative.endswith(".dvc"):
            out = dvc_repo.read_dvc_file(project.root / relative)
            if out is not None and _is_recorded(project, relative, out.md5):
                undo.forget(project)
                return
    undo.undo(project)


@contextlib.contextmanager
def _data_lock(project: Project) -> Iterator[None]:
    """One registration at a time per project (DVC's own lock gives up after ~3 s)."""
    import filelock

    lock = filelock.FileLock(project.mlops_dir / "data.lock", thread_local=False)
    try:
        lock.acquire(timeout=_LOCK_TIMEOUT_S)
    except filelock.Timeout as exc:
        raise BusyError(
            "another data registration in this project has been running for 10 minutes",
            "wait for it to finish, then try again",
        ) from exc
    try:
        yield
    finally:
        lock.release()
