"""The evidence checks, one module each, and running one by name.

A new check is one module here: a function decorated with
:func:`~jupyterlab_mlops.checklists.engine.evidence_check`. Importing this package imports
every module in it, so adding a check touches nothing else; templates then name it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

from ...errors import MlopsError
from ..engine import CHECKS, Context, Outcome

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")


def run_check(name: str, context: Context, args: dict[str, Any]) -> Outcome:
    """Run the registered check ``name`` with the template's ``args``."""
    check = CHECKS.get(name)
    if check is None:
        raise MlopsError(
            f"the checklist names an unknown evidence check {name!r}",
            f"known checks: {', '.join(sorted(CHECKS))}",
        )
    try:
        inspect.signature(check).bind(context, **args)
    except TypeError as exc:
        raise MlopsError(
            f"evidence check {name}: {exc}", "fix the check's args in the template"
        ) from exc
    return check(context, **args)
