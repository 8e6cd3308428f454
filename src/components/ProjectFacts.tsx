import * as React from 'react';

import { IContextField, IProjectInfo } from '../api';
import { Disclosure } from './Disclosure';
import { SubmitActions } from './ErrorMessage';
import { useSubmission } from './useSubmission';

/** The facts a form sends: only those that differ from what is recorded (`''` clears one). */
export function changedFacts(
  recorded: Record<string, string | null>,
  draft: Record<string, string>
): Record<string, string> {
  const changed: Record<string, string> = {};
  for (const [key, value] of Object.entries(draft)) {
    if (value.trim() !== (recorded[key] ?? '').trim()) {
      changed[key] = value.trim();
    }
  }
  return changed;
}

function draftOf(context: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(context).map(([k, v]) => [k, v ?? '']));
}

/**
 * The project's registry facts (owner, sponsor, intended purpose, ...): the
 * ones recorded, which are not, and a form to change them behind a button.
 */
export function ProjectFacts(props: {
  project: IProjectInfo;
  onSave?: (facts: Record<string, string>) => Promise<Record<string, string | null>>;
}): JSX.Element {
  const { project, onSave } = props;
  const fields = project.context_form;
  const given = fields.filter(f => project.context[f.key]);
  const absent = fields.filter(f => !project.context[f.key]);
  return (
    <div className="jp-mlops-project-facts" data-testid="mlops-project-facts">
      {given.length > 0 ? (
        <dl className="jp-mlops-fact-list">
          {given.map(f => (
            <div key={f.key} data-fact={f.key}>
              <dt title={f.help}>{f.label}</dt>
              <dd>{project.context[f.key]}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="jp-mlops-muted">
          No registry facts recorded yet. The portfolio shows them, and the model card and
          Annex IV are written from them.
        </p>
      )}
      {absent.length > 0 && given.length > 0 && (
        <p className="jp-mlops-muted">Not recorded: {absent.map(f => f.label).join(', ')}.</p>
      )}
      {onSave && (
        <Disclosure label="Edit the registry facts" text="Edit facts…">
          <FactsForm fields={fields} recorded={project.context} onSave={onSave} />
        </Disclosure>
      )}
    </div>
  );
}

/** One input per fact (a text area for free text), prefilled; sends only what changed. */
export function FactsForm(props: {
  fields: IContextField[];
  recorded: Record<string, string | null>;
  onSave: (facts: Record<string, string>) => Promise<Record<string, string | null>>;
}): JSX.Element {
  const { fields, recorded, onSave } = props;
  const [draft, setDraft] = React.useState(() => draftOf(recorded));
  const [saved, setSaved] = React.useState(recorded);
  const { busy, error, done, run } = useSubmission();
  const id = React.useId();
  const changes = changedFacts(saved, draft);
  const ready = Object.keys(changes).length > 0 && !busy;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!ready) {
      return;
    }
    await run(async () => {
      const now = await onSave(changes);
      setSaved(now);
      setDraft(draftOf(now));
      const labels = fields.filter(f => f.key in changes).map(f => f.label.toLowerCase());
      return `Recorded: ${labels.join(', ')}.`;
    });
  };

  return (
    <form
      className="jp-mlops-form jp-mlops-facts-form"
      aria-label="Registry facts"
      data-testid="mlops-facts-form"
      onSubmit={submit}
    >
      {fields.map(f => {
        const common = {
          id: `${id}-${f.key}`,
          className: 'jp-mlops-input',
          name: f.key,
          maxLength: f.max_length,
          'aria-describedby': `${id}-${f.key}-help`,
          value: draft[f.key] ?? '',
          onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
            setDraft({ ...draft, [f.key]: e.target.value })
        };
        return (
          <React.Fragment key={f.key}>
            <label htmlFor={common.id}>{f.label}</label>
            {f.multiline ? <textarea rows={2} {...common} /> : <input {...common} />}
            <span className="jp-mlops-field-help" id={`${id}-${f.key}-help`}>
              {f.help}
            </span>
          </React.Fragment>
        );
      })}
      <SubmitActions
        label="Save the registry facts"
        text="Save facts"
        busyText="Saving…"
        busy={busy}
        ready={ready}
        done={done}
        error={error}
      />
    </form>
  );
}
