"""Data profiles on real files: exact row counts, types, missing values, sampling, no raw PII,
schema fingerprints, diffs, HTML escaping, and a clear error for every kind of bad input."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jupyterlab_mlops.canonical import sha256_hex
from jupyterlab_mlops.data.diff import diff_profiles
from jupyterlab_mlops.data.profile import DataProfile, profile_path, schema_fingerprint
from jupyterlab_mlops.data.views import profile_html
from jupyterlab_mlops.errors import MlopsError, NotFoundError

from .helpers import data_fixtures as fx

PII_COLUMNS = ["full_name", "email", "phone", "card_number", "iban", "date_of_birth"]
CSV_TYPES = {
    "application_id": "string",
    "full_name": "string",
    "email": "string",
    "phone": "string",
    "card_number": "string",
    "iban": "string",
    "date_of_birth": "datetime",
    "age": "integer",
    "sex": "categorical",
    "region": "categorical",
    "employment_type": "categorical",
    "employment_years": "float",
    "annual_income": "integer",
    "home_ownership": "categorical",
    "purpose": "categorical",
    "loan_amount": "integer",
    "loan_term_months": "integer",
    "credit_history_months": "integer",
    "num_open_accounts": "integer",
    "num_delinquencies": "integer",
    "debt_to_income": "float",
    "default": "integer",
}


@pytest.fixture(scope="module")
def applications() -> pd.DataFrame:
    return fx.make_data().make_applications(5000, 7)


@pytest.fixture
def app_csv(tmp_path: Path, applications: pd.DataFrame) -> Path:
    path = tmp_path / "applications.csv"
    applications.to_csv(path, index=False)
    return path


@pytest.fixture
def app_parquet(tmp_path: Path, applications: pd.DataFrame) -> Path:
    path = tmp_path / "applications.parquet"
    applications.to_parquet(path, row_group_size=1500)
    return path


def round_trip(profile: DataProfile) -> DataProfile:
    return DataProfile.from_json(json.loads(json.dumps(profile.to_json(), allow_nan=False)))


# --- tables ----------------------------------------------------------------------------------


def test_csv_rows_types_and_missing(app_csv: Path, applications: pd.DataFrame) -> None:
    profile = profile_path(app_csv)
    assert (profile.kind, profile.format, profile.rows) == ("table", "csv", 5000)
    assert not profile.sampled and profile.sample_rows == 5000
    assert {c.name: c.type for c in profile.columns} == CSV_TYPES
    expected_missing = applications.isna().sum()
    for column in profile.columns:
        assert column.missing == expected_missing[column.name], column.name
        assert column.missing_rate == pytest.approx(expected_missing[column.name] / 5000)
        assert not column.distinct_approx
    assert profile.column("employment_years").missing > 0
    assert profile.column("application_id").distinct == 5000
    age = profile.column("age").stats
    assert (age["min"], age["max"]) == (int(applications.age.min()), int(applications.age.max()))
    assert age["mean"] == pytest.approx(applications.age.mean())
    assert age["std"] == pytest.approx(applications.age.std())
    assert age["p50"] == pytest.approx(applications.age.median())
    assert profile.column("num_delinquencies").stats["zeros"] == pytest.approx(
        (applications.num_delinquencies == 0).mean()
    )
    assert profile.bytes == app_csv.stat().st_size


def test_parquet_rows_types_and_missing(app_parquet: Path, applications: pd.DataFrame) -> None:
    profile = profile_path(app_parquet)
    assert (profile.format, profile.rows, profile.sampled) == ("parquet", 5000, False)
    types = {c.name: c.type for c in profile.columns}
    assert types == {**CSV_TYPES, "date_of_birth": "string"}  # written by pandas as text
    assert (
        profile.column("credit_history_months").missing
        == applications.credit_history_months.isna().sum()
    )


def test_logical_types_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "types.csv"
    rows = [
        "i,f,b,d,t,s,id,c",
        *(
            f"{k},{k / 3:.3f},{'true' if k % 2 else 'False'},2024-06-{k % 28 + 1:02d},"
            f"2024-06-30T12:{k % 60:02d}:00+02:00,text {k},{10**20 + k},{'ab'[k % 2]}"
            for k in range(40)
        ),
        ",,,,,,,",
    ]
    path.write_text("\n".join(rows) + "\n")
    profile = profile_path(path)
    assert {c.name: c.type for c in profile.columns} == {
        "i": "integer",
        "f": "float",
        "b": "boolean",
        "d": "datetime",
        "t": "datetime",
        "s": "string",
        "id": "string",  # too long for an integer: an identifier, not a float
        "c": "categorical",
    }
    assert all(c.missing == 1 for c in profile.columns)
    assert profile.column("b").stats["true_rate"] == 0.5
    assert profile.column("d").stats["min"] == "2024-06-01T00:00:00"


def test_logical_types_from_parquet(tmp_path: Path) -> None:
    path = tmp_path / "types.parquet"
    frame = pd.DataFrame(
        {
            "i": np.arange(100),
            "f": np.where(np.arange(100) % 10 == 0, np.nan, np.arange(100) / 7),
            "b": np.arange(100) % 3 == 0,
            "t": pd.date_range("2024-01-01", periods=100, freq="h", tz="UTC"),
            "cat": pd.Categorical(["x", "y"] * 50),
            "s": [f"value {k}" for k in range(100)],
        }
    )
    frame.to_parquet(path)
    profile = profile_path(path)
    assert {c.name: c.type for c in profile.columns} == {
        "i": "integer",
        "f": "float",
        "b": "boolean",
        "t": "datetime",
        "cat": "categorical",
        "s": "string",
    }
    assert profile.column("f").missing == 10  # NaN counts as missing
    assert profile.column("cat").top == (("x", 50), ("y", 50))


def test_csv_bigger_than_the_sample(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    n = 30_000
    frame = pd.DataFrame(
        {
            "seq": np.arange(n),
            "value": rng.normal(10, 2, n),
            "maybe": np.where(rng.random(n) < 0.1, np.nan, 1.0),
            "group": rng.choice(["a", "b", "c"], n),
            "key": [f"K{i:07d}" for i in range(n)],
        }
    )
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    profile = profile_path(path, sample_rows=4000)
    assert (profile.rows, profile.sampled, profile.sample_rows) == (n, True, 4000)
    maybe = profile.column("maybe")
    assert maybe.missing == frame.maybe.isna().sum()  # exact, not from the sample
    seq = profile.column("seq").stats
    assert seq["mean"] == pytest.approx((n - 1) / 2, rel=0.03)  # a uniform sample, not the head
    assert seq["max"] > 0.95 * n
    key = profile.column("key")
    assert key.distinct_approx and key.distinct == pytest.approx(
        n, rel=0.05
    )  # Haas-Stokes estimate
    assert profile.column("group").distinct == 3
    assert profile_path(path, sample_rows=4000) == profile  # seeded: the same profile twice
    assert profile_path(path).rows == n and not profile_path(path).sampled


def test_parquet_bigger_than_the_sample(tmp_path: Path) -> None:
    n = 25_000
    path = tmp_path / "big.parquet"
    pd.DataFrame({"seq": np.arange(n), "x": np.where(np.arange(n) % 4 == 0, None, "v")}).to_parquet(
        path, row_group_size=3000
    )
    profile = profile_path(path, sample_rows=2000)
    assert (profile.rows, profile.sampled, profile.sample_rows) == (n, True, 2000)
    assert profile.column("x").missing == n // 4
    assert profile.column("seq").stats["mean"] == pytest.approx((n - 1) / 2, rel=0.05)


@pytest.mark.slow
def test_large_csv_with_the_default_sample(tmp_path: Path) -> None:
    frame = fx.make_data().make_applications(230_000, 11)
    path = tmp_path / "large.csv"
    frame.to_csv(path, index=False)
    seen: list[int] = []
    profile = profile_path(path, progress=seen.append)
    assert (profile.rows, profile.sampled, profile.sample_rows) == (230_000, True, 200_000)
    assert {c.name: c.type for c in profile.columns} == CSV_TYPES
    assert {f.column for f in profile.pii} == set(PII_COLUMNS)
    assert seen == sorted(seen) and seen[-1] == path.stat().st_size and len(seen) > 2


def test_gzip_tsv_and_semicolons(tmp_path: Path, applications: pd.DataFrame) -> None:
    small = applications.head(300)
    with gzip.open(tmp_path / "a.csv.gz", "wt") as handle:
        small.to_csv(handle, index=False)
    small.to_csv(tmp_path / "a.tsv", sep="\t", index=False)
    small.to_csv(tmp_path / "semi.csv", sep=";", index=False)
    for name in ("a.csv.gz", "a.tsv", "semi.csv"):
        profile = profile_path(tmp_path / name)
        assert profile.rows == 300, name
        assert [c.name for c in profile.columns] == list(small.columns), name


def test_progress_reports_bytes_read(app_csv: Path, app_parquet: Path) -> None:
    for path in (app_csv, app_parquet):
        seen: list[int] = []
        profile_path(path, progress=seen.append)
        assert seen and seen == sorted(seen)
        assert seen[-1] == path.stat().st_size


# --- personal data ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_profile_holds_no_raw_personal_data(
    fmt: str, app_csv: Path, app_parquet: Path, applications: pd.DataFrame
) -> None:
    profile = profile_path(app_csv if fmt == "csv" else app_parquet, declared=["sex"])
    text = json.dumps(profile.to_json())
    for column in PII_COLUMNS:
        leaked = [v for v in applications[column].astype(str) if v in text]
        assert not leaked, (column, leaked[:3])
        assert profile.column(column).withheld
        assert profile.column(column).top is None
    assert {(f.column, f.kind) for f in profile.pii} == {
        ("full_name", "person_name"),
        ("email", "email"),
        ("phone", "phone"),
        ("card_number", "card_number"),
        ("iban", "iban"),
        ("date_of_birth", "date_of_birth"),
        ("sex", "declared_sensitive"),
    }
    sex = profile.column("sex")
    assert sex.withheld and sex.top is None and '"F"' not in json.dumps(sex.to_json())
    dob = profile.column("date_of_birth")
    assert "min" not in dob.stats and "max" not in dob.stats
    region = profile.column("region")
    assert not region.withheld and region.top and len(region.top) == 10


def test_pii_in_numbers_withholds_numeric_statistics(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    pans = [int(v) for v in fx.cards(rng, 600, spaced=False) if len(v) == 16]
    path = tmp_path / "pan.parquet"
    pd.DataFrame({"pan": np.array(pans, dtype="int64"), "n": np.arange(len(pans))}).to_parquet(path)
    profile = profile_path(path)
    pan = profile.column("pan")
    assert pan.type == "integer" and pan.withheld and set(pan.stats) == {"count"}
    text = json.dumps(profile.to_json())
    assert not any(str(v) in text for v in pans)


def test_top_values_only_for_low_cardinality_columns(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 3000
    rare = rng.choice([f"r{k}" for k in range(18)], n).astype(object)
    rare[:3] = ["once-a", "once-b", "once-c"]  # 21 distinct values: too many to list
    frame = pd.DataFrame(
        {
            "small": rng.choice(["a", "b", "c"], n),
            "rare": rare,
            "wide": rng.choice([f"w{k}" for k in range(40)], n),  # categorical, > 20 values
            "free": [f"note {k}" for k in range(n)],
        }
    )
    path = tmp_path / "top.csv"
    frame.to_csv(path, index=False)
    profile = profile_path(path)
    assert [v for v, _ in profile.column("small").top] == sorted(
        "abc", key=lambda v: -int((frame.small == v).sum())
    )
    assert profile.column("rare").top is None
    assert profile.column("wide").type == "categorical" and profile.column("wide").top is None
    assert profile.column("free").type == "string" and profile.column("free").top is None
    frame["rare"] = np.where(frame.index < 3, "once", frame["rare"])
    frame.to_csv(path, index=False)
    rare_top = profile_path(path).column("rare").top
    assert rare_top is not None and "once" not in {v for v, _ in rare_top}
    assert all(count >= 5 for _, count in rare_top)


# --- JSON, fingerprint, diff -----------------------------------------------------------------


def test_json_round_trip_is_exact_and_canonical(app_csv: Path, app_parquet: Path) -> None:
    for path in (app_csv, app_parquet):
        profile = profile_path(path, declared=["sex"])
        assert round_trip(profile) == profile
        assert round_trip(profile).to_json() == profile.to_json()
        sha256_hex(profile.to_json())  # finite numbers only: RFC 8785 accepts it


def test_non_finite_values_become_null(tmp_path: Path) -> None:
    path = tmp_path / "inf.parquet"
    pd.DataFrame({"x": [1.0, np.inf, -np.inf, np.nan], "y": [np.inf] * 4}).to_parquet(path)
    profile = profile_path(path)
    json.dumps(profile.to_json(), allow_nan=False)
    assert profile.column("x").stats["max"] == 1.0
    assert profile.column("x").missing == 1
    assert "mean" not in profile.column("y").stats


def test_schema_fingerprint(tmp_path: Path, applications: pd.DataFrame) -> None:
    def fingerprint(frame: pd.DataFrame) -> str:
        path = tmp_path / "f.csv"
        frame.to_csv(path, index=False)
        return profile_path(path, screen=False).schema_fingerprint or ""

    base = fingerprint(applications)
    assert fingerprint(applications.head(1234)) == base  # rows change: same schema
    assert fingerprint(applications.assign(extra=1)) != base  # column added
    assert fingerprint(applications.assign(age=applications.age + 0.5)) != base  # retyped
    assert fingerprint(applications.rename(columns={"age": "age_years"})) != base
    assert fingerprint(applications[list(reversed(applications.columns))]) != base
    assert schema_fingerprint([("a", "categorical")]) == schema_fingerprint([("a", "string")])
    assert schema_fingerprint([("a", "string"), ("b", "integer")]) != schema_fingerprint(
        [("ab", "string")]
    )


def test_diff_profiles(tmp_path: Path, applications: pd.DataFrame) -> None:
    old_path, new_path = tmp_path / "old.csv", tmp_path / "new.csv"
    applications.to_csv(old_path, index=False)
    rng = np.random.default_rng(4)
    new = applications.drop(columns=["purpose"]).copy()
    new["channel"] = rng.choice(["web", "branch"], len(new))
    new["age"] = new["age"] + 0.5
    new.loc[rng.random(len(new)) < 0.2, "employment_years"] = np.nan
    new["loan_amount"] = new["loan_amount"] * 2
    new["home_ownership"] = np.where(rng.random(len(new)) < 0.3, "rent", new["home_ownership"])
    new["note"] = "mail " + new["email"]
    new = pd.concat([new, new.head(500)])
    new.to_csv(new_path, index=False)
    old, latest = profile_path(old_path), profile_path(new_path)
    diff = diff_profiles(old, latest)
    data = json.loads(json.dumps(diff.to_json(), allow_nan=False))
    assert data["schema_changed"] is True
    assert data["rows"] == {"old": 5000, "new": 5500, "change": 500}
    assert data["added"] == [
        {"name": "channel", "type": "categorical"},
        {"name": "note", "type": "string"},
    ]
    assert data["removed"] == [{"name": "purpose", "type": "categorical"}]
    assert data["retyped"] == [{"name": "age", "old": "integer", "new": "float"}]
    assert [m["name"] for m in data["missing"]] == ["employment_years"]
    shifted = {(s["name"], s["stat"]) for s in data["shifts"]}
    assert ("loan_amount", "mean") in shifted and ("loan_amount", "std") in shifted
    assert not {name for name, _ in shifted} - {"loan_amount"}  # nothing else moved
    assert {c["value"] for c in data["categories"] if c["name"] == "home_ownership"} >= {"rent"}
    assert data["pii_added"] == [{"column": "note", "kind": "email"}]
    lines = "\n".join(diff.summary_lines())
    for needle in ("5,000 -> 5,500", "+ channel", "- purpose", "age: integer -> float",
                   "employment_years", "loan_amount", "email in note"):  # fmt: skip
        assert needle in lines, (needle, lines)


def test_diff_of_the_same_data_reports_nothing(app_csv: Path) -> None:
    profile = profile_path(app_csv)
    diff = diff_profiles(profile, round_trip(profile))
    assert not diff.changed
    assert diff.summary_lines() == ["rows: 5,000 (unchanged)", "schema: unchanged"]


# --- HTML ------------------------------------------------------------------------------------


def test_html_escapes_everything(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    frame = pd.DataFrame(
        {"<script>alert(1)</script>": ["<b>bold</b>", "&amp;"] * 20, "n": range(40)}
    )
    frame.to_csv(path, index=False)
    profile = profile_path(path)
    html = profile_html(profile)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&amp;amp;" in html
    assert "var(--jp-" in html and "<style" not in html and "class=" not in html


def test_html_marks_withheld_columns(app_csv: Path) -> None:
    html = profile_html(profile_path(app_csv))
    assert "withheld (email)" in html and "5,000 rows" in html


# --- folders and opaque data -----------------------------------------------------------------


def test_folder_of_csv_files_with_one_schema_is_one_table(tmp_path: Path, applications: pd.DataFrame) -> None:  # fmt: skip
    folder = tmp_path / "parts"
    folder.mkdir()
    applications.iloc[:2000].to_csv(folder / "part-1.csv", index=False)
    applications.iloc[2000:].to_csv(folder / "part-2.csv", index=False)
    (folder / ".DS_Store").write_bytes(b"\0\1")  # hidden files do not count as data
    profile = profile_path(folder)
    assert (profile.kind, profile.format, profile.rows, profile.files) == ("table", "csv", 5000, 2)
    assert profile.extensions == {".csv": 2}
    assert profile.schema_fingerprint == profile_path(folder / "part-1.csv").schema_fingerprint


def test_folder_of_parquet_files_is_one_table(tmp_path: Path, applications: pd.DataFrame) -> None:
    folder = tmp_path / "dataset"
    (folder / "year=2024").mkdir(parents=True)
    applications.iloc[:1000].to_parquet(folder / "year=2024" / "a.parquet")
    applications.iloc[1000:].to_parquet(folder / "year=2024" / "b.parquet")
    (folder / "_SUCCESS").write_text("")
    profile = profile_path(folder)
    assert (profile.kind, profile.rows, profile.files) == ("table", 5000, 2)


def test_folder_with_different_schemas_or_other_files_is_opaque(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    pd.DataFrame({"a": [1]}).to_csv(mixed / "one.csv", index=False)
    pd.DataFrame({"b": [1]}).to_csv(mixed / "two.csv", index=False)
    profile = profile_path(mixed)
    assert (profile.kind, profile.format, profile.files) == ("opaque", "folder", 2)
    assert "different columns" in profile.note
    images = tmp_path / "images"
    (images / "cats").mkdir(parents=True)
    for k in range(3):
        (images / "cats" / f"{k}.PNG").write_bytes(b"\x89PNG" + bytes(k))
    (images / "labels.txt").write_text("cat\n")
    (images / "README").write_text("x")
    profile = profile_path(images)
    assert profile.kind == "opaque" and profile.files == 5
    assert profile.extensions == {"": 1, ".png": 3, ".txt": 1}
    assert profile.bytes == sum(f.stat().st_size for f in images.rglob("*") if f.is_file())
    assert round_trip(profile) == profile
    assert "extension" in profile_html(profile)


def test_opaque_file(tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(os.urandom(1000))
    seen: list[int] = []
    profile = profile_path(path, progress=seen.append)
    assert (profile.kind, profile.format, profile.bytes, profile.files) == (
        "opaque",
        "file",
        1000,
        1,
    )
    assert profile.rows is None and profile.schema_fingerprint is None and seen == [1000]
    with pytest.raises(MlopsError, match="not a table"):
        profile_path(path, declared=["x"])


def test_opaque_profiles_diff(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"x" * 10)
    old = profile_path(path)
    path.write_bytes(b"x" * 2500)
    diff = diff_profiles(old, profile_path(path))
    assert diff.changed and not diff.schema_changed
    assert diff.summary_lines()[0] == "size: 10 B -> 2.5 KB"


# --- bad input -------------------------------------------------------------------------------


def bad(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\n\n  \n", "is empty"),
        ("ragged.csv", b"a,b,c\n1,2,3\n4,secret@example.com,6,7\n", "row 3 (counting the header) has 4 fields, expected 3"),
        ("quote.csv", b'a,b\n"1,2\n3,4\n', "cannot be parsed as CSV"),
        ("junk.csv", bytes(range(256)) * 40, "binary data"),
        ("latin.csv", "name,city\nJosé,Köln\n".encode("latin-1"), "not UTF-8"),
        ("late-latin.csv", b"name,n\n" + b"plain,1\n" * 20_000 + "Jos\xe9,2\n".encode("latin-1"), "not valid UTF-8 text (column 'name')"),
        ("utf16.csv", "a,b\n1,2\n".encode("utf-16"), "UTF-16"),
        ("not.parquet", b"a,b\n1,2\n", "not a readable Parquet file"),
        ("empty.parquet", b"", "is empty"),
        ("bad.csv.gz", b"a,b\n1,2\n", "not a valid gzip file"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_error(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(MlopsError) as info:
        profile_path(bad(tmp_path / name, content))
    assert message in str(info.value)
    assert info.value.hint
    assert "secret" not in str(info.value)  # a row's content is never echoed


def test_truncated_parquet(tmp_path: Path, app_parquet: Path) -> None:
    data = app_parquet.read_bytes()
    for cut in (len(data) // 2, len(data) - 100):
        path = bad(tmp_path / f"cut{cut}.parquet", data[:cut])
        with pytest.raises(MlopsError, match="Parquet"):
            profile_path(path)


def test_header_only_csv_is_an_empty_table(tmp_path: Path) -> None:
    profile = profile_path(bad(tmp_path / "h.csv", b"a,b,,a\n"))
    assert profile.rows == 0
    assert [c.name for c in profile.columns] == ["a", "b", "Unnamed: 2", "a.1"]
    assert all(c.missing == 0 and c.distinct == 0 for c in profile.columns)
    assert round_trip(profile) == profile
    profile_html(profile)


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        profile_path(tmp_path / "nope.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(MlopsError, match="empty folder"):
        profile_path(tmp_path / "empty")


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        path = bad(tmp_path / "locked.csv", b"a\n1\n")
        path.chmod(0)
        with pytest.raises(MlopsError, match="permission denied"):
            profile_path(path)
        return
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    folder = Path(tempfile.mkdtemp(prefix="mlops-perm-"))
    try:
        folder.chmod(0o755)
        path = bad(folder / "locked.csv", b"a\n1\n")
        path.chmod(0)
        probe = (
            "import sys; sys.path.insert(0, sys.argv[2])\n"
            "from jupyterlab_mlops.data.profile import profile_path\n"
            "from jupyterlab_mlops.errors import MlopsError\n"
            "try:\n    profile_path(sys.argv[1])\n"
            "except MlopsError as exc:\n    print(exc.message)\n"
        )
        package = Path(__file__).resolve().parents[1] / "python"
        done = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", probe, str(path), str(package)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert "permission denied" in done.stdout, done.stderr[-2000:]
    finally:
        shutil.rmtree(folder)


def test_declared_column_must_exist(app_csv: Path) -> None:
    with pytest.raises(MlopsError) as info:
        profile_path(app_csv, declared=["gender"])
    assert "gender" in info.value.message and "full_name" in info.value.hint


def test_importing_the_modules_is_cheap() -> None:
    probe = (
        "import sys\n"
        "import jupyterlab_mlops.data.profile, jupyterlab_mlops.data.tables\n"
        "import jupyterlab_mlops.data.columns, jupyterlab_mlops.data.sampling\n"
        "import jupyterlab_mlops.data.diff, jupyterlab_mlops.data.pii\n"
        "import jupyterlab_mlops.data.pii_detectors, jupyterlab_mlops.data.pii_names\n"
        "heavy = {'pandas', 'pyarrow', 'numpy', 'stdnum', 'phonenumbers', 'rfc8785'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
