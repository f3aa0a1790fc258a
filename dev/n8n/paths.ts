import * as os from 'os';
import * as path from 'path';

/** Where the e2e suite finds what globalSetup prepared (kept in env so jest workers see it). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const N8N_VERSION = process.env.N8N_VERSION ?? '2.41.1';
export const NODE24_VERSION = process.env.NODE24_VERSION ?? '24.21.0';
export const CACHE_DIR =
	process.env.N8N_HEYGEN_CACHE ?? path.join(os.homedir(), '.cache', 'n8n-nodes-heygen');

export const env = {
	get tarball(): string {
		return required('HEYGEN_E2E_TARBALL');
	},
	get n8nDir(): string {
		return required('HEYGEN_E2E_N8N_DIR');
	},
	get nodeBinary(): string {
		return process.env.HEYGEN_E2E_NODE ?? path.join(CACHE_DIR, `node-${NODE24_VERSION}`, 'bin', 'node');
	},
};

function required(name: string): string {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set: run the e2e suite through jest (globalSetup prepares it)`);
	return value;
}
