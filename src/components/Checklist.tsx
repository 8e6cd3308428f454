import * as React from 'react';

import { GATES, IReport, IReportItem } from '../api';
import { plural } from '../format';
import { splitChecklist } from '../readiness';
import { ChecklistItem } from './ChecklistItem';
import { Disclosure } from './Disclosure';
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

/** "review and approval" */
function gateList(items: readonly IReportItem[]): string {
  const gates = groupByGate(items).map(g => g.gate);
  return gates.length > 1 ? `${gates.slice(0, -1).join(', ')} and ${gates[gates.length - 1]}` : gates[0];
}

/** "12 passing" / "11 passing, 1 waived" */
export function passingLabel(items: readonly IReportItem[]): string {
  const waived = items.filter(i => i.status === 'waived').length;
  const passing = `${items.length - waived} passing`;
  return waived ? `${passing}, ${waived} waived` : passing;
}

/**
 * The readiness checklist, leading with what blocks the next stage (each
 * failing item with its fix); what fails only a later stage and what passes
 * are folded into counts.
 */
export function Checklist(props: { report: IReport; nav: IEvidenceNavigation }): JSX.Element {
  const { report, nav } = props;
  const headingId = React.useId();
  if (report.items.length === 0) {
    return (
      <p className="jp-mlops-muted">
        The checklist of this template has no items for this risk tier.
      </p>
    );
  }
  const { next, blockers, later, passing } = splitChecklist(report);
  const chevron = (open: boolean) => (open ? '▾ ' : '▸ ');
  return (
    <div className="jp-mlops-checklist" data-testid="mlops-checklist">
      <section
        className="jp-mlops-blockers"
        data-testid="mlops-blockers"
        data-count={blockers.length}
        aria-labelledby={headingId}
      >
        <h4 className="jp-mlops-blockers-title" id={headingId}>
          {next ? `To reach ${next}` : 'Readiness'}
          <span className="jp-mlops-blockers-count" data-count={blockers.length}>
            {blockers.length ? `${blockers.length} to fix` : 'nothing to fix'}
          </span>
        </h4>
        {blockers.length > 0 ? (
          <ul className="jp-mlops-items" aria-label={`What blocks ${next ?? 'the notebook'}`}>
            {blockers.map(item => (
              <ChecklistItem key={item.id} item={item} nav={nav} />
            ))}
          </ul>
        ) : (
          <p className="jp-mlops-muted jp-mlops-nothing-blocks">{nothingBlocks(report.stage)}</p>
        )}
      </section>
      {later.length > 0 && (
        <div className="jp-mlops-fold" data-fold="later">
          <Disclosure
            label={`${plural(later.length, 'more item', 'more items')} to fix before ${gateList(later)}`}
            text={`${chevron(false)}${later.length} more to fix before ${gateList(later)}`}
            openText={`${chevron(true)}${later.length} more to fix before ${gateList(later)}`}
            className="jp-mlops-fold-toggle"
            testId="mlops-later-toggle"
          >
            <Gates items={later} nav={nav} />
          </Disclosure>
        </div>
      )}
      {passing.length > 0 && (
        <div className="jp-mlops-fold" data-fold="passing">
          <Disclosure
            label={`${passingLabel(passing)}: show the items`}
            text={`${chevron(false)}${passingLabel(passing)}`}
            openText={`${chevron(true)}${passingLabel(passing)}`}
            className="jp-mlops-fold-toggle"
            testId="mlops-passing-toggle"
          >
            <Gates items={passing} nav={nav} />
          </Disclosure>
        </div>
      )}
    </div>
  );
}

function nothingBlocks(stage: string): string {
  switch (stage) {
    case 'approved':
      return 'Every item passes. A batch run of this version puts it in production.';
    case 'retired':
      return 'Retired: it has no next stage.';
    default:
      return 'Every item passes.';
  }
}

/** Items grouped by the stage each gates. */
function Gates(props: { items: IReportItem[]; nav: IEvidenceNavigation }): JSX.Element {
  return (
    <>
      {groupByGate(props.items).map(group => (
        <GateGroup key={group.gate} gate={group.gate} items={group.items} nav={props.nav} />
      ))}
    </>
  );
}

function GateGroup(props: {
  gate: string;
  items: IReportItem[];
  nav: IEvidenceNavigation;
}): JSX.Element {
  const { gate, items } = props;
  const id = React.useId();
  return (
    <section className="jp-mlops-gate" data-gate={gate} aria-labelledby={id}>
      <h4 className="jp-mlops-gate-title" id={id}>
        Before {gate} <span className="jp-mlops-gate-count">{items.length}</span>
      </h4>
      <ul className="jp-mlops-items">
        {items.map(item => (
          <ChecklistItem key={item.id} item={item} nav={props.nav} />
        ))}
      </ul>
    </section>
  );
}
