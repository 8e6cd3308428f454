import * as React from 'react';

import { ChampionChallenger } from '../components/ChampionChallenger';
import { PanelView } from '../components/PanelView';
import { normalizeStatus } from '../normalize';
import { formatDelta, metricRows } from '../production';
import { IProduction } from '../types';
import { mount, text } from './dom';
import { fullStatus } from './fixtures';

/** The document's `production` as the server sends it (panel.py). */
function raw(challenger: Record<string, unknown> | null = {}): Record<string, unknown> {
  return {
    champion: {
      bundle_digest: 'a'.repeat(64),
      data: [{ name: 'applications', version: 1, entry: 'd1'.repeat(32) }],
      runs: [
        {
          id: 'run0000champion',
          name: 'gradient boosting',
          experiment_id: '7',
          metrics: { cv_roc_auc: 0.7875, test_roc_auc: 0.7813 }
        }
      ],
      approved_at: '2026-12-03T11:52:00.000000Z',
      approved_by_roles: { business: 'Bo', risk: 'Rita', 'it-ops': 'Ian' },
      approvals: ['e1', 'e2', 'e3']
    },
    challenger:
      challenger === null
        ? null
        : {
            bundle_digest: 'b'.repeat(64),
            data: [{ name: 'applications', version: 2, entry: 'd2'.repeat(32) }],
            runs: [
              {
                id: 'run1111challenger',
                name: 'gradient boosting',
                experiment_id: '7',
                metrics: { cv_roc_auc: 0.7875, test_roc_auc: 0.7702, extra_metric: 'x' }
              }
            ],
            changes: ['the data versions', 'the runs'],
            champion_runs_meanwhile: true,
            awaiting: ['risk', 'it-ops'],
            ...challenger
          }
  };
}

/** The text of each cell of a row. */
function cells(row: Element | null): string[] {
  return Array.from(row?.children ?? []).map(cell => text(cell));
}

function production(challenger: Record<string, unknown> | null = {}): IProduction {
  return normalizeStatus({ path: 'x.ipynb', production: raw(challenger) }, 'x.ipynb').production!;
}

describe('ChampionChallenger', () => {
  it('shows both bundles side by side with the metric differences', () => {
    const view = mount();
    const runUrl = (id: string, experiment?: string) => `http://mlflow/#/experiments/${experiment}/runs/${id}`;
    const el = view.render(<ChampionChallenger production={production()} runUrl={runUrl} />);
    const section = el.querySelector('[data-testid="mlops-production"]')!;
    expect(section.getAttribute('aria-label')).toBe('Champion and challenger');
    const headings = Array.from(section.querySelectorAll('thead th')).map(th => th.textContent);
    expect(headings).toEqual(['Champion', 'Challenger']);
    expect(cells(section.querySelector('[data-row="data"]'))).toEqual([
      'data',
      'applications v1',
      'applications v2'
    ]);
    expect(cells(section.querySelector('[data-row="bundle"]'))).toEqual([
      'bundle',
      'aaaaaaaa',
      'bbbbbbbb'
    ]);
    expect(text(section.querySelector('[data-testid="mlops-challenger-awaiting"]'))).toBe(
      'awaiting risk, it-ops'
    );
    const test = section.querySelector('[data-metric="test_roc_auc"]')!;
    expect(cells(test)).toEqual(['test_roc_auc', '0.7813', '0.7702 −0.011']);
    expect(test.querySelector('.jp-mlops-production-delta')!.getAttribute('data-sign')).toBe('down');
    expect(test.querySelector('th wbr')).not.toBeNull(); // wraps after underscores, not mid-word
    expect(text(section.querySelector('[data-metric="cv_roc_auc"] .jp-mlops-production-delta'))).toBe('±0');
    expect(section.querySelector('[data-metric="extra_metric"]')).toBeNull(); // not a number
    const links = Array.from(section.querySelectorAll('[data-row="run"] a'));
    expect(links.map(a => a.getAttribute('href'))).toEqual([
      'http://mlflow/#/experiments/7/runs/run0000champion',
      'http://mlflow/#/experiments/7/runs/run1111challenger'
    ]);
    expect(links.every(a => a.getAttribute('rel') === 'noopener noreferrer')).toBe(true);
    expect(text(section.querySelector('[data-testid="mlops-production-note"]'))).toMatch(
      /by business, risk, it-ops\. Batch runs use the champion until every required role signs the challenger\.$/
    );
    view.unmount();
  });

  it('shows the champion alone, and says why a changed code refuses batch runs', () => {
    const view = mount();
    let el = view.render(<ChampionChallenger production={production(null)} />);
    expect(el.querySelector('thead')!.textContent).toBe('Champion');
    expect(text(el.querySelector('[data-row="run"] td'))).toBe('run0000c'); // no MLflow URL: no link
    expect(text(el.querySelector('[data-testid="mlops-production-note"]'))).toMatch(/Batch runs use this bundle\.$/);
    el = view.render(
      <ChampionChallenger
        production={production({ champion_runs_meanwhile: false, changes: ["the notebook's code"] })}
      />
    );
    expect(text(el.querySelector('[data-testid="mlops-production-note"]'))).toBe(
      "Batch runs refuse: the challenger changed the notebook's code; only data versions, runs and prompts may change while the champion runs."
    );
    view.unmount();
  });

  it('renders user text as text, never as HTML', () => {
    const view = mount();
    const hostile = production({
      data: [{ name: '<img src=x onerror=alert(1)>', version: 2, entry: 'e' }]
    });
    const el = view.render(<ChampionChallenger production={hostile} />);
    expect(el.querySelector('img')).toBeNull();
    expect(cells(el.querySelector('[data-row="data"]'))[2]).toBe('<img src=x onerror=alert(1)> v2');
    view.unmount();
  });

  it('sits in the sign-offs section of the panel when the document has a champion', () => {
    const view = mount();
    const data = fullStatus({ production: production() });
    const el = view.render(<PanelView state={{ path: data.path, status: 'ready', data, error: null }} />);
    const signoffs = el.querySelector('[data-section="signoffs"]')!;
    expect(signoffs.querySelector('[data-testid="mlops-production"]')).not.toBeNull();
    const none = fullStatus();
    const plain = view.render(<PanelView state={{ path: none.path, status: 'ready', data: none, error: null }} />);
    expect(plain.querySelector('[data-testid="mlops-production"]')).toBeNull();
    view.unmount();
  });
});

describe('production normalization', () => {
  it('fills defaults and keeps numbers only', () => {
    const status = normalizeStatus(
      {
        path: 'x.ipynb',
        needs_review: {
          reason: 'drift',
          fix: 'mlops retrain x.ipynb',
          entry: 'e'.repeat(64),
          threshold: 0.2,
          columns: [{ dataset: 'a', column: 'b', psi: 0.7 }, { dataset: 'a', column: 'c', problem: 'missing' }]
        },
        production: { champion: { runs: [{ id: 'r', metrics: { auc: '0.8', ok: 0.8 } }] } }
      },
      'x.ipynb'
    );
    expect(status.needs_review).toEqual({
      reason: 'drift',
      batch_id: null,
      time: null,
      columns: ['a.b', 'a.c'],
      fix: 'mlops retrain x.ipynb',
      entry: 'e'.repeat(64),
      threshold: 0.2,
      flags: [
        { dataset: 'a', column: 'b', psi: 0.7, problem: null },
        { dataset: 'a', column: 'c', psi: null, problem: 'missing' }
      ]
    });
    expect(status.production!.champion.runs[0].metrics).toEqual({ ok: 0.8 });
    expect(status.production!.challenger).toBeNull();
    expect(normalizeStatus({ path: 'x.ipynb' }, 'x.ipynb').production).toBeNull();
  });

  it('compares the first runs metric by metric', () => {
    const rows = metricRows(production());
    expect(rows.map(r => r.name)).toEqual(['cv_roc_auc', 'test_roc_auc']);
    expect(rows[1].delta).toBeCloseTo(-0.0111);
    expect(formatDelta(0.0123)).toBe('+0.012');
    expect(formatDelta(-0.0004)).toBe('−0.0004');
  });
});
