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
  const all: [keyof IFilters, string, [string, string][]][] = [
    ['stage', 'Stage', pairs([...STAGES])],
    ['risk_tier', 'Risk tier', pairs(choices.risk_tier)],
    ['template', 'Template', pairs(choices.template)],
    ['owner', 'Owner', [...pairs(choices.owner), [NO_OWNER, 'not given']]],
    ['flag', 'Flag', [...Object.entries(flags), [NO_FLAG, 'no flag']]]
  ];
  return (
    <div className="jp-mlops-portfolio-filters" role="group" aria-label="Filter the portfolio">
      {all.map(([id, label, options]) => (
        <Filter
          key={id}
          id={id}
          label={label}
          value={filters[id]}
          choices={options}
          onChange={set}
        />
      ))}
    </div>
  );
}
