import { buildAndPack, provisionN8n } from '../../../dev/n8n/prepare';

export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	process.env.HEYGEN_E2E_N8N_DIR = provisionN8n();
	process.env.HEYGEN_E2E_TARBALL = buildAndPack();
	process.stderr.write(`\n[e2e] n8n ready and package packed in ${Math.round((Date.now() - started) / 1000)} s\n`);
}
