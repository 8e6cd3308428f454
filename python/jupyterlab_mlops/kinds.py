"""Every kind of ledger entry, in one place.

A feature that writes an entry and the features that read it (checklists, approvals,
timeline, authorship) name its kind from here, so that reading a kind never means importing
the feature that writes it. A new kind is one line here, grouped with its feature.
"""

from __future__ import annotations

# project
PROJECT_CREATED = "project.created"
PROJECT_CONFIGURED = "project.configured"
# decisions, data, runs
DECISION = "decision.recorded"
DATA_REGISTERED = "data.registered"
RUN_LOGGED = "run.logged"
MODEL_REGISTERED = "model.registered"
# explanations
EXPLANATION_RECORDED = "explanation.recorded"
SCENARIO_SAVED = "whatif.saved"  # a what-if scenario someone explored and kept
# fairness and diagnostics
FAIRNESS_ASSESSED = "fairness.assessed"
DIAGNOSTICS_RECORDED = "diagnostics.recorded"
PROMPT_REGISTERED = "prompt.registered"  # a prompt template version in the MLflow registry
PROMPT_ALIASED = "prompt.aliased"  # an alias of a prompt moved to a version
EVALUATION_RECORDED = "evaluation.recorded"  # an LLM application scored on a dataset
GUARDRAILS_RECORDED = "guardrails.recorded"  # PII, secrets and injection suites run on an app
# documentation
DOCUMENTATION_GENERATED = "documentation.generated"  # a model card / Annex IV written, with digests
DOCUMENTATION_AUTHORED = (
    "documentation.authored"  # an author's text (or "not applicable") for a section
)
# checklists
EXECUTED = "notebook.executed"  # a clean run in a fresh kernel
WAIVED = "checklist.waived"
# sign-offs
GRANTED = "approval.granted"
REFUSED = "approval.refused"
REVOKED = "approval.revoked"
SIGNOFF_KINDS = (GRANTED, REFUSED, REVOKED)
REVIEW_REQUESTED = "review.requested"  # a role asked to review; pending until a sign-off answers
# lifecycle
RETIRED = "notebook.retired"
REINSTATED = "notebook.reinstated"
# batch
BATCH_RUN = "batch.run"
EXPORTED = "batch.exported"
