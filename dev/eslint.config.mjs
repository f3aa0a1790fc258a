// Dev tooling (the sandbox, the n8n harness, the bench) shares the tests' rules: see test/eslint.config.mjs.
export { default } from '../test/eslint.config.mjs';
