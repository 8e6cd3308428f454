"""Read a YAML file that must hold a mapping (the project config, checklist templates,
parameter and grid files): every way it can fail is one clear error that names the file and,
for a syntax error, where in it; the file's lines are never quoted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .confinement import readable
from .errors import MlopsError


def read_yaml_mapping(
    path: Path,
    *,
    hint: str,
    not_mapping: str = "must hold a YAML mapping",
    missing: MlopsError | None = None,
    size_limit: tuple[int, MlopsError] | None = None,
    read_hint: str = "check the file",
    syntax_hint: str = "fix the YAML syntax",
    show_column: bool = False,
    show_problem: bool = True,
) -> dict[Any, Any]:
    """The mapping in ``path`` (``{}`` for an empty file), read with YAML's safe loader.

    ``hint`` and ``not_mapping`` word the error for content that is not a mapping;
    ``missing`` is raised when there is no such file (default: it cannot be read);
    ``size_limit`` is ``(bytes, error)``: the error for a larger file. A syntax error names
    its line (with ``show_column``, its column) and, with ``show_problem``, what the parser
    found wrong.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when it is there
    try:
        text = readable(path).read_text(encoding="utf-8")
        if size_limit is not None and len(text.encode("utf-8")) > size_limit[0]:
            raise size_limit[1]
        data = yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}" if mark else ""
        if mark and show_column:
            where += f", column {mark.column + 1}"
        detail = f": {exc.problem}" if show_problem else ""
        raise MlopsError(f"{path} is not valid YAML{where}{detail}", syntax_hint) from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        if missing is not None and isinstance(exc, FileNotFoundError):
            raise missing from exc
        raise MlopsError(f"{path} cannot be read ({type(exc).__name__})", read_hint) from exc
    except (ValueError, RecursionError) as exc:  # e.g. an integer past 4,300 digits
        what = "nested too deeply" if isinstance(exc, RecursionError) else "a value out of range"
        raise MlopsError(f"{path} cannot be read: it holds {what}", read_hint) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MlopsError(f"{path} {not_mapping}", hint)
    return data
