import * as React from 'react';

import { approvalState } from '../approvalState';
import { PanelView } from '../components/PanelView';
import { approvals, fullStatus, OLD_FINGERPRINT, report, reviewRequest, signoff } from './fixtures';
import { button, click, IMounted, mount, text } from './dom';

let m: IMounted;
beforeEach(() => {
  m = mount();
});
afterEach(() => m.unmount());

function render(data = fullStatus(), openPortfolio?: () => void): HTMLElement {
  return m.render(
    <PanelView
      state={{ path: data.path, status: 'ready', data, error: null }}
      actions={{ openPortfolio }}
    />
  );
}

describe('approvalState', () => {
  it('is none, current or stale, with what changed', () => {
    expect(approvalState(approvals()).state).toBe('none');
    const refusedOnly = approvals({ signoffs: { business: signoff({ kind: 'refused' }) } });
    expect(approvalState(refusedOnly).state).toBe('none');
    const current = approvals({ signoffs: { business: signoff(), risk: null } });
    expect(approvalState(current)).toEqual({
      state: 'current',
      approved: ['business'],
      stale: [],
      changed: []
    });
    const stale = approvals({
      signoffs: {
        business: signoff(),
        risk: signoff({ role: 'risk', current: false, fingerprint: OLD_FINGERPRINT })
      },
      stale_because: ["the notebook's code", 'the runs']
    });
    expect(approvalState(stale)).toEqual({
      state: 'stale',
      approved: ['business'],
      stale: ['risk'],
      changed: ["the notebook's code", 'the runs']
    });
  });
});

describe('the panel header', () => {
  it('shows the notebook, project, template, risk tier, stage and short fingerprint', () => {
    const root = render(fullStatus({ report: report({ stage: 'ready for review' }) }));
    expect(text(root.querySelector('.jp-mlops-project-name'))).toBe('credit-risk');
    expect(text(root.querySelector('.jp-mlops-template'))).toBe('classification');
    expect(text(root.querySelector('.jp-mlops-risk-tier'))).toBe('high');
    expect(text(root.querySelector('.jp-mlops-notebook-name'))).toBe('train.ipynb');
    const stage = root.querySelector('[data-testid="mlops-stage"]');
    expect(text(stage)).toBe('ready for review');
    expect(stage?.getAttribute('data-stage')).toBe('ready for review');
    expect(text(root.querySelector('.jp-mlops-fingerprint'))).toBe('ab12cd34ef56');
    expect(text(root.querySelector('[data-testid="mlops-approval-state"]'))).toBe('none yet');
  });

  it('says approvals are current, and may run when every role approved', () => {
    const root = render(
      fullStatus({
        approvals: approvals({
          may_run: true,
          signoffs: {
            business: signoff(),
            risk: signoff({ role: 'risk' }),
            'it-ops': signoff({ role: 'it-ops' })
          }
        })
      })
    );
    const state = root.querySelector('[data-testid="mlops-approval-state"]');
    expect(state?.getAttribute('data-state')).toBe('current');
    expect(text(state)).toBe('current (3 of 3: business, risk, it-ops) may run in production');
  });

  it('says approvals are stale and what changed since', () => {
    const root = render(
      fullStatus({
        approvals: approvals({
          signoffs: { business: signoff({ current: false }), risk: null, 'it-ops': null },
          stale_because: ["the notebook's code"]
        })
      })
    );
    const state = root.querySelector('[data-testid="mlops-approval-state"]');
    expect(state?.getAttribute('data-state')).toBe('stale');
    expect(text(state)).toBe("STALE business (changed since: the notebook's code)");
  });

  it('says who retired a notebook and links the last batch run to the timeline', () => {
    const root = render(
      fullStatus({
        report: report({
          stage: 'retired',
          retired: { id: 'r', actor: 'Rita', time: '2026-11-23T00:00:00Z', why: 'replaced by v2' },
          last_batch_run: 'd'.repeat(64)
        })
      })
    );
    expect(text(root.querySelector('[data-testid="mlops-stage"]'))).toBe('retired');
    expect(text(root.querySelector('[data-testid="mlops-retired"]'))).toBe(
      'by Rita: replaced by v2'
    );
    click(button(root, 'Show the last batch run in the timeline'));
    expect(root.querySelector('.jp-mlops-highlight')?.getAttribute('data-entry-id')).toBe(
      'd'.repeat(64)
    );
  });

  it('opens the portfolio from its button', () => {
    const open = jest.fn();
    const root = render(fullStatus(), open);
    click(button(root, 'Open the portfolio'));
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('has an accessible name on every control', () => {
    const root = m.render(
      <PanelView
        state={{
          path: 'p',
          status: 'ready',
          data: fullStatus({
            review_requests: [reviewRequest({ role: 'risk' }), reviewRequest({ role: 'it-ops' })]
          }),
          error: null
        }}
        onRefresh={() => undefined}
        actions={{
          openPortfolio: () => undefined,
          recordDecision: async () => undefined,
          signOff: async () => signoff(),
          requestReview: async () => ({ id: 'q', role: 'risk', requester: 'a', time: '', comment: null }),
          insertCellBelow: () => ({ inserted: true, message: '' }),
          showCell: () => undefined,
          openProjectFile: () => undefined,
          mlflowUrl: 'http://127.0.0.1:5000'
        }}
      />
    );
    const controls = Array.from(root.querySelectorAll('button, input, textarea, select, a'));
    expect(controls.length).toBeGreaterThan(15);
    const unnamed = controls.filter(c => !(c.getAttribute('aria-label') || '').trim());
    // summaries of <details> are named by their text
    expect(unnamed.map(c => c.outerHTML)).toEqual([]);
  });
});
