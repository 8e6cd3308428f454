import * as React from 'react';

import { IInsertResult, IPanelActions } from '../actions';
import { magicFixes } from '../fixes';
import { InlineText, Words } from './InlineText';

/**
 * How to fix a failing item, wrapping at spaces only (never inside `--run`).
 * When the fix is a `%mlops` magic, a button inserts it into a new cell below
 * the active one (never runs it). `extra` joins the buttons' row.
 */
export function FixHint(props: {
  fix: string;
  itemTitle: string;
  actions: IPanelActions;
  extra?: React.ReactNode;
}): JSX.Element {
  const { fix, itemTitle, actions, extra } = props;
  const magics = React.useMemo(() => magicFixes(fix), [fix]);
  const [result, setResult] = React.useState<IInsertResult | null>(null);
  const insert = actions.insertCellBelow;
  return (
    <div className="jp-mlops-fix" data-testid="mlops-fix">
      <p className="jp-mlops-fix-line">
        <span className="jp-mlops-label">Fix</span>{' '}
        {magics.length > 0 ? (
          <code className="jp-mlops-snippet jp-mlops-fix-text">
            <Words text={fix} />
          </code>
        ) : (
          <span className="jp-mlops-fix-text">
            <InlineText text={fix} words />
          </span>
        )}
      </p>
      {((insert && magics.length > 0) || extra) && (
        <div className="jp-mlops-fix-actions">
          {insert && magics.map((m, i) => (
            <button
              key={`${m.magic}:${i}`}
              type="button"
              className="jp-mlops-button jp-mlops-insert-fix"
              data-testid="mlops-insert-fix"
              aria-label={`Insert fix below the active cell for: ${itemTitle} (${m.magic})`}
              title={`Insert a new cell with ${m.magic} below the active cell (it is not run)`}
              onClick={() => setResult(insert(m.source))}
            >
              {magics.length === 1 ? 'Insert fix below' : `Insert ${magicName(m.magic)} below`}
            </button>
          ))}
          {extra}
        </div>
      )}
      {result && (
        <p
          className={`jp-mlops-fix-result${result.inserted ? '' : ' jp-mlops-warning'}`}
          role="status"
        >
          {result.message}
        </p>
      )}
    </div>
  );
}

/** `%mlops decide "T" --why "..."` → `%mlops decide`. */
function magicName(magic: string): string {
  return magic.split(/\s+/).slice(0, 2).join(' ');
}
