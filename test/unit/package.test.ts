import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** What `npm pack` publishes: the compiled nodes and the docs, no tests, no dependencies. */
const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('the published package', () => {
	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
	) as Array<{ files: Array<{ path: string }> }>;
	const files = packed[0].files.map((file) => file.path);

	it('holds only dist/, README.md, LICENSE and package.json', () => {
		expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
		expect(files.filter((file) => !/^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(file))).toEqual([]);
		expect(files.filter((file) => /test|sandbox|bench|\.test\./i.test(file))).toEqual([]);
	});

	it('has no runtime dependencies and n8n-workflow as its only peer', () => {
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
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
