"""One reader for every YAML mapping the toolkit reads: each failure is one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyterlab_mlops.errors import MlopsError
from jupyterlab_mlops.yamlfile import read_yaml_mapping


def error(path: Path, **options) -> tuple[str, str]:
    with pytest.raises(MlopsError) as caught:
        read_yaml_mapping(path, hint="see the docs", **options)
    return caught.value.message.replace(f"{path}", "FILE"), caught.value.hint


def test_each_failure_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "file.yaml"
    assert error(path) == ("FILE cannot be read (FileNotFoundError)", "check the file")
    gone = MlopsError("no such file", "create it")
    assert error(path, missing=gone) == ("no such file", "create it")
    path.write_text("")
    assert read_yaml_mapping(path, hint="see the docs") == {}
    path.write_text("a: 1\nb: [2\n")
    message, hint = error(path, show_column=True)
    assert message.startswith("FILE is not valid YAML at line 3, column 1: ")
    assert "[2" not in message and hint == "fix the YAML syntax"  # the file's lines are not quoted
    assert error(path, show_problem=False) == ("FILE is not valid YAML at line 3", "fix the YAML syntax")  # fmt: skip
    path.write_text("- 1\n")
    assert error(path) == ("FILE must hold a YAML mapping", "see the docs")
    assert error(path, not_mapping="must map names") == ("FILE must map names", "see the docs")
    path.write_text("a: !!python/object/apply:os.system ['touch x']\n")
    assert error(path)[0].startswith("FILE is not valid YAML at line 1")  # safe loader only
    path.write_text("a: 'long text'\n")
    big = MlopsError("too big", "smaller")
    assert error(path, size_limit=(10, big)) == ("too big", "smaller")
    assert read_yaml_mapping(path, hint="", size_limit=(100, big)) == {"a": "long text"}
    path.write_bytes(b"a: \xff\n")
    assert error(path, read_hint="check it") == ("FILE cannot be read (UnicodeDecodeError)", "check it")  # fmt: skip
