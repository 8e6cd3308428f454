"""A real JupyterLab (auth on) and a real headless Chromium for browser tests."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass
class Lab:
    url: str  # base URL, ends with '/'
    token: str
    root: Path
    log: Path

    def page_url(self, path: str) -> str:
        return f"{self.url}{path}?token={self.token}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_settings(settings: Path, theme: str) -> None:
    quiet = settings / "@jupyterlab" / "apputils-extension"
    quiet.mkdir(parents=True, exist_ok=True)
    (quiet / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    (quiet / "themes.jupyterlab-settings").write_text(json.dumps({"theme": theme}))


def this_checkout(tmp_path: Path) -> dict[str, str]:
    """Environment for a JupyterLab that runs this checkout, not whichever one the venv's
    editable install points at: its Python package first on ``PYTHONPATH``, and its built
    ``labextension/`` first on ``JUPYTER_PATH`` (JupyterLab takes the first extension of a
    name it finds there)."""
    env = {
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO / "python"), os.environ.get("PYTHONPATH")])
        )
    }
    built = REPO / "labextension"
    if (built / "package.json").is_file():
        data = tmp_path / "jupyter-path"
        (data / "labextensions").mkdir(parents=True, exist_ok=True)
        link = data / "labextensions" / "jupyterlab-mlops"
        if not link.exists():
            link.symlink_to(built, target_is_directory=True)
        env["JUPYTER_PATH"] = os.pathsep.join(
            filter(None, [str(data), os.environ.get("JUPYTER_PATH")])
        )
    return env


@pytest.fixture
def start_lab(tmp_path: Path) -> Iterator:
    """Start JupyterLab on a prepared root folder; stops it after the test."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(root: Path, theme: str = "JupyterLab Light") -> Lab:
        token = secrets.token_hex(16)
        port = _free_port()
        settings, workspaces = tmp_path / "settings", tmp_path / "workspaces"
        _write_settings(settings, theme)
        workspaces.mkdir(exist_ok=True)
        log = ARTIFACTS / f"jupyterlab-{port}.log"
        ARTIFACTS.mkdir(exist_ok=True)
        env = {
            **os.environ,
            **this_checkout(tmp_path),
            "MLOPS_USER": "Grace Hopper <grace@example.com>",
            "JUPYTER_PLATFORM_DIRS": "1",
        }
        args = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={workspaces}",
            "--ServerApp.allow_root=True", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]  # fmt: skip
        proc = subprocess.Popen(
            args, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env, cwd=root
        )
        procs.append(proc)
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2):
                    return Lab(url, token, root, log)
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"JupyterLab did not start: {log.read_text()[-2000:]}")

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def browser() -> Iterator:
    """One browser per test: Playwright's sync API must not outlive the test that uses it,
    or the asyncio loop it leaves running breaks later async (pytest-jupyter) tests."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Chromium is missing: run `make test` (it installs Debian's chromium) or apt-get install chromium"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    """Keep each phase's report on the test, so the ``page`` fixture knows it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator:
    """A page at 1400 x 900; when the test fails, what it showed is saved as
    ``test-artifacts/failed-TEST.png`` for a person to look at."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    # JupyterLab may ask which kernel to start when the notebook's own kernel is slow to come
    # up (seen once with two test workers on 2 cores): answer as a person would, with the one
    # it proposes; no test expects that question
    asks_for_kernel = page.locator(".jp-Dialog").filter(has_text="Select kernel for")
    page.add_locator_handler(
        asks_for_kernel,
        lambda dialog: dialog.get_by_role("button", name="Select", exact=True).click(),
    )
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        name = "".join(c if c.isalnum() or c in "-_" else "_" for c in request.node.name)
        ARTIFACTS.mkdir(exist_ok=True)
        with contextlib.suppress(Exception):  # the page may be gone: the failure is what counts
            page.screenshot(path=str(ARTIFACTS / f"failed-{name}.png"))
    context.close()
