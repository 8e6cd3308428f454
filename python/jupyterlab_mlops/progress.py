"""Progress bars for long work (hashing and profiling data), chosen by where a command runs.

Core functions take a *progress factory* ``factory(total_bytes, description)`` returning a
context manager that yields ``update(n_bytes)``; they never know how the bar is drawn.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Literal

DEFAULT_MIN_BYTES = 64 << 20  # smaller data is done before a bar would help


def byte_progress(
    surface: Literal["cli", "magic"], min_bytes: int = DEFAULT_MIN_BYTES
) -> Callable[[int, str], contextlib.AbstractContextManager[Callable[[int], None]]]:
    """A progress factory: a terminal bar on stderr for the CLI (when it is a terminal), a
    notebook bar in a kernel (a widget when ipywidgets is installed, else text)."""

    @contextlib.contextmanager
    def factory(total: int, description: str) -> Iterator[Callable[[int], None]]:
        if total < min_bytes:
            yield _ignore
            return
        bar_class, disable = _bar_class(surface)
        with bar_class(
            total=total,
            desc=description,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            file=sys.stderr,
            disable=disable,
            leave=False,
            mininterval=0.2,
        ) as bar:
            yield bar.update

    return factory


def _bar_class(surface: str) -> tuple[type, bool | None]:
    if surface == "magic":
        from importlib.util import find_spec

        if find_spec("ipywidgets") is None:
            from tqdm import tqdm

            return tqdm, False  # stderr of a kernel is no terminal: draw anyway
        from tqdm.notebook import tqdm as notebook_tqdm

        return notebook_tqdm, False
    from tqdm import tqdm

    return tqdm, None  # None: only when stderr is a terminal


def _ignore(_n: int) -> None:
    return None


def count_factory(
    surface: Literal["cli", "magic"],
) -> Callable[[int, str], contextlib.AbstractContextManager[Callable[[int], None]]]:
    """A progress factory ``progress(total, description)`` over counted work, drawn as
    :func:`count_progress` draws it for ``surface``."""
    return lambda total, description: count_progress(surface, total, description)


@contextlib.contextmanager
def count_progress(
    surface: Literal["cli", "magic"], total: int, description: str
) -> Iterator[Callable[[int], None]]:
    """A bar over ``total`` items (e.g. finished batch runs); yields ``advance(n)``."""
    bar_class, disable = _bar_class(surface)
    with bar_class(
        total=total, desc=description, unit="run", file=sys.stderr, disable=disable, leave=False
    ) as bar:
        yield bar.update


def caller_count_factory() -> Callable[
    [int, str], contextlib.AbstractContextManager[Callable[[int], None]]
]:
    """:func:`count_factory` for the caller of a Python function: notebook bars from a kernel,
    else terminal bars."""
    return count_factory("magic" if "ipykernel" in sys.modules else "cli")
