"""The registered data a batch run reads, and how far it drifted from the training data.

The kernel of a batch run notes every read through ``jupyterlab_mlops.data.path`` in a file the
batch run names (:data:`~jupyterlab_mlops.kernel.INPUTS_ENV`, under ``.mlops/cache/batch/``). After the run,
:func:`drift_report` compares each dataset read with the profile of its *training* version (the
one in the approved bundle, else the version the notebook asked for), column by column (PSI,
see :mod:`..data.drift`), and flags the columns over the threshold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..data.drift import DatasetDrift, dataset_drift, unchanged
from ..data.tables import table_sample
from ..data.versions import DataVersion, all_versions
from ..project import Project


def inputs_file(project: Project, batch_id: str) -> Path:
    return project.mlops_dir / "cache" / "batch" / f"{batch_id}.inputs.jsonl"


def read_inputs(path: Path) -> list[dict[str, Any]]:
    """The datasets noted in ``path``, the latest read of each (the file is then removed)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    finally:
        path.unlink(missing_ok=True)
    latest: dict[str, dict[str, Any]] = {}
    for line in lines:
        try:
            read = json.loads(line)
        except ValueError:
            continue  # a kernel killed mid-write
        if isinstance(read, dict) and isinstance(read.get("name"), str):
            latest.pop(read["name"], None)
            latest[read["name"]] = read
    return list(latest.values())


def drift_report(
    project: Project, reads: list[dict[str, Any]], training: list[str], threshold: float
) -> dict[str, Any] | None:
    """``{"threshold", "datasets": {name: ...}, "flagged": [...]}`` for the datasets read,
    or None when the run read no registered data. Never raises: a dataset that cannot be
    compared says why."""
    if not reads:
        return None
    versions = {v.entry.hash: v for v in all_versions(project)}
    trained = {versions[h].name: versions[h] for h in training if h in versions}
    datasets: dict[str, Any] = {}
    flagged: list[dict[str, Any]] = []
    for read in reads:
        name = read["name"]
        read_version = versions.get(read.get("entry", ""))
        reference = trained.get(name) or read_version
        record: dict[str, Any] = {
            "version": read.get("version"),
            "reference": reference.number if reference else None,
            "changed": bool(read.get("changed")),
        }
        try:
            if reference is None:
                raise _NotMeasured("its registered version is not in the ledger")
            drift = _measure(project, reference, read_version, record["changed"])
        except _NotMeasured as exc:
            record["error"] = str(exc)
        except Exception as exc:  # an unreadable file must not lose the run's record
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            record["error"] = str(message)[:300]
        else:
            record.update(drift.to_json())
            flagged += [{"dataset": name, **f} for f in drift.flagged(threshold)]
        datasets[name] = record
    return {"threshold": threshold, "datasets": datasets, "flagged": flagged}


class _NotMeasured(Exception):
    pass


def _measure(
    project: Project, reference: DataVersion, read_version: DataVersion | None, changed: bool
) -> DatasetDrift:
    profile = reference.profile
    if profile.kind != "table":
        raise _NotMeasured("not a table: drift is measured on CSV/TSV/Parquet data")
    if not changed and read_version is not None and read_version.entry.hash == reference.entry.hash:
        return unchanged(profile)  # the very data the profile was made from
    path = (read_version or reference).path
    return dataset_drift(profile, table_sample(project.root / path))
