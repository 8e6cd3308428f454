import * as React from 'react';

import { ApiError } from '../api';

/** The state of one user action sent to the server. */
export interface ISubmission {
  busy: boolean;
  error: ApiError | null;
  /** The success line of the last action, cleared when the next one starts. */
  done: string | null;
  /** Run ``action`` (unless one is running): its result is the success line. */
  run: (action: () => Promise<string>) => Promise<void>;
}

/** Busy, error and success state for a form or button that calls the server. */
export function useSubmission(): ISubmission {
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<ApiError | null>(null);
  const [done, setDone] = React.useState<string | null>(null);
  const run = async (action: () => Promise<string>) => {
    if (busy) {
      return;
    }
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await action());
    } catch (reason) {
      setError(ApiError.from(reason));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, run };
}
