"""Where the policy an assessment is judged by comes from: the project's template at its risk
tier, or (outside a project) the shipped template for the task at the high tier, said so."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import templates
from ..project import Project
from .policy import CHECK, Policy, parse_policy

#: the tier a report is judged at outside any project
DEFAULT_TIER = "high"


@dataclass(frozen=True)
class PolicySource:
    policy: Policy | None  # None: the template has no fairness item at the tier
    template: str
    tier: str
    stated: str  # e.g. "shipped classification template, high tier: not in a project"

    def to_json(self) -> dict[str, Any]:
        policy = self.policy
        return {
            "template": self.template,
            "tier": self.tier,
            "stated": self.stated,
            "applies": policy is not None,
            "cite": policy.cite if policy else None,
            "limits": {k: v.model_dump(exclude_none=True) for k, v in policy.limits.items()}
            if policy
            else {},
            "small_group": policy.small_group.model_dump() if policy else None,
            "bands": dict(policy.bands or {}) if policy else None,
        }


def policy_for(project: Project | None, task: str) -> PolicySource:
    """The policy of ``project`` (its template and risk tier) for a ``task`` assessment."""
    if project is None:
        name, tier = task, DEFAULT_TIER
        template = templates.shipped_template(name)
        stated = f"shipped {name} template, {tier} tier: not in a project"
    else:
        name, tier = project.config.template, project.config.risk_tier
        template = templates.project_template(project)
        stated = f"project template {name}, {tier} tier"
    args = templates.check_args(template, CHECK, tier)
    if args is None or "policy" not in args:
        return PolicySource(None, name, tier, f"{stated}: no fairness policy applies at this tier")
    where = f"template {name}: {CHECK} policy ({tier} tier)"
    return PolicySource(parse_policy(args["policy"], where), name, tier, stated)
