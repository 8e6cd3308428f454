"""Evidence check ``no_secrets``: no credential-like text in code or outputs (detect-secrets)."""

from __future__ import annotations

from ..engine import Context, Evidence, Outcome, evidence_check
from ..secrets import cache_file, scan_notebook


@evidence_check("no_secrets")
def no_secrets(context: Context) -> Outcome:
    """No credential-like text in any cell's code or text outputs (detect-secrets)."""
    findings = scan_notebook(context.notebook, cache_file(context.project, context.state.path))
    if findings:
        evidence = tuple(Evidence("cell", str(f.cell), f.describe()) for f in findings[:10])
        more = f" (+{len(findings) - 10} more)" if len(findings) > 10 else ""
        return Outcome(False, "; ".join(f.describe() for f in findings[:3]) + more, evidence)
    return Outcome(True, "nothing found in code or outputs")
