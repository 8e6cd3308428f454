"""Prompt registration and LLM evaluation, against MLflow's own calls in the same run.

* register unchanged: ``jupyterlab_mlops.prompt``'s core (``register_prompt``) on text the
  newest version already holds (no new version, no new entry), against the registry lookup
  it needs (MLflow's ``get_prompt`` + ``search_prompt_versions``) and against MLflow's own
  ``register_prompt`` (which makes a new version every time).
* evaluate: ``evaluate_llm`` over 500 records with the deterministic scorers (outside a run:
  the scoring, not the logging), against calling the same app 500 times in a plain loop.
  Two apps: the support-assistant example's stand-in model (well under a millisecond: the
  worst case for the ratio) and the same app with 10 ms of latency added (a fast real model
  is 100 times slower still).

Goals (issue 18): under 20 ms beyond the lookup; at most 10% added to the app's own time.
The scoring and the bootstrap intervals cost a fixed ~50 µs per example, so the stand-in
(~25 µs per call) sees a large ratio and any app slower than ~0.5 ms per call stays under 10%.
Medians of the rounds, order alternated. usage: python -m bench.bench_prompts [--rounds 7]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

from . import _goals
from ._util import median

ACTOR = "Bench <bench@example.com>"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "support-assistant"
TEMPLATE = "Answer from the FAQ only.\nFAQ:\n{{faq}}\nQuestion: {{question}}"


def _stand_in() -> object:
    spec = importlib.util.spec_from_file_location("assistant_model", EXAMPLE / "assistant_model.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["assistant_model"] = module
    spec.loader.exec_module(module)
    return module.client_for("stand-in")


def _apps(prompt: object) -> dict[str, object]:
    import csv

    client = _stand_in()
    with open(EXAMPLE / "sources" / "faq.csv", newline="") as f:
        faq = "\n".join(f"Q: {r['question']}\nA: {r['answer']}" for r in csv.DictReader(f))

    def stand_in(question: str) -> str:
        messages = [{"role": "system", "content": prompt.format(faq=faq, question=question)},
                    {"role": "user", "content": question}]  # fmt: skip
        return client.chat.completions.create(model="stand-in", messages=messages).choices[0].message.content  # fmt: skip

    def slow(question: str) -> str:
        time.sleep(0.010)
        return stand_in(question)

    return {"stand-in": stand_in, "stand-in + 10 ms": slow}


def _records(n: int) -> list[dict]:
    import csv

    with open(EXAMPLE / "sources" / "evaluation.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        {"inputs": {"question": rows[i % len(rows)]["question"]},
         "expectations": {"expected_facts": [rows[i % len(rows)]["expected_fact"]]}}
        for i in range(n)
    ]  # fmt: skip


def run(rounds: int = 7, examples: int = 500) -> dict[str, float]:
    import mlflow

    from jupyterlab_mlops.experiments.store import client, prepare
    from jupyterlab_mlops.project import init_project
    from jupyterlab_mlops.prompts.api import register_prompt
    from jupyterlab_mlops.prompts.evaluate import evaluate_llm

    result: dict[str, float] = {"rounds": rounds, "examples": examples}
    with tempfile.TemporaryDirectory() as tmp:
        project = init_project(Path(tmp), name="bench", template="llm", risk_tier="limited", actor=ACTOR)  # fmt: skip
        prompt = register_prompt(project, "faq-answer", TEMPLATE, actor=ACTOR)
        prepare(project)
        mlflow_client = client(project)
        ours, lookup, theirs = [], [], []
        for index in range(rounds):
            order = ("ours", "lookup", "theirs") if index % 2 == 0 else ("theirs", "lookup", "ours")
            for side in order:
                started = time.perf_counter()
                if side == "ours":
                    again = register_prompt(project, "faq-answer", TEMPLATE, actor=ACTOR)
                    assert not again.created
                    ours.append(time.perf_counter() - started)
                elif side == "lookup":
                    mlflow_client.get_prompt("faq-answer")
                    mlflow_client.search_prompt_versions("faq-answer")
                    lookup.append(time.perf_counter() - started)
                else:
                    mlflow.genai.register_prompt("mlflow-peer", TEMPLATE)
                    theirs.append(time.perf_counter() - started)
        result |= {
            "register_unchanged_ms": median(ours) * 1000,
            "registry_lookup_ms": median(lookup) * 1000,
            "beyond_lookup_ms": (median(ours) - median(lookup)) * 1000,
            "mlflow_register_prompt_ms": median(theirs) * 1000,
        }
        data = _records(examples)
        for label, app in _apps(prompt).items():
            plain, scored = [], []
            app_rounds = rounds if label == "stand-in" else max(3, rounds // 2)
            for index in range(app_rounds):
                for side in ("plain", "scored") if index % 2 == 0 else ("scored", "plain"):
                    started = time.perf_counter()
                    if side == "plain":
                        for record in data:
                            app(**record["inputs"])
                        plain.append(time.perf_counter() - started)
                    else:
                        evaluate_llm(app, data, notebook=project.root / "none.ipynb", resamples=1000)  # fmt: skip
                        scored.append(time.perf_counter() - started)
            result[f"{label}: app loop_s"] = median(plain)
            result[f"{label}: evaluate_llm_s"] = median(scored)
            result[f"{label}: added"] = median(scored) / median(plain) - 1
    print(
        f"register unchanged {result['register_unchanged_ms']:.1f} ms, of which the registry "
        f"lookup {result['registry_lookup_ms']:.1f} ms: {result['beyond_lookup_ms']:.1f} ms beyond it "
        f"(goal < 20 ms); MLflow's register_prompt {result['mlflow_register_prompt_ms']:.1f} ms"
    )
    _goals.report(
        "prompt register (unchanged), beyond the registry lookup",
        result["beyond_lookup_ms"] / 1000,
        "<",
        0.020,
        "ms",
    )
    for key in [k for k in result if k.endswith(": added")]:
        label = key.removesuffix(": added")
        print(
            f"{examples} examples, {label}: app alone {result[f'{label}: app loop_s']:.3f} s, "
            f"evaluate_llm {result[f'{label}: evaluate_llm_s']:.3f} s: +{result[key]:.1%} "
            "(goal <= 10%)"
        )
        _goals.report(f"evaluate_llm, {label}, time added to the app", result[key], "<=", 0.10, "%")
    print(f"medians of {rounds} rounds")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--examples", type=int, default=500)
    args = parser.parse_args()
    run(args.rounds, args.examples)


if __name__ == "__main__":
    main()
