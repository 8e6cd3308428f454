"""The streaming CSV profile (pyarrow's threads, 1 MiB blocks) and the profile running beside
hashing in ``data add``: exact counts equal pandas', batches do not change the result, a bad
row found late leaves nothing registered."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from jupyterlab_mlops.data import register, tables
from jupyterlab_mlops.data.background import Background, Cancelled
from jupyterlab_mlops.data.profile import profile_path
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.project import Project, find_project

from .helpers import ACTOR, git_project
from .helpers import data_fixtures as fx

#: null spellings both pandas and pyarrow read as missing
NULLS = ["", "NA", "null", "NaN", "N/A"]


def messy_csv(path: Path, rows: int, seed: int = 1) -> Path:
    """Quoted newlines, quoted quotes and commas, missing values, mixed types: several MiB,
    so values with newlines straddle pyarrow's 1 MiB blocks."""
    rng = random.Random(seed)
    notes = ['"line one\nline two, with a comma"', '"a\nb\nc"', "plain", '"said ""hi"""', *NULLS]
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("id,note,amount,flag,when\n")
        for i in range(rows):
            amount = rng.choice([str(i), f"{i}.5", "x", *NULLS])
            flag = rng.choice(["true", "false", ""])
            when = rng.choice(["2024-01-02", "", "2023-12-31"])
            out.write(f"{i},{rng.choice(notes)},{amount},{flag},{when}\n")
    return path


def pandas_counts(path: Path) -> tuple[int, list[int]]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=NULLS)
    return len(frame), [int(n) for n in frame.isna().sum()]


def test_exact_counts_equal_pandas_across_blocks(tmp_path: Path) -> None:
    path = messy_csv(tmp_path / "messy.csv", 250_000)
    assert path.stat().st_size > 4 * tables._BLOCK  # many blocks, some cut inside quotes
    profile = profile_path(path, screen=False, sample_rows=20_000)
    rows, missing = pandas_counts(path)
    assert profile.rows == rows == 250_000
    assert [c.missing for c in profile.columns] == missing
    assert [c.type for c in profile.columns] == [
        "integer", "categorical", "string", "boolean", "datetime"
    ]  # fmt: skip
    # what is sampled is stated: the sample's size, and distinct counts marked as estimates
    assert (profile.sampled, profile.sample_rows) == (True, 20_000)
    assert all(c.distinct_approx for c in profile.columns)
    assert profile.to_json()["sample_rows"] == 20_000


def test_blocks_and_threads_do_not_change_the_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample is keyed per row (one seeded key stream), so how the file is cut into
    batches, and on how many threads they are parsed, changes nothing in the profile."""
    path = messy_csv(tmp_path / "messy.csv", 120_000, seed=3)
    fast = profile_path(path, sample_rows=5_000)
    monkeypatch.setattr(tables, "_BLOCK", 1 << 30)  # one block: the whole file at once
    one_block = profile_path(path, sample_rows=5_000)
    assert json.dumps(fast.to_json(), sort_keys=True) == json.dumps(
        one_block.to_json(), sort_keys=True
    )
    assert profile_path(path, sample_rows=5_000) == fast  # reproducible


@pytest.mark.parametrize("k", [1, 700, 5_000, 20_000])
def test_the_sample_is_the_rows_with_the_smallest_keys_of_one_stream(k: int) -> None:
    """The sampler keeps exactly the ``k`` rows whose keys (one seeded stream, a key per
    row in file order) are smallest, in file order, however the rows come in batches."""
    import numpy as np
    import pyarrow as pa

    from jupyterlab_mlops.data.sampling import _SEED, Sampler

    n = 12_000
    table = pa.table({"i": np.arange(n), "s": [f"v{i}" for i in range(n)]})
    keys = np.random.default_rng(_SEED).random(n)
    expected = np.sort(np.argsort(keys)[:k])
    cuts = random.Random(k)
    for _ in range(3):
        sampler, start = Sampler(k), 0
        while start < n:
            size = cuts.choice([1, 7, 100, 1000, 4000])
            for batch in table.slice(start, size).to_batches():
                sampler.add(batch)
            start += size
        sample = sampler.table(table.schema)
        assert sample.column("i").to_pylist() == expected.tolist()
        assert sample.column("s").to_pylist() == [f"v{i}" for i in expected]


def test_a_bad_row_deep_in_a_threaded_read_is_named(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    with open(path, "w") as out:
        out.write("a,b,c\n")
        out.write("1,2,3\n" * 600_000)
        out.write("4,secret@example.com,6,7\n")
    with pytest.raises(MlopsError) as caught:
        profile_path(path)
    assert "row 600002 (counting the header) has 4 fields, expected 3" in caught.value.message
    assert "secret" not in str(caught.value)


@pytest.fixture
def repo(tmp_path: Path) -> Project:
    return find_project(git_project(tmp_path / "proj", rows=50, seed=1))


def test_a_bad_row_found_while_dvc_copies_leaves_nothing_registered(repo: Project) -> None:
    """The profile runs beside hashing and ``dvc add``: a malformed row found late is one
    clear error, and neither DVC's files nor its cache nor the ledger keep anything."""
    before = repo.ledger_path.read_bytes()
    path = repo.root / "late.csv"
    with open(path, "w") as out:
        out.write("a,b,c\n" + "1,2,3\n" * 1_500_000 + "4,5,6,7\n")
    with pytest.raises(MlopsError, match="has 4 fields, expected 3"):
        register.register_data(repo, path, actor=ACTOR)
    assert repo.ledger_path.read_bytes() == before
    assert not (repo.root / ".dvc").exists() and not (repo.root / "late.csv.dvc").exists()
    assert not (repo.root / ".dvcignore").exists()
    # with DVC already set up, the new cache object goes too, and the next add works
    good = repo.root / "good.csv"
    good.write_text("a,b\n1,2\n")
    register.register_data(repo, good, actor=ACTOR)
    objects = sorted((repo.root / ".dvc" / "cache").rglob("*"))
    with pytest.raises(MlopsError, match="has 4 fields"):
        register.register_data(repo, path, actor=ACTOR)
    assert sorted((repo.root / ".dvc" / "cache").rglob("*")) == objects
    assert not (repo.root / "late.csv.dvc").exists()


def test_profile_in_the_registration_equals_profile_path(repo: Project) -> None:
    path = messy_csv(repo.root / "messy.csv", 30_000, seed=5)
    done = register.register_data(repo, path, actor=ACTOR)
    assert done.version.payload["profile"] == profile_path(path).to_json()


def test_background_result_error_and_cancel() -> None:
    assert Background(lambda check: 42).result() == 42
    failing = Background(lambda check: (_ for _ in ()).throw(MlopsError("bad", "fix")))
    with pytest.raises(MlopsError, match="bad"):
        failing.result()
    assert failing.failed

    def forever(check):  # stops only when cancelled
        while True:
            check()

    job = Background(forever)
    job.cancel()
    assert not job.failed
    with pytest.raises(Cancelled):
        job.result()


def test_a_csv_cut_into_segments_profiles_as_one_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSV without quote characters is cut at line ends and its segments parsed on several
    threads; from the first segment with a quote on, the rest is one stream. Either way the
    profile is the one of a single stream, and a bad row is still named."""
    from jupyterlab_mlops.data import csv_parallel

    plain = tmp_path / "plain.csv"
    fx.write_credit_csv(plain, 30_000, 4)
    assert b'"' not in plain.read_bytes()
    text = plain.read_bytes()
    quoted = tmp_path / "quoted.csv"
    middle = text.index(b"\n", len(text) * 2 // 3) + 1
    quoted.write_bytes(text[:middle] + b'"a, ""quoted""\nvalue",' + text[middle:].split(b",", 1)[1])
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(text.replace(b"\n", b"\r\n"))
    monkeypatch.setattr(csv_parallel, "SEGMENT", 1 << 60)  # one stream
    expected = {p: profile_path(p, sample_rows=3_000).to_json() for p in (plain, quoted, crlf)}
    monkeypatch.setattr(csv_parallel, "SEGMENT", 1 << 16)
    cut: list[int] = []
    original = csv_parallel._segments

    def counted(*args: Any) -> Any:
        for item in original(*args):
            cut.append(item[1])
            yield item

    monkeypatch.setattr(csv_parallel, "_segments", counted)
    for path, profile in expected.items():
        seen: list[int] = []
        assert profile_path(path, sample_rows=3_000, progress=seen.append).to_json() == profile
        assert seen == sorted(seen) and seen[-1] == path.stat().st_size
    assert len(set(cut)) > 20  # the segments were parsed apart
    bad = tmp_path / "bad.csv"
    bad.write_bytes(text + b"1,2\n")
    with pytest.raises(MlopsError, match=r"row 30002 \(counting the header\) has 2 fields"):
        profile_path(bad)
