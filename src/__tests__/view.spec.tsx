import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';

import { ApiError } from '../api';
import { PanelView } from '../components/PanelView';
import { IPanelState } from '../model';
import {
  CONTEXT_FORM,
  decision,
  documentation,
  FINGERPRINT,
  fullStatus,
  item,
  noProjectStatus,
  report,
  status
} from './fixtures';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;

beforeEach(() => {
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

function render(state: IPanelState, onRefresh?: () => void): HTMLElement {
  act(() => root.render(<PanelView state={state} onRefresh={onRefresh} />));
  return container.querySelector('.jp-mlops-panel') as HTMLElement;
}

function ready(data = status()): IPanelState {
  return { path: data.path, status: 'ready', data, error: null };
}

const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('PanelView', () => {
  it('prompts to open a notebook when none is open', () => {
    const panel = render({ path: null, status: 'no-notebook', data: null, error: null });
    const empty = panel.querySelector('.jp-mlops-empty');
    expect(empty?.getAttribute('data-kind')).toBe('no-notebook');
    expect(text(empty)).toMatch(/open a notebook/i);
    expect(panel.querySelector('.jp-mlops-project')).toBeNull();
  });

  it('shows the project header and the notebook summary', () => {
    const panel = render(ready(status({ decisions: [decision()] })));
    const project = panel.querySelector('.jp-mlops-project');
    expect(text(project?.querySelector('.jp-mlops-project-name') ?? null)).toBe('credit-risk');
    expect(text(project)).toContain('classification');
    expect(text(project?.querySelector('.jp-mlops-risk-tier') ?? null)).toBe('high');

    const fingerprint = panel.querySelector('.jp-mlops-fingerprint');
    expect(text(fingerprint)).toBe('ab12cd34ef56');
    expect(fingerprint?.getAttribute('title')).toBe(FINGERPRINT);
    expect(text(panel.querySelector('.jp-mlops-entry-count'))).toBe('3 entries for this notebook');
  });

  it('lists decisions newest first with all their details', () => {
    const older = decision({
      id: 'a'.repeat(64),
      title: 'Use logistic regression',
      why: 'explainable for the regulator',
      alternatives: 'gradient boosting',
      tags: ['model', 'explainability'],
      actor: 'Ada <ada@example.com>',
      time: '2026-11-20T08:00:00.000000Z'
    });
    const newer = decision({
      id: 'b'.repeat(64),
      title: 'Drop rows without income',
      actor: 'Bo Berg <bo@example.com>',
      time: '2026-11-22T23:31:22.123456Z'
    });
    const panel = render(
      ready(
        status({ decisions: [older, newer], names: { 'Ada <ada@example.com>': 'Ada Lovelace' } })
      )
    );

    const items = Array.from(panel.querySelectorAll('.jp-mlops-decision'));
    expect(items.map(i => text(i.querySelector('.jp-mlops-decision-title')))).toEqual([
      'Drop rows without income',
      'Use logistic regression'
    ]);
    expect(items[0].getAttribute('data-entry-id')).toBe('b'.repeat(64));

    const detailed = items[1];
    expect(text(detailed.querySelector('.jp-mlops-decision-why'))).toContain(
      'explainable for the regulator'
    );
    expect(text(detailed.querySelector('.jp-mlops-decision-alternatives'))).toContain(
      'gradient boosting'
    );
    expect(Array.from(detailed.querySelectorAll('.jp-mlops-tag')).map(t => text(t))).toEqual([
      'model',
      'explainability'
    ]);
    // the person's name (the server's names), the identity in the tooltip
    expect(text(detailed.querySelector('.jp-mlops-actor'))).toBe('Ada Lovelace');
    expect(detailed.querySelector('.jp-mlops-actor')?.getAttribute('title')).toBe(
      'Ada <ada@example.com>'
    );
    // without a name from the server, `Name <email>` is shortened to the name
    expect(text(items[0].querySelector('.jp-mlops-actor'))).toBe('Bo Berg');
    const time = detailed.querySelector('time.jp-mlops-time');
    expect(time?.getAttribute('title')).toBe('2026-11-20T08:00:00.000000Z');
    expect(time?.getAttribute('datetime')).toBe('2026-11-20T08:00:00.000000Z');
    expect(text(time)).toMatch(/2026/);
    expect(text(detailed.querySelector('.jp-mlops-entry-id'))).toBe('aaaaaaaaaaaa');
    // no alternatives, no tags: no empty blocks
    expect(items[0].querySelector('.jp-mlops-decision-alternatives')).toBeNull();
    expect(items[0].querySelector('.jp-mlops-tags')).toBeNull();
  });

  it('marks decisions recorded on an earlier version of the notebook', () => {
    const panel = render(
      ready(
        status({
          decisions: [
            decision({ title: 'still current', current: true, time: '2026-11-22T10:00:00Z' }),
            decision({ title: 'before an edit', current: false, time: '2026-11-21T10:00:00Z' })
          ]
        })
      )
    );
    const [current, stale] = Array.from(panel.querySelectorAll('.jp-mlops-decision'));
    expect(current.querySelector('.jp-mlops-stale-badge')).toBeNull();
    expect(stale.getAttribute('data-current')).toBe('false');
    expect(text(stale.querySelector('.jp-mlops-stale-badge'))).toBe(
      'recorded on an earlier version'
    );
  });

  it('explains how to record a decision when there is none', () => {
    const panel = render(ready(status({ decisions: [] })));
    const empty = panel.querySelector('.jp-mlops-empty');
    expect(empty?.getAttribute('data-kind')).toBe('no-decisions');
    expect(text(empty)).toContain('%mlops decide "TITLE" --why "..."');
    expect(panel.querySelector('.jp-mlops-decision')).toBeNull();
  });

  it('explains how to create a project when the notebook is not in one', () => {
    const panel = render(ready(noProjectStatus()));
    const empty = panel.querySelector('.jp-mlops-empty');
    expect(empty?.getAttribute('data-kind')).toBe('no-project');
    // the server's hint, with its `code` spans shown as code
    expect(text(empty?.querySelector('.jp-mlops-hint') ?? null)).toBe(
      "Run mlops init in the project's root folder (in a terminal) or %mlops init in a notebook cell there."
    );
    expect(
      Array.from(empty?.querySelectorAll('.jp-mlops-hint code') ?? []).map(c => text(c))
    ).toEqual(['mlops init', '%mlops init']);
    expect(panel.querySelector('.jp-mlops-project')).toBeNull();
  });

  it('suggests mlops init itself when the server gives no hint', () => {
    const panel = render(ready({ ...noProjectStatus(), hint: undefined }));
    const empty = panel.querySelector('.jp-mlops-empty[data-kind="no-project"]');
    expect(Array.from(empty?.querySelectorAll('code') ?? []).map(c => text(c))).toEqual([
      'mlops init',
      '%mlops init'
    ]);
  });

  it('shows a server error with its hint', () => {
    const panel = render({
      path: 'gone.ipynb',
      status: 'error',
      data: null,
      error: new ApiError('notebook not found: gone.ipynb', 'save the notebook first', 404)
    });
    const error = panel.querySelector('.jp-mlops-error');
    expect(error?.getAttribute('role')).toBe('alert');
    expect(text(error?.querySelector('.jp-mlops-error-message') ?? null)).toBe(
      'notebook not found: gone.ipynb'
    );
    expect(text(error?.querySelector('.jp-mlops-error-hint') ?? null)).toBe(
      'Save the notebook first.'
    );
  });

  it('shows backtick spans of a hint as code and everything else as text', () => {
    const panel = render({
      path: 'a.ipynb',
      status: 'error',
      data: null,
      error: new ApiError('bad', 'run `mlops <b>x</b>` then <img src=x> and a stray ` here', 400)
    });
    const hint = panel.querySelector('.jp-mlops-error-hint');
    expect(text(hint)).toBe('Run mlops <b>x</b> then <img src=x> and a stray ` here.');
    expect(Array.from(hint?.querySelectorAll('code') ?? []).map(c => text(c))).toEqual([
      'mlops <b>x</b>'
    ]);
    expect(hint?.querySelector('b, img')).toBeNull();
  });

  it('shows a loading line while the first answer is awaited', () => {
    const panel = render({ path: 'a.ipynb', status: 'loading', data: null, error: null });
    expect(panel.getAttribute('aria-busy')).toBe('true');
    expect(text(panel.querySelector('.jp-mlops-loading'))).toMatch(/loading/i);
  });

  it('calls onRefresh from the refresh button', () => {
    const onRefresh = jest.fn();
    const panel = render(ready(), onRefresh);
    const button = panel.querySelector('button.jp-mlops-refresh') as HTMLButtonElement;
    act(() => button.click());
    expect(onRefresh).toHaveBeenCalledTimes(1);
  });

  it('leads with the stage and what blocks; sections fold away unless they need action', () => {
    const panel = render(ready(fullStatus()));
    const order = Array.from(
      panel.querySelectorAll('[data-testid="mlops-stage"], [data-testid="mlops-blockers"], .jp-mlops-section')
    ).map(el => el.getAttribute('data-section') ?? el.getAttribute('data-testid'));
    expect(order).toEqual([
      'mlops-stage',
      'mlops-blockers',
      'signoffs',
      'documentation',
      'facts',
      'decisions',
      'timeline'
    ]);
    const open = (name: string) =>
      !(panel.querySelector(`[data-section="${name}"] .jp-mlops-section-body`) as HTMLElement)
        .hidden;
    // a decision is what blocks review here: the decisions open; the rest fold away
    expect(['signoffs', 'documentation', 'facts', 'decisions', 'timeline'].map(open)).toEqual([
      true, false, false, true, false
    ]);
    expect(
      panel
        .querySelector('[data-section="timeline"] .jp-mlops-section-toggle')
        ?.getAttribute('aria-expanded')
    ).toBe('false');
  });

  it('opens the documentation when it is stale or what blocks, and not the decisions then', () => {
    const blocked = report({
      items: [item({ id: 'documentation', check: 'documentation_complete' })],
      blocking: { review: ['documentation'], approval: [], production: [] }
    });
    const passing = report({ items: [], blocking: { review: [], approval: [], production: [] } });
    for (const data of [
      fullStatus({ path: 'a.ipynb', report: blocked }),
      fullStatus({ path: 'b.ipynb', report: passing, documentation: documentation({ stale: true }) })
    ]) {
      // another notebook: the panel starts afresh
      const panel = render(ready(data));
      const body = (name: string) =>
        panel.querySelector(`[data-section="${name}"] .jp-mlops-section-body`) as HTMLElement;
      expect(body('documentation').hidden).toBe(false);
      expect(body('decisions').hidden).toBe(true);
    }
  });

  it('renders user text as text, never as HTML', () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const panel = render(
      ready(
        status({
          project: {
            root: 'p',
            name: '<b>proj</b>',
            template: '<i>t</i>',
            risk_tier: '<script>1</script>',
            context: { owner: evil, intended_purpose: '<script>window.__pwned=1</script>' },
            context_form: CONTEXT_FORM
          },
          documentation: documentation({ actor: evil, stale: true, stale_because: [evil] }),
          decisions: [
            decision({
              title: evil,
              why: evil,
              alternatives: evil,
              tags: [evil],
              actor: '<a href="javascript:alert(1)">Mallory</a>'
            })
          ]
        })
      )
    );
    expect(text(panel.querySelector('.jp-mlops-decision-title'))).toBe(evil);
    expect(text(panel.querySelector('.jp-mlops-tag'))).toBe(evil);
    expect(text(panel.querySelector('.jp-mlops-project-name'))).toBe('<b>proj</b>');
    expect(text(panel.querySelector('[data-fact="owner"] dd'))).toBe(evil);
    expect(text(panel.querySelector('.jp-mlops-stale-because'))).toContain(evil);
    expect(panel.querySelector('img')).toBeNull();
    expect(panel.querySelector('b, i, script, a')).toBeNull();
    expect(document.querySelector('img')).toBeNull();
    expect((window as any).__pwned).toBeUndefined();
  });
});
