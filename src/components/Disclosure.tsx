import * as React from 'react';

/** A form (or anything) behind a button, so it takes the sidebar's room only when asked for. */
export function Disclosure(props: {
  /** The button's accessible name. */
  label: string;
  /** The button's text while closed. */
  text: string;
  children: React.ReactNode;
}): JSX.Element {
  const [open, setOpen] = React.useState(false);
  const id = React.useId();
  return (
    <>
      <button
        type="button"
        className="jp-mlops-button"
        aria-expanded={open}
        aria-controls={id}
        aria-label={props.label}
        onClick={() => setOpen(!open)}
      >
        {open ? 'Close the form' : props.text}
      </button>
      <div id={id} hidden={!open}>
        {props.children}
      </div>
    </>
  );
}
