import * as React from 'react';

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
  const [open, setOpen] = React.useState(props.defaultOpen ?? true);
  // open in the same render as the request, so that children can scroll into view
  const [seenRequest, setSeenRequest] = React.useState(props.openRequest);
  if (props.openRequest !== seenRequest) {
    setSeenRequest(props.openRequest);
    setOpen(true);
  }
  const id = React.useId();
  const headingId = `${id}-heading`;
  const bodyId = `${id}-body`;
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
          aria-expanded={open}
          aria-controls={bodyId}
          aria-label={props.count === undefined ? props.title : `${props.title} (${props.count})`}
          onClick={() => setOpen(!open)}
        >
          <span className="jp-mlops-caret" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          <span className="jp-mlops-section-name">{props.title}</span>
          {props.count !== undefined && <span className="jp-mlops-count">{props.count}</span>}
        </button>
        {props.extra}
      </h3>
      <div className="jp-mlops-section-body" id={bodyId} hidden={!open}>
        {props.children}
      </div>
    </section>
  );
}
