import { LabIcon } from '@jupyterlab/ui-components';

/**
 * A ledger with a check mark. `jp-icon3` lets JupyterLab recolour it for the
 * light and dark themes.
 */
const MLOPS_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M6 2h9l5 5v13a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm8 1.5V8h4.5L14 3.5zM6 4v16h12V10h-6V4H6z"/>
    <path d="M8 12.5l1.4-1.4 2.1 2.1 4.1-4.1 1.4 1.4-5.5 5.5z"/>
  </g>
</svg>`;

export const mlopsIcon = new LabIcon({ name: 'jupyterlab-mlops:icon', svgstr: MLOPS_SVG });
