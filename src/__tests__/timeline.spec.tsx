import * as React from 'react';

import { IHighlight, Timeline } from '../components/Timeline';
import { entry } from './fixtures';
import { button, choose, click, IMounted, mount, text } from './dom';

let m: IMounted;
beforeEach(() => {
  m = mount();
});
afterEach(() => m.unmount());

const entries = [
  entry({ id: 'e5', kind: 'approval.granted', summary: 'approved as risk' }),
  entry({ id: 'e4', kind: 'decision.recorded', summary: 'decision: B', current: false }),
  entry({
    id: 'e3',
    kind: 'run.logged',
    summary: "run 'gbm' finished",
    mlflow: { run_id: 'r1', experiment_id: '3' }
  }),
  entry({ id: 'e2', kind: 'decision.recorded', summary: 'decision: A' }),
  entry({ id: 'e1', kind: 'data.registered', summary: 'data applications v1 registered' })
];

function render(props: Partial<React.ComponentProps<typeof Timeline>> = {}): HTMLElement {
  return m.render(
    <Timeline
      entries={entries}
      highlight={null}
      onShowEntry={() => undefined}
      runUrl={(run, exp) => `http://mlflow/#/experiments/${exp}/runs/${run}`}
      {...props}
    />
  );
}

const summaries = (root: ParentNode) =>
  Array.from(root.querySelectorAll('.jp-mlops-entry-summary')).map(e => text(e));

describe('Timeline', () => {
  it("lists the entries in the server's order (newest first) with who and when", () => {
    const root = render();
    expect(summaries(root)).toEqual([
      'approved as risk',
      'decision: B',
      "run 'gbm' finished",
      'decision: A',
      'data applications v1 registered'
    ]);
    const earlier = root.querySelector('[data-entry-id$="e4"]');
    expect(earlier?.getAttribute('data-current')).toBe('false');
    expect(text(earlier?.querySelector('.jp-mlops-stale-badge'))).toBe('earlier version');
    expect(text(root.querySelector('.jp-mlops-kind'))).toBe('approval granted');
    const run = root.querySelector('[data-entry-id$="e3"] a');
    expect(run?.getAttribute('href')).toBe('http://mlflow/#/experiments/3/runs/r1');
  });

  it('filters by kind', () => {
    const root = render();
    const select = root.querySelector('select') as HTMLSelectElement;
    expect(select.getAttribute('aria-label')).toBe('Filter the timeline by kind');
    expect(Array.from(select.options).map(o => text(o))).toEqual([
      'all kinds (5)',
      'approval granted (1)',
      'data registered (1)',
      'decision recorded (2)',
      'run logged (1)'
    ]);
    choose(select, 'decision.recorded');
    expect(summaries(root)).toEqual(['decision: B', 'decision: A']);
    choose(select, '');
    expect(summaries(root)).toHaveLength(5);
  });

  it('shows a page at a time', () => {
    const root = render({ pageSize: 2 });
    expect(summaries(root)).toHaveLength(2);
    click(button(root, 'Show 2 more timeline entries'));
    expect(summaries(root)).toHaveLength(4);
    click(button(root, 'Show 1 more timeline entries'));
    expect(summaries(root)).toHaveLength(5);
    expect(root.querySelector('.jp-mlops-more')).toBeNull();
  });

  it('brings a highlighted entry into view: clears a filter that hides it, shows more', () => {
    let root = render({ pageSize: 2 });
    choose(root.querySelector('select'), 'decision.recorded');
    const highlight: IHighlight = { id: entries[4].id, seq: 1 };
    root = render({ pageSize: 2, highlight });
    expect((root.querySelector('select') as HTMLSelectElement).value).toBe('');
    const node = root.querySelector('.jp-mlops-highlight');
    expect(node?.getAttribute('data-entry-id')).toBe(entries[4].id);
    expect(document.activeElement).toBe(node);
  });

  it('says so when the entry is not in the timeline', () => {
    const root = render({ highlight: { id: 'f'.repeat(64), seq: 1 } });
    expect(text(root.querySelector('[role="status"]'))).toBe(
      "That entry (ffffffffffff) is not among this notebook's timeline entries."
    );
  });

  it('says when there is nothing yet', () => {
    const root = render({ entries: [] });
    expect(text(root.querySelector('.jp-mlops-muted'))).toBe(
      'No ledger entries for this notebook yet.'
    );
  });
});
