"""Readiness checklists: shipped templates, overrides, and each evidence check passing and
failing on real notebooks, DVC data and MLflow runs."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import nbformat
import pytest

from jupyterlab_mlops import data
from jupyterlab_mlops.checklists.checks import CHECKS
from jupyterlab_mlops.checklists.evaluate import check_notebook
from jupyterlab_mlops.config import MODEL_TEMPLATES
from jupyterlab_mlops.data.register import register_data, review_data
from jupyterlab_mlops.decisions import record_decision
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.experiments import runs
from jupyterlab_mlops.project import Project, find_project
from jupyterlab_mlops.templates import SHIPPED, load_template, template_dirs

from .helpers import ACTOR, git_project, make_notebook
from .helpers.data_fixtures import write_credit_csv

SOURCES = [
    "seed = 7\nthreshold = 0.2  # referral cut-off\nname = 'gbm'",
    "import math",
    "x = math.pi",
]


@pytest.fixture
def repo(tmp_path: Path) -> Project:
    project = find_project(git_project(tmp_path / "credit", rows=300, seed=4))
    make_notebook(project.root / "train.ipynb", SOURCES, tags={0: ["parameters"]})
    return project


def results(project: Project) -> dict[str, tuple[str, str]]:
    report = check_notebook(project, project.root / "train.ipynb")
    return {r.item.id: (r.status, r.outcome.detail) for r in report.results}


def train(project: Project, auc: float = 0.8) -> None:
    data.path("applications", start=project.root)
    with runs.run("gbm", project=project, notebook=project.root / "train.ipynb") as run:
        run.log(test_roc_auc=auc)


@pytest.mark.parametrize("name", MODEL_TEMPLATES)
def test_every_shipped_template_loads_and_names_known_checks(name: str) -> None:
    template, files = load_template(name, [SHIPPED])
    assert files[0].name == "_common.yaml" and files[-1].name == f"{name}.yaml"
    assert {"data-registered", "run-logged", "no-secrets", "parameters-cell"} <= {
        i.id for i in template.items
    }
    for item in template.items:
        assert item.check.name in CHECKS, item.id
        assert item.why and item.fix and item.tiers


def test_a_project_template_overrides_and_a_malformed_one_is_named(repo: Project) -> None:
    folder = repo.mlops_dir / "checklists"
    folder.mkdir()
    (folder / "classification.yaml").write_text(
        "items:\n"
        "  - id: model-card\n    title: A model card exists\n    why: Reviewers read it.\n"
        "    check: {name: environment_pinned}\n    fix: write it\n    gates: approval\n"
    )
    template, files = load_template("classification", template_dirs(repo.root))
    assert files[-1] == folder / "classification.yaml"
    assert "model-card" in {i.id for i in template.items} and "run-logged" in {
        i.id for i in template.items
    }
    (folder / "classification.yaml").write_text(
        "items:\n  - id: bad\n    title: t\n    why: w\n    check: {name: x}\n    fix: f\n    gates: someday\n"
    )
    with pytest.raises(MlopsError) as caught:
        load_template("classification", template_dirs(repo.root))
    assert (
        "classification.yaml" in caught.value.message
        and "items[0] (bad).gates" in caught.value.message
    )
    (folder / "classification.yaml").write_text("items: [\n")
    with pytest.raises(MlopsError, match="not valid YAML"):
        load_template("classification", template_dirs(repo.root))


def test_data_run_and_review_checks_follow_the_evidence(
    repo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv = repo.root / "data" / "applications.csv"
    first = results(repo)
    assert first["data-registered"][0] == "fail" and first["run-logged"][0] == "fail"
    register_data(repo, csv, actor=ACTOR)
    train(repo, auc=0.42)
    after = results(repo)
    assert after["data-registered"] == ("pass", "read applications v1")
    assert after["run-logged"][0] == "fail" and "not >= 0.5" in after["run-logged"][1]
    assert after["pii-reviewed"][0] == "fail" and "applications v1" in after["pii-reviewed"][1]
    train(repo, auc=0.81)
    review_data(repo, "applications", decision="Identifiers are dropped", actor=ACTOR)
    done = results(repo)
    assert done["run-logged"][0] == "pass" and done["pii-reviewed"][0] == "pass"
    # the data changes on disk: the run's evidence is about other data now
    write_credit_csv(csv, rows=310, seed=9)
    assert "content changed" in results(repo)["data-registered"][1]
    register_data(repo, csv, actor=ACTOR)
    assert "applications v2 is registered since" in results(repo)["data-registered"][1]
    # editing the notebook makes every run evidence of an earlier version
    train(repo)
    assert results(repo)["run-logged"][0] == "pass"
    make_notebook(repo.root / "train.ipynb", [*SOURCES, "y = 2"], tags={0: ["parameters"]})
    assert results(repo)["run-logged"] == ("fail", "no finished run of this notebook version")


def test_decisions_must_cover_the_topics_and_describe_the_current_cells(repo: Project) -> None:
    notebook = repo.root / "train.ipynb"
    for tag in ("data", "model"):
        record_decision(
            repo, title=f"About {tag}", why="because", tags=[tag], actor=ACTOR, notebook=notebook
        )
    status, detail = results(repo)["decisions-recorded"]
    assert status == "fail" and detail == "no current decision tagged evaluation"
    saved = nbformat.read(notebook, as_version=4)
    record_decision(
        repo, title="Judge by AUC", why="ranking", tags=["evaluation"], actor=ACTOR,
        notebook=notebook, cell_id=saved.cells[2].id, cell_source=saved.cells[2].source,
    )  # fmt: skip
    assert results(repo)["decisions-recorded"][0] == "pass"
    saved.cells[2].source = "x = math.tau"  # the cell the decision was recorded from changed,
    nbformat.write(saved, notebook)  # and so did the version the other two were recorded on
    assert results(repo)["decisions-recorded"] == (
        "fail",
        "no current decision tagged data, model, evaluation",
    )


@pytest.mark.parametrize(
    ("sources", "tags", "expected"),
    [
        (["seed = 7", "x = 1"], {}, "no code cell is tagged `parameters`"),
        (["seed = compute()"], {0: ["parameters"]}, "seed is not set to a literal value"),
        (["import os"], {0: ["parameters"]}, "only `name = literal` assignments"),
        (["a = 1", "b = 2"], {0: ["parameters"], 1: ["parameters"]}, "2 cells are tagged"),
    ],
)
def test_the_parameters_cell_must_hold_typed_literals(
    repo: Project, sources: list[str], tags: dict[int, list[str]], expected: str
) -> None:
    assert results(repo)["parameters-cell"] == ("pass", "seed: int, threshold: float, name: str")
    make_notebook(repo.root / "train.ipynb", sources, tags=tags)
    status, detail = results(repo)["parameters-cell"]
    assert status == "fail" and expected in detail


def test_the_parameters_cell_takes_the_annotations_papermill_reads(repo: Project) -> None:
    typed = (
        "label: Optional[str] = None\nlimit: int | None = None\nalpha: Union[float, None] = 0.5"
        "\ntags: List[str] = ['a']\nweights: dict[str, float] = {'a': 1}\n"
        'c: "NoneType" = None\nx: "int" = 1\nseed = 7  # type: int'
    )
    make_notebook(repo.root / "train.ipynb", [typed, *SOURCES[1:]], tags={0: ["parameters"]})
    assert results(repo)["parameters-cell"] == (
        "pass",
        "label: str | None, limit: int | None, alpha: float | None, tags: list[str], "
        "weights: dict[str, float], c: None, x: int, seed: int",
    )
    for source, expected in [
        ("label: tuple = ()", "line 1: label: `tuple` is not a parameter type: use int, float"),
        ("tags: list[str] = [1]", "line 1: tags's default is not a list[str]"),
        ("n = 1  # type: int | str", "a union may only add None to one type, as in int | None"),
    ]:
        make_notebook(repo.root / "train.ipynb", [source, *SOURCES[1:]], tags={0: ["parameters"]})
        status, detail = results(repo)["parameters-cell"]
        assert status == "fail" and expected in detail, detail


def test_secrets_in_code_or_outputs_are_found_but_images_and_hashes_are_not(repo: Project) -> None:
    notebook = repo.root / "train.ipynb"
    assert results(repo)["no-secrets"][0] == "pass"
    saved = nbformat.read(notebook, as_version=4)
    png = base64.b64encode(bytes(range(256)) * 40).decode()
    saved.cells[1].outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("stream", text="fingerprint sha256:" + "ab12" * 16 + "\n"),
    ]
    nbformat.write(saved, notebook)
    assert results(repo)["no-secrets"][0] == "pass"
    saved.cells[2].outputs = [
        nbformat.v4.new_output("stream", text='config = {"password": "hunter2hunter2!"}\n'),
    ]
    nbformat.write(saved, notebook)
    assert '\\"password\\"' in notebook.read_text()  # JSON-escaped in the file
    status, detail = results(repo)["no-secrets"]
    assert status == "fail" and "cell 3, output line 1" in detail
    saved.cells[2].outputs = []
    saved.cells[1].source = 'key = "AKIAIOSFODNN7EXAMPLE"'
    nbformat.write(saved, notebook)
    status, detail = results(repo)["no-secrets"]
    assert status == "fail" and "cell 2, source line 1: AWS Access Key" in detail


def test_secrets_in_attachments_and_notebook_metadata_are_found(repo: Project) -> None:
    notebook = repo.root / "train.ipynb"
    saved = nbformat.read(notebook, as_version=4)
    picture = base64.b64encode(bytes(range(256)) * 40).decode()
    note = nbformat.v4.new_markdown_cell("![chart](attachment:chart.png)")
    note.attachments = {"chart.png": {"image/png": picture}}
    saved.cells.append(note)
    nbformat.write(saved, notebook)
    assert results(repo)["no-secrets"][0] == "pass"  # a picture is not a finding
    key = base64.b64encode(b'aws_key = "AKIAIOSFODNN7EXAMPLE"\n').decode()
    note.attachments["keys.txt"] = {"text/plain": key}
    nbformat.write(saved, notebook)
    status, detail = results(repo)["no-secrets"]
    assert status == "fail" and "cell 4, attachment line 1: AWS Access Key" in detail
    del note.attachments["keys.txt"]
    saved.metadata["connection"] = {"password": "hunter2hunter2!"}
    nbformat.write(saved, notebook)
    status, detail = results(repo)["no-secrets"]
    assert status == "fail" and "notebook metadata line" in detail


def test_the_environment_must_be_pinned(repo: Project) -> None:
    assert results(repo)["environment-pinned"][0] == "fail"
    (repo.root / "requirements.txt").write_text("pandas>=2\nscikit-learn==1.5.2\n")
    status, detail = results(repo)["environment-pinned"]
    assert status == "fail" and "pandas>=2 is not pinned" in detail
    (repo.root / "requirements.txt").write_text("# pinned\npandas==2.2.3\nscikit-learn==1.5.2\n")
    assert results(repo)["environment-pinned"] == ("pass", "requirements.txt: 2 pinned")
    (repo.root / "requirements.txt").unlink()
    (repo.root / "uv.lock").write_text("version = 1\n")
    assert results(repo)["environment-pinned"][0] == "pass"


def test_the_stage_and_the_cli(repo: Project, mlops) -> None:
    done = mlops("check", "train.ipynb", "--json", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["stage"] == "draft" and report["risk_tier"] == "high"
    assert "data-registered" in report["blocking"]["review"]
    failing = next(i for i in report["items"] if i["id"] == "data-registered")
    assert failing["status"] == "fail" and failing["fix"].startswith("%mlops data add")
    text = mlops("check", "train.ipynb", cwd=repo.root).stdout
    assert "DRAFT" in text and "fix: %mlops data add" in text
    assert mlops("check", cwd=repo.root).returncode == 1


@pytest.mark.slow
def test_a_clean_run_in_a_fresh_kernel_is_recorded_with_the_version_it_ran(
    repo: Project, mlops
) -> None:
    from jupyterlab_mlops.checklists.cleanrun import clean_run

    notebook = repo.root / "train.ipynb"
    assert results(repo)["clean-run"][0] == "fail"
    entry = clean_run(repo, notebook, actor=ACTOR)
    assert entry.payload["ok"] and (repo.root / entry.payload["output"]).is_file()
    assert results(repo)["clean-run"][0] == "pass"
    make_notebook(notebook, [*SOURCES, "undefined_name + 1"], tags={0: ["parameters"]})
    assert results(repo)["clean-run"][1].startswith("this version has not been run")
    done = mlops("check", "train.ipynb", "--run", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    assert "over TCP" not in done.stderr  # the kernel talks over Unix sockets: no warning
    status, detail = results(repo)["clean-run"]
    assert status == "fail" and "NameError" in detail and "cell 4 failed" in detail


def test_the_template_and_tier_can_change_and_the_change_is_recorded(repo: Project, mlops) -> None:
    from jupyterlab_mlops.config import dump_config

    denied = mlops("configure", "--risk-tier", "minimal", cwd=repo.root)
    assert denied.returncode == 1 and "holds no sign-off role" in denied.stderr
    config = repo.config.model_copy(update={"roles": {"risk": [ACTOR]}})
    (repo.mlops_dir / "config").write_text(dump_config(config))
    done = mlops("configure", "--template", "regression", "--risk-tier", "minimal", cwd=repo.root)
    assert done.returncode == 0 and "Configured MLOps project" in done.stdout, done.stderr
    project = find_project(repo.root)
    assert (project.config.template, project.config.risk_tier) == ("regression", "minimal")
    (entry,) = project.ledger.entries("project.configured")
    assert entry.payload == {
        "before": {"template": "classification", "risk_tier": "high"},
        "after": {"template": "regression", "risk_tier": "minimal"},
    }
    ids = {r.item.id for r in check_notebook(project, project.root / "train.ipynb").results}
    assert "pii-reviewed" not in ids and "run-logged" in ids  # minimal tier, regression items
    assert mlops("configure", "--risk-tier", "extreme", cwd=repo.root).returncode == 2
    assert mlops("configure", cwd=repo.root).returncode == 1
    # a project's own, differently named template
    unknown = mlops("configure", "--template", "credit-scorecard", cwd=repo.root)
    assert (
        unknown.returncode == 1
        and "no checklist template named 'credit-scorecard'" in unknown.stderr
    )
    (repo.mlops_dir / "checklists").mkdir()
    (repo.mlops_dir / "checklists" / "credit-scorecard.yaml").write_text(
        "extends: classification\ntitle: Credit scorecard\nitems: []\n"
    )
    done = mlops("configure", "--template", "credit-scorecard", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    report = check_notebook(find_project(repo.root), repo.root / "train.ipynb")
    assert report.template == "credit-scorecard" and "run-logged" in {
        r.item.id for r in report.results
    }


def test_secrets_in_any_text_output_and_odd_parameters_do_not_slip_through(repo: Project) -> None:
    notebook = repo.root / "train.ipynb"
    saved = nbformat.read(notebook, as_version=4)
    key = 'aws_key = "AKIAIOSFODNN7EXAMPLE"'
    for mime, text in (
        ("image/svg+xml", f"<svg><text>{key}</text></svg>"),
        ("text/latex", key),
        ("text/html", f'<img src="data:image/png;base64,AAAA {key}">'),
    ):
        saved.cells[2].outputs = [nbformat.v4.new_output("display_data", data={mime: text})]
        nbformat.write(saved, notebook)
        assert results(repo)["no-secrets"][0] == "fail", mime
    saved.cells[2].outputs = []
    saved.cells[0].source = "seed = {[1]: 2}"
    nbformat.write(saved, notebook)
    status, detail = results(repo)["parameters-cell"]  # an item that fails, not a crash
    assert status == "fail" and "not set to a literal value" in detail
