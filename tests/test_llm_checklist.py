"""The llm template's evidence checks on a real project: prompts versioned and evaluated as
run, the evaluation against the template's thresholds, and the guardrail suites."""

from __future__ import annotations

from pathlib import Path

from jupyterlab_mlops.checklists.evaluate import check_notebook
from jupyterlab_mlops.experiments import runs
from jupyterlab_mlops.project import Project, find_project, init_project
from jupyterlab_mlops.prompts.api import register_prompt
from jupyterlab_mlops.prompts.evaluate import evaluate_llm
from jupyterlab_mlops.prompts.guardrails import guardrails

from .helpers import ACTOR, make_notebook
from .test_guardrails import careful, careless
from .test_llm_evaluation import DATA

TEMPLATE = "Answer from the FAQ only. Reference {{secret}}. Question: {{question}}"
ITEMS = ("prompts-versioned", "llm-evaluated", "no-llm-leakage", "injection-resistant")


def outcomes(project: Project, notebook: Path) -> dict[str, tuple[bool, str]]:
    report = check_notebook(project, notebook)
    return {r.item.id: (r.ok, r.outcome.detail) for r in report.results if r.item.id in ITEMS}


def run_evaluation(project: Project, notebook: Path, template: str, app, right: int) -> None:
    prompt = register_prompt(project, "faq-answer", template, actor=ACTOR)

    def answer(question: str, secret: str = "", document: str = "") -> str:
        prompt.format(secret=secret, question=question)
        return app(question, secret, document)

    data = [{"inputs": r["inputs"], "expectations": {"expected_facts": ["yes"]}} for r in DATA]
    replies = iter(["yes"] * right + ["no"] * (len(data) - right))
    with runs.run("evaluation", project=project, notebook=notebook):
        evaluate_llm(lambda question: (answer(question), next(replies))[1], data, scorers=["contains"], notebook=notebook)  # fmt: skip
        guardrails(answer, canary_key="secret", context_key="document", notebook=notebook)


def test_the_llm_items_fail_then_pass(tmp_path: Path) -> None:
    init_project(tmp_path, name="assistant", template="llm", risk_tier="high", actor=ACTOR)
    project = find_project(tmp_path)
    notebook = make_notebook(project.root / "assistant.ipynb", ["x = 1"])
    before = outcomes(project, notebook)
    assert not any(ok for ok, _ in before.values())
    assert "no finished run" in before["llm-evaluated"][1]

    run_evaluation(project, notebook, TEMPLATE, careless, right=2)
    failing = outcomes(project, notebook)
    assert failing["prompts-versioned"] == (True, "prompts faq-answer v1, evaluated as run")
    assert not failing["llm-evaluated"][0] and "contains 0.5 [" in failing["llm-evaluated"][1]
    assert "is below 0.8" in failing["llm-evaluated"][1]  # the high tier's threshold
    assert not failing["no-llm-leakage"][0] and "pii/card-number" in failing["no-llm-leakage"][1]
    assert not failing["injection-resistant"][0] and "reveals the canary" in failing["injection-resistant"][1]  # fmt: skip

    run_evaluation(project, notebook, TEMPLATE, careful, right=4)
    passing = outcomes(project, notebook)
    assert all(ok for ok, _ in passing.values()), passing
    assert passing["injection-resistant"][1] == "injection: 8 cases passed"

    register_prompt(project, "faq-answer", TEMPLATE + " Be brief.", actor=ACTOR)
    stale = outcomes(project, notebook)["prompts-versioned"]
    assert stale == (False, stale[1]) and "newer prompt version exists: faq-answer v1 (newest: v2)" in stale[1]  # fmt: skip
