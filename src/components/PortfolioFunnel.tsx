import * as React from 'react';

/**
 * How many notebooks are at each lifecycle stage, draft to retired. Each stage
 * is a toggle button that narrows the portfolio to it (pressed again: all stages).
 */
export function PortfolioFunnel(props: {
  steps: { stage: string; count: number }[];
  stage: string;
  onStage: (stage: string) => void;
}): JSX.Element {
  const { steps, stage, onStage } = props;
  return (
    <ol
      className="jp-mlops-portfolio-funnel"
      aria-label="Notebooks per stage"
      data-testid="mlops-portfolio-funnel"
    >
      {steps.map(step => (
        <li key={step.stage} data-stage={step.stage}>
          <button
            type="button"
            className="jp-mlops-funnel-step"
            data-stage={step.stage}
            aria-pressed={stage === step.stage}
            aria-label={`${step.stage}: ${step.count}; show only this stage`}
            onClick={() => onStage(stage === step.stage ? '' : step.stage)}
          >
            <span className="jp-mlops-funnel-count" data-testid="mlops-funnel-count">
              {step.count}
            </span>
            <span className="jp-mlops-funnel-stage">{step.stage}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}
