/**
 * `npm start`: try the package without HeyGen credits. Builds and packs the package, starts the
 * local HeyGen sandbox and a real n8n (SQLite, kept in .tmp/n8n-start) with the package installed
 * as a community package, and prepares an owner login, a "HeyGen (sandbox)" credential and an
 * example workflow. Ctrl-C stops everything.
 */
import * as fs from 'fs';
import * as path from 'path';

import { HeyGenSandbox } from '../test/sandbox/server';
import { createTriggerWorkflow } from '../test/e2e/harness/heygen';
import { freePort, N8nInstance, OWNER } from '../test/e2e/harness/n8n';
import { PROJECT_ROOT } from '../test/e2e/harness/paths';
import { buildAndPack, provisionN8n } from '../test/e2e/harness/prepare';

const SANDBOX_PORT = Number(process.env.HEYGEN_SANDBOX_PORT ?? 4010);
const SANDBOX_API_KEY = process.env.HEYGEN_SANDBOX_API_KEY ?? 'sandbox-api-key';
const USER_FOLDER = path.join(PROJECT_ROOT, '.tmp', 'n8n-start');
const STATE_FILE = path.join(USER_FOLDER, 'heygen-start.json');

interface StartState {
	credentialId?: string;
	workflowId?: string;
}

async function main(): Promise<void> {
	console.log('Preparing n8n (the first run installs it into ~/.cache, ~5 minutes) …');
	process.env.HEYGEN_E2E_N8N_DIR = provisionN8n();
	process.env.HEYGEN_E2E_TARBALL = buildAndPack();

	const sandbox = await HeyGenSandbox.start({
		port: SANDBOX_PORT,
		apiKeys: [SANDBOX_API_KEY],
		// Retries every few seconds instead of HeyGen's hours, so a failing workflow shows quickly.
		retryScheduleMs: [5_000, 15_000, 60_000],
		log: (line) => console.log(`[sandbox] ${line}`),
	});
	const requestedPort = Number(process.env.N8N_PORT ?? 5678);
	const port = (await isFree(requestedPort)) ? requestedPort : await freePort();
	const n8n = await N8nInstance.start({ N8N_LOG_LEVEL: 'info' }, { userFolder: USER_FOLDER, port });

	const state: StartState = fs.existsSync(STATE_FILE) ? JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) : {};
	if (!state.credentialId) {
		const credential = await n8n.createCredential({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox.url });
		state.credentialId = credential.id;
		const workflow = await createTriggerWorkflow(
			n8n,
			credential,
			{ events: ['avatar_video.success', 'avatar_video.fail'] },
			2,
			'Example: when an avatar video is ready (HeyGen Trigger)',
		);
		state.workflowId = workflow.id;
		fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
	}

	console.log(`
n8n with n8n-nodes-heygen is running.

  Editor:      ${n8n.baseUrl}
  Login:       ${OWNER.email} / ${OWNER.password}
  Credential:  "HeyGen (sandbox)" → ${sandbox.url} (API key ${SANDBOX_API_KEY})
  Example:     ${n8n.baseUrl}/workflow/${state.workflowId}  (HeyGen Trigger on avatar video events)

Publish (activate) the example workflow, or click "Listen for test event", then fire an event:

  npm run sandbox -- send avatar_video.success --callback-id order-42
  npm run sandbox -- send avatar_video.fail --data '{"msg":"Avatar not found"}'
  npm run sandbox -- deliveries      # what was delivered, and n8n's answers

Ctrl-C stops n8n and the sandbox. Data stays in ${path.relative(PROJECT_ROOT, USER_FOLDER)}.
`);

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the sandbox …');
		await n8n.stop();
		await sandbox.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

async function isFree(port: number): Promise<boolean> {
	const net = await import('net');
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

main().catch((error: Error) => {
	console.error(`npm start failed: ${error.message}`);
	process.exit(1);
});
