// Tests, dev/ tooling (sandbox, n8n harness, bench) and scripts/ are not node code: TypeScript's recommended rules only.
// ESLint picks this file for test/ because `npm run lint` looks configs up per file
// (ESLINT_FLAGS=unstable_config_lookup_from_file); the root eslint.config.mjs stays n8n's default.
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ files: ['**/*.ts'], extends: [tseslint.configs.recommended] },
);
