import * as React from 'react';

import { GATES, IReport, IReportItem } from '../api';
import { ChecklistItem } from './ChecklistItem';
import { IEvidenceNavigation } from './EvidenceLinks';

/** The checklist's items by the stage they gate, in lifecycle order. */
export function groupByGate(
  items: readonly IReportItem[]
): { gate: string; items: IReportItem[] }[] {
  const gates: string[] = [...GATES];
  for (const item of items) {
    if (!gates.includes(item.gates)) {
      gates.push(item.gates);
    }
  }
  return gates
    .map(gate => ({ gate, items: items.filter(i => i.gates === gate) }))
    .filter(group => group.items.length > 0);
}

/** The readiness checklist, grouped by the stage each item gates. */
export function Checklist(props: { report: IReport; nav: IEvidenceNavigation }): JSX.Element {
  const groups = groupByGate(props.report.items);
  if (groups.length === 0) {
    return (
      <p className="jp-mlops-muted">
        The checklist of this template has no items for this risk tier.
      </p>
    );
  }
  return (
    <div className="jp-mlops-checklist" data-testid="mlops-checklist">
      {groups.map(group => (
        <GateGroup key={group.gate} gate={group.gate} items={group.items} nav={props.nav} />
      ))}
    </div>
  );
}

function GateGroup(props: {
  gate: string;
  items: IReportItem[];
  nav: IEvidenceNavigation;
}): JSX.Element {
  const { gate, items } = props;
  const passing = items.filter(i => i.status !== 'fail').length;
  const id = React.useId();
  return (
    <section className="jp-mlops-gate" data-gate={gate} aria-labelledby={id}>
      <h4 className="jp-mlops-gate-title" id={id}>
        Before {gate}{' '}
        <span className="jp-mlops-gate-count" data-all-ok={passing === items.length}>
          {passing} of {items.length} ok
        </span>
      </h4>
      <ul className="jp-mlops-items">
        {items.map(item => (
          <ChecklistItem key={item.id} item={item} nav={props.nav} />
        ))}
      </ul>
    </section>
  );
}
