import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import * as React from 'react';

import { ApiError } from '../api';
import {
  changedValues,
  fieldKind,
  IBatchOverview,
  IBatchParameter,
  initialText
} from '../batch';
import { baseName } from '../format';
import { ErrorMessage } from './ErrorMessage';

/** A queued job, as `POST batch-runs` answers. */
export interface IQueued {
  id: string;
  status: string;
}

/**
 * The "Run as batch job" form, built from the notebook's parameter schema: one
 * labelled input per parameter (typed), the server's refusal of a value shown
 * under its input, and the reasons a notebook may not run instead of the form.
 */
export function BatchForm(props: {
  overview: IBatchOverview;
  onSubmit: (parameters: Record<string, unknown>) => Promise<IQueued>;
  onQueued: (job: IQueued) => void;
  onCancel: () => void;
}): JSX.Element {
  const { overview } = props;
  const id = React.useId();
  const initial = React.useMemo(
    () => Object.fromEntries(overview.parameters.map(p => [p.name, initialText(p)])),
    [overview]
  );
  const [texts, setTexts] = React.useState<Record<string, string>>(initial);
  const [errors, setErrors] = React.useState<Record<string, string>>({});
  const [failure, setFailure] = React.useState<ApiError | null>(null);
  const [busy, setBusy] = React.useState(false);

  if (!overview.mayRun) {
    return (
      <div className="jp-mlops-batch-form" data-testid="mlops-batch-form">
        <NotRunnable problems={overview.problems} />
        <div className="jp-mlops-form-actions">
          <button type="button" className="jp-mlops-button" onClick={props.onCancel}>
            Close
          </button>
        </div>
      </div>
    );
  }

  const change = (name: string, text: string) => {
    setTexts(t => ({ ...t, [name]: text }));
    setErrors(e => {
      const rest = { ...e };
      delete rest[name];
      return rest;
    });
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    const { values, errors: found } = changedValues(overview.parameters, texts);
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length > 0) {
      return;
    }
    setBusy(true);
    try {
      const job = await props.onSubmit(values);
      props.onQueued(job);
    } catch (reason) {
      const error = ApiError.from(reason);
      const field = error.details.field;
      if (field && overview.parameters.some(p => p.name === field)) {
        setErrors({ [field]: error.message });
      } else {
        setFailure(error);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="jp-mlops-form jp-mlops-batch-form"
      aria-label="Run as batch job"
      data-testid="mlops-batch-form"
      noValidate // the server judges values; its refusal shows under the input
      onSubmit={submit}
    >
      {overview.parameters.length === 0 && (
        <p className="jp-mlops-muted">This notebook declares no parameters: it runs as approved.</p>
      )}
      {overview.parameterProblems.length > 0 && (
        <p className="jp-mlops-muted">
          The parameters cell has problems, so only its defaults can run:{' '}
          {overview.parameterProblems.join('; ')}
        </p>
      )}
      {overview.parameters.map(p => (
        <ParameterField
          key={p.name}
          id={`${id}-${p.name}`}
          parameter={p}
          text={texts[p.name] ?? ''}
          error={errors[p.name]}
          onChange={text => change(p.name, text)}
        />
      ))}
      <p className="jp-mlops-muted">
        Changed values are sent; the others keep the notebook's defaults. At most{' '}
        {overview.maxRunning || 2} jobs run at once on this server; more wait in a queue.
      </p>
      {failure && (
        <div className="jp-mlops-batch-refused">
          <ErrorMessage error={failure} />
          {failure.details.problems && failure.details.problems.length > 0 && (
            <ul className="jp-mlops-batch-problems">
              {failure.details.problems.map(problem => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="jp-mlops-form-actions">
        <button
          type="submit"
          className="jp-mlops-button jp-mlops-primary"
          aria-label="Run the batch job"
          disabled={busy}
        >
          {busy ? 'Starting…' : 'Run'}
        </button>
        <button type="button" className="jp-mlops-button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Why the notebook may not run as a batch job (the gate's own words). */
function NotRunnable(props: { problems: string[] }): JSX.Element {
  return (
    <div className="jp-mlops-error" role="alert" data-testid="mlops-batch-refused">
      <p className="jp-mlops-error-message">This notebook may not run as a batch job:</p>
      <ul className="jp-mlops-batch-problems">
        {props.problems.map(problem => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
      <p className="jp-mlops-error-hint">
        Fix what the readiness checklist and the sign-offs list, then try again.
      </p>
    </div>
  );
}

/** One parameter's labelled input, with what it declares and its error below. */
function ParameterField(props: {
  id: string;
  parameter: IBatchParameter;
  text: string;
  error?: string;
  onChange: (text: string) => void;
}): JSX.Element {
  const { id, parameter: p, text, error, onChange } = props;
  const kind = fieldKind(p);
  const described = `${id}-about${error ? ` ${id}-error` : ''}`;
  const common = {
    id,
    name: p.name,
    'aria-describedby': described,
    'aria-invalid': error ? true : undefined,
    'data-kind': kind
  };
  let input: JSX.Element;
  switch (kind) {
    case 'checkbox':
      input = (
        <input
          {...common}
          type="checkbox"
          checked={text === 'true'}
          onChange={e => onChange(e.target.checked ? 'true' : 'false')}
        />
      );
      break;
    case 'number':
      input = (
        <input
          {...common}
          className="jp-mlops-input"
          type="number"
          step={p.base === 'int' ? 1 : 'any'}
          min={p.minimum ?? undefined}
          max={p.maximum ?? undefined}
          value={text}
          onChange={e => onChange(e.target.value)}
        />
      );
      break;
    case 'select':
      input = (
        <select
          {...common}
          className="jp-mlops-input"
          value={text}
          onChange={e => onChange(e.target.value)}
        >
          {p.choices.map(choice => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      );
      break;
    case 'json':
      input = (
        <textarea
          {...common}
          className="jp-mlops-input jp-mlops-code"
          rows={text.length > 40 ? 3 : 1}
          spellCheck={false}
          value={text}
          onChange={e => onChange(e.target.value)}
        />
      );
      break;
    default:
      input = (
        <input
          {...common}
          className="jp-mlops-input"
          type="text"
          value={text}
          onChange={e => onChange(e.target.value)}
        />
      );
  }
  return (
    <div className="jp-mlops-batch-field" data-parameter={p.name}>
      <label htmlFor={id}>
        <code>{p.name}</code>
      </label>
      {input}
      <span id={`${id}-about`} className="jp-mlops-muted jp-mlops-batch-about">
        {about(p, kind)}
      </span>
      {error && (
        <p id={`${id}-error`} className="jp-mlops-field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** "float, 0 to 1", "one of gbm, rf", "list[str] as JSON". */
export function about(p: IBatchParameter, kind = fieldKind(p)): string {
  const parts = [p.type];
  if (p.minimum !== null || p.maximum !== null) {
    parts.push(`${p.minimum ?? '…'} to ${p.maximum ?? '…'}`);
  }
  if (kind === 'json') {
    parts.push('as JSON');
  }
  return parts.join(', ');
}

/**
 * Show the dialog for the notebook at `path` (its overview already fetched);
 * resolves with the job queued, or null when closed without running.
 */
export function showBatchDialog(
  path: string,
  overview: IBatchOverview,
  submit: (parameters: Record<string, unknown>) => Promise<IQueued>
): Promise<IQueued | null> {
  let queued: IQueued | null = null;
  let dialog: Dialog<unknown> | null = null;
  const body = ReactWidget.create(
    <BatchForm
      overview={overview}
      onSubmit={submit}
      onQueued={job => {
        queued = job;
        dialog?.reject(); // closes it; the panel follows the job
      }}
      onCancel={() => dialog?.reject()}
    />
  );
  dialog = new Dialog({
    title: `Run ${baseName(path)} as a batch job`,
    body,
    buttons: [], // the form has its own: Enter submits it, Escape closes the dialog
    hasClose: true,
    focusNodeSelector: 'input, select, textarea, button'
  });
  dialog.addClass('jp-mlops-batch-dialog');
  return dialog.launch().then(() => queued);
}
