import * as React from 'react';

import { ApiError, IDecisionInput } from '../api';
import { DecisionForm, parseTags } from '../components/DecisionForm';
import { PanelView } from '../components/PanelView';
import { decision, fullStatus } from './fixtures';
import { button, click, clickAndSettle, field, IMounted, mount, text, typeInto } from './dom';

let m: IMounted;
beforeEach(() => {
  m = mount();
});
afterEach(() => m.unmount());


describe('parseTags', () => {
  it('splits on commas, trims, drops empties and repeats', () => {
    expect(parseTags(' data, model,, data ,evaluation ')).toEqual(['data', 'model', 'evaluation']);
    expect(parseTags('')).toEqual([]);
  });
});

describe('DecisionForm', () => {
  it('needs a title and a why', () => {
    const root = m.render(<DecisionForm onSubmit={jest.fn()} />);
    const submit = button(root, 'Record the decision')!;
    expect(submit.disabled).toBe(true);
    typeInto(field(root, 'title'), 'Use ROC AUC');
    expect(submit.disabled).toBe(true);
    typeInto(field(root, 'why'), '   ');
    expect(submit.disabled).toBe(true);
    typeInto(field(root, 'why'), 'it ranks');
    expect(submit.disabled).toBe(false);
    for (const name of ['title', 'why', 'alternatives', 'tags']) {
      expect(field(root, name).getAttribute('aria-label')).toBeTruthy();
    }
  });

  it('sends title, why, alternatives and tags, then clears the form', async () => {
    const onSubmit = jest.fn(async (_: IDecisionInput) => undefined);
    const root = m.render(<DecisionForm onSubmit={onSubmit} />);
    typeInto(field(root, 'title'), ' Use ROC AUC ');
    typeInto(field(root, 'why'), 'ranking matters');
    typeInto(field(root, 'alternatives'), 'accuracy');
    typeInto(field(root, 'tags'), 'evaluation, model');
    await clickAndSettle(button(root, 'Record the decision'));
    expect(onSubmit).toHaveBeenCalledWith({
      title: 'Use ROC AUC',
      why: 'ranking matters',
      alternatives: 'accuracy',
      tags: ['evaluation', 'model']
    });
    expect(['title', 'why', 'alternatives', 'tags'].map(n => field(root, n).value)).toEqual([
      '',
      '',
      '',
      ''
    ]);
    expect(text(root.querySelector('.jp-mlops-success'))).toBe('Recorded “Use ROC AUC”.');
  });

  it('leaves out empty optional fields', async () => {
    const onSubmit = jest.fn(async (_: IDecisionInput) => undefined);
    const root = m.render(<DecisionForm onSubmit={onSubmit} />);
    typeInto(field(root, 'title'), 'T');
    typeInto(field(root, 'why'), 'W');
    typeInto(field(root, 'tags'), ' , ');
    await clickAndSettle(button(root, 'Record the decision'));
    expect(onSubmit).toHaveBeenCalledWith({ title: 'T', why: 'W' });
  });

  it('keeps what was typed and shows the server error', async () => {
    const onSubmit = jest.fn(async () => {
      throw new ApiError(
        'tags.0: String should have at most 64 characters',
        'see the API description',
        400
      );
    });
    const root = m.render(<DecisionForm onSubmit={onSubmit} />);
    typeInto(field(root, 'title'), 'T');
    typeInto(field(root, 'why'), 'W');
    await clickAndSettle(button(root, 'Record the decision'));
    expect(text(root.querySelector('.jp-mlops-error-message'))).toBe(
      'tags.0: String should have at most 64 characters'
    );
    expect(field(root, 'title').value).toBe('T');
  });
});

describe('decisions in the panel', () => {
  it('opens the form from a button and lists the decisions below', () => {
    const recordDecision = jest.fn(async () => undefined);
    const data = fullStatus({ decisions: [decision({ title: 'Drop identifiers' })] });
    const root = m.render(
      <PanelView
        state={{ path: data.path, status: 'ready', data, error: null }}
        actions={{ recordDecision }}
      />
    );
    const section = root.querySelector('[data-section="decisions"]') as HTMLElement;
    const toggle = button(section, 'Record a decision')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect((section.querySelector('form')!.parentElement as HTMLElement).hidden).toBe(true);
    click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect((section.querySelector('form')!.parentElement as HTMLElement).hidden).toBe(false);
    expect(text(section.querySelector('.jp-mlops-decision-title'))).toBe('Drop identifiers');
    expect(text(section.querySelector('.jp-mlops-count'))).toBe('1');
  });

  it('has no form without the action', () => {
    const data = fullStatus();
    const root = m.render(
      <PanelView state={{ path: data.path, status: 'ready', data, error: null }} />
    );
    expect(root.querySelector('form')).toBeNull();
  });
});
