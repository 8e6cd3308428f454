import * as React from 'react';

import { IPanelActions } from '../actions';
import { Checklist, groupByGate } from '../components/Checklist';
import { PanelView } from '../components/PanelView';
import { IPanelState } from '../model';
import { entry, fullStatus, item, report } from './fixtures';
import { button, click, IMounted, mount, text } from './dom';

let m: IMounted;
beforeEach(() => {
  m = mount();
});
afterEach(() => m.unmount());

function ready(data = fullStatus()): IPanelState {
  return { path: data.path, status: 'ready', data, error: null };
}

function renderPanel(actions: IPanelActions = {}, data = fullStatus()): HTMLElement {
  return m.render(<PanelView state={ready(data)} actions={actions} />);
}

const itemEl = (root: ParentNode, id: string) =>
  root.querySelector(`.jp-mlops-item[data-item-id="${id}"]`) as HTMLElement;

describe('groupByGate', () => {
  it('groups items by the stage they gate, in lifecycle order, unknown gates last', () => {
    const items = [
      item({ id: 'p', gates: 'production' }),
      item({ id: 'x', gates: 'someday' }),
      item({ id: 'r1', gates: 'review' }),
      item({ id: 'a', gates: 'approval' }),
      item({ id: 'r2', gates: 'review' })
    ];
    expect(groupByGate(items).map(g => [g.gate, g.items.map(i => i.id)])).toEqual([
      ['review', ['r1', 'r2']],
      ['approval', ['a']],
      ['production', ['p']],
      ['someday', ['x']]
    ]);
    expect(groupByGate([])).toEqual([]);
  });
});

describe('Checklist', () => {
  it('leads with what blocks the next stage, each with its fix; the rest folded into counts', () => {
    const panel = renderPanel();
    // draft: the failing items that gate review block "ready for review"
    const blockers = panel.querySelector('[data-testid="mlops-blockers"]')!;
    expect(text(blockers.querySelector('.jp-mlops-blockers-title'))).toBe(
      'To reach ready for review1 to fix'
    );
    const lead = Array.from(blockers.querySelectorAll('.jp-mlops-item'));
    expect(lead.map(i => i.getAttribute('data-item-id'))).toEqual(['decisions-recorded']);
    expect(text(lead[0].querySelector('.jp-mlops-pill'))).toBe('fail');
    expect(text(lead[0].querySelector('.jp-mlops-item-detail'))).toBe(
      'no current decision tagged evaluation'
    );
    expect(text(lead[0].querySelector('.jp-mlops-fix'))).toContain('%mlops decide "TITLE"');
    // failing items of later stages: a folded count, grouped by the stage each gates
    const later = panel.querySelector('[data-testid="mlops-later-toggle"]') as HTMLButtonElement;
    expect(text(later)).toBe('▸ 2 more to fix before approval and production');
    expect(later.getAttribute('aria-expanded')).toBe('false');
    const laterBody = document.getElementById(later.getAttribute('aria-controls')!)!;
    expect(laterBody.hidden).toBe(true);
    expect(
      Array.from(laterBody.querySelectorAll('.jp-mlops-gate')).map(g => [
        g.getAttribute('data-gate'),
        Array.from(g.querySelectorAll('.jp-mlops-item')).map(i => i.getAttribute('data-item-id'))
      ])
    ).toEqual([
      ['approval', ['clean-run']],
      ['production', ['signoffs']]
    ]);
    // passing (and waived) items: one count, folded
    const passing = panel.querySelector('[data-testid="mlops-passing-toggle"]') as HTMLButtonElement;
    expect(text(passing)).toBe('▸ 3 passing, 1 waived');
    expect(passing.getAttribute('aria-label')).toBe('3 passing, 1 waived: show the items');
    const passingBody = document.getElementById(passing.getAttribute('aria-controls')!)!;
    expect(passingBody.hidden).toBe(true);
    click(passing);
    expect(passing.getAttribute('aria-expanded')).toBe('true');
    expect(text(passing)).toBe('▾ 3 passing, 1 waived');
    expect(passingBody.hidden).toBe(false);
    expect(
      Array.from(passingBody.querySelectorAll('.jp-mlops-item')).map(i => [
        i.getAttribute('data-item-id'),
        text(i.querySelector('.jp-mlops-pill'))
      ])
    ).toEqual([
      ['data-registered', 'pass'],
      ['run-logged', 'pass'],
      ['parameters-cell', 'pass'],
      ['environment-pinned', 'waived']
    ]);
    // why it matters: folded away behind a small toggle on the card
    const why = button(lead[0], `Why it matters: ${lead[0].querySelector('.jp-mlops-item-title')!.textContent}`)!;
    const whyText = document.getElementById(why.getAttribute('aria-controls')!)!;
    expect(whyText.hidden).toBe(true);
    click(why);
    expect(why.getAttribute('aria-expanded')).toBe('true');
    expect(text(whyText)).toBe('Which data, which features, which model and how it is judged.');
  });

  it('blocks approval with every failing item once ready for review; nothing folded as later', () => {
    const panel = renderPanel({}, fullStatus({ report: report({ stage: 'ready for review' }) }));
    const blockers = panel.querySelector('[data-testid="mlops-blockers"]')!;
    expect(text(blockers.querySelector('h4'))).toBe('To reach approved3 to fix');
    expect(
      Array.from(blockers.querySelectorAll('.jp-mlops-item')).map(i => i.getAttribute('data-item-id'))
    ).toEqual(['decisions-recorded', 'clean-run', 'signoffs']);
    expect(panel.querySelector('[data-testid="mlops-later-toggle"]')).toBeNull();
  });

  it('says what comes next when nothing blocks', () => {
    const ok = report({
      stage: 'approved',
      items: report().items.filter(i => i.status !== 'fail'),
      blocking: { review: [], approval: [], production: [] }
    });
    const panel = renderPanel({}, fullStatus({ report: ok }));
    expect(text(panel.querySelector('.jp-mlops-blockers-title'))).toBe(
      'To reach in productionnothing to fix'
    );
    expect(text(panel.querySelector('.jp-mlops-nothing-blocks'))).toBe(
      'Every item passes. A batch run of this version puts it in production.'
    );
  });

  it('shows the fix of failing items only, and the waiver of waived ones', () => {
    const panel = renderPanel();
    expect(itemEl(panel, 'data-registered').querySelector('.jp-mlops-fix')).toBeNull();
    expect(text(itemEl(panel, 'clean-run').querySelector('.jp-mlops-fix'))).toContain(
      'mlops check NOTEBOOK --run'
    );
    const waived = itemEl(panel, 'environment-pinned');
    expect(waived.querySelector('.jp-mlops-fix')).toBeNull();
    expect(text(waived.querySelector('.jp-mlops-item-waiver'))).toMatch(
      /^Waived by Rita Risk, .*: pinned by the platform image$/
    );
  });

  it('offers "Insert fix below" only for failing items whose fix is a magic', () => {
    const panel = renderPanel({ insertCellBelow: () => ({ inserted: true, message: 'ok' }) });
    const withButton = Array.from(panel.querySelectorAll('.jp-mlops-item'))
      .filter(i => i.querySelector('[data-testid="mlops-insert-fix"]'))
      .map(i => i.getAttribute('data-item-id'));
    // clean-run (a CLI command) and signoffs fail too, but their fixes are not magics;
    // data-registered and run-logged have magic fixes but pass
    expect(withButton).toEqual(['decisions-recorded']);
  });

  it('inserts the magic into a new cell (not run) and says so', () => {
    const insertCellBelow = jest.fn(() => ({
      inserted: true,
      message: 'Inserted as cell 4, not run.'
    }));
    const panel = renderPanel({ insertCellBelow });
    const insert = itemEl(panel, 'decisions-recorded').querySelector(
      '[data-testid="mlops-insert-fix"]'
    ) as HTMLButtonElement;
    expect(text(insert)).toBe('Insert fix below');
    expect(insert.getAttribute('aria-label')).toContain('Decisions on data, model choice');
    click(insert);
    expect(insertCellBelow).toHaveBeenCalledWith(
      '%mlops decide "TITLE" --why "..." --tag data|model|evaluation\n' +
        '# replace TITLE, "..." before running this cell'
    );
    const result = itemEl(panel, 'decisions-recorded').querySelector('.jp-mlops-fix-result');
    expect(result?.getAttribute('role')).toBe('status');
    expect(text(result)).toBe('Inserted as cell 4, not run.');
  });

  it('tells when there is no notebook to insert into', () => {
    const panel = renderPanel({
      insertCellBelow: () => ({
        inserted: false,
        message: 'Open the notebook in the editor first.'
      })
    });
    click(itemEl(panel, 'decisions-recorded').querySelector('[data-testid="mlops-insert-fix"]'));
    expect(text(panel.querySelector('.jp-mlops-fix-result.jp-mlops-warning'))).toBe(
      'Open the notebook in the editor first.'
    );
  });

  it('hides the insert button without a notebook action', () => {
    const panel = renderPanel({});
    expect(panel.querySelector('[data-testid="mlops-insert-fix"]')).toBeNull();
    expect(text(itemEl(panel, 'decisions-recorded').querySelector('.jp-mlops-fix'))).toContain(
      '%mlops decide "TITLE"'
    );
  });

  it('offers one button per magic when the fix has alternatives', () => {
    const data = fullStatus({
      report: report({
        items: [
          item({
            fix: '%mlops decide "T" --why "..." or %mlops waive decisions-recorded --why "..."'
          })
        ]
      })
    });
    const panel = renderPanel({ insertCellBelow: () => ({ inserted: true, message: '' }) }, data);
    expect(
      Array.from(panel.querySelectorAll('[data-testid="mlops-insert-fix"]')).map(b => text(b))
    ).toEqual(['Insert %mlops decide below', 'Insert %mlops waive below']);
  });
});

describe('evidence', () => {
  it('links an MLflow run to its page in the MLflow UI, in a new tab', () => {
    const panel = renderPanel({ mlflowUrl: 'http://127.0.0.1:5000/' });
    const link = itemEl(panel, 'run-logged').querySelector(
      '.jp-mlops-evidence a'
    ) as HTMLAnchorElement;
    // the experiment comes from the timeline's entry for that run
    expect(link.getAttribute('href')).toBe('http://127.0.0.1:5000/#/experiments/7/runs/run123');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(link.getAttribute('aria-label')).toBe(
      "Open MLflow run 'gradient boosting' in a new tab"
    );
  });

  it('uses the direct run page when the experiment is unknown', () => {
    const panel = renderPanel(
      { mlflowUrl: 'https://mlflow.example.org' },
      fullStatus({ timeline: [] })
    );
    const link = itemEl(panel, 'run-logged').querySelector('.jp-mlops-evidence a');
    expect(link?.getAttribute('href')).toBe('https://mlflow.example.org/#/runs/run123');
  });

  it('never links to a non-http MLflow URL', () => {
    const panel = renderPanel({ mlflowUrl: 'javascript:alert(1)//' });
    expect(panel.querySelector('a[href^="javascript"]')).toBeNull();
    expect(itemEl(panel, 'run-logged').querySelector('.jp-mlops-evidence a')).toBeNull();
    expect(text(itemEl(panel, 'run-logged').querySelector('.jp-mlops-evidence'))).toBe(
      "run 'gradient boosting'"
    );
  });

  describe('an explanation report among the MLflow artifacts', () => {
    const explained = (runId = 'run123') =>
      fullStatus({
        report: report({
          items: [
            item({
              id: 'explanations',
              status: 'pass',
              check: 'explanations_recorded',
              evidence: [
                { kind: 'mlflow-run', ref: runId, label: "run 'gradient boosting'" },
                {
                  kind: 'mlflow-artifact',
                  ref: `${runId}/explanations/4f2a9c01`,
                  label: 'explanation report'
                }
              ]
            })
          ]
        })
      });
    const artifact = (panel: HTMLElement) =>
      itemEl(panel, 'explanations').querySelector(
        '[data-kind="mlflow-artifact"]'
      ) as HTMLElement;

    it("links to the run's Artifacts tab, at the report's folder, in a new tab", () => {
      const panel = renderPanel({ mlflowUrl: 'http://127.0.0.1:5000/' }, explained());
      const link = artifact(panel).querySelector('a') as HTMLAnchorElement;
      // the experiment comes from the timeline's entry for that run
      expect(link.getAttribute('href')).toBe(
        'http://127.0.0.1:5000/#/experiments/7/runs/run123/artifacts/explanations/4f2a9c01'
      );
      expect(link.getAttribute('target')).toBe('_blank');
      expect(link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(link.getAttribute('aria-label')).toBe(
        'Open explanation report (MLflow artifacts explanations/4f2a9c01) in a new tab'
      );
      expect(text(link)).toBe('explanation report');
    });

    it('falls back to the run page when the experiment is unknown', () => {
      const panel = renderPanel({ mlflowUrl: 'https://mlflow.example.org' }, explained('run9'));
      const link = artifact(panel).querySelector('a') as HTMLAnchorElement;
      expect(link.getAttribute('href')).toBe('https://mlflow.example.org/#/runs/run9');
      expect(link.getAttribute('title')).toBe('MLflow run run9, artifacts explanations/4f2a9c01');
    });

    it('shows the run and the path as text without an MLflow URL', () => {
      const panel = renderPanel({ mlflowUrl: 'javascript:alert(1)//' }, explained());
      expect(artifact(panel).querySelector('a')).toBeNull();
      expect(text(artifact(panel))).toBe('explanation report (run run123: explanations/4f2a9c01)');
    });
  });

  it('scrolls to and highlights the timeline entry a data or entry evidence points to', () => {
    const panel = renderPanel();
    expect(panel.querySelector('.jp-mlops-highlight')).toBeNull();
    const show = button(panel, 'Show data version applications v1 in the timeline');
    click(show);
    const highlighted = panel.querySelector('.jp-mlops-highlight');
    expect(highlighted?.getAttribute('data-entry-id')).toBe('d'.repeat(64));
    expect(highlighted?.getAttribute('aria-current')).toBe('true');
    expect(document.activeElement).toBe(highlighted); // keyboard users land there too
  });

  it('opens the timeline section, folded by default, to show an entry', () => {
    const panel = renderPanel();
    const toggle = panel.querySelector(
      '[data-section="timeline"] .jp-mlops-section-toggle'
    ) as HTMLButtonElement;
    const body = panel.querySelector(
      '[data-section="timeline"] .jp-mlops-section-body'
    ) as HTMLElement;
    expect(body.hidden).toBe(true);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    click(button(panel, 'Show data version applications v1 in the timeline'));
    expect(body.hidden).toBe(false);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
  });

  it('shows a cell and opens a file through the actions', () => {
    const showCell = jest.fn();
    const openProjectFile = jest.fn();
    const data = fullStatus({
      report: report({
        items: [
          item({
            evidence: [
              { kind: 'cell', ref: '3', label: 'cell 4' },
              { kind: 'file', ref: 'requirements.txt', label: 'requirements.txt' }
            ]
          })
        ]
      })
    });
    const panel = renderPanel({ showCell, openProjectFile }, data);
    click(button(panel, 'Show cell 4 of the notebook'));
    expect(showCell).toHaveBeenCalledWith(3);
    click(button(panel, 'Open requirements.txt'));
    expect(openProjectFile).toHaveBeenCalledWith('requirements.txt');
  });

  it('renders checklist text as text', () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const data = fullStatus({
      report: report({
        items: [
          item({
            title: evil,
            detail: evil,
            why: evil,
            fix: evil,
            evidence: [{ kind: 'entry', ref: 'x', label: evil }]
          })
        ]
      })
    });
    const panel = m.render(
      <Checklist
        report={data.report!}
        nav={{ runUrl: () => null, showEntry: () => undefined, actions: {} }}
      />
    );
    expect(text(panel.querySelector('.jp-mlops-item-title'))).toBe(evil);
    expect(panel.querySelector('img')).toBeNull();
    expect((window as any).__pwned).toBeUndefined();
  });
});

describe('timeline entries in the panel', () => {
  it('links an entry to the entries it links', () => {
    const target = entry({ id: 'c'.repeat(64), kind: 'data.registered', summary: 'data v2' });
    const data = fullStatus({
      timeline: [entry({ kind: 'run.logged', links: [`entry:${'c'.repeat(64)}`] }), target]
    });
    const panel = renderPanel({}, data);
    click(button(panel, 'Show linked entry cccccccccccc'));
    expect(panel.querySelector('.jp-mlops-highlight')?.getAttribute('data-entry-id')).toBe(
      'c'.repeat(64)
    );
  });
});

describe('a long detail', () => {
  it('shows its first lines, and all of it on request', () => {
    const detail = 'age band × sex: demographic_parity_difference 0.32 '.repeat(8).trim();
    const data = fullStatus({
      report: report({
        items: [item({ detail })],
        blocking: { review: ['decisions-recorded'], approval: [], production: [] }
      })
    });
    const panel = renderPanel({}, data);
    const p = panel.querySelector('.jp-mlops-item-detail')!;
    expect(text(p)).toBe(detail); // all of it is there, for screen readers and search
    expect(p.classList.contains('jp-mlops-clamped')).toBe(true);
    const more = button(panel, 'Show all of the detail')!;
    expect(more.getAttribute('aria-controls')).toBe(p.id);
    click(more);
    expect(p.classList.contains('jp-mlops-clamped')).toBe(false);
    expect(more.getAttribute('aria-expanded')).toBe('true');
    expect(button(panel, 'Show less of the detail')).toBe(more);
    // a short one has no button
    expect(button(renderPanel(), 'Show all of the detail')).toBeNull();
  });
});
