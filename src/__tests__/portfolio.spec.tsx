import * as React from 'react';

import { ApiError } from '../api';
import { PortfolioView } from '../components/PortfolioView';
import { DEFAULT_SORT, nextSort, portfolioRows, sortRows } from '../portfolio';
import { IPortfolioState } from '../portfolioModel';
import { portfolio } from './fixtures';
import { button, click, IMounted, mount, text } from './dom';

let m: IMounted;
beforeEach(() => {
  m = mount();
});
afterEach(() => m.unmount());

const paths = (rows: { path: string }[]) => rows.map(r => r.path);

describe('portfolio rows', () => {
  const rows = portfolioRows(portfolio());

  it('has one row per notebook, with its project and a path relative to it', () => {
    expect(rows.map(r => [r.project, r.notebook, r.risk_tier])).toEqual([
      ['credit-risk', 'train.ipynb', 'high'],
      ['credit-risk', 'explore/eda.ipynb', 'high'],
      ['Churn', 'model.ipynb', 'limited']
    ]);
  });

  it('sorts by every column, both ways', () => {
    const by = (key: any, direction: any = 'ascending') =>
      paths(sortRows(rows, { key, direction }));
    expect(by('project')).toEqual([
      'churn/model.ipynb',
      'credit-risk/explore/eda.ipynb',
      'credit-risk/train.ipynb'
    ]);
    // ties (same project) keep notebook order
    expect(by('project', 'descending')).toEqual([
      'credit-risk/explore/eda.ipynb',
      'credit-risk/train.ipynb',
      'churn/model.ipynb'
    ]);
    // stage follows the lifecycle, not the alphabet
    expect(by('stage')).toEqual([
      'credit-risk/explore/eda.ipynb',
      'churn/model.ipynb',
      'credit-risk/train.ipynb'
    ]);
    expect(by('stage', 'descending')).toEqual([
      'credit-risk/train.ipynb',
      'churn/model.ipynb',
      'credit-risk/explore/eda.ipynb'
    ]);
    expect(by('risk_tier', 'descending')).toEqual([
      'credit-risk/explore/eda.ipynb',
      'credit-risk/train.ipynb',
      'churn/model.ipynb'
    ]);
    expect(by('failing', 'descending')).toEqual([
      'credit-risk/explore/eda.ipynb',
      'churn/model.ipynb',
      'credit-risk/train.ipynb'
    ]);
    expect(by('stale', 'descending')[0]).toBe('churn/model.ipynb');
    // a project without an owner sorts first ascending ('' before any name)
    expect(by('owner')).toEqual([
      'churn/model.ipynb',
      'credit-risk/explore/eda.ipynb',
      'credit-risk/train.ipynb'
    ]);
    expect(by('notebook')).toEqual([
      'credit-risk/explore/eda.ipynb',
      'churn/model.ipynb',
      'credit-risk/train.ipynb'
    ]);
  });

  it('puts notebooks without activity last, whichever the direction', () => {
    expect(paths(sortRows(rows, { key: 'last_activity', direction: 'descending' }))).toEqual([
      'churn/model.ipynb',
      'credit-risk/train.ipynb',
      'credit-risk/explore/eda.ipynb'
    ]);
    expect(paths(sortRows(rows, { key: 'last_activity', direction: 'ascending' }))).toEqual([
      'credit-risk/train.ipynb',
      'churn/model.ipynb',
      'credit-risk/explore/eda.ipynb'
    ]);
  });

  it('flips the direction on the same column; starts a new one in its natural order', () => {
    expect(nextSort(DEFAULT_SORT, 'project')).toEqual({ key: 'project', direction: 'descending' });
    expect(nextSort(DEFAULT_SORT, 'stage')).toEqual({ key: 'stage', direction: 'ascending' });
    expect(nextSort(DEFAULT_SORT, 'failing')).toEqual({ key: 'failing', direction: 'descending' });
  });
});

function ready(): IPortfolioState {
  return { status: 'ready', data: portfolio(), error: null, busy: false };
}

describe('PortfolioView', () => {
  it('lists every notebook; a click on a header sorts, again reverses', () => {
    const root = m.render(<PortfolioView state={ready()} onOpen={jest.fn()} />);
    const rowPaths = () =>
      Array.from(root.querySelectorAll('[data-testid="mlops-portfolio-row"]')).map(r =>
        r.getAttribute('data-path')
      );
    expect(rowPaths()).toEqual([
      'churn/model.ipynb',
      'credit-risk/explore/eda.ipynb',
      'credit-risk/train.ipynb'
    ]);
    expect(root.querySelector('th[data-key="project"]')?.getAttribute('aria-sort')).toBe(
      'ascending'
    );

    const failing = button(root, 'Sort by Failing')!;
    click(failing);
    expect(rowPaths()).toEqual([
      'credit-risk/explore/eda.ipynb',
      'churn/model.ipynb',
      'credit-risk/train.ipynb'
    ]);
    const th = root.querySelector('th[data-key="failing"]');
    expect(th?.getAttribute('aria-sort')).toBe('descending');
    expect(root.querySelector('th[data-key="project"]')?.getAttribute('aria-sort')).toBe('none');
    click(button(root, 'Sort by Failing'));
    expect(th?.getAttribute('aria-sort')).toBe('ascending');
    expect(rowPaths()[0]).toBe('credit-risk/train.ipynb');
  });

  it('shows each column of a row', () => {
    const root = m.render(<PortfolioView state={ready()} onOpen={jest.fn()} />);
    const row = root.querySelector('[data-path="churn/model.ipynb"]');
    expect(
      Array.from(row!.querySelectorAll('td'))
        .map(td => text(td))
        .slice(0, 8)
    ).toEqual([
      'Churn',
      'model.ipynb',
      'classification',
      'not given',
      'limited',
      'ready for review',
      '2',
      'stale'
    ]);
    expect(text(row!.querySelectorAll('td')[8])).toBe('failing stale batch failed docs stale');
    expect(text(row!.querySelectorAll('td')[9])).toBe('model_card 9/12 (stale)');
    expect(row!.querySelectorAll('td')[10].querySelector('time')?.getAttribute('datetime')).toBe(
      '2026-11-23T08:00:00Z'
    );
    expect(
      text(root.querySelector('[data-path="credit-risk/explore/eda.ipynb"] td:last-child'))
    ).toBe('none');
    // the registry facts: the owner in its column, all of them (as text) in the project's tooltip
    const credit = root.querySelector('[data-path="credit-risk/train.ipynb"]')!;
    expect(text(credit.querySelector('.jp-mlops-portfolio-owner'))).toBe('Ada Lovelace');
    expect(credit.querySelector('.jp-mlops-portfolio-project')?.getAttribute('title')).toBe(
      'Project root: credit-risk\nowner: Ada Lovelace\nsponsor: Sam\n' +
        'intended purpose: Score <b>credit</b> applications'
    );
    expect(credit.querySelector('b')).toBeNull(); // user text is never markup
    expect(text(root.querySelector('[data-testid="mlops-portfolio-summary"]'))).toBe(
      '3 projects, 3 notebooks'
    );
    expect(text(root.querySelector('.jp-mlops-portfolio-problems'))).toBe(
      'broken (broken): invalid .mlops/config: risk_tier'
    );
  });

  it('opens a notebook from a click on its row or its button (keyboard)', () => {
    const onOpen = jest.fn();
    const root = m.render(<PortfolioView state={ready()} onOpen={onOpen} />);
    click(root.querySelector('[data-path="churn/model.ipynb"] td'));
    expect(onOpen).toHaveBeenLastCalledWith('churn/model.ipynb');
    click(button(root, 'Open credit-risk/train.ipynb and its MLOps panel'));
    expect(onOpen).toHaveBeenLastCalledWith('credit-risk/train.ipynb');
    expect(onOpen).toHaveBeenCalledTimes(2); // the button's click does not also count as the row's
  });

  it('says when there is no project, when loading and on errors', () => {
    let root = m.render(
      <PortfolioView
        state={{
          status: 'ready',
          data: { projects: [], truncated: false, flags: {}, limits: { projects: 0, notebooks: 0 } },
          error: null,
          busy: false
        }}
        onOpen={jest.fn()}
      />
    );
    expect(text(root.querySelector('.jp-mlops-empty'))).toMatch(
      /No MLOps project under the server root/
    );
    root = m.render(
      <PortfolioView
        state={{ status: 'loading', data: null, error: null, busy: true }}
        onOpen={jest.fn()}
      />
    );
    expect(text(root.querySelector('.jp-mlops-loading'))).toBe('Loading…');
    root = m.render(
      <PortfolioView
        state={{
          status: 'error',
          data: portfolio(),
          error: new ApiError('boom', 'retry', 500),
          busy: false
        }}
        onOpen={jest.fn()}
      />
    );
    expect(text(root.querySelector('.jp-mlops-error-message'))).toBe('boom');
    expect(root.querySelector('[data-testid="mlops-portfolio-table"]')).not.toBeNull(); // the last answer stays
  });
});
