import * as React from 'react';

/** A button that shows and hides a panel: spread `button` on it and `panel` on what it shows. */
export interface IDisclosureState {
  open: boolean;
  setOpen: (open: boolean) => void;
  button: {
    'aria-expanded': boolean;
    'aria-controls': string;
    onClick: () => void;
  };
  panel: { id: string; hidden: boolean };
}

/** Open/closed state of a disclosure whose button and panel may sit apart. */
export function useDisclosure(initiallyOpen = false): IDisclosureState {
  const [open, setOpen] = React.useState(initiallyOpen);
  const id = React.useId();
  return {
    open,
    setOpen,
    button: { 'aria-expanded': open, 'aria-controls': id, onClick: () => setOpen(!open) },
    panel: { id, hidden: !open }
  };
}

/** A form (or anything) behind a button, so it takes the sidebar's room only when asked for. */
export function Disclosure(props: {
  /** The button's accessible name. */
  label: string;
  /** The button's text while closed. */
  text: string;
  /** The button's text while open (default: "Close the form"). */
  openText?: string;
  /** The button's class (default: a plain panel button). */
  className?: string;
  /** `data-testid` of the button. */
  testId?: string;
  children: React.ReactNode;
}): JSX.Element {
  const d = useDisclosure();
  return (
    <>
      <button
        type="button"
        className={props.className ?? 'jp-mlops-button'}
        aria-label={props.label}
        data-testid={props.testId}
        {...d.button}
      >
        {d.open ? (props.openText ?? 'Close the form') : props.text}
      </button>
      <div {...d.panel}>{props.children}</div>
    </>
  );
}
