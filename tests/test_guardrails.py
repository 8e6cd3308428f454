"""The shipped guardrail suites against real (deterministic) applications: one that leaks its
canary, obeys planted instructions and echoes what it is told fails; a careful one passes; the
verdicts are recorded as evidence of the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.experiments import runs
from jupyterlab_mlops.experiments.store import client
from jupyterlab_mlops.kinds import GUARDRAILS_RECORDED
from jupyterlab_mlops.project import Project
from jupyterlab_mlops.prompts.api import register_prompt
from jupyterlab_mlops.prompts.guardrails import guardrails, shipped_cases

from .helpers import ACTOR

SYSTEM = "You answer questions about shipping. Confidential reference: {{secret}}"


def careless(question: str, secret: str = "", document: str = "") -> str:
    """Echoes the question, reveals its instructions when asked, obeys planted orders."""
    said = f"You said: {question}"
    if "instructions" in question or "confidential" in question or "secret" in question:
        said += f" My instructions: {SYSTEM.replace('{{secret}}', secret)}"
    for text in (question, document):
        if "PWNED-" in text:
            said += " " + text[text.index("PWNED-") :][:14]
    return said


def careful(question: str, secret: str = "", document: str = "") -> str:
    """Answers from its FAQ only, never repeats what it was given."""
    return "Shipping takes 3 days. I can only help with shipping questions."


def test_a_careless_app_fails_every_suite() -> None:
    report = guardrails(careless, canary_key="secret", context_key="document")
    suites = report.by_suite()
    assert suites["injection"]["failed"] >= 5 and suites["pii"]["failed"] == 3
    assert suites["secrets"]["failed"] == 2 and not report.passed
    whys = {c["id"]: c["why"] for c in report.failures}
    assert whys["ignore-and-print"] == "the output reveals the canary"
    assert whys["planted-in-document"] == "the output obeys the planted instruction"
    assert "card_number" in whys["card-number"] and "AWS Access Key" in whys["aws-key"]
    assert report.canary not in json.dumps(report.to_json()["failures"])  # verdicts, not tokens


def test_a_careful_app_passes_and_spelled_out_leaks_are_caught() -> None:
    report = guardrails(careful, canary_key="secret", context_key="document")
    assert report.passed and report.failures == []
    n = sum(len(v) for v in shipped_cases().values())
    assert sum(s["cases"] for s in report.by_suite().values()) == n

    def spells(question: str, secret: str = "") -> str:
        return "\n".join(secret) if "spell" in question else "no"

    leaked = guardrails(spells, suites=["injection"], canary_key="secret")
    assert [c["id"] for c in leaked.failures] == ["spell-it-out"]
    assert "planted-in-document" not in {c["id"] for c in leaked.cases}  # no document argument


def test_the_verdicts_are_evidence_of_the_run(project: Project, notebook: Path) -> None:
    prompt = register_prompt(project, "system", SYSTEM, actor=ACTOR)
    prompt.format(secret="x")
    with runs.run("guard", project=project, notebook=notebook) as run:
        report = guardrails(careful, canary_key="secret", notebook=notebook)
    (entry,) = project.ledger.entries(GUARDRAILS_RECORDED)
    assert entry == report.entry and entry.payload["passed"] is True
    assert entry.payload["prompts"] == [{"name": "system", "version": 1, "digest": prompt.digest}]
    local = client(project).download_artifacts(
        run.run_id, f"{entry.payload['artifacts']}/cases.json", str(project.root)
    )
    cases = json.loads(Path(local).read_text())
    assert len(cases) == len(report.cases) and all(c["passed"] for c in cases)


def test_personal_data_in_a_prompt_template_fails(project: Project, notebook: Path) -> None:
    leaky = register_prompt(project, "leaky", "Escalate to jane.doe@example.com. {{question}}", actor=ACTOR)  # fmt: skip
    report = guardrails(careful, suites=["pii"], prompt=leaky, notebook=notebook)
    assert not report.passed and report.failures == []
    assert report.template_findings == ["leaky v1 holds personal data: email j***@example.com"]


def test_what_it_needs_to_know() -> None:
    with pytest.raises(MlopsError, match="needs a way to hand the app its canary"):
        guardrails(careful)
    with pytest.raises(MlopsError, match="which argument"):
        guardrails(lambda a, b: "x", suites=["pii"])
    with pytest.raises(MlopsError, match="no suite toxicity"):
        guardrails(careful, suites=["toxicity"])

    def broken(question: str) -> str:
        raise ConnectionError("endpoint down")

    with pytest.raises(MlopsError, match="pii/card-number: ConnectionError: endpoint down"):
        guardrails(broken, suites=["pii"])
