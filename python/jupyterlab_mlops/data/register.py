"""Registering data: version a file or folder with DVC, profile and screen it, and append one
``data.registered`` entry (name, path, DVC MD5, size, file count, profile, PII findings) linked
to the previous version of the same dataset; and recording the review of a version's PII
findings. Registering unchanged data records nothing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..decisions import Decision, record_decision
from ..errors import BusyError, MlopsError, NotFoundError
from ..kinds import DATA_REGISTERED
from ..notebooks import notebook_state
from ..project import Project
from . import dvc_repo, undo
from .background import Background
from .hashing import dvc_info, md5_files, stat_signature
from .profile import DataProfile, profile_path
from .register_checks import (
    check_confined,
    check_disk_space,
    check_name,
    check_not_in_git,
    checked_description,
    checked_name,
    checked_sensitive,
    data_target,
    default_name,
)
from .versions import PII_REVIEW_TAG, DataVersion, Review, all_versions, get_version, review_status
from .workspace import content_key, load_state, manifest_key, save_state, versioned_files

_LOCK_TIMEOUT_S = 600.0

#: a factory for a progress bar: ``progress(total_bytes, description)`` -> context manager
#: yielding ``update(n_bytes)``
ProgressFactory = Callable[[int, str], contextlib.AbstractContextManager[Callable[[int], None]]]


@dataclass(frozen=True)
class Registration:
    """What ``data add`` did."""

    version: DataVersion
    created: bool  # False: the data was unchanged, nothing new was recorded
    review: Review
    dvc_initialised: bool = False
    to_commit: list[str] = field(default_factory=list)  # project-relative files to commit


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
    target = data_target(project, path)
    relative = project.relpath(target)
    given_description, given_sensitive = (
        checked_description(description),
        checked_sensitive(sensitive),
    )
    with _data_lock(project):
        _recover_pending(project)
        latest = _latest_by_path(project, relative)
        name = checked_name(
            name if name is not None else latest.name if latest else default_name(target)
        )
        check_name(project, name, relative, latest)
        files = versioned_files(project, target)
        if not files:
            raise MlopsError(
                f"{relative} is an empty folder", "there is nothing to version: add files"
            )
        check_confined(project, target, files)
        redeclared = latest is not None and _redeclared(latest, given_description, given_sensitive)
        previous = latest.payload if latest is not None else {}
        description = given_description or previous.get("description")
        sensitive = given_sensitive or list(previous.get("sensitive") or [])
        signature = stat_signature(target, files)
        state = load_state(project)
        if (
            latest
            and not redeclared
            and _untouched(project, latest, state.get(relative), signature)
        ):
            return Registration(latest, False, review_status(project, latest))
        check_not_in_git(project, relative)
        infos = [dvc_info(f) for f in files]  # before hashing: DVC trusts a hash only for these
        total = sum(int(info["size"]) for info in infos)
        if total == 0:
            raise MlopsError(f"{relative} is empty (0 bytes)", "check the export that wrote it")
        check_disk_space(project, total)
        # the profile (CPU) runs beside hashing and DVC's copy (I/O, md5): both cores work
        job = Background(lambda check: _profile(target, total, sensitive, progress, check))
        try:
            md5s = _hash(files, total, relative, progress)
            content = content_key(target, files, md5s)
            if (
                latest
                and not redeclared
                and _same_content(project, latest, content, state.get(relative))
            ):
                job.cancel()
                save_state(project, relative, signature, latest.md5, content)
                return Registration(latest, False, review_status(project, latest))
            if job.failed:  # a malformed table found early: DVC is never touched
                job.result()
            cached = dvc_repo.cache_holds(project.root, md5s[0]) if len(files) == 1 else True
            initialised = dvc_repo.ensure_dvc_repo(project.root)
            try:
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
                    },
                    profile=lambda: job.result().to_json(),
                    actor=actor,
                    binding=_binding(project, notebook, cell_id, cell_source),
                )
            except BaseException:
                if job.failed:  # the profile failed while DVC copied: undo what DVC made
                    dvc_repo.forget_new(project.root, initialised, None if cached else md5s[0])
                raise
        finally:
            job.cancel()
        save_state(project, relative, signature, version.md5, content)
    if initialised:
        to_commit = [*_dvc_init_files(project), *to_commit]
    created = latest is None or version.entry.hash != latest.entry.hash
    return Registration(version, created, review_status(project, version), initialised, to_commit)


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


def _record(
    project: Project,
    target: Path,
    hashed: list[tuple[Path, str, dict[str, int | float]]],
    *,
    signature: str,
    latest: DataVersion | None,
    new_even_if_same: bool,
    payload: dict[str, Any],
    profile: Callable[[], dict[str, Any]],
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
        payload = {**payload, "profile": profile()}  # waits for the profile running beside
        if stat_signature(target, versioned_files(project, target)) != signature or (
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


def _binding(
    project: Project, notebook: str | Path | None, cell_id: str | None, cell_source: str | None
) -> tuple[dict[str, str] | None, dict[str, Any] | None]:
    if notebook is None:
        return None, None
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
    target: Path,
    total: int,
    sensitive: list[str],
    progress: ProgressFactory | None,
    check: Callable[[], None],
) -> DataProfile:
    """Profile ``target``; ``check()`` (between batches) raises when the caller cancels."""
    if progress is None:
        return profile_path(target, declared=sensitive, progress=lambda _current: check())
    with progress(total, f"Profiling {target.name}") as update:
        done = 0

        def report(current: int) -> None:  # profile_path reports bytes read so far
            nonlocal done
            check()
            if current > done:
                update(current - done)
                done = current

        return profile_path(target, declared=sensitive, progress=report)


def _latest_by_path(project: Project, relative: str) -> DataVersion | None:
    found = [v for v in all_versions(project) if v.path == relative]
    return found[-1] if found else None


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
        known = manifest_key(project, latest.md5)
    return content == known and _dvc_has(project, latest)


def _dvc_has(project: Project, version: DataVersion) -> bool:
    dvc_file = project.root / str(version.payload.get("dvc_file") or f"{version.path}.dvc")
    recorded = dvc_repo.read_dvc_file(dvc_file)
    return (
        recorded is not None
        and recorded.md5 == version.md5
        and dvc_repo.cache_holds(project.root, version.md5)
    )


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
