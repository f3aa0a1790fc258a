import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { PROJECT_ROOT } from './paths';

/** Installs Node 24 and n8n into the cache (once) and returns the n8n folder. */
export function provisionN8n(): string {
	const output = execFileSync('bash', [path.join(PROJECT_ROOT, 'scripts', 'provision-n8n.sh')], {
		cwd: PROJECT_ROOT,
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8',
	});
	return output.trim().split('\n').pop() as string;
}

/** Builds and packs the package exactly as it would be published; returns the tarball path. */
export function buildAndPack(): string {
	const outDir = path.join(PROJECT_ROOT, '.tmp', 'pack');
	fs.rmSync(outDir, { recursive: true, force: true });
	fs.mkdirSync(outDir, { recursive: true });
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
	const output = execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], {
		cwd: PROJECT_ROOT,
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8',
	});
	const [{ filename }] = JSON.parse(output) as Array<{ filename: string }>;
	return path.join(outDir, path.basename(filename));
}

/**
 * Installs the packed package into an n8n user folder's community-nodes directory, the way
 * "Settings → Community nodes → Install" does: a plain npm install, no dev or peer dependencies.
 */
export function installIntoUserFolder(userFolder: string, tarball: string): void {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }),
	);
	execFileSync(
		'npm',
		['install', tarball, '--omit=dev', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
		{ cwd: nodesDir, stdio: ['ignore', 'ignore', 'inherit'] },
	);
}
