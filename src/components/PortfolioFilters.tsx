import * as React from 'react';

import { IFilters, NO_FLAG, NO_OWNER } from '../portfolio';
import { STAGES } from '../types';

/** One labelled select; '' is "any". */
function Filter(props: {
  id: keyof IFilters;
  label: string;
  value: string;
  choices: [string, string][];
  onChange: (id: keyof IFilters, value: string) => void;
}): JSX.Element {
  const { id, label, value, choices, onChange } = props;
  const htmlId = `jp-mlops-portfolio-filter-${id}`;
  return (
    <span className="jp-mlops-portfolio-filter">
      <label htmlFor={htmlId}>{label}</label>
      <select
        id={htmlId}
        data-filter={id}
        value={value}
        onChange={event => onChange(id, event.currentTarget.value)}
      >
        <option value="">any</option>
        {choices.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The portfolio's filters: stage, risk tier, template, owner and flag. */
export function PortfolioFilters(props: {
  filters: IFilters;
  choices: { risk_tier: string[]; template: string[]; owner: string[] };
  flags: Record<string, string>;
  onChange: (filters: IFilters) => void;
}): JSX.Element {
  const { filters, choices, flags, onChange } = props;
  const set = (id: keyof IFilters, value: string) => onChange({ ...filters, [id]: value });
  const pairs = (values: string[]): [string, string][] => values.map(v => [v, v]);
  return (
    <div className="jp-mlops-portfolio-filters" role="group" aria-label="Filter the portfolio">
      <Filter
        id="stage"
        label="Stage"
        value={filters.stage}
        choices={pairs([...STAGES])}
        onChange={set}
      />
      <Filter
        id="risk_tier"
        label="Risk tier"
        value={filters.risk_tier}
        choices={pairs(choices.risk_tier)}
        onChange={set}
      />
      <Filter
        id="template"
        label="Template"
        value={filters.template}
        choices={pairs(choices.template)}
        onChange={set}
      />
      <Filter
        id="owner"
        label="Owner"
        value={filters.owner}
        choices={[...pairs(choices.owner), [NO_OWNER, 'not given']]}
        onChange={set}
      />
      <Filter
        id="flag"
        label="Flag"
        value={filters.flag}
        choices={[...Object.entries(flags), [NO_FLAG, 'no flag']]}
        onChange={set}
      />
    </div>
  );
}
