"""Fairness across groups: metrics per group and intersection with bootstrap intervals,
disparities, judged under the policy the project's template sets for its risk tier.

``jupyterlab_mlops.fairness`` is this package *and* the function: calling the package calls
:func:`.api.fairness` (a package attribute shadows a function of the same name once the
package is imported, so the package itself is made callable).
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallablePackage(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from .api import fairness

        return fairness(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
