import * as React from 'react';

import { ApiError } from '../api';
import { PanelView } from '../components/PanelView';
import { changedFacts, ProjectFacts } from '../components/ProjectFacts';
import { context, fullStatus, status } from './fixtures';
import { button, click, clickAndSettle, field, IMounted, mount, text, typeInto } from './dom';

let m: IMounted;
beforeEach(() => {
  m = mount();
});
afterEach(() => m.unmount());

const project = () => status().project!;

describe('changedFacts', () => {
  it('sends only what differs from the record, trimmed; an emptied fact clears it', () => {
    const recorded = context();
    expect(changedFacts(recorded, { owner: 'Ann Lee ', sponsor: '', provider: ' Bank ' })).toEqual({
      provider: 'Bank'
    });
    expect(changedFacts(recorded, { owner: '' })).toEqual({ owner: '' });
  });
});

describe('ProjectFacts', () => {
  it('shows the facts recorded and names the ones that are not', () => {
    const root = m.render(<ProjectFacts project={project()} />);
    expect(text(root.querySelector('[data-fact="owner"] dd'))).toBe('Ann Lee');
    expect(root.querySelector('[data-fact="sponsor"]')).toBeNull();
    expect(text(root)).toContain('Not recorded: Sponsor, Initiative, Description');
    expect(button(root, 'Edit the registry facts')).toBeNull(); // no action, no form
  });

  it('edits behind a button: a text area for free text, an input for a name', () => {
    const root = m.render(<ProjectFacts project={project()} onSave={jest.fn()} />);
    const toggle = button(root, 'Edit the registry facts')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(field(root, 'owner').tagName).toBe('INPUT');
    expect(field(root, 'intended_purpose').tagName).toBe('TEXTAREA');
    expect(field(root, 'owner').value).toBe('Ann Lee');
    expect(field(root, 'owner').maxLength).toBe(100);
    const help = document.getElementById(field(root, 'owner').getAttribute('aria-describedby')!);
    expect(text(help)).toBe('who answers for the model day to day');
  });

  it('saves only the changes and then shows what the server recorded', async () => {
    const onSave = jest.fn(async (facts: Record<string, string>) =>
      context({ ...facts, owner: facts.owner || null })
    );
    const root = m.render(<ProjectFacts project={project()} onSave={onSave} />);
    click(button(root, 'Edit the registry facts'));
    const save = button(root, 'Save the registry facts')!;
    expect(save.disabled).toBe(true);
    typeInto(field(root, 'sponsor'), 'Chief Risk Officer');
    typeInto(field(root, 'owner'), '');
    expect(save.disabled).toBe(false);
    await clickAndSettle(save);
    expect(onSave).toHaveBeenCalledWith({ owner: '', sponsor: 'Chief Risk Officer' });
    expect(text(root.querySelector('[role="status"]'))).toBe('Recorded: owner, sponsor.');
    expect(field(root, 'sponsor').value).toBe('Chief Risk Officer');
    expect(save.disabled).toBe(true); // nothing left to save
  });

  it("shows the server's refusal and keeps what was typed", async () => {
    const onSave = jest.fn(async () => {
      throw new ApiError('Eve holds no sign-off role', 'ask someone listed under roles', 403);
    });
    const root = m.render(<ProjectFacts project={project()} onSave={onSave} />);
    click(button(root, 'Edit the registry facts'));
    typeInto(field(root, 'provider'), 'Example Bank');
    await clickAndSettle(button(root, 'Save the registry facts'));
    expect(text(root)).toContain('Eve holds no sign-off role');
    expect(field(root, 'provider').value).toBe('Example Bank');
  });
});

describe('the panel', () => {
  it('has a folded Project facts section counting the facts recorded', () => {
    const root = m.render(
      <PanelView state={{ path: 'p', status: 'ready', data: fullStatus(), error: null }} />
    );
    const section = root.querySelector('[data-section="facts"]')!;
    expect(text(section.querySelector('.jp-mlops-section-status'))).toBe('2 of 9');
    expect(section.querySelector('.jp-mlops-section-body')!.hasAttribute('hidden')).toBe(true);
  });
});
