import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * scripts/provision-*.sh, without downloading anything: the n8n install runs against a stand-in
 * `npm` (and `node`) in a throw-away cache; the Chromium lookup is given a browser by environment.
 * Both keep their contract: the result on stdout, everything else on stderr.
 */

const SCRIPTS = path.resolve(__dirname, '..', '..', 'scripts');

function script(name: string, env: Record<string, string>) {
	const result = spawnSync('bash', [path.join(SCRIPTS, name)], { env: { ...process.env, ...env }, encoding: 'utf8' });
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function executable(file: string, body: string): void {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

describe('scripts/provision-n8n.sh', () => {
	let cache: string;

	beforeAll(() => {
		cache = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-provision-'));
		// Node 24 is "installed"; its bin folder comes first on the install's PATH, so these stand in
		// for npm (an install that takes 3 s and writes 2 MB) and for node (`require('sqlite3')` passes).
		const bin = path.join(cache, 'node-24.21.0', 'bin');
		executable(path.join(bin, 'node'), 'exit 0');
		executable(
			path.join(bin, 'npm'),
			'if [ "$1" = install ]; then sleep 3; mkdir -p node_modules/n8n; head -c 2000000 /dev/zero > node_modules/n8n/blob; fi',
		);
	});

	afterAll(() => fs.rmSync(cache, { recursive: true, force: true }));

	const provision = () =>
		script('provision-n8n.sh', {
			N8N_HEYGEN_CACHE: cache,
			N8N_VERSION: '2.41.1',
			NODE24_VERSION: '24.21.0',
			N8N_HEYGEN_PROGRESS_SECONDS: '1',
		});

	it('says it is installing, and shows progress (time and size so far) while npm is silent', () => {
		const { status, stdout, stderr } = provision();
		expect(status).toBe(0);
		expect(stdout).toBe(`${path.join(cache, 'n8n-2.41.1')}\n`);
		expect(stderr).toContain('first run: installing n8n 2.41.1');
		expect(stderr).toContain('~5 minutes, ~3 GB');
		const progress = stderr.match(/^\[provision-n8n\] npm install n8n@2\.41\.1 \(~2,400 packages\): 0m\ds so far, \S+ in \S+$/gm) ?? [];
		expect(progress.length).toBeGreaterThanOrEqual(2);
	});

	it('prints only the folder once n8n is in the cache: no install message', () => {
		const { status, stdout, stderr } = provision();
		expect(status).toBe(0);
		expect(stdout).toBe(`${path.join(cache, 'n8n-2.41.1')}\n`);
		expect(stderr).toBe('');
	});
});

describe('scripts/provision-chromium.sh', () => {
	it('uses the Chromium HEYGEN_CHROMIUM names (CI: playwright-core\'s) before looking for Debian\'s', () => {
		const { status, stdout } = script('provision-chromium.sh', { HEYGEN_CHROMIUM: process.execPath });
		expect(status).toBe(0);
		expect(stdout).toBe(`CHROMIUM=${process.execPath}\n`);
	});

	it('refuses a HEYGEN_CHROMIUM that is not an executable file, instead of falling back', () => {
		const { status, stdout, stderr } = script('provision-chromium.sh', { HEYGEN_CHROMIUM: '/nonexistent/chrome' });
		expect(status).toBe(1);
		expect(stdout).toBe('');
		expect(stderr).toContain('HEYGEN_CHROMIUM=/nonexistent/chrome is not an executable file');
	});
});
