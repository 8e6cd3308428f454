"""Alerts where people work: review requests, sign-offs, stale approvals, drift and failed
batch runs told to the webhooks in ``.mlops/config`` (Slack or signed JSON).

The modules that record those facts call :mod:`.emit`; events wait in a durable outbox
(:mod:`.outbox`) and are sent in the background, retried with backoff and deduplicated by
event id (:mod:`.deliver`). ``mlops alerts`` lists what waits; ``--retry`` sends it now.
"""

from .deliver import Delivery, drain, flush, kick, retry, retry_known
from .emit import (
    approvals_stale,
    batch_recorded,
    review_requested,
    send_soon,
    signoff_recorded,
)
from .events import Event
from .outbox import Record, records

__all__ = [
    "Delivery", "Event", "Record", "approvals_stale", "batch_recorded", "drain", "flush",
    "kick", "records", "retry", "retry_known", "review_requested", "send_soon", "signoff_recorded",
]  # fmt: skip
