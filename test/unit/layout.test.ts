import * as fs from 'fs';
import * as path from 'path';

/**
 * The house as the README's Layout describes it: nodes/shared/ holds only what both nodes use, and
 * no migration path for the never-published 0.1 remains.
 */

const root = path.resolve(__dirname, '..', '..');
const NODES = path.join(root, 'nodes');

/** Every repository file a module reaches through its relative imports, itself included. */
function reachable(entry: string, seen = new Set<string>()): Set<string> {
	if (seen.has(entry)) return seen;
	seen.add(entry);
	const source = fs.readFileSync(entry, 'utf8');
	for (const [, specifier] of source.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
		const base = path.resolve(path.dirname(entry), specifier);
		const file = [`${base}.ts`, path.join(base, 'index.ts'), base].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
		if (file?.endsWith('.ts')) reachable(file, seen);
	}
	return seen;
}

function filesUnder(folder: string): string[] {
	return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory() ? filesUnder(path.join(folder, entry.name)) : [path.join(folder, entry.name)],
	);
}

describe('the layout of nodes/', () => {
	const action = reachable(path.join(NODES, 'HeyGen', 'HeyGen.node.ts'));
	const trigger = reachable(path.join(NODES, 'HeyGenTrigger', 'HeyGenTrigger.node.ts'));
	const shared = filesUnder(path.join(NODES, 'shared')).filter((file) => file.endsWith('.ts'));

	it('every module under nodes/shared/ is used by both nodes', () => {
		expect(shared.length).toBeGreaterThan(5);
		const oneNodeOnly = shared
			.filter((file) => !(action.has(file) && trigger.has(file)))
			.map((file) => path.relative(root, file));
		expect(oneNodeOnly).toEqual([]);
	});

	it('neither node imports from the other\'s folder', () => {
		const inFolder = (files: Set<string>, folder: string) =>
			[...files].filter((file) => file.startsWith(path.join(NODES, folder) + path.sep)).map((file) => path.relative(root, file));
		expect(inFolder(action, 'HeyGenTrigger')).toEqual([]);
		expect(inFolder(trigger, 'HeyGen')).toEqual([]);
	});

	it('no migration path for version 0.1 (never published) remains: no plain-text secret, no old record', () => {
		const code = filesUnder(NODES)
			.filter((file) => file.endsWith('.ts'))
			.map((file) => [path.relative(root, file), fs.readFileSync(file, 'utf8')] as const);
		const offending = code.filter(([, source]) =>
			/\b0\.1\b|legacy|sealLegacySecret|\baccepted\?:|staticData\.accepted|registered\.secret\b/i.test(source),
		);
		expect(offending.map(([file]) => file)).toEqual([]);
	});
});
