"""Alerts where people work: real events (sign-offs, failed and drifting batch runs, stale
approvals) sent to real local HTTP webhooks that first refuse, then accept; each event
delivered once, signed, without personal data; the outbox, ``mlops alerts`` and ``--retry``;
concurrent flushers; hostile configs."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jupyterlab_mlops.alerts import deliver, emit, outbox
from jupyterlab_mlops.alerts.events import Event, event_id, slack_body
from jupyterlab_mlops.approvals import approval_status, sign_off
from jupyterlab_mlops.batch.run import batch_run
from jupyterlab_mlops.config import ALERT_EVENTS, ProjectConfig, dump_config, load_config
from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.project import Project, find_project
from jupyterlab_mlops.reviews import request_review

from .helpers import ACTOR, make_notebook
from .helpers.batch import BUSINESS, CODE, PARAMETERS, approved_project
from .helpers.data_fixtures import write_credit_csv

SECRET = "s3cret-signing-key"
TOKEN = "T0KEN-xoxb-12345"  # in the configured URL: must never be shown


class Webhook:
    """A real HTTP server on 127.0.0.1: answers 500 while ``refusing``, else 200, and keeps
    every request it accepted. ``delay`` slows each answer (for the concurrency test)."""

    def __init__(self, port: int = 0, delay: float = 0.0) -> None:
        self.received: list[dict[str, Any]] = []
        self.posts = 0  # every request, refused or accepted
        self.refusing = True
        self.delay = delay
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.posts += 1
                time.sleep(hook.delay)
                if hook.refusing:
                    self.send_response(500)
                else:
                    hook.received.append({"path": self.path, "headers": dict(self.headers), "body": body})  # fmt: skip
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def ids(self) -> list[str]:
        return [r["headers"]["X-Mlops-Event-Id"] for r in self.received]


def free_port() -> int:
    """A port nothing listens on (yet): connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def with_alerts(project: Project, targets: list[dict[str, Any]], **more: Any) -> Project:
    fields = {**project.config.model_dump(), "alerts": targets, **more}
    (project.mlops_dir / "config").write_text(dump_config(ProjectConfig.model_validate(fields)))
    return find_project(project.root)


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


def waiting(project: Project) -> dict[str, dict[str, Any]]:
    """event name -> {webhook key: state} of what the outbox holds."""
    return {r.event.event: r.targets for r in outbox.records(project)}


def test_every_event_reaches_every_webhook_once_nothing_lost_while_down(
    tmp_path: Path, webhook: Webhook, monkeypatch: pytest.MonkeyPatch, mlops
) -> None:
    project, notebook = approved_project(tmp_path)
    slack_port = free_port()  # the Slack webhook is down: connections are refused
    monkeypatch.setenv("SLACK_WEBHOOK", f"http://127.0.0.1:{slack_port}/services/{TOKEN}")
    monkeypatch.setenv("ALERT_SECRET", SECRET)
    project = with_alerts(
        project,
        [
            {"url": f"http://127.0.0.1:{webhook.port}/hook/{TOKEN}", "format": "json",
             "events": list(ALERT_EVENTS), "secret_env": "ALERT_SECRET"},
            {"url_env": "SLACK_WEBHOOK", "format": "slack",
             "events": ["signoff.refused", "batch.failed", "drift.flagged", "approval.stale"]},
        ],
        lab_url="https://lab.example.com/user/team/lab/tree/credit",
    )  # fmt: skip

    # the events, each recorded by the code that records the fact
    request_review(project, notebook, role="business", actor=ACTOR, comment="Ada asks: look")
    refusal = "too risky for Bo's customers"
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="refuse", comment=refusal)
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="approve", comment="ok")
    failed = batch_run(project, notebook, {"n": -1}, actor=ACTOR)
    assert failed.entry.payload["status"] == "failed"
    csv = project.root / "data" / "applications.csv"
    frame = pd.read_csv(write_credit_csv(csv, rows=300, seed=5))
    frame["annual_income"] *= 1.6
    frame.to_csv(csv, index=False)
    drifted = batch_run(project, notebook, {"n": 1}, actor=ACTOR)
    assert drifted.ok and drifted.entry.payload["drift"]["flagged"]
    make_notebook(notebook, [PARAMETERS, CODE + "\n# edited"], tags={0: ["parameters"]})
    stale = approval_status(notebook, project)
    assert stale.stale_because and not stale.may_run
    approval_status(notebook, project)  # a panel refresh: the same change, no new event
    emit._seen.clear()  # another process refreshing: the outbox itself says it is queued
    approval_status(notebook, project)
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="revoke")
    expected = {"review.requested", "signoff.refused", "signoff.approved", "batch.failed", "drift.flagged",
                "approval.stale", "signoff.revoked"}  # fmt: skip

    # the commands did not wait for the webhooks; the background sender tried each event once
    assert deliver.drain(15)
    held = waiting(project)
    assert set(held) == expected and len(outbox.records(project)) == len(expected)
    json_key, slack_key = (outbox.target_key(t) for t in project.config.alerts)
    for name, targets in held.items():
        assert targets[json_key]["attempts"] == 1 and "HTTP 500" in targets[json_key]["last_error"]
        if name in project.config.alerts[1].events:
            assert "Connection refused" in targets[slack_key]["last_error"]
    assert {len(t) for t in held.values()} == {1, 2}  # the Slack webhook hears of four only

    listed = mlops("alerts", cwd=project.root)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count("FAILED") == 11 and "signoff.revoked score.ipynb" in listed.stdout
    assert "http://127.0.0.1/…" in listed.stdout and "$SLACK_WEBHOOK" in listed.stdout
    still_down = mlops("alerts", "--retry", "--json", cwd=project.root)
    assert still_down.returncode == 1, still_down.stderr
    report = json.loads(still_down.stdout)
    assert len(report["retried"]) == 11 and all(r["error"] for r in report["retried"])
    shown = (
        listed.stdout
        + still_down.stdout
        + "".join(p.read_text() for p in outbox.folder(project).rglob("*") if p.is_file())
    )
    assert TOKEN not in shown  # the configured URL is masked everywhere

    # backoff: after two failures the next try is a minute away; the clock is injectable
    state = outbox.records(project)[0].targets[json_key]
    assert state["attempts"] == 2 and 55 < state["next_at"] - time.time() <= 61
    assert deliver.flush(project).attempts == []  # nothing due yet
    later = time.time() + 61
    assert len(deliver.flush(project, clock=lambda: later).attempts) == 11
    assert outbox.records(project)[0].targets[json_key]["next_at"] >= later + 120

    # the webhooks come back: --retry sends all of it, once
    webhook.refusing = False
    slack = Webhook(slack_port)
    slack.refusing = False
    try:
        done = mlops("alerts", "--retry", cwd=project.root)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "11 sent, 0 failed" in done.stdout and "nothing waiting" in done.stdout
        assert outbox.records(project) == []
        sign_off(project, notebook, role="business", actor=BUSINESS, decision="revoke")
        assert deliver.drain(10)
        assert sorted(json.loads(r["body"])["event"] for r in webhook.received) == sorted(
            [*expected, "signoff.revoked"]
        )
        assert len(set(webhook.ids())) == len(webhook.ids()) == 8  # each id once
        assert len(set(slack.ids())) == len(slack.ids()) == 4
    finally:
        slack.close()

    # json: the event object, signed over the exact bytes
    for request in webhook.received:
        body, headers = request["body"], request["headers"]
        signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Mlops-Signature"] == f"sha256={signature}"
        event = json.loads(body)
        assert headers["X-Mlops-Event-Id"] == event["id"] and event["project"] == "credit"
        assert event["notebook"] == "score.ipynb" and event["summary"]
        assert event["links"]["notebook"] == "https://lab.example.com/user/team/lab/tree/credit/score.ipynb"  # fmt: skip
    by_name = {json.loads(r["body"])["event"]: json.loads(r["body"]) for r in webhook.received}
    assert by_name["signoff.refused"]["role"] == by_name["review.requested"]["role"] == "business"
    assert by_name["batch.failed"]["ids"]["batch_id"] == failed.entry.payload["batch_id"]
    assert by_name["batch.failed"]["details"] == {"cell": 2, "error_type": "ValueError"}
    assert by_name["drift.flagged"]["ids"]["mlflow_run_id"] == drifted.entry.payload["mlflow_run_id"]  # fmt: skip
    assert "applications.annual_income" in by_name["drift.flagged"]["summary"]
    assert "the notebook's code" in by_name["approval.stale"]["details"]["changed"]
    emit._seen.clear()  # noticed again by another process: delivered already, not queued
    assert emit.queue(project, Event.from_json(by_name["approval.stale"])) is None
    assert outbox.records(project) == []
    # no personal data, no typed text, no data values, in either format
    everything = b"".join(r["body"] for r in [*webhook.received, *slack.received]).decode()
    for private in (
        "Bo",
        "bo@",
        "Ada",
        "ada@",
        "Lovelace",
        "too risky",
        "must be at least",
        '"parameters"',
    ):
        assert private not in everything, private
    texts = [json.loads(r["body"]) for r in slack.received]
    assert all(set(t) == {"text"} for t in texts)
    assert any("<https://lab.example.com/user/team/lab/tree/credit/score.ipynb|notebook>" in t["text"] for t in texts)  # fmt: skip


def test_two_flushers_at_once_send_each_event_once(tmp_path: Path, project: Project) -> None:
    hook = Webhook(delay=0.02)
    hook.refusing = False
    try:
        project = with_alerts(
            project, [{"url": f"http://127.0.0.1:{hook.port}/", "events": ["batch.failed"]}]
        )
        for n in range(40):  # queued, not sent: as if each process had died before sending
            event = Event(
                event_id("batch.failed", n=n), "batch.failed", "credit", "a.ipynb", f"{n}"
            )
            outbox.enqueue(project, event, project.config.alerts, time.time())
        assert len(outbox.records(project)) == 40
        flusher = "from jupyterlab_mlops.alerts import retry; from jupyterlab_mlops.project import find_project; print(len(retry(find_project('.')).attempts))"  # fmt: skip
        runs = [
            subprocess.Popen(
                [sys.executable, "-c", flusher], cwd=project.root, stdout=subprocess.PIPE, text=True
            )
            for _ in range(3)
        ]
        threads = [threading.Thread(target=deliver.flush, args=(project,), kwargs={"wait": 20}) for _ in range(2)]  # fmt: skip
        for thread in threads:
            thread.start()
        counts = [int(run.communicate(timeout=60)[0]) for run in runs]
        for thread in threads:
            thread.join(60)
        assert len(hook.ids()) == len(set(hook.ids())) == 40, counts
        assert outbox.records(project) == [] and len(outbox.sent_ids(project)) == 40
        # queued again after delivery: refused by id
        again = Event(event_id("batch.failed", n=3), "batch.failed", "credit", "a.ipynb", "3")
        assert not outbox.enqueue(project, again, project.config.alerts, time.time())
    finally:
        hook.close()


def test_no_alerts_configured_costs_nothing_and_errors_never_reach_the_command(
    tmp_path: Path,
) -> None:
    project, notebook = approved_project(tmp_path)
    before = set(threading.enumerate())
    sign_off(project, notebook, role="business", actor=BUSINESS, decision="revoke")
    assert not (project.mlops_dir / "cache" / "alerts").exists()
    assert {t.name for t in set(threading.enumerate()) - before} == set()
    # configured, but the outbox cannot be written: the sign-off is still recorded
    project = with_alerts(project, [{"url": "http://127.0.0.1:9/", "events": ["signoff.approved"]}])  # fmt: skip
    (project.mlops_dir / "cache").mkdir(exist_ok=True)
    (project.mlops_dir / "cache" / "alerts").write_text("not a folder")
    entry = sign_off(project, notebook, role="business", actor=BUSINESS, decision="approve", comment="ok")  # fmt: skip
    assert entry.kind == "approval.granted"
    assert emit.signoff_recorded(project, entry) is None
    # a webhook that does not answer: the command ends anyway, at most 2 s after its work
    (project.mlops_dir / "cache" / "alerts").unlink()
    silent = Webhook(delay=30)
    try:
        with_alerts(project, [{"url": f"http://127.0.0.1:{silent.port}/", "events": ["signoff.revoked"]}])  # fmt: skip
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "jupyterlab_mlops.cli", "revoke", "score.ipynb", "--role", "business"],
            cwd=project.root, env={**os.environ, "MLOPS_USER": BUSINESS}, capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert time.monotonic() - started < 15  # not the webhook's 30 s
        (record,) = outbox.records(find_project(project.root))  # not lost: still queued
        assert record.event.event == "signoff.revoked"
    finally:
        silent.server.server_close()


def test_slack_text_is_escaped() -> None:
    event = Event("x" * 32, "batch.failed", "a&b", "<!channel>.ipynb", "run of <!here> & co",
                  links={"notebook": "https://lab/x?a=1&b=2"})  # fmt: skip
    text = json.loads(slack_body(event))["text"]
    assert "<!" not in text and "&amp;" in text and "&lt;!channel&gt;" not in text
    assert text.startswith("*a&amp;b*: run of &lt;!here&gt; &amp; co (<https://lab/x?a=1&amp;b=2|notebook>)")  # fmt: skip


BAD = [
    ({"url": "https://h/x", "url_env": "X", "events": ["batch.failed"]}, "either url or url_env"),
    ({"events": ["batch.failed"]}, "either url or url_env"),
    ({"url": f"ftp://h/{TOKEN}", "events": ["batch.failed"]}, "http:// or https://"),
    ({"url": f"javascript:{TOKEN}", "events": ["batch.failed"]}, "http:// or https://"),
    ({"url_env": "X", "events": ["batch.failled"]}, "unknown event 'batch.failled'"),
    ({"url_env": "X", "events": []}, "at least 1"),
    ({"url_env": "X", "events": ["batch.failed", "batch.failed"]}, "listed twice"),
    ({"url_env": "X-Y", "events": ["batch.failed"]}, "environment variable name"),
    ({"url_env": "X", "format": "xml", "events": ["batch.failed"]}, "format"),
    (
        {"url_env": "X", "format": "slack", "secret_env": "S", "events": ["batch.failed"]},
        "secret_env",
    ),
    ({"url_env": "X", "events": ["batch.failed"], "token": TOKEN}, "token"),
]


@pytest.mark.parametrize(("alert", "message"), BAD)
def test_bad_alert_configs_are_refused_clearly(tmp_path: Path, alert: dict, message: str) -> None:
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump({"name": "x", "alerts": [alert]}))
    with pytest.raises(MlopsError, match=message) as caught:
        load_config(path)
    assert str(path) in caught.value.message and "alerts.0" in caught.value.message
    assert TOKEN not in str(caught.value) or message == "token"


ALERT = st.fixed_dictionaries(
    {},
    optional={
        "url": st.one_of(st.text(max_size=30), st.just(f"https://h/{TOKEN}"), st.integers()),
        "url_env": st.one_of(st.text(max_size=10), st.just("HOOK")),
        "format": st.one_of(st.sampled_from(["slack", "json"]), st.text(max_size=5)),
        "events": st.lists(
            st.one_of(st.sampled_from(ALERT_EVENTS), st.text(max_size=8)), max_size=4
        ),
        "secret_env": st.one_of(st.none(), st.text(max_size=8), st.just("KEY")),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(entries=st.one_of(st.lists(ALERT, max_size=3), st.text(max_size=20), st.integers()),
       lab=st.one_of(st.none(), st.text(max_size=20), st.just("https://lab/x?token=T")))  # fmt: skip
def test_any_alerts_config_is_read_or_refused_with_one_error(
    tmp_path: Path, entries: Any, lab: Any
) -> None:
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump({"name": "x", "alerts": entries, "lab_url": lab}))
    try:
        config = load_config(path)
    except MlopsError as exc:
        assert str(path) in exc.message and exc.hint
        assert f"/{TOKEN}" not in exc.message
    else:  # what was read is valid: each webhook has one http(s) address
        for target in config.alerts:
            assert (target.url is None) != (target.url_env is None)
            assert target.url is None or target.url.startswith(("http://", "https://"))
            assert TOKEN not in target.where
        assert load_config(path) == config
        path.write_text(dump_config(config))
        assert load_config(path) == config  # written back, read the same


def test_the_server_retry_sends_what_is_due_for_the_projects_it_knows(project: Project) -> None:
    hook = Webhook()
    hook.refusing = False
    try:
        project = with_alerts(
            project, [{"url": f"http://127.0.0.1:{hook.port}/", "events": ["batch.failed"]}]
        )
        event = Event(event_id("batch.failed", n=1), "batch.failed", "credit", "a.ipynb", "1")
        outbox.enqueue(project, event, project.config.alerts, time.time())  # a CLI that died
        deliver.retry_known()  # what the server's PeriodicCallback calls: it does not know it
        assert deliver.drain(10) and outbox.records(project)
        deliver.note(project)  # its panel was shown (approval_status notes it)
        deliver.retry_known()
        assert deliver.drain(10) and outbox.records(project) == []
        assert hook.ids() == [event.id]
        # a webhook taken out of the config is dropped from the outbox, not tried for ever
        other = Event(event_id("batch.failed", n=2), "batch.failed", "credit", "a.ipynb", "2")
        outbox.enqueue(project, other, project.config.alerts, time.time())
        project = with_alerts(project, [{"url_env": "ELSEWHERE", "events": ["batch.failed"]}])
        (attempt,) = deliver.flush(project).attempts
        assert attempt[2].startswith("dropped") and outbox.records(project) == []
        assert hook.ids() == [event.id]
    finally:
        hook.close()


def test_a_failing_webhook_is_asked_once_a_pass(project: Project, webhook: Webhook) -> None:
    project = with_alerts(
        project, [{"url": f"http://127.0.0.1:{webhook.port}/", "events": ["batch.failed"]}]
    )
    for n in range(5):
        event = Event(event_id("batch.failed", n=n), "batch.failed", "credit", "a.ipynb", f"{n}")
        outbox.enqueue(project, event, project.config.alerts, time.time())
    done = deliver.flush(project)
    assert len(done.failed) == 5 and {a[2] for a in done.failed} == {
        "HTTP 500 from http://127.0.0.1/…"
    }
    assert [t["attempts"] for r in outbox.records(project) for t in r.targets.values()] == [1] * 5
    assert webhook.posts == 1  # one request: the others were not sent to a webhook that failed
