"""``data add`` with real DVC repositories: versions, unchanged re-adds, bad input, undo."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_mlops import data
from jupyterlab_mlops.data import dvc_repo, hashing, register, register_checks, versions
from jupyterlab_mlops.errors import MlopsError, NotFoundError
from jupyterlab_mlops.ledger import verify_ledger
from jupyterlab_mlops.project import Project, find_project, init_project

from .helpers import ACTOR, git, git_project
from .helpers.data_fixtures import write_credit_csv

DVC_ENV = {**os.environ, "DVC_NO_ANALYTICS": "1"}


def dvc(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dvc", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=DVC_ENV,
        timeout=120,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Project:
    """A project at the top of a real git repository, with a CSV of credit applications."""
    return find_project(git_project(tmp_path / "credit", rows=400, seed=1))


def add(project: Project, path: str, **kwargs) -> register.Registration:
    return register.register_data(project, project.root / path, actor=ACTOR, **kwargs)


def data_entries(project: Project) -> list[dict]:
    lines = project.ledger_path.read_text().splitlines()
    return [e for e in map(json.loads, lines) if e["kind"] == versions.DATA_REGISTERED]


def md5sum(path: Path) -> str:
    done = subprocess.run(["md5sum", str(path)], capture_output=True, text=True, check=True)
    return done.stdout.split()[0]


def test_add_versions_the_file_with_dvc_and_records_it(repo: Project) -> None:
    csv = repo.root / "data" / "applications.csv"
    reg = add(repo, "data/applications.csv", description="Applications 2024", sensitive=["age"])
    assert reg.created and reg.dvc_initialised and reg.version.label == "applications v1"
    dvc_file = repo.root / "data" / "applications.csv.dvc"
    recorded = dvc_repo.read_dvc_file(dvc_file)
    assert recorded is not None and recorded.md5 == md5sum(csv) == reg.version.md5
    assert recorded.size == csv.stat().st_size
    assert "/applications.csv" in (repo.root / "data" / ".gitignore").read_text().splitlines()
    status = dvc(repo.root, "status")
    assert status.returncode == 0 and "up to date" in status.stdout, status.stdout + status.stderr
    assert "analytics = false" in (repo.root / ".dvc" / "config").read_text().lower()

    (entry,) = data_entries(repo)
    payload = entry["payload"]
    assert payload["name"] == "applications" and payload["path"] == "data/applications.csv"
    assert payload["md5"] == md5sum(csv) and payload["size"] == csv.stat().st_size
    assert payload["files"] == 1 and payload["version"] == 1 and payload["previous"] is None
    assert payload["dvc_file"] == "data/applications.csv.dvc"
    assert payload["description"] == "Applications 2024" and payload["sensitive"] == ["age"]
    profile = payload["profile"]
    assert profile["rows"] == 400 and profile["schema_fingerprint"]
    kinds = {(f["column"], f["kind"]) for f in profile["pii"]}
    assert {("email", "email"), ("card_number", "card_number"), ("iban", "iban")} <= kinds
    assert ("age", "declared_sensitive") in kinds
    assert entry["actor"] == ACTOR and verify_ledger(repo.ledger_path).ok
    # the workspace file is the user's own file still (no copy back out of the cache)
    assert not reg.review.cleared and set(reg.to_commit) == {
        ".dvc/config",  # written after `dvc init` staged it: commit it again
        ".dvc/.gitignore",
        ".dvcignore",
        "data/applications.csv.dvc",
        "data/.gitignore",
    }


def test_unchanged_data_records_nothing_and_is_not_read_again(
    repo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = add(repo, "data/applications.csv")
    before = repo.ledger_path.read_bytes()

    def no_hashing(*args, **kwargs):
        raise AssertionError("an untouched file was hashed again")

    with monkeypatch.context() as patch:
        patch.setattr(versions, "md5_files", no_hashing)
        again = add(repo, "data/applications.csv")
    assert not again.created and again.version.entry.hash == first.version.entry.hash
    assert repo.ledger_path.read_bytes() == before

    # touched but identical: hashed once more, still nothing recorded
    csv = repo.root / "data" / "applications.csv"
    os.utime(csv, ns=(csv.stat().st_atime_ns, csv.stat().st_mtime_ns + 5_000_000_000))
    touched = add(repo, "data/applications.csv")
    assert not touched.created and repo.ledger_path.read_bytes() == before


def test_a_changed_file_is_a_new_version_linked_to_the_previous_one(repo: Project) -> None:
    v1 = add(repo, "data/applications.csv").version
    write_credit_csv(repo.root / "data" / "applications.csv", rows=500, seed=2)
    reg = add(repo, "data/applications.csv")
    v2 = reg.version
    assert reg.created and v2.number == 2 and v2.md5 != v1.md5
    assert v2.payload["previous"] == v1.entry.hash and v2.entry.links == (
        f"entry:{v1.entry.hash}",
        f"dvc-md5:{v2.md5}",
    )
    assert v2.md5 == md5sum(repo.root / "data" / "applications.csv")
    assert "up to date" in dvc(repo.root, "status").stdout

    diff = versions.diff_versions(repo, "applications")
    assert diff.content_changed and diff.profile.rows_old == 400 and diff.profile.rows_new == 500
    assert not diff.profile.schema_changed
    assert versions.diff_versions(repo, "applications", "v2", "1").old.number == 2
    # the latest version is what `data show` and the list report
    assert versions.get_version(repo, "applications").number == 2
    assert [v.number for v in versions.latest_versions(repo)] == [2]
    # DVC can bring back the first version from its cache
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "v2")
    (repo.root / "data" / "applications.csv.dvc").write_text(
        f"outs:\n- md5: {v1.md5}\n  size: {v1.payload['size']}\n  hash: md5\n  path: applications.csv\n"
    )
    checkout = dvc(repo.root, "checkout", "--force")
    assert checkout.returncode == 0, checkout.stderr
    assert md5sum(repo.root / "data" / "applications.csv") == v1.md5


def test_a_folder_is_one_versioned_dataset(repo: Project) -> None:
    folder = repo.root / "images"
    for index in range(30):
        (folder / f"part{index // 10}").mkdir(parents=True, exist_ok=True)
        (folder / f"part{index // 10}" / f"{index}.bin").write_bytes(os.urandom(500 + index))
    v1 = add(repo, "images").version
    assert v1.md5.endswith(".dir") and v1.payload["files"] == 30 and v1.profile.kind == "opaque"
    assert "up to date" in dvc(repo.root, "status").stdout
    assert not add(repo, "images").created
    os.utime(folder / "part0" / "3.bin")  # touched only
    assert not add(repo, "images").created
    (folder / "part2" / "25.bin").write_bytes(b"changed")
    v2 = add(repo, "images").version
    assert v2.number == 2 and v2.md5 != v1.md5
    assert "up to date" in dvc(repo.root, "status").stdout


def test_bad_input_is_refused_and_leaves_nothing_behind(repo: Project) -> None:
    root = repo.root
    (root / "empty.csv").write_bytes(b"")
    (root / "broken.csv").write_text("a,b,c\n1,2,3\n4,5,6,7\n")
    (root / "emptydir").mkdir()
    (root / "tracked.csv").write_text("a,b\n1,2\n")
    git(root, "add", "tracked.csv")
    outside = root.parent / "outside.csv"
    outside.write_text("a\n1\n")
    (root / "link.csv").symlink_to(outside)
    before = repo.ledger_path.read_bytes()
    cases = {
        "missing.csv": "does not exist",
        str(outside): "outside the project",
        "link.csv": "symbolic link",
        "empty.csv": "empty",
        "emptydir": "empty folder",
        "broken.csv": "has 4 fields, expected 3",
        "tracked.csv": "already tracked by git",
        ".mlops/ledger.jsonl": "is not data",
    }
    for path, expected in cases.items():
        with pytest.raises(MlopsError) as caught:
            add(repo, path)
        assert expected in caught.value.message, (path, caught.value.message)
        assert caught.value.hint
    with pytest.raises(MlopsError, match="invalid dataset name"):
        add(repo, "data/applications.csv", name="no spaces please")
    with pytest.raises(MlopsError, match=r"not in the table|no column"):
        add(repo, "data/applications.csv", sensitive=["no_such_column"])
    (root / ".gitignore").write_text("data/\n")  # would hide DVC's .dvc file from git
    with pytest.raises(MlopsError, match=r"git ignores data/applications\.csv\.dvc"):
        add(repo, "data/applications.csv")
    assert repo.ledger_path.read_bytes() == before
    assert not list(root.rglob("*.dvc")) and not (root / ".dvc").exists()


def test_names_and_paths_stay_one_to_one(repo: Project) -> None:
    add(repo, "data/applications.csv", name="credit")
    write_credit_csv(repo.root / "data" / "other.csv", rows=50, seed=3)
    with pytest.raises(MlopsError, match=r"taken by data/applications\.csv"):
        add(repo, "data/other.csv", name="credit")
    with pytest.raises(MlopsError, match="registered as 'credit'"):
        add(repo, "data/applications.csv", name="renamed")
    assert not (repo.root / "data" / "other.csv.dvc").exists()


def test_a_failed_ledger_write_undoes_dvcs_changes(
    repo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(repo, "data/applications.csv")
    dvc_file = repo.root / "data" / "applications.csv.dvc"
    gitignore = repo.root / "data" / ".gitignore"
    dvc_before, ignore_before = dvc_file.read_text(), gitignore.read_text()
    write_credit_csv(repo.root / "data" / "applications.csv", rows=450, seed=5)
    write_credit_csv(repo.root / "data" / "new.csv", rows=40, seed=6)

    def broken_append(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(type(repo.ledger), "append", broken_append)
    with pytest.raises(OSError):
        add(repo, "data/applications.csv")
    with pytest.raises(OSError):
        add(repo, "data/new.csv")
    assert dvc_file.read_text() == dvc_before and gitignore.read_text() == ignore_before
    assert not (repo.root / "data" / "new.csv.dvc").exists()
    assert not (repo.mlops_dir / "cache" / "data-pending.json").exists()
    assert len(data_entries(repo)) == 1


KILLED_MID_REGISTRATION = """
import os, signal, sys
from jupyterlab_mlops.ledger.store import Ledger
from jupyterlab_mlops.project import find_project
from jupyterlab_mlops.data.register import register_data
Ledger.append = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
register_data(find_project(sys.argv[1]), sys.argv[2], actor="killed")
"""


def test_a_registration_killed_after_dvc_add_is_undone_by_the_next_one(repo: Project) -> None:
    add(repo, "data/applications.csv")
    dvc_file = repo.root / "data" / "applications.csv.dvc"
    recorded = dvc_file.read_text()
    csv = write_credit_csv(repo.root / "data" / "applications.csv", rows=420, seed=9)
    done = subprocess.run(
        [sys.executable, "-c", KILLED_MID_REGISTRATION, str(repo.root), str(csv)],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == -9
    assert dvc_file.read_text() != recorded  # DVC had written the new version ...
    write_credit_csv(repo.root / "data" / "other.csv", rows=30, seed=4)
    add(repo, "data/other.csv")  # ... the next registration finds it unrecorded and undoes it
    assert dvc_file.read_text() == recorded
    assert [e["payload"]["name"] for e in data_entries(repo)] == ["applications", "other"]
    assert add(repo, "data/applications.csv").version.number == 2  # and can register it now


def test_concurrent_registrations_from_separate_processes(repo: Project) -> None:
    write_credit_csv(repo.root / "data" / "b.csv", rows=300, seed=8)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "jupyterlab_mlops.cli", "data", "add", path],
            cwd=repo.root,
            env={**DVC_ENV, "MLOPS_USER": ACTOR},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in ["data/applications.csv", "data/b.csv"] * 3
    ]
    outcomes = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), outcomes
    entries = data_entries(repo)
    assert sorted(e["payload"]["name"] for e in entries) == ["applications", "b"]
    assert verify_ledger(repo.ledger_path).ok
    assert "up to date" in dvc(repo.root, "status").stdout


def test_pii_review_clears_a_version_and_carries_over_to_the_same_findings(
    repo: Project,
) -> None:
    v1 = add(repo, "data/applications.csv").version
    assert v1.findings and not versions.review_status(repo, v1).cleared
    decision, reviewed = register.review_data(
        repo, "applications", decision="Identifiers are dropped before training", actor=ACTOR
    )
    assert reviewed == v1 and f"entry:{v1.entry.hash}" in decision.entry.links
    assert versions.PII_REVIEW_TAG in decision.entry.payload["tags"]
    assert "card_number" in decision.entry.payload["why"]  # the findings reviewed, by default
    status = versions.review_status(repo, v1)
    assert status.cleared and status.decision is not None and status.reviewed_version == 1

    write_credit_csv(repo.root / "data" / "applications.csv", rows=410, seed=3)
    v2 = add(repo, "data/applications.csv").version
    assert versions.review_status(repo, v2).cleared  # same findings: the review carries over
    # declaring another column sensitive on unchanged data is a new version with a new finding
    v3 = add(repo, "data/applications.csv", sensitive=["region"]).version
    assert v3.number == 3 and v3.md5 == v2.md5 and v3.payload["sensitive"] == ["region"]
    assert ("region", "declared_sensitive") in {(f.column, f.kind) for f in v3.findings}
    assert not versions.review_status(repo, v3).cleared
    # the same declaration again is unchanged; leaving it out keeps it
    assert not add(repo, "data/applications.csv", sensitive=["region"]).created
    assert not add(repo, "data/applications.csv").created

    (repo.root / "plain.csv").write_text("x,y\n" + "".join(f"{i},{i * 2}\n" for i in range(50)))
    plain = add(repo, "plain.csv").version
    assert not plain.findings and versions.review_status(repo, plain).cleared
    with pytest.raises(MlopsError, match="no PII findings"):
        register.review_data(repo, "plain", decision="x", actor=ACTOR)


def test_a_new_finding_needs_a_new_review(repo: Project) -> None:
    add(repo, "data/applications.csv")
    register.review_data(repo, "applications", decision="Identifiers dropped", actor=ACTOR)
    csv = repo.root / "data" / "applications.csv"
    csv.write_text(csv.read_text().replace("region", "contact_email", 1))  # a header rename
    lines = csv.read_text().splitlines()
    header = lines[0].split(",")
    column = header.index("contact_email")
    rows = [line.split(",") for line in lines[1:]]
    for index, row in enumerate(rows):
        if len(row) == len(header):
            row[column] = f"user{index}@example.org"
    csv.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n")
    v2 = add(repo, "data/applications.csv").version
    assert ("contact_email", "email") in {(f.column, f.kind) for f in v2.findings}
    assert not versions.review_status(repo, v2).cleared


def test_notebook_code_reads_registered_data_by_name(
    repo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    v1 = add(repo, "data/applications.csv").version
    monkeypatch.chdir(repo.root / "data")
    data.accessed(clear=True)
    path = data.path("applications")
    assert path == repo.root / "data" / "applications.csv"
    (seen,) = data.accessed()
    assert seen["entry"] == v1.entry.hash and seen["md5"] == v1.md5 and seen["version"] == 1
    # touched but unchanged still passes (hashed once, then remembered)
    os.utime(path)
    assert data.path("applications", version=1) == path
    path.write_text(path.read_text() + "\n")
    with pytest.raises(MlopsError, match="content changed"):
        data.path("applications")
    with pytest.raises(NotFoundError, match="no dataset named 'nope'"):
        data.path("nope")


def test_projects_inside_a_bigger_git_repo_and_outside_git(tmp_path: Path) -> None:
    top = tmp_path / "mono"
    (top / "teams" / "credit").mkdir(parents=True)
    git(top, "init", "-q")
    sub = top / "teams" / "credit"
    init_project(sub, name="sub", template="classification", risk_tier="minimal", actor=ACTOR)
    write_credit_csv(sub / "train.csv", rows=60, seed=1)
    project = find_project(sub)
    assert add(project, "train.csv").created
    assert (sub / ".dvc" / "config").is_file() and not (top / ".dvc").exists()
    assert "/train.csv" in (sub / ".gitignore").read_text()
    assert "up to date" in dvc(sub, "status").stdout

    loose = tmp_path / "nogit"
    loose.mkdir()
    init_project(loose, name="loose", template="classification", risk_tier="minimal", actor=ACTOR)
    (loose / "x.parquet").write_bytes(b"PAR1 but not really")
    with pytest.raises(MlopsError):  # not a real Parquet file: nothing registered
        add(find_project(loose), "x.parquet")
    (loose / "model.bin").write_bytes(os.urandom(2000))
    reg = add(find_project(loose), "model.bin")
    assert (
        reg.created
        and reg.version.md5 == hashlib.md5((loose / "model.bin").read_bytes()).hexdigest()
    )
    assert "no_scm = true" in (loose / ".dvc" / "config").read_text().replace("True", "true")


def test_stat_signature_sees_size_mtime_and_renames(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a").write_bytes(b"1")
    first = hashing.stat_signature(folder)
    assert hashing.stat_signature(folder) == first
    (folder / "a").rename(folder / "b")
    assert hashing.stat_signature(folder) != first


@pytest.mark.slow
def test_data_magics_in_a_real_kernel(repo: Project) -> None:
    from .test_magics import errors_of, run_cells, text_of

    (repo.root / "big.bin").write_bytes(os.urandom(3 << 20))
    cells = [
        "%load_ext jupyterlab_mlops",
        "%mlops data add data/applications.csv --sensitive age --description 'Applications, 2024'",
        "%config MlopsMagics.progress_min_bytes = 1\n%mlops data add big.bin",
        "df = %mlops data list\nprint(type(df).__mro__[1].__name__, list(df['name']), list(df['pii']))",
        '%mlops data review applications --decision "Identifiers are dropped before training"',
        "%mlops data show applications",
        "%mlops data list",
        "%mlops data add missing.csv",
        "%mlops data diff applications",
        "from jupyterlab_mlops import data\nprint(data.path('applications').name, data.accessed()[0]['version'])",
        "%mlops data add data/applications.csv",
    ]
    nb = run_cells(repo.root / "prepare.ipynb", cells)
    out = [text_of(cell) for cell in nb.cells]
    for index in (1, 3, 4, 5, 6, 9, 10):
        assert not errors_of(nb.cells[index]), (index, errors_of(nb.cells[index]))
    assert "Registered applications v1" in out[1] and "<table" in out[1]
    assert "needs a review" in out[1] and "card_number" in out[1]
    progress = [o for o in nb.cells[2].outputs if o.output_type in ("stream", "display_data")]
    assert any(
        "Hashing big.bin" in (getattr(o, "text", "") or json.dumps(o.get("data", {})))
        for o in progress
    ), progress
    assert "DataFrame ['applications', 'big'] [7, 0]" in out[3]
    assert "Recorded decision" in out[4]
    assert "reviewed by" in out[5] and "withheld" in out[5]
    assert "<table" in nb.cells[6].outputs[0].data["text/html"] and "reviewed" in out[6]
    for index, expected in ((7, "does not exist"), (8, "only one version")):
        (shown,) = errors_of(nb.cells[index])
        assert expected in shown and "Hint:" in shown and "Traceback" not in shown
    assert "applications.csv 1" in out[9]
    assert "unchanged" in out[10]

    entries = data_entries(repo)
    assert [e["payload"]["name"] for e in entries] == ["applications", "big"]
    first = entries[0]
    assert first["notebook"]["path"] == "prepare.ipynb"
    review = [
        json.loads(line)
        for line in repo.ledger_path.read_text().splitlines()
        if json.loads(line)["kind"] == "decision.recorded"
    ]
    assert review[0]["links"] == [f"entry:{first['hash']}"]


def test_data_cli_exit_codes_and_json(repo: Project, mlops) -> None:
    done = mlops("data", "add", "data/applications.csv", "--json", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["created"] and result["version"] == 1 and not result["cleared"]
    assert {f["kind"] for f in result["pii"]} >= {"email", "iban"}
    listed = json.loads(mlops("data", "list", "--json", cwd=repo.root).stdout)
    assert [d["name"] for d in listed] == ["applications"]
    shown = mlops("data", "show", "applications", "--version", "v1", cwd=repo.root)
    assert shown.returncode == 0 and "applications v1 (latest)" in shown.stdout
    missing = mlops("data", "show", "nope", cwd=repo.root)
    assert missing.returncode == 1 and "no dataset named 'nope'" in missing.stderr
    assert "hint:" in missing.stderr and "Traceback" not in missing.stderr
    usage = mlops("data", "review", "applications", cwd=repo.root)
    assert usage.returncode == 2 and "--decision" in usage.stderr
    review = mlops("data", "review", "applications", "--decision", "Dropped", cwd=repo.root)
    assert review.returncode == 0 and "Recorded decision" in review.stdout
    cleared = json.loads(mlops("data", "show", "applications", "--json", cwd=repo.root).stdout)
    assert cleared["cleared"] and cleared["review"]["title"] == "Dropped"
    assert mlops("data", "--help").returncode == 0


def test_data_larger_than_the_free_disk_space_is_refused_before_dvc_copies_it(
    repo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # filling this machine's disk is not an option: the free space is what is mocked
    real = register_checks.shutil.disk_usage

    def nearly_full(path):
        usage = real(path)
        return usage._replace(free=1 << 20)

    monkeypatch.setattr(register_checks.shutil, "disk_usage", nearly_full)
    with pytest.raises(MlopsError, match="not enough free disk space") as caught:
        add(repo, "data/applications.csv")
    assert "dvc cache dir" in caught.value.hint
    assert not data_entries(repo) and not (repo.root / "data" / "applications.csv.dvc").exists()


def test_a_file_rewritten_while_being_registered_never_gets_an_old_hash(
    repo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv = repo.root / "data" / "applications.csv"
    real_profile = register._profile

    def profile_then_rewrite(target, *args, **kwargs):  # another process writes meanwhile
        result = real_profile(target, *args, **kwargs)
        write_credit_csv(csv, rows=333, seed=12)
        return result

    monkeypatch.setattr(register, "_profile", profile_then_rewrite)
    with pytest.raises(MlopsError, match="changed while it was being registered"):
        add(repo, "data/applications.csv")
    monkeypatch.undo()
    assert not data_entries(repo) and not (repo.root / "data" / "applications.csv.dvc").exists()
    cache = repo.root / ".dvc" / "cache" / "files" / "md5"
    for obj in (p for p in cache.rglob("*") if p.is_file()):  # every object holds its hash
        assert hashlib.md5(obj.read_bytes()).hexdigest() == obj.parent.name + obj.name
    assert add(repo, "data/applications.csv").version.md5 == md5sum(csv)


def test_recovery_keeps_only_what_the_ledger_recorded_for_that_file(repo: Project) -> None:
    add(repo, "data/applications.csv")
    copy = repo.root / "data" / "copy.csv"
    copy.write_bytes((repo.root / "data" / "applications.csv").read_bytes())  # same MD5
    done = subprocess.run(
        [sys.executable, "-c", KILLED_MID_REGISTRATION, str(repo.root), str(copy)],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == -9 and (repo.root / "data" / "copy.csv.dvc").exists()
    # meanwhile somebody adds a rule to the .gitignore DVC touched: it must survive the undo
    gitignore = repo.root / "data" / ".gitignore"
    gitignore.write_bytes(gitignore.read_bytes() + b"/secrets.env\r\n")
    write_credit_csv(repo.root / "data" / "other.csv", rows=30, seed=4)
    add(repo, "data/other.csv")
    assert not (repo.root / "data" / "copy.csv.dvc").exists()  # same MD5, but not recorded
    assert b"/secrets.env\r\n" in gitignore.read_bytes()
    assert [e["payload"]["name"] for e in data_entries(repo)] == ["applications", "other"]


def test_a_folder_restored_to_an_old_version_is_not_taken_for_the_latest(repo: Project) -> None:
    folder = repo.root / "images"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"first")
    v1 = add(repo, "images").version
    (folder / "a.bin").write_bytes(b"second")
    v2 = add(repo, "images").version
    (folder / "a.bin").write_bytes(b"first")
    with pytest.raises(MlopsError, match="content changed"):
        data.path("images", start=repo.root)  # v2 is registered, v1's bytes are on disk
    assert data.path("images", version=1, start=repo.root) == folder
    again = add(repo, "images")
    assert again.created and again.version.number == 3 and again.version.md5 == v1.md5
    assert v2.md5 != v1.md5


def test_symlinks_out_of_the_project_overlaps_and_custom_names(
    repo: Project, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("not project data")
    folder = repo.root / "docs"
    folder.mkdir()
    (folder / "readme.txt").write_text("hello")
    (folder / "leak.txt").symlink_to(outside)
    with pytest.raises(MlopsError, match="links outside the project"):
        add(repo, "docs")
    (folder / "leak.txt").unlink()
    (folder / "loop").symlink_to(folder)  # a cycle is walked once
    assert add(repo, "docs").version.payload["files"] == 1
    with pytest.raises(MlopsError, match="overlaps docs"):
        add(repo, "docs/readme.txt")
    add(repo, "data/applications.csv", name="credit")
    write_credit_csv(repo.root / "data" / "applications.csv", rows=120, seed=21)
    assert add(repo, "data/applications.csv").version.label == "credit v2"  # no --name needed


def test_dvcignored_files_are_not_part_of_a_folder_version(repo: Project) -> None:
    folder = repo.root / "images"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.bin").write_bytes(b"kept")
    (folder / "scratch.tmp").write_bytes(b"ignored")
    (folder / "sub" / "more.tmp").write_bytes(b"ignored too")
    (repo.root / ".dvcignore").write_text("# scratch files\n*.tmp\n")
    v1 = add(repo, "images").version
    assert v1.payload["files"] == 1  # DVC versions a.bin only
    (folder / "scratch.tmp").write_bytes(b"changed, still ignored")
    assert data.path("images", start=repo.root) == folder
    assert not add(repo, "images").created
