import * as React from 'react';

import { shortIdentity } from '../format';

/** Identity → short name (the person's name), for the notebook the panel shows. */
export const NamesContext = React.createContext<Readonly<Record<string, string>>>({});

/**
 * Who did something, in one short line: the person's name, with the full
 * identity (`Name <email>`, a username) in the tooltip.
 */
export function Actor(props: { identity: string; name?: string }): JSX.Element {
  const names = React.useContext(NamesContext);
  const { identity } = props;
  const name = props.name || names[identity] || shortIdentity(identity);
  return (
    <span className="jp-mlops-actor" title={identity}>
      {name}
    </span>
  );
}
