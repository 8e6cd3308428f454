import * as React from 'react';

import { IDecisionInput } from '../api';
import { SubmitActions } from './ErrorMessage';
import { useSubmission } from './useSubmission';

/** "data, model,, data " → ["data", "model"]. */
export function parseTags(text: string): string[] {
  const tags: string[] = [];
  for (const part of text.split(',')) {
    const tag = part.trim();
    if (tag && !tags.includes(tag)) {
      tags.push(tag);
    }
  }
  return tags;
}

/**
 * Record a key decision: title, why (both required), alternatives and
 * comma-separated tags. Cleared once the server recorded it.
 */
export function DecisionForm(props: {
  onSubmit: (input: IDecisionInput) => Promise<void>;
}): JSX.Element {
  const [title, setTitle] = React.useState('');
  const [why, setWhy] = React.useState('');
  const [alternatives, setAlternatives] = React.useState('');
  const [tags, setTags] = React.useState('');
  const { busy, error, done, run } = useSubmission();
  const id = React.useId();
  const ready = title.trim() !== '' && why.trim() !== '' && !busy;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!ready) {
      return;
    }
    const input: IDecisionInput = { title: title.trim(), why: why.trim() };
    if (alternatives.trim()) {
      input.alternatives = alternatives.trim();
    }
    const tagList = parseTags(tags);
    if (tagList.length > 0) {
      input.tags = tagList;
    }
    await run(async () => {
      await props.onSubmit(input);
      setTitle('');
      setWhy('');
      setAlternatives('');
      setTags('');
      return `Recorded “${input.title}”.`;
    });
  };

  return (
    <form
      className="jp-mlops-form jp-mlops-decision-form"
      aria-label="Record a decision"
      data-testid="mlops-decision-form"
      onSubmit={submit}
    >
      <label htmlFor={`${id}-title`}>Title</label>
      <input
        id={`${id}-title`}
        className="jp-mlops-input"
        name="title"
        aria-label="Decision title"
        required
        value={title}
        onChange={e => setTitle(e.target.value)}
      />
      <label htmlFor={`${id}-why`}>Why</label>
      <textarea
        id={`${id}-why`}
        className="jp-mlops-input"
        name="why"
        aria-label="Why this decision was made"
        required
        rows={3}
        value={why}
        onChange={e => setWhy(e.target.value)}
      />
      <label htmlFor={`${id}-alternatives`}>Alternatives considered (optional)</label>
      <input
        id={`${id}-alternatives`}
        className="jp-mlops-input"
        name="alternatives"
        aria-label="Alternatives considered"
        value={alternatives}
        onChange={e => setAlternatives(e.target.value)}
      />
      <label htmlFor={`${id}-tags`}>Tags, comma-separated (optional)</label>
      <input
        id={`${id}-tags`}
        className="jp-mlops-input"
        name="tags"
        aria-label="Tags, comma-separated"
        placeholder="data, model, evaluation"
        value={tags}
        onChange={e => setTags(e.target.value)}
      />
      <SubmitActions
        label="Record the decision"
        text="Record decision"
        busyText="Recording…"
        busy={busy}
        ready={ready}
        done={done}
        error={error}
      />
    </form>
  );
}
