import * as React from 'react';
import { act } from 'react';

import { PortfolioView } from '../components/PortfolioView';
import {
  filterChoices,
  filterRows,
  funnel,
  NO_FILTERS,
  NO_FLAG,
  NO_OWNER,
  portfolioRows,
  sortRows
} from '../portfolio';
import { csvCell, toCsv } from '../portfolioCsv';
import { IPortfolioState } from '../portfolioModel';
import { portfolio } from './fixtures';
import { button, choose, click, IMounted, mount, text } from './dom';

let m: IMounted;
beforeEach(() => {
  m = mount();
});
afterEach(() => m.unmount());

const rows = portfolioRows(portfolio());
const paths = (list: { path: string }[]) => list.map(r => r.path);

describe('the funnel, filters and flags', () => {
  it('counts notebooks per stage, in lifecycle order', () => {
    expect(funnel(rows)).toEqual([
      { stage: 'draft', count: 1 },
      { stage: 'ready for review', count: 1 },
      { stage: 'approved', count: 1 },
      { stage: 'in production', count: 0 },
      { stage: 'retired', count: 0 }
    ]);
  });

  it('filters by stage, tier, template, owner and flag', () => {
    const by = (f: Partial<typeof NO_FILTERS>) => paths(filterRows(rows, { ...NO_FILTERS, ...f }));
    expect(by({})).toHaveLength(3);
    expect(by({ stage: 'draft' })).toEqual(['credit-risk/explore/eda.ipynb']);
    expect(by({ risk_tier: 'limited' })).toEqual(['churn/model.ipynb']);
    expect(by({ template: 'regression' })).toEqual([]);
    expect(by({ owner: 'Ada Lovelace' })).toHaveLength(2);
    expect(by({ owner: NO_OWNER })).toEqual(['churn/model.ipynb']);
    expect(by({ flag: 'drift' })).toEqual(['credit-risk/train.ipynb']);
    expect(by({ flag: 'review' })).toEqual(['credit-risk/explore/eda.ipynb']);
    expect(by({ flag: 'failing' })).toEqual(['credit-risk/explore/eda.ipynb', 'churn/model.ipynb']);
    expect(by({ flag: NO_FLAG })).toEqual([]);
    expect(by({ flag: 'failing', risk_tier: 'high' })).toEqual(['credit-risk/explore/eda.ipynb']);
    expect(filterChoices(rows)).toEqual({
      risk_tier: ['limited', 'high'],
      template: ['classification'],
      owner: ['Ada Lovelace']
    });
  });

  it('sorts by the number of flags and by documentation coverage', () => {
    expect(paths(sortRows(rows, { key: 'flags', direction: 'descending' }))).toEqual([
      'churn/model.ipynb',
      'credit-risk/explore/eda.ipynb',
      'credit-risk/train.ipynb'
    ]);
    expect(paths(sortRows(rows, { key: 'documentation', direction: 'ascending' }))).toEqual([
      'credit-risk/explore/eda.ipynb', // not generated
      'churn/model.ipynb', // 9 of 12
      'credit-risk/train.ipynb' // all of them
    ]);
  });
});

describe('CSV', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      expect(csvCell(`${start}1+1`).replace(/^"/, '').startsWith(`'${start}`)).toBe(true);
    }
    expect(csvCell(3)).toBe('3');
    expect(csvCell(true)).toBe('yes');
    expect(csvCell('a=b')).toBe('a=b'); // only a leading sign starts a formula
  });

  it('has a header and one line per row, the facts and flags included', () => {
    const hostile = portfolio();
    hostile.projects[1].name = '=cmd|"/c calc"!A1';
    hostile.projects[1].context = { owner: '@owner', intended_purpose: 'Churn, "retention"\nteam' };
    const csv = toCsv(portfolioRows(hostile));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'project,project_root,notebook,template,risk_tier,owner,sponsor,initiative,' +
        'intended_purpose,stage,failing,failing_items,stale_approvals,stale_because,' +
        'reviews_pending,last_batch,drift,documentation,flags,last_activity,error'
    );
    expect(lines).toHaveLength(1 + 3 + 1); // header, 3 rows, '' (the break in a quoted cell: LF)
    expect(csv).toContain(
      '"\'=cmd|""/c calc""!A1",churn,churn/model.ipynb,classification,limited,\'@owner,,,' +
        '"Churn, ""retention""\nteam",ready for review,2,clean-run; signoffs,yes,the notebook,,' +
        'failed,,model_card 9/12 (stale),failing; stale; batch_failed; docs_stale,' +
        '2026-11-23T08:00:00Z,'
    );
    expect(csv).toContain('applications.annual_income PSI 0.61');
    expect(csv).toContain(',risk,'); // the role a review is requested of
  });
});

function ready(): IPortfolioState {
  return { status: 'ready', data: portfolio(), error: null, busy: false };
}

const shownPaths = (root: Element) =>
  Array.from(root.querySelectorAll('[data-testid="mlops-portfolio-row"]')).map(r =>
    r.getAttribute('data-path')
  );

describe('PortfolioView filters, funnel and export', () => {
  it('narrows the rows with labelled selects; the funnel follows the other filters', () => {
    const root = m.render(<PortfolioView state={ready()} onOpen={jest.fn()} />);
    const select = (label: string) => {
      const labelled = Array.from(root.querySelectorAll('label')).find(l => text(l) === label);
      return document.getElementById(labelled!.htmlFor) as HTMLSelectElement;
    };
    const counts = () =>
      Array.from(root.querySelectorAll('[data-testid="mlops-funnel-count"]')).map(c => text(c));
    expect(counts()).toEqual(['1', '1', '1', '0', '0']);
    choose(select('Flag'), 'failing');
    expect(shownPaths(root)).toEqual(['churn/model.ipynb', 'credit-risk/explore/eda.ipynb']);
    expect(counts()).toEqual(['1', '1', '0', '0', '0']);
    expect(text(root.querySelector('[data-testid="mlops-portfolio-shown"]'))).toBe(
      'Showing 2 of 3 notebooks'
    );
    choose(select('Stage'), 'draft');
    expect(shownPaths(root)).toEqual(['credit-risk/explore/eda.ipynb']);
    const draft = root.querySelector('button.jp-mlops-funnel-step[data-stage="draft"]')!;
    expect(draft.getAttribute('aria-pressed')).toBe('true');
    click(draft); // pressed again: every stage
    expect(select('Stage').value).toBe('');
    expect(shownPaths(root)).toHaveLength(2);
    choose(select('Risk tier'), 'limited');
    expect(shownPaths(root)).toEqual(['churn/model.ipynb']);
    choose(select('Owner'), NO_OWNER);
    expect(shownPaths(root)).toEqual(['churn/model.ipynb']);
    choose(select('Template'), 'classification');
    choose(select('Owner'), 'Ada Lovelace');
    expect(shownPaths(root)).toEqual([]);
    expect(button(root, 'Export 0 rows as CSV')?.disabled).toBe(true);
  });

  it('exports exactly the rows shown, in the order shown', () => {
    const onExport = jest.fn();
    const root = m.render(<PortfolioView state={ready()} onOpen={jest.fn()} onExport={onExport} />);
    click(button(root, 'Sort by Failing'));
    const flag = root.querySelector('select[data-filter="flag"]');
    choose(flag, 'failing');
    click(button(root, 'Export 2 rows as CSV'));
    expect(paths(onExport.mock.calls[0][0])).toEqual([
      'credit-risk/explore/eda.ipynb',
      'churn/model.ipynb'
    ]);
  });

  it('downloads the CSV by default', () => {
    const created: Blob[] = [];
    (URL as any).createObjectURL = jest.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:portfolio';
    });
    (URL as any).revokeObjectURL = jest.fn();
    const clicked = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const root = m.render(<PortfolioView state={ready()} onOpen={jest.fn()} />);
    act(() => button(root, 'Export 3 rows as CSV')!.click());
    expect(clicked).toHaveBeenCalledTimes(1);
    expect(created[0].type).toBe('text/csv;charset=utf-8');
    clicked.mockRestore();
  });

  it('shows flags as text with their reasons, never as markup', () => {
    const data = portfolio();
    data.projects[0].notebooks[0].batch!.drift[0].column = '<img src=x onerror=alert(1)>';
    const root = m.render(
      <PortfolioView state={{ ...ready(), data }} onOpen={jest.fn()} />
    );
    const drift = root.querySelector('[data-path="credit-risk/train.ipynb"] [data-flag="drift"]')!;
    expect(text(drift)).toBe('drift');
    expect(drift.getAttribute('title')).toBe(
      'drift flagged in the last batch run: applications.<img src=x onerror=alert(1)> PSI 0.61'
    );
    expect(root.querySelector('img')).toBeNull();
    const review = root.querySelector('[data-flag="review"]')!;
    expect(text(review)).toBe('review: risk');
  });
});
