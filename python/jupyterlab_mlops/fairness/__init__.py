"""Fairness across groups: metrics per group and intersection with bootstrap intervals,
disparities, judged under the policy the project's template sets for its risk tier."""
