import * as React from 'react';

import { IReportItem } from '../api';
import { formatLocalTime } from '../format';
import { Actor } from './Actor';
import { useDisclosure } from './Disclosure';
import { EvidenceLinks, IEvidenceNavigation } from './EvidenceLinks';
import { FixHint } from './FixHint';
import { StatusPill } from './StatusPill';

/** Details longer than this show their first lines, with a button for the rest. */
const LONG_DETAIL = 180;

/** One checklist item, as a compact card: outcome, detail, evidence, waiver, fix and why it matters. */
export function ChecklistItem(props: { item: IReportItem; nav: IEvidenceNavigation }): JSX.Element {
  const { item, nav } = props;
  const why = useDisclosure();
  const more = useDisclosure();
  const titleId = React.useId();
  const long = item.detail.length > LONG_DETAIL;
  const whyButton = item.why ? (
    <button
      type="button"
      className="jp-mlops-why-toggle"
      aria-label={`Why it matters: ${item.title}`}
      {...why.button}
    >
      Why it matters
    </button>
  ) : null;
  const withFix = item.status === 'fail' && item.fix !== '';
  return (
    <li
      className="jp-mlops-item"
      data-item-id={item.id}
      data-status={item.status}
      data-testid="mlops-item"
      aria-labelledby={titleId}
    >
      <div className="jp-mlops-item-head">
        <StatusPill status={item.status} />
        <span className="jp-mlops-item-title" id={titleId}>
          {item.title}
        </span>
      </div>
      {item.detail && (
        <p
          className={`jp-mlops-item-detail${long && !more.open ? ' jp-mlops-clamped' : ''}`}
          id={more.panel.id}
        >
          {item.detail}
        </p>
      )}
      {long && (
        <button
          type="button"
          className="jp-mlops-why-toggle jp-mlops-more-detail"
          aria-label={more.open ? 'Show less of the detail' : 'Show all of the detail'}
          {...more.button}
        >
          {more.open ? 'Show less' : 'Show all'}
        </button>
      )}
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
      {withFix && (
        <FixHint fix={item.fix} itemTitle={item.title} actions={nav.actions} extra={whyButton} />
      )}
      {!withFix && whyButton && <div className="jp-mlops-fix-actions">{whyButton}</div>}
      {item.why && (
        <p className="jp-mlops-why" {...why.panel}>
          {item.why}
        </p>
      )}
    </li>
  );
}
