import * as React from 'react';

import { ItemStatus } from '../api';

const LABELS: Record<ItemStatus, string> = { pass: 'pass', fail: 'fail', waived: 'waived' };

/** A checklist item's outcome in words (colour only helps; the word says it). */
export function StatusPill(props: { status: ItemStatus }): JSX.Element {
  return (
    <span className="jp-mlops-pill" data-status={props.status} data-testid="mlops-item-status">
      {LABELS[props.status]}
    </span>
  );
}
