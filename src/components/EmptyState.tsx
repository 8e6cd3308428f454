import * as React from 'react';

import { Words } from './InlineText';

/**
 * A friendly "nothing to show yet" block. `kind` names the situation for
 * tests and styling (`data-kind`).
 */
export function EmptyState(props: {
  kind: 'no-notebook' | 'no-project' | 'no-decisions';
  title: string;
  children?: React.ReactNode;
}): JSX.Element {
  return (
    <div className="jp-mlops-empty" data-kind={props.kind} data-testid="mlops-empty">
      <p className="jp-mlops-empty-title">{props.title}</p>
      {props.children}
    </div>
  );
}

/** A short command in prose (wraps at spaces only). */
export function CommandSnippet(props: { children: string }): JSX.Element {
  return (
    <code className="jp-mlops-snippet">
      <Words text={props.children} />
    </code>
  );
}
