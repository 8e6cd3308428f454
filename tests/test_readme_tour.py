"""The README's tour, followed literally on a fresh copy of the repository.

The test reads the tour from README.md (it keeps no copy of the commands), from its heading to
the next ``## `` heading, and does what it says, in order:

- every ```` ```sh ```` block runs in a real bash, one command per line, in one shell session
  that starts at the repository root (``cd``, ``source`` and exports carry over from block to
  block); each line must exit 0, unless its comment says ``exit status N``;
- ``<!-- tour: make example -->`` marks step 1: what ``make lab`` does before it starts
  JupyterLab (``make example``: generate the data, ``mlops init``), run through the real
  Makefile;
- ``<!-- tour: run-all PATH -->`` marks a Run All in JupyterLab: every cell of the notebook in
  one fresh kernel, sent as JupyterLab sends it (the cell's id, the session's notebook path),
  then the notebook saved with its outputs;
- ``<!-- tour: open PATH -->`` marks opening a generated document: it must be there, whole and
  self-contained (HTML that asks for nothing from elsewhere).

The copy is a git repository with one commit (a fresh clone), the example without its data,
``.mlops/`` or outputs, and ``.venv`` pointing at the environment running the tests, whose
``bin/`` also comes first on ``PATH``. Nobody sets ``MLOPS_USER``: the newcomer acts as the
clone's git identity.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .helpers.lab_kernel import run_all_cells

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
TOUR_HEADING = re.compile(r"^## A \d+-minute tour\s*$", re.M)
FENCE = re.compile(r"^[ \t]*```(\w*)[ \t]*\n(.*?)^[ \t]*```[ \t]*$", re.M | re.S)
MARKER = re.compile(r"<!--\s*tour:\s*(.*?)\s*-->")
EXPECTED = re.compile(r"#.*\bexit status (\d+)")
SHELL_FENCES = {"sh", "bash", "console", "shell"}
RUN = {"sh"}  # fences the tour runs; the others in SHELL_FENCES must not appear in the tour
IDENTITY = ("Ada Lovelace", "ada@example.com")


@dataclass(frozen=True)
class Step:
    kind: str  # "sh" or "marker"
    text: str  # the block's commands, or the marker's action


def tour_steps(readme: str) -> list[Step]:
    """The tour section's sh blocks and markers, in the order they stand."""
    start = TOUR_HEADING.search(readme)
    assert start, "README.md has no '## A N-minute tour' section"
    end = readme.find("\n## ", start.end())
    section = readme[start.end() : end if end != -1 else None]
    section = re.sub(r"^<!--\n.*?^-->\n", "", section, flags=re.M | re.S)  # the convention
    found: list[tuple[int, Step]] = []
    for fence in FENCE.finditer(section):
        language, body = fence.group(1), fence.group(2)
        assert language in RUN or language not in SHELL_FENCES, (
            f"a ```{language} block in the tour: fence the commands the tour runs as ```sh"
        )
        if language in RUN:
            found.append((fence.start(), Step("sh", _dedent(body))))
    found += [(m.start(), Step("marker", m.group(1))) for m in MARKER.finditer(section)]
    return [step for _, step in sorted(found, key=lambda pair: pair[0])]


def _dedent(body: str) -> str:
    lines = body.splitlines()
    indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    return "\n".join(line[indent:] for line in lines)


def commands(block: str) -> list[tuple[str, int]]:
    """Each command line of a block with the exit status the tour expects of it."""
    found = []
    for line in block.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assert not line.rstrip().endswith("\\"), f"one command per line in the tour: {line}"
        expected = EXPECTED.search(line)
        found.append((line, int(expected.group(1)) if expected else 0))
    return found


def test_the_tour_is_read_from_the_readme() -> None:
    steps = tour_steps((REPO / "README.md").read_text(encoding="utf-8"))
    markers = [s.text for s in steps if s.kind == "marker"]
    assert markers[:2] == ["make example", "run-all examples/credit-risk/train.ipynb"]
    lines = [line for s in steps if s.kind == "sh" for line, _ in commands(s.text)]
    assert len(lines) >= 15 and any(line.startswith("mlops batch run") for line in lines)
    assert not [line for line in lines if re.search(r"\b[A-Z]+_[A-Z]+\b", line.split("#")[0])], (
        "placeholders in the tour's commands"
    )


def test_the_shell_session_carries_over_and_a_wrong_exit_status_stops_it(tmp_path: Path) -> None:
    readme = """## A 2-minute tour
1. In a shell:
   ```sh
   mkdir -p sub && cd sub
   export TOUR_VALUE=kept   # carried to the next block
   ```
   <!-- tour: run-all x.ipynb -->
   ```python
   not run
   ```
2. Then:
   ```sh
   test "$TOUR_VALUE" = kept && test "$(basename "$PWD")" = sub
   false                    # exit status 1
   ```
## Next
```sh
never
```
"""
    steps = tour_steps(readme)
    assert [s.kind for s in steps] == ["sh", "marker", "sh"]
    assert commands(steps[2].text)[1] == ("false                    # exit status 1", 1)
    state, env = tmp_path / "state.sh", dict(os.environ)
    for step in (steps[0], steps[2]):
        run_block(step.text, repo=tmp_path, state=state, env=env)
    with pytest.raises(AssertionError, match=r"exit status 1 \(expected 0\): false"):
        run_block("true\nfalse\ntouch after", repo=tmp_path, state=state, env=env)
    assert not (tmp_path / "sub" / "after").exists()  # nothing after the failing line ran
    with pytest.raises(AssertionError, match="```bash block in the tour"):
        tour_steps("## A 5-minute tour\n```bash\nls\n```\n")


def fresh_clone(tmp_path: Path) -> Path:
    repo = tmp_path / "jupyterlab-mlops"
    repo.mkdir()
    shutil.copy(REPO / "Makefile", repo)
    shutil.copy(REPO / "README.md", repo)
    shutil.copy(REPO / ".gitignore", repo)
    shutil.copytree(
        REPO / "examples",
        repo / "examples",
        ignore=shutil.ignore_patterns(
            "data", ".mlops", ".dvc", ".dvcignore", "batch-runs", "requirements.txt",
            ".ipynb_checkpoints", "__pycache__", "*.backup",
        ),
    )  # fmt: skip
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "config", "user.name", IDENTITY[0]], check=True)
    subprocess.run([*git, "config", "user.email", IDENTITY[1]], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "clone"], check=True)
    (repo / ".venv").symlink_to(sys.prefix)  # what `make lab` made
    return repo


def run_block(block: str, *, repo: Path, state: Path, env: dict[str, str]) -> str:
    """Run a block's commands in bash, resuming the session ``state`` holds; returns its log."""
    script = [f"cd {shlex.quote(str(repo))}"]
    if state.exists():
        script.append(f"source {shlex.quote(str(state))}")
    for line, expected in commands(block):
        quoted = shlex.quote(line)
        script += [
            f"printf '\\n$ %s\\n' {quoted}",
            line,
            f'__rc=$?; if [ "$__rc" != {expected} ]; then '
            f"printf '\\ntour: exit status %s (expected {expected}): %s\\n' \"$__rc\" {quoted}; "
            "exit 97; fi",
        ]
    script += [  # what the next block resumes: the folder and the environment
        f"export -p > {shlex.quote(str(state))}",
        f'printf "cd %q\\n" "$PWD" >> {shlex.quote(str(state))}',
    ]
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", "\n".join(script)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # interleaved, as on a terminal
        text=True,
        timeout=900,
    )
    log = done.stdout
    assert done.returncode == 0, f"the tour failed:\n{log[-6000:]}"
    return log


@pytest.mark.timeout(900)  # about 2 minutes alone; 5 beside another worker on 2 cores
def test_the_readme_tour_works_when_followed_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLOPS_USER")  # a newcomer acts as their git identity
    steps = tour_steps((REPO / "README.md").read_text(encoding="utf-8"))
    repo = fresh_clone(tmp_path)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("VIRTUAL_ENV", None)
    state = tmp_path / "shell-state.sh"
    timings: list[tuple[str, float]] = []
    for step in steps:
        started = time.monotonic()
        if step.kind == "sh":
            print(run_block(step.text, repo=repo, state=state, env=env))
        elif step.text == "make example":
            done = subprocess.run(
                ["make", "-o", "install", "example"],  # `install` is .venv: already there
                cwd=repo, env=env, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert done.returncode == 0, done.stdout + done.stderr
        elif step.text.startswith("run-all "):
            notebook = repo / step.text.removeprefix("run-all ").strip()
            run_all_cells(notebook, env=env)
        elif step.text.startswith("open "):
            opened = repo / step.text.removeprefix("open ").strip()
            assert opened.is_file(), f"the tour opens {opened}, which is not there"
            page = opened.read_text(encoding="utf-8")
            assert page.lstrip().lower().startswith("<!doctype html") and page.rstrip().endswith(
                "</html>"
            )
            assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.I)
        else:
            pytest.fail(f"unknown tour marker {step.text!r}")
        timings.append((step.text.splitlines()[0], time.monotonic() - started))
    print("\n".join(f"{seconds:6.1f}s  {what}" for what, seconds in timings))

    # the tour left what it says it leaves
    example = repo / "examples" / "credit-risk"
    ledger = (example / ".mlops" / "ledger.jsonl").read_text(encoding="utf-8")
    assert '"kind":"model.registered"' in ledger and "credit-default" in ledger
    assert list((example / "batch-runs" / "train").rglob("*.ipynb"))
    assert IDENTITY[1] in ledger  # the git identity acted
    assert not (example / "ledger.backup").exists()
    # in production (step 5), with its documentation complete; retrained (step 8): the
    # champion still runs the batch jobs while the challenger awaits its sign-offs
    from jupyterlab_mlops.approvals import approval_status
    from jupyterlab_mlops.project import find_project

    project = find_project(example)
    status = approval_status(example / "train.ipynb", project, production=True)
    assert status.runs_champion and status.challenger is not None, status.problems()
    last_batch = project.ledger.entries("batch.run")[-1].payload
    assert last_batch["status"] == "succeeded"
    assert last_batch["bundle_digest"] == status.champion.bundle.digest
    generated = project.ledger.entries("documentation.generated")[-1].payload
    assert generated["documents"]["annex-iv"]["missing"] == []
