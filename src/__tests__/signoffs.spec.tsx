import * as React from 'react';
import { act } from 'react';

import { ApiError, ISignoff, ISignoffInput } from '../api';
import { Signoffs } from '../components/Signoffs';
import { approvals, me, OLD_FINGERPRINT, reviewRequest, signoff } from './fixtures';
import { button, choose, click, clickAndSettle, IMounted, mount, text, typeInto } from './dom';

let m: IMounted;
beforeEach(() => {
  m = mount();
});
afterEach(() => m.unmount());

const roleEl = (root: ParentNode, role: string) =>
  root.querySelector(`.jp-mlops-role[data-role="${role}"]`) as HTMLElement;

function comment(root: ParentNode, role: string): HTMLTextAreaElement {
  return root.querySelector(
    `textarea[aria-label="Comment for the ${role} sign-off"]`
  ) as HTMLTextAreaElement;
}

const control = (root: ParentNode) =>
  root.querySelector('[data-testid="mlops-signoff-controls"]') as HTMLElement;
const picker = (root: ParentNode) =>
  root.querySelector('select[aria-label="Role to sign off in"]') as HTMLSelectElement | null;

describe('Signoffs', () => {
  it('shows a status row per role: its state, who signed, when, on which version, STALE', () => {
    const a = approvals({
      signoffs: {
        business: signoff({ role: 'business', comment: 'ok for the pilot' }),
        risk: signoff({
          role: 'risk',
          actor: 'Rita Risk <rita@example.com>',
          fingerprint: OLD_FINGERPRINT,
          current: false
        }),
        'it-ops': null
      },
      stale_because: ["the notebook's code"]
    });
    const root = m.render(<Signoffs approvals={a} me={me({ roles: [] })} />);
    expect(
      Array.from(root.querySelectorAll('.jp-mlops-role')).map(r => [
        r.getAttribute('data-role'),
        r.getAttribute('data-state'),
        text(r.querySelector('.jp-mlops-role-state'))
      ])
    ).toEqual([
      ['business', 'approved', 'approved'],
      ['risk', 'stale', 'approved'],
      ['it-ops', 'missing', 'not signed']
    ]);
    const business = roleEl(root, 'business');
    expect(text(business.querySelector('.jp-mlops-signoff'))).toMatch(
      /^by Bo Business, .+ on ab12cd34ef56 current“ok for the pilot”$/
    );
    // the person's name in one short line, the full identity in the tooltip
    expect(business.querySelector('.jp-mlops-actor')?.getAttribute('title')).toBe(
      'Bo Business <bo@example.com>'
    );
    const risk = roleEl(root, 'risk');
    expect(text(risk.querySelector('.jp-mlops-fingerprint'))).toBe('99887766aa55');
    expect(text(risk.querySelector('[data-testid="mlops-signoff-stale"]'))).toBe('STALE');
    // nobody signed: one short line, no record
    expect(text(roleEl(root, 'it-ops'))).toBe('it-opsnot signed');
    expect(roleEl(root, 'it-ops').querySelector('.jp-mlops-signoff')).toBeNull();
    expect(root.querySelector('time')?.getAttribute('datetime')).toBe('2026-11-22T12:00:00Z');
  });

  it('says whether the notebook may run in production, and what else keeps it', () => {
    let root = m.render(
      <Signoffs
        approvals={approvals({
          blocking: ['clean-run'],
          problems: [
            'checklist item clean-run fails',
            'risk refused by Rita: no fairness check',
            'the business sign-off is stale',
            'no it-ops sign-off'
          ]
        })}
        me={me()}
      />
    );
    const verdict = root.querySelector('[data-testid="mlops-verdict"]');
    expect(verdict?.getAttribute('data-may-run')).toBe('false');
    expect(Array.from(verdict!.querySelectorAll('li')).map(li => text(li))).toEqual([
      'risk refused by Rita: no fairness check',
      'the business sign-off is stale',
      'no it-ops sign-off'
    ]);
    root = m.render(<Signoffs approvals={approvals({ may_run: true, problems: [] })} me={me()} />);
    expect(text(root.querySelector('[data-testid="mlops-verdict"]'))).toBe(
      'Approved for production: every required role signed this exact version.'
    );
  });

  it('shows who will sign in one short line: the person and the roles they hold', () => {
    const root = m.render(
      <Signoffs
        approvals={approvals()}
        me={me({ name: 'Rita Chen', roles: ['risk', 'it-ops'], single_user: true })}
        onSignOff={jest.fn()}
      />
    );
    const line = root.querySelectorAll('[data-testid="mlops-identity"] p');
    expect(line).toHaveLength(1);
    expect(text(line[0])).toBe('You Rita Chen · risk, it-ops');
    expect(line[0].getAttribute('title')).toBe(
      'Signing as Rita Risk <rita@example.com> in risk, it-ops (single-user mode)'
    );
    // holding every role (single-user mode): said in two words, so the line stays short
    const all = m.render(
      <Signoffs
        approvals={approvals()}
        me={me({ roles: ['business', 'risk', 'it-ops'] })}
        onSignOff={jest.fn()}
      />
    );
    expect(text(all.querySelector('[data-testid="mlops-identity"] p'))).toBe(
      'You Rita Risk · every role'
    );
  });

  it('has one control, for the role picked among those the user holds', () => {
    const root = m.render(
      <Signoffs
        approvals={approvals()}
        me={me({ roles: ['risk', 'it-ops'] })}
        onSignOff={jest.fn()}
      />
    );
    expect(root.querySelectorAll('[data-testid="mlops-signoff-controls"]')).toHaveLength(1);
    expect(root.querySelectorAll('.jp-mlops-role [data-testid="mlops-signoff-controls"]')).toHaveLength(0);
    const select = picker(root)!;
    expect(Array.from(select.options).map(o => o.value)).toEqual(['risk', 'it-ops']);
    expect(select.value).toBe('risk');
    expect(control(root).getAttribute('aria-label')).toBe('Sign off as risk');
    expect(button(root, 'Approve as risk')).not.toBeNull();
    expect(button(root, 'Approve as business')).toBeNull();
    choose(select, 'it-ops');
    expect(control(root).getAttribute('data-role')).toBe('it-ops');
    expect(button(root, 'Approve as it-ops')).not.toBeNull();
    expect(button(root, 'Refuse as it-ops')).not.toBeNull();
    expect(comment(root, 'it-ops')).not.toBeNull();
    expect(button(root, 'Approve as risk')).toBeNull();
  });

  it('names the one role without a picker when the user holds one', () => {
    const root = m.render(<Signoffs approvals={approvals()} me={me()} onSignOff={jest.fn()} />);
    expect(picker(root)).toBeNull();
    expect(text(root.querySelector('.jp-mlops-signoff-role'))).toBe('Sign as risk');
  });

  it('starts on a role a request waits for, else on one nobody approved yet', () => {
    const held = me({ roles: ['business', 'risk', 'it-ops'] });
    const a = approvals({
      signoffs: { business: signoff({ role: 'business' }), risk: null, 'it-ops': null }
    });
    let root = m.render(<Signoffs approvals={a} me={held} onSignOff={jest.fn()} />);
    expect(picker(root)!.value).toBe('risk');
    m.unmount();
    m = mount();
    root = m.render(
      <Signoffs
        approvals={a}
        me={held}
        onSignOff={jest.fn()}
        requests={[reviewRequest({ role: 'it-ops' })]}
      />
    );
    expect(picker(root)!.value).toBe('it-ops');
  });

  it('offers no controls without a sign-off action or any role, and says why', () => {
    let root = m.render(<Signoffs approvals={approvals()} me={me()} />);
    expect(root.querySelector('[data-testid="mlops-signoff-controls"]')).toBeNull();
    root = m.render(
      <Signoffs approvals={approvals()} me={me({ roles: [] })} onSignOff={jest.fn()} />
    );
    expect(root.querySelector('[data-testid="mlops-signoff-controls"]')).toBeNull();
    expect(text(root.querySelector('[data-testid="mlops-no-roles"]'))).toBe(
      'You hold none of the roles that sign off this notebook.'
    );
    root = m.render(
      <Signoffs
        approvals={approvals()}
        me={me({ identity: 'Anonymous Ananke', anonymous: true, roles: [] })}
        onSignOff={jest.fn()}
      />
    );
    expect(text(root.querySelector('[data-testid="mlops-no-roles"]'))).toMatch(
      /anonymous users cannot sign off/i
    );
  });

  it('approves with the comment and reports it once the record shows it', async () => {
    const made = signoff({ id: 'new', role: 'risk', actor: 'Rita Risk <rita@example.com>' });
    const onSignOff = jest.fn(async (_: ISignoffInput): Promise<ISignoff> => made);
    const render = (record: ISignoff | null) =>
      m.render(
        <Signoffs
          approvals={approvals({ signoffs: { business: null, risk: record, 'it-ops': null } })}
          me={me()}
          onSignOff={onSignOff}
        />
      );
    let root = render(null);
    typeInto(comment(root, 'risk'), '  validated the backtest  ');
    await clickAndSettle(button(root, 'Approve as risk'));
    expect(onSignOff).toHaveBeenCalledWith({
      role: 'risk',
      decision: 'approve',
      comment: 'validated the backtest'
    });
    expect(comment(root, 'risk').value).toBe('');
    root = render(made); // the refreshed status
    expect(text(control(root).querySelector('.jp-mlops-success'))).toBe(
      'Approved in the risk role as Rita Risk.'
    );
    // no longer current (e.g. the notebook was edited): the message goes
    root = render({ ...made, current: false });
    expect(control(root).querySelector('.jp-mlops-success')).toBeNull();
  });

  it('approves without a comment (none sent)', async () => {
    const onSignOff = jest.fn(async () => signoff());
    const root = m.render(<Signoffs approvals={approvals()} me={me()} onSignOff={onSignOff} />);
    await clickAndSettle(button(root, 'Approve as risk'));
    expect(onSignOff).toHaveBeenCalledWith({
      role: 'risk',
      decision: 'approve',
      comment: undefined
    });
  });

  it('needs a comment to refuse', async () => {
    const onSignOff = jest.fn(async () => signoff({ kind: 'refused' }));
    const root = m.render(<Signoffs approvals={approvals()} me={me()} onSignOff={onSignOff} />);
    const refuse = button(root, 'Refuse as risk')!;
    expect(refuse.disabled).toBe(true);
    typeInto(comment(root, 'risk'), '   ');
    expect(refuse.disabled).toBe(true);
    typeInto(comment(root, 'risk'), 'the fairness check is missing');
    expect(refuse.disabled).toBe(false);
    await clickAndSettle(refuse);
    expect(onSignOff).toHaveBeenCalledWith({
      role: 'risk',
      decision: 'refuse',
      comment: 'the fairness check is missing'
    });
  });

  it('shows the server refusal (403) with its hint right in the control', async () => {
    const onSignOff = jest.fn(async () => {
      throw new ApiError(
        'Ada Lovelace <ada@example.com> authored this notebook and cannot sign off as risk',
        'an independent reviewer must sign the risk role for a high-risk notebook',
        403
      );
    });
    const root = m.render(<Signoffs approvals={approvals()} me={me()} onSignOff={onSignOff} />);
    typeInto(comment(root, 'risk'), 'looks fine');
    await clickAndSettle(button(root, 'Approve as risk'));
    const error = control(root).querySelector('.jp-mlops-error');
    expect(error?.getAttribute('role')).toBe('alert');
    expect(error?.getAttribute('data-status')).toBe('403');
    expect(text(error?.querySelector('.jp-mlops-error-message'))).toBe(
      'Ada Lovelace <ada@example.com> authored this notebook and cannot sign off as risk'
    );
    expect(text(error?.querySelector('.jp-mlops-error-hint'))).toBe(
      'An independent reviewer must sign the risk role for a high-risk notebook.'
    );
    // the comment is kept for another try; the buttons are usable again
    expect(comment(root, 'risk').value).toBe('looks fine');
    expect(button(root, 'Approve as risk')!.disabled).toBe(false);
  });

  it('disables the buttons while the request is under way', async () => {
    let finish: (s: ISignoff) => void = () => undefined;
    const onSignOff = jest.fn(() => new Promise<ISignoff>(resolve => (finish = resolve)));
    const root = m.render(<Signoffs approvals={approvals()} me={me()} onSignOff={onSignOff} />);
    click(button(root, 'Approve as risk'));
    expect(button(root, 'Approve as risk')!.disabled).toBe(true);
    expect(button(root, 'Refuse as risk')!.disabled).toBe(true);
    expect(text(button(root, 'Approve as risk'))).toBe('Approving…');
    await act(async () => finish(signoff()));
    expect(button(root, 'Approve as risk')!.disabled).toBe(false);
    expect(text(button(root, 'Approve as risk'))).toBe('Approve');
  });

  it('waits for the checklist before approving, and says how many items block', () => {
    let root = m.render(
      <Signoffs
        approvals={approvals({ blocking: ['clean-run', 'run-logged'] })}
        me={me()}
        onSignOff={jest.fn()}
      />
    );
    expect(button(root, 'Approve as risk')!.disabled).toBe(true);
    expect(text(control(root).querySelector('.jp-mlops-help'))).toBe(
      'Approving waits for 2 checklist items to pass; you can still refuse, with a comment.'
    );
    // without a control, one line says it
    root = m.render(
      <Signoffs approvals={approvals({ blocking: ['clean-run', 'run-logged'] })} me={me()} />
    );
    const blocked = root.querySelector('[data-testid="mlops-approval-blocked"]');
    expect(text(blocked)).toBe('Approving waits for 2 checklist items to pass.');
    expect(blocked?.getAttribute('title')).toBe('clean-run, run-logged');
  });

  it('offers Revoke, not Approve, for this person\u2019s approval; never for another', async () => {
    const onSignOff = jest.fn(async () => signoff({ kind: 'revoked', role: 'risk' }));
    // Rita approved risk from the CLI as git's identity; the panel knows her as "rchen"
    const cli = signoff({
      role: 'risk',
      actor: 'Rita Chen <rita@example.com>',
      person: 'person:Rita Chen',
      name: 'Rita Chen'
    });
    const root = m.render(
      <Signoffs
        approvals={approvals({
          signoffs: { business: signoff({ role: 'business' }), risk: cli, 'it-ops': null }
        })}
        me={me({
          identity: 'rchen',
          name: 'Rita Chen',
          person: 'person:Rita Chen',
          roles: ['business', 'risk']
        })}
        onSignOff={onSignOff}
      />
    );
    const risk = roleEl(root, 'risk');
    expect(text(risk.querySelector('.jp-mlops-signoff p'))).toMatch(/^by Rita Chen \(you\), /);
    expect(risk.querySelector('[data-testid="mlops-signoff"]')?.getAttribute('data-mine')).toBe(
      'true'
    );
    choose(picker(root), 'risk');
    expect(button(root, 'Approve as risk')).toBeNull();
    expect(text(control(root).querySelector('.jp-mlops-help'))).toMatch(
      /^You approved this exact version/
    );
    // Bo's business approval is his: Rita may approve too, but not revoke his
    choose(picker(root), 'business');
    expect(button(root, 'Revoke the business approval')).toBeNull();
    expect(button(root, 'Approve as business')).not.toBeNull();
    choose(picker(root), 'risk');
    await clickAndSettle(button(root, 'Revoke the risk approval'));
    expect(onSignOff).toHaveBeenCalledWith({
      role: 'risk',
      decision: 'revoke',
      comment: undefined
    });
  });
});
