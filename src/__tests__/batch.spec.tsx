import { Signal } from '@lumino/signaling';
import * as React from 'react';
import { act } from 'react';

import { IBatchActions } from '../actions';
import { ApiError } from '../api';
import {
  changedValues,
  fieldKind,
  IBatchOverview,
  IBatchParameter,
  initialText,
  normalizeBatchJob,
  normalizeBatchOverview,
  readField
} from '../batch';
import { BatchForm } from '../components/BatchDialog';
import { BatchRunControl, summary } from '../components/BatchRunControl';
import { choose, clickAndSettle, IMounted, mount, text, typeInto } from './dom';

let m: IMounted;
beforeEach(() => {
  m = mount();
});
afterEach(() => m.unmount());

const param = (over: Partial<IBatchParameter>): IBatchParameter => ({
  name: 'x',
  type: 'int',
  base: 'int',
  nullable: false,
  item: null,
  default: 3,
  minimum: null,
  maximum: null,
  choices: [],
  ...over
});

/** As `GET batch-runs?path=` answers for tests/helpers/batch.py's notebook, plus more types. */
const OVERVIEW: IBatchOverview = normalizeBatchOverview({
  notebook: 'credit/score.ipynb',
  may_run: true,
  problems: [],
  parameter_problems: [],
  max_running: 2,
  jobs: [],
  parameters: [
    { name: 'n', type: 'int', base: 'int', nullable: false, item: null, default: 3, minimum: null, maximum: null, choices: [] },
    { name: 'threshold', type: 'float', base: 'float', nullable: false, item: null, default: 0.5, minimum: 0, maximum: 1, choices: [] },
    { name: 'model', type: 'str', base: 'str', nullable: false, item: null, default: 'gbm', minimum: null, maximum: null, choices: ['gbm', 'rf'] },
    { name: 'label', type: 'str', base: 'str', nullable: false, item: null, default: 'base', minimum: null, maximum: null, choices: [] },
    { name: 'verbose', type: 'bool', base: 'bool', nullable: false, item: null, default: false, minimum: null, maximum: null, choices: [] },
    { name: 'tags', type: 'list[str]', base: 'list', nullable: false, item: 'str', default: ['a'], minimum: null, maximum: null, choices: [] },
    { name: 'limit', type: 'int | None', base: 'int', nullable: true, item: null, default: null, minimum: null, maximum: null, choices: [] }
  ]
});

const input = (root: ParentNode, name: string) =>
  root.querySelector(`[name="${name}"]`) as HTMLInputElement;

describe('the form values', () => {
  it('picks an input for each type', () => {
    expect(OVERVIEW.parameters.map(p => [p.name, fieldKind(p)])).toEqual([
      ['n', 'number'],
      ['threshold', 'number'],
      ['model', 'select'],
      ['label', 'text'],
      ['verbose', 'checkbox'],
      ['tags', 'json'],
      ['limit', 'json']
    ]);
    expect(OVERVIEW.parameters.map(initialText)).toEqual([
      '3', '0.5', 'gbm', 'base', 'false', '["a"]', 'null'
    ]);
  });

  it('reads numbers and JSON, and sends only what changed', () => {
    expect(readField(param({}), ' 7 ')).toEqual({ value: 7 });
    expect(readField(param({}), '')).toEqual({ error: 'Enter a number.' });
    expect(readField(param({ base: 'list', type: 'list' }), '[1,')).toHaveProperty('error');
    const { values, errors } = changedValues(OVERVIEW.parameters, {
      n: '3', threshold: '0.7', tags: '["a", "b"]', limit: '{', verbose: 'true'
    });
    expect(values).toEqual({ threshold: 0.7, tags: ['a', 'b'], verbose: true });
    expect(Object.keys(errors)).toEqual(['limit']);
  });

  it('reads what the server answers defensively', () => {
    const job = normalizeBatchJob({ id: 'a', status: 'weird', drift_flagged: [{}, {}] });
    expect(job.status).toBe('failed');
    expect(job.driftFlagged).toBe(2);
    expect(summary({ ...job, status: 'running', elapsed: 75 })).toBe('running · 1 min 15 s');
    expect(summary({ ...job, status: 'succeeded', seconds: 3.2 })).toBe(
      'succeeded in 3 s · drift in 2 columns'
    );
  });
});

describe('BatchForm', () => {
  it('labels a typed input for every parameter, with its range', () => {
    const root = m.render(
      <BatchForm overview={OVERVIEW} onSubmit={jest.fn()} onQueued={jest.fn()} onCancel={jest.fn()} />
    );
    for (const p of OVERVIEW.parameters) {
      const el = input(root, p.name);
      expect(root.querySelector(`label[for="${el.id}"]`)?.textContent).toBe(p.name);
    }
    expect(input(root, 'threshold').type).toBe('number');
    expect([input(root, 'threshold').min, input(root, 'threshold').max]).toEqual(['0', '1']);
    expect(input(root, 'n').step).toBe('1');
    expect(root.querySelector('select[name="model"]')).not.toBeNull();
    expect(input(root, 'verbose').type).toBe('checkbox');
    expect(root.querySelector('textarea[name="tags"]')).not.toBeNull();
    expect(text(root.querySelector('[data-parameter="threshold"] .jp-mlops-batch-about'))).toBe(
      'float, 0 to 1'
    );
    expect((root.querySelector('form') as HTMLFormElement).noValidate).toBe(true);
  });

  it('sends the changed values and reports the queued job', async () => {
    const onSubmit = jest.fn(async () => ({ id: 'j1', status: 'queued' }));
    const onQueued = jest.fn();
    const root = m.render(
      <BatchForm overview={OVERVIEW} onSubmit={onSubmit} onQueued={onQueued} onCancel={jest.fn()} />
    );
    typeInto(input(root, 'threshold'), '0.25');
    choose(root.querySelector('select[name="model"]'), 'rf');
    await clickAndSettle(root.querySelector('button[type="submit"]'));
    expect(onSubmit).toHaveBeenCalledWith({ threshold: 0.25, model: 'rf' });
    expect(onQueued).toHaveBeenCalledWith({ id: 'j1', status: 'queued' });
  });

  it("shows the server's refusal of a value under its input, and clears it on change", async () => {
    const onSubmit = jest.fn(async () => {
      throw new ApiError('parameter threshold=2 is outside its range 0..1', 'give a value', 400, {
        field: 'threshold'
      });
    });
    const onQueued = jest.fn();
    const root = m.render(
      <BatchForm overview={OVERVIEW} onSubmit={onSubmit} onQueued={onQueued} onCancel={jest.fn()} />
    );
    typeInto(input(root, 'threshold'), '2');
    await clickAndSettle(root.querySelector('button[type="submit"]'));
    const field = root.querySelector('[data-parameter="threshold"]')!;
    const alert = field.querySelector('[role="alert"]')!;
    expect(text(alert)).toBe('parameter threshold=2 is outside its range 0..1');
    expect(input(root, 'threshold').getAttribute('aria-invalid')).toBe('true');
    expect(input(root, 'threshold').getAttribute('aria-describedby')).toContain(alert.id);
    expect(root.querySelectorAll('[role="alert"]')).toHaveLength(1);
    expect(onQueued).not.toHaveBeenCalled();
    typeInto(input(root, 'threshold'), '0.9');
    expect(field.querySelector('[role="alert"]')).toBeNull();
  });

  it('checks JSON before sending, next to the field', async () => {
    const onSubmit = jest.fn();
    const root = m.render(
      <BatchForm overview={OVERVIEW} onSubmit={onSubmit} onQueued={jest.fn()} onCancel={jest.fn()} />
    );
    typeInto(root.querySelector('textarea[name="tags"]'), '["a", ');
    await clickAndSettle(root.querySelector('button[type="submit"]'));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(text(root.querySelector('[data-parameter="tags"] [role="alert"]'))).toContain('Not JSON');
  });

  it('lists the reasons of a refusal, as text', async () => {
    const onSubmit = jest.fn(async () => {
      throw new ApiError('score.ipynb may not run in production: <b>x</b>', 'see', 403, {
        problems: ['the business sign-off is stale', '<b>x</b>']
      });
    });
    const root = m.render(
      <BatchForm overview={OVERVIEW} onSubmit={onSubmit} onQueued={jest.fn()} onCancel={jest.fn()} />
    );
    await clickAndSettle(root.querySelector('button[type="submit"]'));
    const items = Array.from(root.querySelectorAll('.jp-mlops-batch-problems li')).map(text);
    expect(items).toEqual(['the business sign-off is stale', '<b>x</b>']);
    expect(root.querySelector('b')).toBeNull(); // user text is never HTML
    expect(root.querySelector('[role="alert"]')).not.toBeNull();
  });

  it('shows why a notebook may not run, instead of the form', () => {
    const onCancel = jest.fn();
    const root = m.render(
      <BatchForm
        overview={{ ...OVERVIEW, mayRun: false, problems: ['no business sign-off'] }}
        onSubmit={jest.fn()}
        onQueued={jest.fn()}
        onCancel={onCancel}
      />
    );
    expect(text(root.querySelector('[role="alert"] li'))).toBe('no business sign-off');
    expect(root.querySelector('input')).toBeNull();
  });
});

describe('BatchRunControl', () => {
  const done = normalizeBatchJob({
    id: 'j1', status: 'succeeded', notebook: 'credit/score.ipynb', seconds: 2,
    output: 'credit/batch-runs/score/x.ipynb', mlflow_run_id: 'r1', experiment_id: '7',
    drift_flagged: []
  });
  const running = normalizeBatchJob({ id: 'j2', status: 'running', notebook: 'credit/score.ipynb', elapsed: 1 });

  function actions(over: Partial<IBatchActions> = {}): IBatchActions {
    return {
      overview: jest.fn(async () => ({ ...OVERVIEW, jobs: [done] })),
      job: jest.fn(async () => ({ ...running, status: 'succeeded' as const, seconds: 4, elapsed: null })),
      openDialog: jest.fn(async () => null),
      openFile: jest.fn(),
      queued: new Signal<unknown, { id: string; notebook: string }>({}),
      finished: jest.fn(),
      ...over
    };
  }

  it('shows the jobs with links to the executed notebook and the MLflow run', async () => {
    const batch = actions();
    await act(async () => {
      m.render(<BatchRunControl path="credit/score.ipynb" batch={batch} mlflowUrl="http://mlflow" />);
    });
    const row = m.container.querySelector('[data-job="j1"]')!;
    expect(text(row.querySelector('.jp-mlops-batch-status'))).toBe('succeeded in 2 s');
    expect(row.querySelector('a')!.getAttribute('href')).toBe('http://mlflow/#/experiments/7/runs/r1');
    await clickAndSettle(row.querySelector('button[aria-label="Open the executed notebook"]'));
    expect(batch.openFile).toHaveBeenCalledWith('credit/batch-runs/score/x.ipynb');
    await clickAndSettle(m.container.querySelector('button[aria-label="Run as batch job"]'));
    expect(batch.openDialog).toHaveBeenCalledWith('credit/score.ipynb');
  });

  it('follows a job queued elsewhere (the palette) until it ends', async () => {
    jest.useFakeTimers();
    try {
      const batch = actions({
        overview: jest.fn(async () => ({ ...OVERVIEW, jobs: [] })),
        job: jest
          .fn()
          .mockResolvedValueOnce(running)
          .mockResolvedValue({ ...running, status: 'succeeded', seconds: 4, elapsed: null })
      });
      await act(async () => {
        m.render(<BatchRunControl path="credit/score.ipynb" batch={batch} />);
      });
      await act(async () => {
        (batch.queued as Signal<unknown, { id: string; notebook: string }>).emit({
          id: 'j2', notebook: 'credit/score.ipynb'
        });
      });
      expect(text(m.container.querySelector('[data-job="j2"] .jp-mlops-batch-status'))).toBe(
        'running · 1 s'
      );
      await act(async () => {
        jest.advanceTimersByTime(1000);
      });
      expect(text(m.container.querySelector('[data-job="j2"] .jp-mlops-batch-status'))).toBe(
        'succeeded in 4 s'
      );
      expect(batch.job).toHaveBeenCalledWith('j2', 'credit/score.ipynb');
      expect(batch.finished).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
