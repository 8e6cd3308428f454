import * as React from 'react';

import { ISignoff } from '../api';
import { formatLocalTime, shortFingerprint } from '../format';
import { Actor } from './Actor';

/**
 * The latest sign-off in a role, in short (its kind is the role's state chip):
 * who (the person's name; "you" when it is this user, by any of their
 * identities), when, on which version, current or STALE, and the comment.
 */
export function SignoffRecord(props: { signoff: ISignoff; mine?: boolean }): JSX.Element {
  const s = props.signoff;
  const fingerprint = shortFingerprint(s.fingerprint);
  return (
    <div
      className="jp-mlops-signoff"
      data-kind={s.kind}
      data-current={String(s.current)}
      data-mine={String(props.mine === true)}
      data-testid="mlops-signoff"
    >
      <p className="jp-mlops-signoff-by">
        by <Actor identity={s.actor} name={s.name} />
        {props.mine && <span className="jp-mlops-you"> (you)</span>},{' '}
        <time className="jp-mlops-time" dateTime={s.time} title={s.time}>
          {formatLocalTime(s.time)}
        </time>{' '}
        <span className="jp-mlops-signoff-version">
          on{' '}
          {fingerprint ? (
            <code className="jp-mlops-fingerprint" title={s.fingerprint ?? undefined}>
              {fingerprint}
            </code>
          ) : (
            <span className="jp-mlops-muted">an unknown version</span>
          )}{' '}
          {s.current ? (
            <span className="jp-mlops-badge jp-mlops-current-badge">current</span>
          ) : (
            <span
              className="jp-mlops-badge jp-mlops-stale-badge"
              data-testid="mlops-signoff-stale"
              title="The notebook, its parameters, data or runs changed since this sign-off."
            >
              STALE
            </span>
          )}
        </span>
      </p>
      {s.comment && <p className="jp-mlops-signoff-comment">“{s.comment}”</p>}
    </div>
  );
}
