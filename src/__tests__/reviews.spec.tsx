import * as React from 'react';

import { IPanelActions } from '../actions';
import { ApiError, IReviewRequest, IReviewRequestInput, normalizeStatus } from '../api';
import { PanelView } from '../components/PanelView';
import { defaultRequestRole, nextStage, splitChecklist, splitRequests } from '../readiness';
import { approvals, fullStatus, me, report, reviewRequest, signoff } from './fixtures';
import { button, choose, click, clickAndSettle, field, IMounted, mount, text, typeInto } from './dom';

let m: IMounted;
beforeEach(() => {
  m = mount();
});
afterEach(() => m.unmount());

function renderPanel(data = fullStatus(), actions: IPanelActions = {}): HTMLElement {
  return m.render(
    <PanelView state={{ path: data.path, status: 'ready', data, error: null }} actions={actions} />
  );
}

const ADA = 'Ada <ada@example.com>';
const requests = [
  reviewRequest({ id: 'q1', role: 'risk', requester: ADA, comment: 'the <b>fairness</b> finding' }),
  reviewRequest({ id: 'q2', role: 'business', requester: ADA, comment: null })
];

describe('readiness', () => {
  it('names the next stage and the gate whose items block it', () => {
    expect(nextStage('draft')).toEqual({ next: 'ready for review', gate: 'review' });
    expect(nextStage('ready for review')).toEqual({ next: 'approved', gate: 'production' });
    expect(nextStage('approved')).toEqual({ next: 'in production', gate: null });
    expect(nextStage('retired')).toEqual({ next: null, gate: null });
    // a stage this panel does not know: every failing item blocks
    expect(nextStage('someday').gate).toBe('production');
    const split = splitChecklist(report({ stage: 'retired' }));
    expect(split.blockers).toEqual([]);
    expect(split.later.map(i => i.id)).toEqual(['decisions-recorded', 'clean-run', 'signoffs']);
  });

  it('splits the requests into those waiting for the user and the others', () => {
    const split = splitRequests(requests, me({ roles: ['risk'] }));
    expect(split.mine.map(r => r.id)).toEqual(['q1']);
    expect(split.others.map(r => r.id)).toEqual(['q2']);
    expect(splitRequests(requests, null).mine).toEqual([]);
  });

  it('asks first for a role nobody approved or was asked yet', () => {
    const a = approvals({ signoffs: { business: signoff(), risk: null, 'it-ops': null } });
    expect(defaultRequestRole(a, [reviewRequest({ role: 'risk' })])).toBe('it-ops');
    expect(defaultRequestRole(a, [])).toBe('risk');
  });
});

describe('review requests in the panel', () => {
  it('shows the requests for a role the user holds at the top, as waiting for them', () => {
    const root = renderPanel(
      fullStatus({ review_requests: requests, names: { [ADA]: 'Ada Lovelace' } })
    );
    const waiting = root.querySelector('[data-testid="mlops-waiting"]')!;
    expect(waiting.closest('[data-testid="mlops-now"]')).not.toBeNull();
    const items = Array.from(waiting.querySelectorAll('[data-testid="mlops-review-request"]'));
    expect(items.map(i => i.getAttribute('data-role'))).toEqual(['risk']);
    expect(text(items[0].querySelector('.jp-mlops-request-line'))).toMatch(
      /^risk review requested by Ada Lovelace, .*2026/
    );
    // the requester's identity in the tooltip; user text as text
    expect(items[0].querySelector('.jp-mlops-actor')?.getAttribute('title')).toBe(ADA);
    expect(text(items[0].querySelector('.jp-mlops-request-comment'))).toBe(
      '“the <b>fairness</b> finding”'
    );
    expect(root.querySelector('b')).toBeNull();
    // it comes before what blocks the next stage
    const blockers = root.querySelector('[data-testid="mlops-blockers"]')!;
    expect(waiting.compareDocumentPosition(blockers) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    // the others wait in the sign-off area
    const pending = root.querySelector('[data-section="signoffs"] [data-testid="mlops-pending-requests"]')!;
    expect(
      Array.from(pending.querySelectorAll('[data-testid="mlops-review-request"]')).map(i =>
        i.getAttribute('data-role')
      )
    ).toEqual(['business']);
  });

  it('takes the user from a request to the sign-off control in its role', () => {
    const data = fullStatus({
      me: me({ roles: ['business', 'risk'] }),
      review_requests: [requests[0]]
    });
    const root = renderPanel(data, { signOff: async () => signoff() });
    const section = root.querySelector('[data-section="signoffs"]')!;
    click(section.querySelector('.jp-mlops-section-toggle'));
    expect((section.querySelector('.jp-mlops-section-body') as HTMLElement).hidden).toBe(true);
    const select = root.querySelector('select[aria-label="Role to sign off in"]') as HTMLSelectElement;
    choose(select, 'business');
    click(button(root, 'Review and sign off as risk'));
    expect((section.querySelector('.jp-mlops-section-body') as HTMLElement).hidden).toBe(false);
    expect(select.value).toBe('risk');
    expect(document.activeElement).toBe(select);
  });

  it('has no button to sign without the action, and no waiting list without requests', () => {
    let root = renderPanel(fullStatus({ review_requests: [requests[0]] }));
    expect(root.querySelector('[data-testid="mlops-waiting"] button')).toBeNull();
    root = renderPanel(fullStatus());
    expect(root.querySelector('[data-testid="mlops-waiting"]')).toBeNull();
    expect(root.querySelector('[data-testid="mlops-pending-requests"]')).toBeNull();
  });

  it('asks a required role for a review, with an optional comment', async () => {
    const made: IReviewRequest = reviewRequest({ role: 'it-ops' });
    const requestReview = jest.fn(async (_: IReviewRequestInput) => made);
    const root = renderPanel(fullStatus(), { requestReview });
    const toggle = button(root, 'Request a review')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    click(toggle);
    const form = root.querySelector('[data-testid="mlops-review-form"]') as HTMLFormElement;
    expect(form.getAttribute('aria-label')).toBe('Request a review');
    const role = form.querySelector('select[name="role"]') as HTMLSelectElement;
    expect(Array.from(role.options).map(o => o.value)).toEqual(['business', 'risk', 'it-ops']);
    expect(role.value).toBe('business');
    choose(role, 'it-ops');
    typeInto(field(form, 'comment'), '  the batch schedule changed  ');
    await clickAndSettle(button(form, 'Send the review request'));
    expect(requestReview).toHaveBeenCalledWith({
      role: 'it-ops',
      comment: 'the batch schedule changed'
    });
    expect(text(form.querySelector('[role="status"]'))).toBe('Asked for a it-ops review.');
    expect(field(form, 'comment').value).toBe('');
    // no comment: none sent
    await clickAndSettle(button(form, 'Send the review request'));
    expect(requestReview).toHaveBeenLastCalledWith({ role: 'it-ops' });
  });

  it("shows the server's refusal of a request and keeps the comment", async () => {
    const requestReview = jest.fn(async (): Promise<IReviewRequest> => {
      throw new ApiError('risk already has a pending request', 'wait for its answer', 409);
    });
    const root = renderPanel(fullStatus(), { requestReview });
    click(button(root, 'Request a review'));
    const form = root.querySelector('[data-testid="mlops-review-form"]') as HTMLFormElement;
    typeInto(field(form, 'comment'), 'please');
    await clickAndSettle(button(form, 'Send the review request'));
    expect(text(form.querySelector('.jp-mlops-error-message'))).toBe(
      'risk already has a pending request'
    );
    expect(field(form, 'comment').value).toBe('please');
  });

  it('warns at the top when the last batch run flagged drift', () => {
    const root = renderPanel(
      fullStatus({
        needs_review: {
          reason: 'drift over the threshold in the last batch run',
          batch_id: 'b'.repeat(32),
          time: '2026-12-02T08:00:00Z',
          columns: ['income', '<i>age</i>']
        }
      })
    );
    const warning = root.querySelector('[data-testid="mlops-needs-review"]')!;
    expect(warning.closest('[data-testid="mlops-now"]')).not.toBeNull();
    expect(text(warning.querySelector('h4'))).toBe('Needs review');
    expect(text(warning.querySelector('.jp-mlops-needs-review-reason'))).toBe(
      'Drift over the threshold in the last batch run.'
    );
    expect(Array.from(warning.querySelectorAll('code.jp-mlops-column')).map(c => text(c))).toEqual([
      'income',
      '<i>age</i>'
    ]);
    expect(text(warning.querySelector('.jp-mlops-needs-review-batch'))).toMatch(
      /^batch run bbbbbbbbbbbb, .*2026/
    );
    expect(root.querySelector('i')).toBeNull();
    expect(renderPanel(fullStatus()).querySelector('[data-testid="mlops-needs-review"]')).toBeNull();
  });
});

describe('the panel document', () => {
  it('reads review requests and drift, and treats their absence as none (older servers)', () => {
    const older = normalizeStatus({ path: 'a.ipynb', project: null }, 'a.ipynb');
    expect(older.review_requests).toEqual([]);
    expect(older.needs_review).toBeNull();
    const body = normalizeStatus(
      {
        path: 'a.ipynb',
        review_requests: [{ id: 'q', role: 'risk', requester: ADA, time: 't' }, 'junk'],
        needs_review: { batch_id: 'b', columns: ['x', 3] }
      },
      'a.ipynb'
    );
    expect(body.review_requests).toEqual([
      { id: 'q', role: 'risk', requester: ADA, time: 't', comment: null }
    ]); // a request naming no role is dropped
    expect(body.needs_review).toEqual({
      reason: 'drift was flagged in the last batch run',
      batch_id: 'b',
      time: null,
      columns: ['x', '3']
    });
  });
});
