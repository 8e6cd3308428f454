"""How results are shown: the base of every view (JSON for machines, text for terminals,
HTML in notebooks) and the HTML pieces views share. All user text is escaped before it goes
into HTML.
"""

from __future__ import annotations

import functools
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import Any

#: inline styles that follow JupyterLab's theme variables (light and dark)
TABLE = 'style="border-collapse:collapse;text-align:left;font-size:var(--jp-ui-font-size1,13px)"'
CELL = 'style="padding:3px 8px;vertical-align:top;text-align:left;border-bottom:1px solid var(--jp-border-color2,#ddd)"'
MUTED = 'style="color:var(--jp-ui-font-color2,#666)"'


class View(ABC):
    """Base: ``to_json`` for machines, ``to_text`` for terminals, ``to_html`` for notebooks."""

    #: query results are returned by the magic (so ``x = %mlops ...`` works); actions are displayed
    returns_value = False

    @property
    def exit_code(self) -> int:
        return 0

    @abstractmethod
    def to_json(self) -> Any: ...

    @abstractmethod
    def to_text(self) -> str: ...

    def to_html(self) -> str:
        return f"<pre>{escape(self.to_text())}</pre>"

    def value(self) -> Any:
        """What the magic returns for query results."""
        return self

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.to_text()

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)


def html_table(headings: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table with a heading row; ``rows`` hold cells that are already escaped HTML."""
    head = "".join(f"<th {CELL}>{h}</th>" for h in headings)
    body = "".join(
        "<tr>" + "".join(f"<td {CELL}>{c}</td>" for c in cells) + "</tr>" for cells in rows
    )
    return f"<table {TABLE}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_frame(
    rows: list[dict[str, Any]],
    columns: list[str],
    render: Callable[[list[dict[str, Any]]], str],
    needs: frozenset[str],
) -> Any:
    """A plain DataFrame of ``rows`` whose notebook display is ``render(records)``, drawn from
    its current content; pandas' own table once a column in ``needs`` is gone."""
    return _frame_class(render, needs)(rows, columns=columns)


@functools.cache
def _frame_class(render: Callable[[list[dict[str, Any]]], str], needs: frozenset[str]) -> type:
    import pandas as pd

    class HtmlFrame(pd.DataFrame):
        @property
        def _constructor(self) -> type:
            return pd.DataFrame

        def _repr_html_(self) -> str | None:
            if not needs <= set(self.columns):
                return super()._repr_html_()
            return render(self.to_dict("records"))

    return HtmlFrame
