import * as React from 'react';

/** The notebook's lifecycle stage as a badge (coloured by `data-stage`). */
export function StageBadge(props: { stage: string }): JSX.Element {
  return (
    <span
      className="jp-mlops-badge jp-mlops-stage"
      data-stage={props.stage}
      data-testid="mlops-stage"
      title={`Lifecycle stage: ${props.stage}`}
    >
      {props.stage}
    </span>
  );
}
