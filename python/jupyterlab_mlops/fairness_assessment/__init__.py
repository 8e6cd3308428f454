"""Fairness across groups: metrics per group and intersection with bootstrap intervals,
disparities, judged under the policy the project's template sets for its risk tier
(``jupyterlab_mlops.fairness``, in :mod:`.api`; the package is not named ``fairness`` so that
the function keeps that name)."""
