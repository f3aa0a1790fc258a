import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** What `npm pack` publishes: only what n8n loads plus the docs; no tests, no dependencies. */
const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

interface PackResult {
	size: number;
	files: Array<{ path: string }>;
}

describe('the published package', () => {
	let packed: PackResult;
	let files: string[];

	beforeAll(() => {
		// The size and file list are only meaningful for a fresh build.
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'ignore' });
		[packed] = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
				cwd: root,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'ignore'],
			}),
		) as PackResult[];
		files = packed.files.map((file) => file.path);
	}, 120_000);

	it('holds the compiled nodes, their codex and icons, README, LICENSE, CHANGELOG and package.json', () => {
		expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json']));
		const allowed = /^(dist\/.+\.(js|node\.json|svg)|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/;
		expect(files.filter((file) => !allowed.test(file))).toEqual([]);
		expect(files.filter((file) => /\.d\.ts$|\.map$/.test(file))).toEqual([]);
		expect(files.filter((file) => /(^|\/)(test|sandbox|bench)\/|\.(test|spec)\./i.test(file))).toEqual([]);
		for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials] as string[]) expect(files).toContain(entry);
	});

	// 40 kB until the package took HeyGen's jobs on (per-job callbacks, Video and Video Translation,
	// waiting, a third credential): about 47 kB since. The budget leaves room for fixes, not for
	// another resource without a look at what it adds.
	it('packs to at most 50 kB', () => {
		expect(packed.size).toBeLessThanOrEqual(50_000);
	});

	it('has a name of its own, carried by its node types, codex files and example', () => {
		// n8n-nodes-heygen is another package (a HeyGen v1/v2 action node).
		expect(pkg.name).toBe('n8n-nodes-heygen-webhooks');
		const codexNodes = ['nodes/HeyGen/HeyGen.node.json', 'nodes/HeyGenTrigger/HeyGenTrigger.node.json'].map(
			(file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')).node as string,
		);
		expect(codexNodes).toEqual([`${pkg.name}.heyGen`, `${pkg.name}.heyGenTrigger`]);
		const example = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'create-video-and-wait.json'), 'utf8')) as {
			nodes: Array<{ type: string }>;
		};
		const ours = example.nodes.map((node) => node.type).filter((type) => /heygen/i.test(type));
		expect(ours.length).toBeGreaterThan(0);
		for (const type of ours) expect(type.startsWith(`${pkg.name}.`)).toBe(true);
	});

	it('names no entry point it does not ship', () => {
		expect(pkg.main).toBeUndefined();
	});

	it('has no runtime dependencies and n8n-workflow as its only peer', () => {
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
	});

	it('names an author with an email, as n8n\'s scanner requires', () => {
		expect(pkg.author).toEqual({ name: expect.any(String), email: expect.stringMatching(/^[^@\s]+@[^@\s]+\.[^@\s]+$/) });
	});

	it('lints with @n8n/node-cli\'s default config, unchanged, as its strict mode demands', () => {
		const template = path.join(
			root,
			'node_modules/@n8n/node-cli/dist/template/templates/shared/default/eslint.config.mjs',
		);
		const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();
		expect(normalise(fs.readFileSync(path.join(root, 'eslint.config.mjs'), 'utf8'))).toBe(
			normalise(fs.readFileSync(template, 'utf8')),
		);
		expect(pkg.scripts.lint).toMatch(/\bn8n-node lint\b/);
	});

	it('lists every node and credential it ships, built from a source file of the same name', () => {
		for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials] as string[]) {
			const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
			expect(fs.existsSync(path.join(root, source))).toBe(true);
			// n8n loads a file only when its class is named after the file.
			const className = path.basename(source).split('.')[0];
			expect(fs.readFileSync(path.join(root, source), 'utf8')).toContain(`export class ${className} `);
		}
	});
});
