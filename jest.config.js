const jestJupyterLab = require('@jupyterlab/testing/lib/jest-config');

// ES-module packages that babel must transform for jest (on top of @jupyterlab/testing's list).
const esModules = [
  '@codemirror',
  '@jupyter/ydoc',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@jupyterlab/',
  '@microsoft',
  'exenv-es6',
  'lib0',
  'marked',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  reporters: ['default'],
  roots: ['<rootDir>/src'],
  testRegex: 'src/__tests__/.*\\.spec\\.tsx?$',
  modulePathIgnorePatterns: ['<rootDir>/labextension/', '<rootDir>/ui-tests', '<rootDir>/lib/', '<rootDir>/.venv/'],
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};
