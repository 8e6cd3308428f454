import * as React from 'react';

import { useDisclosure } from './Disclosure';

/**
 * A panel section that can be folded away: its heading is a button
 * (aria-expanded), the content a region labelled by it.
 */
export function Section(props: {
  /** For tests and styling: `data-section`. */
  name: string;
  title: string;
  /** Shown next to the title (e.g. how many entries). */
  count?: number;
  /** Extra content in the heading line, after the count (e.g. a status). */
  extra?: React.ReactNode;
  defaultOpen?: boolean;
  /** Opens the section whenever this number changes (e.g. to show an entry in it). */
  openRequest?: number;
  children: React.ReactNode;
}): JSX.Element {
  const d = useDisclosure(props.defaultOpen ?? true);
  // open in the same render as the request, so that children can scroll into view
  const [seenRequest, setSeenRequest] = React.useState(props.openRequest);
  if (props.openRequest !== seenRequest) {
    setSeenRequest(props.openRequest);
    d.setOpen(true);
  }
  const headingId = `${d.panel.id}-heading`;
  return (
    <section
      className="jp-mlops-section"
      data-section={props.name}
      data-testid={`mlops-section-${props.name}`}
      aria-labelledby={headingId}
    >
      <h3 className="jp-mlops-section-title" id={headingId}>
        <button
          type="button"
          className="jp-mlops-section-toggle"
          aria-label={props.count === undefined ? props.title : `${props.title} (${props.count})`}
          {...d.button}
        >
          <span className="jp-mlops-caret" aria-hidden="true">
            {d.open ? '▾' : '▸'}
          </span>
          <span className="jp-mlops-section-name">{props.title}</span>
          {props.count !== undefined && <span className="jp-mlops-count">{props.count}</span>}
        </button>
        {props.extra}
      </h3>
      <div className="jp-mlops-section-body" {...d.panel}>
        {props.children}
      </div>
    </section>
  );
}
