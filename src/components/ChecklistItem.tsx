import * as React from 'react';

import { IReportItem } from '../api';
import { formatLocalTime } from '../format';
import { Actor } from './Actor';
import { EvidenceLinks, IEvidenceNavigation } from './EvidenceLinks';
import { FixHint } from './FixHint';
import { StatusPill } from './StatusPill';

/** One checklist item: outcome, detail, evidence, waiver, fix and why it matters. */
export function ChecklistItem(props: { item: IReportItem; nav: IEvidenceNavigation }): JSX.Element {
  const { item, nav } = props;
  return (
    <li
      className="jp-mlops-item"
      data-item-id={item.id}
      data-status={item.status}
      data-testid="mlops-item"
    >
      <div className="jp-mlops-item-head">
        <StatusPill status={item.status} />
        <span className="jp-mlops-item-title">{item.title}</span>
      </div>
      {item.detail && <p className="jp-mlops-item-detail">{item.detail}</p>}
      {item.evidence.length > 0 && <EvidenceLinks evidence={item.evidence} nav={nav} />}
      {item.waiver && (
        <p className="jp-mlops-item-waiver">
          <span className="jp-mlops-label">Waived</span> by <Actor identity={item.waiver.actor} />,{' '}
          <time dateTime={item.waiver.time} title={item.waiver.time}>
            {formatLocalTime(item.waiver.time)}
          </time>
          {item.waiver.why ? `: ${item.waiver.why}` : ''}
        </p>
      )}
      {item.status === 'fail' && item.fix && (
        <FixHint fix={item.fix} itemTitle={item.title} actions={nav.actions} />
      )}
      {item.why && (
        <details className="jp-mlops-why">
          <summary>Why it matters</summary>
          <p>{item.why}</p>
        </details>
      )}
    </li>
  );
}
