// Dev scripts share the tests' config (see test/eslint.config.mjs).
export { default } from '../test/eslint.config.mjs';
