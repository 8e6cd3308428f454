import * as React from 'react';

import { ApiError, IGeneratedDocuments } from '../api';
import {
  changesSummary,
  CoverageMeter,
  coverageSummary,
  Documentation
} from '../components/Documentation';
import { PanelView } from '../components/PanelView';
import { documentation, fullStatus } from './fixtures';
import { button, clickAndSettle, IMounted, mount, text } from './dom';

let m: IMounted;
beforeEach(() => {
  m = mount();
});
afterEach(() => m.unmount());

const annex = () => documentation().documents['annex-iv'];

function generated(overrides: Partial<IGeneratedDocuments> = {}): IGeneratedDocuments {
  return {
    entry: 'f'.repeat(64),
    previous: 'e'.repeat(64),
    documents: {
      'annex-iv': {
        file: 'docs/train/annex-iv.html',
        changes: { changed: ['6'], added: [], removed: [] }
      },
      'model-card': { file: 'docs/train/model-card.html', changes: null }
    },
    ...overrides
  };
}

describe('coverage', () => {
  it('sums up the points as the meter counts them', () => {
    expect(coverageSummary(annex())).toBe(
      '21 of 23 covered: 13 from evidence, 6 by the author, 2 not applicable, 2 missing'
    );
  });

  it('draws one segment per status present, sized by count, labelled for screen readers', () => {
    const root = m.render(<CoverageMeter name="Annex IV" coverage={annex()} />);
    const bar = root.querySelector('[role="img"]')!;
    expect(bar.getAttribute('aria-label')).toBe(`Annex IV: ${coverageSummary(annex())}`);
    const segments = Array.from(root.querySelectorAll<HTMLElement>('.jp-mlops-meter-segment'));
    expect(segments.map(s => s.dataset.status)).toEqual([
      'evidence',
      'author',
      'not_applicable',
      'missing'
    ]);
    expect(segments[3].style.width).toBe(`${(100 * 2) / 23}%`);
    expect(segments[3].title).toBe('2 missing: 1(d), 7');
    expect(text(root.querySelector('.jp-mlops-meter-legend'))).toBe(
      '21 of 23 covered · 13 from evidence · 6 by the author · 2 not applicable · 2 missing'
    );
  });

  it('leaves out the segments of statuses no point has', () => {
    const complete = { ...annex(), totals: { evidence: 23, author: 0, not_applicable: 0, missing: 0 } };
    const root = m.render(<CoverageMeter name="Annex IV" coverage={complete} />);
    expect(root.querySelectorAll('.jp-mlops-meter-segment')).toHaveLength(1);
  });
});

describe('Documentation', () => {
  it('lists what the author still has to write, with code as code', () => {
    const root = m.render(<Documentation documentation={documentation()} />);
    const items = Array.from(root.querySelectorAll('.jp-mlops-doc-missing li'));
    expect(items.map(li => li.querySelector('.jp-mlops-doc-key')!.textContent)).toEqual([
      '1(d)',
      '7'
    ]);
    expect(items[0].querySelector('code.jp-mlops-snippet')!.textContent).toBe('mlops doc 1(d)');
    expect(text(root.querySelector('.jp-mlops-doc-status'))).toMatch(/^Current generated .* by Ann Lee$/);
  });

  it('says when the documents are stale, and why', () => {
    const stale = documentation({ stale: true, stale_because: ["the notebook's code"] });
    const root = m.render(<Documentation documentation={stale} onGenerate={jest.fn()} />);
    expect(root.querySelector('.jp-mlops-stale')).not.toBeNull();
    expect(text(root.querySelector('.jp-mlops-stale-because'))).toBe(
      "(changed since: the notebook's code)"
    );
    expect(button(root, 'Regenerate the documents')!.className).toContain('jp-mlops-primary');
  });

  it('invites a first generation when there is none', () => {
    const none = documentation({ generated: null, time: null, actor: null, stale: null, documents: {} });
    const root = m.render(<Documentation documentation={none} onGenerate={jest.fn()} />);
    expect(text(root)).toContain('No documents generated yet');
    expect(button(root, 'Generate the documents')).not.toBeNull();
    expect(root.querySelector('[data-testid="mlops-coverage-meter"]')).toBeNull();
  });

  it('generates, then says what changed since the previous version', async () => {
    const onGenerate = jest.fn(async () => generated());
    const root = m.render(<Documentation documentation={documentation()} onGenerate={onGenerate} />);
    await clickAndSettle(button(root, 'Regenerate the documents'));
    expect(onGenerate).toHaveBeenCalledTimes(1);
    expect(text(root.querySelector('[role="status"]'))).toBe(
      'Regenerated. Annex IV: 6 changed; Model card: no section changed.'
    );
  });

  it('shows the server refusal, and the button works again', async () => {
    const onGenerate = jest.fn(async () => {
      throw new ApiError('not a notebook: x', 'give the path of an .ipynb file', 400);
    });
    const root = m.render(<Documentation documentation={documentation()} onGenerate={onGenerate} />);
    await clickAndSettle(button(root, 'Regenerate the documents'));
    expect(text(root)).toContain('not a notebook: x');
    expect(button(root, 'Regenerate the documents')!.disabled).toBe(false);
  });

  it('opens a document by its path in the project', async () => {
    const onOpen = jest.fn();
    const root = m.render(<Documentation documentation={documentation()} onOpen={onOpen} />);
    await clickAndSettle(button(root, 'Open the Annex IV document'));
    expect(onOpen).toHaveBeenCalledWith('docs/train/annex-iv.html');
  });

  it('says a first generation is a first generation', () => {
    expect(changesSummary(generated({ previous: null }))).toBe(
      'Generated the model card and the Annex IV documentation.'
    );
  });
});

describe('the panel', () => {
  it('has a Documentation section whose heading counts the missing points', () => {
    const root = m.render(<PanelView state={{ path: 'p', status: 'ready', data: fullStatus(), error: null }} />);
    const section = root.querySelector('[data-section="documentation"]')!;
    expect(text(section.querySelector('.jp-mlops-section-status'))).toBe('2 missing');
    const stale = fullStatus({ documentation: documentation({ stale: true }) });
    m.render(<PanelView state={{ path: 'p', status: 'ready', data: stale, error: null }} />);
    expect(text(root.querySelector('[data-section="documentation"] .jp-mlops-section-status'))).toBe(
      'stale'
    );
  });
});
