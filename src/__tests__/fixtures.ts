import { IDecision, INotebookStatus } from '../api';

export const FINGERPRINT = 'sha256:' + 'ab12cd34ef56'.padEnd(64, '0');

let counter = 0;

export function decision(overrides: Partial<IDecision> = {}): IDecision {
  counter++;
  const id = (overrides.id ?? counter.toString(16)).padStart(64, '0');
  return {
    id,
    short_id: id.slice(0, 12),
    title: `Decision ${counter}`,
    why: 'because',
    alternatives: null,
    tags: [],
    links: [],
    actor: 'Ada <ada@example.com>',
    time: '2026-11-22T10:00:00.000000Z',
    cell_id: null,
    fingerprint: FINGERPRINT,
    current: true,
    ...overrides
  };
}

export function status(overrides: Partial<INotebookStatus> = {}): INotebookStatus {
  const decisions = overrides.decisions ?? [];
  return {
    path: 'credit-risk/train.ipynb',
    project: {
      root: 'credit-risk',
      name: 'credit-risk',
      template: 'classification',
      risk_tier: 'high'
    },
    notebook: { exists: true, fingerprint: FINGERPRINT },
    counts: { entries: 7, notebook_entries: 3, decisions: decisions.length },
    decisions,
    ledger: { entries: 7, head: 'f'.repeat(64) },
    ...overrides
  };
}

export function noProjectStatus(): INotebookStatus {
  return status({
    path: 'scratch/play.ipynb',
    project: null,
    hint:
      "run `mlops init` in the project's root folder (in a terminal) " +
      'or `%mlops init` in a notebook cell there',
    counts: { entries: 0, notebook_entries: 0, decisions: 0 },
    ledger: { entries: 0, head: null }
  });
}

/** Resolve pending promise callbacks (microtasks) a few times over. */
export async function flushPromises(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await Promise.resolve();
  }
}
