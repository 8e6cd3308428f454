"""evaluate_llm on a real (deterministic) application: built-in and user scorers, intervals,
the MLflow run's artifacts and metrics read back, and the ledger entry naming the prompts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.experiments import runs
from jupyterlab_mlops.experiments.store import client
from jupyterlab_mlops.kinds import EVALUATION_RECORDED
from jupyterlab_mlops.project import Project
from jupyterlab_mlops.prompts.api import register_prompt
from jupyterlab_mlops.prompts.evaluate import evaluate_llm

from .helpers import ACTOR

FAQ = {"refund": "Refunds take 5 working days.", "hours": "We are open 9 to 5."}
TEMPLATE = "FAQ:\n{{faq}}\nQuestion: {{question}}"


def make_app(prompt):
    def answer(question: str) -> str:
        prompt.format(faq="\n".join(FAQ.values()), question=question)
        key = next((k for k in FAQ if k in question.lower()), None)
        return FAQ[key] if key else "I don't know."

    return answer


DATA = [
    {
        "inputs": {"question": "How long does a refund take?"},
        "expectations": {
            "expected_facts": ["5 working days"],
            "expected_response": "Refunds take 5 working days.",
        },
    },
    {
        "inputs": {"question": "What are your hours?"},
        "expectations": {"expected_facts": ["9 to 5"]},
    },
    {"inputs": {"question": "Can I pay by card?"}, "expectations": {"expected_facts": ["card"]}},
    {"inputs": {"question": "Refund status?"}, "expectations": {"regex": r"\d+ working days"}},
]


def test_scores_intervals_and_the_record(project: Project, notebook: Path) -> None:
    prompt = register_prompt(project, "faq-answer", TEMPLATE, actor=ACTOR)
    app = make_app(prompt)

    def polite(inputs, outputs, expectations):
        """ends with a full stop"""
        return outputs.endswith(".")

    with runs.run("eval", project=project, notebook=notebook) as run:
        result = evaluate_llm(app, DATA, scorers=["contains", "exact_match", "regex", polite], notebook=notebook)  # fmt: skip
    s = result.summary
    assert s["contains"]["n"] == 3 and s["contains"]["mean"] == pytest.approx(2 / 3)
    assert 0 <= s["contains"]["low"] <= s["contains"]["mean"] <= s["contains"]["high"] <= 1
    assert s["exact_match"] == {"n": 1, "mean": 1.0, "low": 1.0, "high": 1.0}
    assert s["regex"]["mean"] == 1.0 and s["polite"]["n"] == 4
    assert s["latency_s"]["n"] == 4 and s["latency_s"]["mean"] >= 0
    assert list(result.table.columns) == ["inputs", "output", "latency_s", "contains", "exact_match", "regex", "polite"]  # fmt: skip

    (entry,) = project.ledger.entries(EVALUATION_RECORDED)
    assert entry == result.entry and entry.payload["run_id"] == run.run_id
    assert entry.payload["prompts"] == [{"name": "faq-answer", "version": 1, "digest": prompt.digest}]  # fmt: skip
    mlflow = client(project)
    finished = mlflow.get_run(run.run_id)
    assert finished.data.metrics["eval_answer_contains"] == pytest.approx(2 / 3)
    where = entry.payload["artifacts"]
    local = mlflow.download_artifacts(run.run_id, f"{where}/examples.json", str(project.root))
    examples = json.loads(Path(local).read_text())
    assert [e["output"] for e in examples][:2] == ["Refunds take 5 working days.", "We are open 9 to 5."]  # fmt: skip
    assert examples[2]["scores"]["contains"] == 0.0
    assert "contains" in repr(result) and "<table" in result._repr_html_()


def test_the_same_evaluation_twice_is_one_entry(project: Project, notebook: Path) -> None:
    prompt = register_prompt(project, "faq-answer", TEMPLATE, actor=ACTOR)
    with runs.run("eval", project=project, notebook=notebook):
        first = evaluate_llm(make_app(prompt), DATA, scorers=["contains"], notebook=notebook)
        again = evaluate_llm(make_app(prompt), DATA, scorers=["contains"], notebook=notebook)
    assert first.entry == again.entry and len(project.ledger.entries(EVALUATION_RECORDED)) == 1


def test_without_a_run_it_is_shown_not_recorded(project: Project, notebook: Path) -> None:
    result = evaluate_llm(lambda question: "x", DATA, scorers=["contains"], notebook=notebook)
    assert result.entry is None and "no run is open" in (result.not_recorded or "")
    assert project.ledger.entries(EVALUATION_RECORDED) == []


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ([], "empty"),
        ({"inputs": {}}, "list of records"),
        ("questions.csv", "no dataset named 'questions.csv'"),  # a name: a registered table
        ([{"question": "x"}], "record 0: 'inputs'"),
        ([{"inputs": {"question": "x"}, "expectations": ["x"]}], "'expectations' must be a dict"),
    ],
)
def test_bad_datasets_are_refused(project: Project, notebook: Path, data, says: str) -> None:
    with pytest.raises(MlopsError, match=says):
        evaluate_llm(lambda question: "x", data, notebook=notebook)


def test_bad_scorers_and_a_failing_app(project: Project, notebook: Path) -> None:
    with pytest.raises(MlopsError, match="no scorer named 'bleu'"):
        evaluate_llm(lambda question: "x", DATA, scorers=["bleu"], notebook=notebook)
    with pytest.raises(MlopsError, match="returned str"):
        evaluate_llm(lambda question: "x", DATA, scorers=[lambda i, o, e: "good"], notebook=notebook)  # fmt: skip

    def broken(question: str) -> str:
        raise TimeoutError("the model did not answer")

    with pytest.raises(MlopsError, match="record 0: TimeoutError: the model did not answer"):
        evaluate_llm(broken, DATA, notebook=notebook)


def test_a_registered_dataset_is_read_and_linked(project: Project, notebook: Path) -> None:
    from jupyterlab_mlops.data.register import register_data

    table = project.root / "questions.csv"
    table.write_text(
        "question,expected_facts\nHow long does a refund take?,5 working days\n"
        "What are your hours?,9 to 5\nCan I pay by card?,card\n"
    )
    registered = register_data(project, table, actor=ACTOR)
    prompt = register_prompt(project, "faq-answer", TEMPLATE, actor=ACTOR)
    with runs.run("eval", project=project, notebook=notebook):
        result = evaluate_llm(make_app(prompt), "questions", scorers=["contains"], notebook=notebook)  # fmt: skip
    assert result.summary["contains"]["mean"] == pytest.approx(2 / 3)
    assert result.examples[0]["inputs"] == {"question": "How long does a refund take?"}
    versions = result.entry.payload["data"]["versions"]
    assert [v["entry"] for v in versions] == [registered.version.entry.hash]
    assert f"entry:{registered.version.entry.hash}" in result.entry.links
    with pytest.raises(MlopsError, match="no dataset named 'nothing-here'"):
        evaluate_llm(make_app(prompt), "nothing-here", notebook=notebook)


def test_judge_verdicts_are_cached_and_replayed(project: Project, notebook: Path) -> None:
    from jupyterlab_mlops.prompts.judges import judge

    asked = []

    def grounded(inputs, outputs, expectations):
        """the answer comes from the FAQ (a stand-in for a model's verdict)"""
        asked.append(inputs["question"])
        return outputs in FAQ.values()

    scorer = judge(grounded)
    prompt = register_prompt(project, "faq-answer", TEMPLATE, actor=ACTOR)
    with runs.run("eval", project=project, notebook=notebook):
        first = evaluate_llm(make_app(prompt), DATA, scorers=[scorer], notebook=notebook)
        again = evaluate_llm(make_app(prompt), DATA, scorers=[scorer], notebook=notebook)
    assert len(asked) == 4  # the second evaluation replayed every verdict
    assert first.summary["grounded"] | {} == {"n": 4, "mean": 0.75, "low": first.summary["grounded"]["low"],
        "high": first.summary["grounded"]["high"], "judge_asked": 4, "judge_replayed": 0}  # fmt: skip
    assert again.summary["grounded"]["judge_replayed"] == 4 and again.summary["grounded"]["mean"] == 0.75  # fmt: skip
    assert first.entry == again.entry  # the same evaluation: one entry
    cached = list((project.mlops_dir / "cache" / "judges").rglob("*.json"))
    assert len(cached) == 4 and not list(
        (project.mlops_dir / "cache" / "judges").rglob(".verdict-*")
    )
    renamed = evaluate_llm(make_app(prompt), DATA, scorers=[judge(grounded, name="grounded-v2")], notebook=notebook)  # fmt: skip
    assert len(asked) == 8 and renamed.summary["grounded-v2"]["judge_asked"] == 4
