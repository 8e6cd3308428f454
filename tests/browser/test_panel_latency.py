"""How long the panel takes to show a change in real Chromium: from a refresh to the new entry
on screen (REST round trip + render), for a 300-cell notebook and a 10,000-entry ledger.

The figures go to test-artifacts/panel-latency.json; nothing here asserts a time (speed is
measured, not asserted: the goal of issue 6 is a p95 under 150 ms, reported in the notes).
What is asserted is that every change reached the screen.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from jupyterlab_mlops.decisions import record_decision

from .conftest import ARTIFACTS
from .jlab import open_notebook, open_panel

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CELLS, ENTRIES, ROUNDS = 300, 10_000, 20

# click Refresh, then wait until the entry titled `title` is in the DOM and painted
MEASURE = """async title => {
  const panel = document.querySelector('.jp-mlops-panel');
  const shown = () => Array.from(panel.querySelectorAll('.jp-mlops-entry-summary'))
    .some(e => e.textContent === title);
  const t0 = performance.now();
  panel.querySelector('.jp-mlops-refresh').click();
  await new Promise(resolve => {
    if (shown()) return resolve();
    const observer = new MutationObserver(() => {
      if (shown()) { observer.disconnect(); resolve(); }
    });
    observer.observe(panel, { subtree: true, childList: true, characterData: true });
  });
  const rendered = performance.now() - t0;
  await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const painted = performance.now() - t0;
  const requests = performance.getEntriesByType('resource')
    .filter(r => r.name.includes('/mlops/api/notebook') && r.startTime >= t0);
  const rest = requests.length ? requests[requests.length - 1].duration : null;
  return { rendered, painted, rest };
}"""


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def test_panel_shows_a_change_quickly(start_lab, page: Page, tmp_path: Path) -> None:
    from bench.bench_check import build_project

    started = time.monotonic()
    project, notebook = build_project(tmp_path / "root" / "bench", CELLS, ENTRIES)
    built = time.monotonic() - started
    # no polling: only the Refresh clicks below fetch
    settings = tmp_path / "settings" / "jupyterlab-mlops"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"refreshInterval": 0}))
    lab = start_lab(tmp_path / "root")
    open_notebook(page, lab, "bench/train.ipynb")
    panel = open_panel(page)
    timeline = panel.get_by_test_id("mlops-section-timeline").locator(".jp-mlops-section-toggle")
    expect(timeline).to_be_visible(timeout=60_000)
    if timeline.get_attribute("aria-expanded") == "false":
        timeline.click()  # folded by default: the panel leads with what needs the user
    expect(panel.locator(".jp-mlops-timeline")).to_be_visible(timeout=60_000)

    rounds = []
    for index in range(ROUNDS + 8):  # the first eight warm up (caches, the kernel starting)
        title = f"round {index}"
        record_decision(
            project, title=title, why="w", tags=["data"], actor="bench", notebook=notebook
        )
        rounds.append(page.evaluate(MEASURE, f"decision: {title}"))
    rounds = rounds[8:]
    painted = [r["painted"] for r in rounds]
    rest = [r["rest"] for r in rounds if r["rest"] is not None]
    render = [r["rendered"] - r["rest"] for r in rounds if r["rest"] is not None]
    figures = {
        "cells": CELLS,
        "ledger_entries": ENTRIES,
        "rounds": ROUNDS,
        "timeline_rows": panel.locator(".jp-mlops-entry").count(),
        "project_build_s": round(built, 1),
        "change_to_paint_ms": {
            "median": round(statistics.median(painted), 1),
            "p95": round(_p95(painted), 1),
            "max": round(max(painted), 1),
        },
        "rest_round_trip_ms": {
            "median": round(statistics.median(rest), 1) if rest else None,
            "p95": round(_p95(rest), 1) if len(rest) > 1 else None,
        },
        "dom_updated_after_response_ms": {
            "median": round(statistics.median(render), 1) if render else None,
            "p95": round(_p95(render), 1) if len(render) > 1 else None,
        },
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "panel-latency.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures))
    assert len(painted) == ROUNDS and len(rest) == ROUNDS  # each refresh asked the server
