/**
 * `npm start`: try the package without HeyGen credits. Builds and packs the package, starts the
 * local HeyGen sandbox and a real n8n (SQLite) with the package installed as a community package,
 * and prepares an owner login, a "HeyGen (sandbox)" credential and an example workflow.
 *
 * Everything lives in one folder (.tmp/n8n-start, or HEYGEN_START_FOLDER): n8n's database, the
 * sandbox's state file (accounts, endpoints, secrets, deliveries, as HeyGen keeps them) and this
 * script's own notes, so a second `npm start` carries on where the first stopped.
 * `npm start -- --fresh` starts from nothing. Ctrl-C, SIGINT or SIGTERM (to npm or to this
 * script) stops n8n and the sandbox.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

import { createTriggerWorkflow } from '../dev/n8n/heygen';
import { freePort, N8nInstance, OWNER } from '../dev/n8n/n8n';
import { PROJECT_ROOT } from '../dev/n8n/paths';
import { buildAndPack, provisionN8n } from '../dev/n8n/prepare';
import { HeyGenSandbox } from '../dev/heygen-sandbox/server';

const SANDBOX_API_KEY = process.env.HEYGEN_SANDBOX_API_KEY ?? 'sandbox-api-key';
/** The sandbox's OAuth client for the "HeyGen OAuth2 (sandbox)" credential (a public PKCE client). */
const SANDBOX_OAUTH_CLIENT_ID = 'n8n-sandbox-client';
const FOLDER = path.resolve(process.env.HEYGEN_START_FOLDER ?? path.join(PROJECT_ROOT, '.tmp', 'n8n-start'));
const NOTES_FILE = path.join(FOLDER, 'heygen-start.json');
const SANDBOX_STATE_FILE = path.join(FOLDER, 'heygen-sandbox.json');

/** What a later start needs: the same ports keep the credential's Base URL and the webhook URL valid. */
interface StartNotes {
	credentialId?: string;
	oauthCredentialId?: string;
	workflowId?: string;
	n8nPort?: number;
	sandboxPort?: number;
}

const stop = stopOnSignalsAndParentExit();

async function main(): Promise<void> {
	if (process.argv.includes('--fresh')) fs.rmSync(FOLDER, { recursive: true, force: true });
	fs.mkdirSync(FOLDER, { recursive: true });
	const notes: StartNotes = fs.existsSync(NOTES_FILE) ? JSON.parse(fs.readFileSync(NOTES_FILE, 'utf8')) : {};

	console.log('Preparing n8n (the first run installs it into ~/.cache, ~5 minutes) …');
	// The e2e suite has built and provisioned already when it runs this script.
	process.env.HEYGEN_E2E_N8N_DIR ??= provisionN8n();
	process.env.HEYGEN_E2E_TARBALL ??= buildAndPack();

	const sandbox = await HeyGenSandbox.start({
		port: Number(process.env.HEYGEN_SANDBOX_PORT ?? notes.sandboxPort ?? 4010),
		apiKeys: [SANDBOX_API_KEY],
		stateFile: SANDBOX_STATE_FILE,
		// Retries every few seconds instead of HeyGen's hours, so a failing workflow shows quickly.
		retryScheduleMs: [5_000, 15_000, 60_000],
		log: (line) => console.log(`[sandbox] ${line}`),
	});
	stop.add(async () => await sandbox.stop());
	const requestedPort = Number(process.env.N8N_PORT ?? notes.n8nPort ?? 5678);
	const port = (await isFree(requestedPort)) ? requestedPort : await freePort();
	const n8n = await N8nInstance.start({ N8N_LOG_LEVEL: 'info' }, { userFolder: FOLDER, port });
	stop.add(async () => await n8n.stop());
	// The sandbox keeps OAuth clients and tokens in memory: registered again at every start.
	sandbox.registerOAuthClient({
		client_id: SANDBOX_OAUTH_CLIENT_ID,
		redirect_uris: [`${n8n.baseUrl}/rest/oauth2-credential/callback`],
		api_key: SANDBOX_API_KEY,
	});
	notes.oauthCredentialId ??= (
		await n8n.createOAuth2Credential({
			environment: 'custom',
			customAuthUrl: `${sandbox.url}/oauth/authorize`,
			customAccessTokenUrl: `${sandbox.url}/v1/oauth/token`,
			clientId: SANDBOX_OAUTH_CLIENT_ID,
			clientSecret: '',
			baseUrl: sandbox.url,
		})
	).id;

	if (!notes.credentialId) {
		const credential = await n8n.createCredential({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox.url });
		const workflow = await createTriggerWorkflow(
			n8n,
			credential,
			{ events: ['avatar_video.success', 'avatar_video.fail'] },
			2,
			'Example: when an avatar video is ready (HeyGen Trigger)',
		);
		notes.credentialId = credential.id;
		notes.workflowId = workflow.id;
	}
	if (notes.n8nPort !== undefined && notes.n8nPort !== port) {
		console.log(`Port ${notes.n8nPort} is taken: n8n now runs on ${port}. Unpublish and publish the example so HeyGen gets its new URL.`);
	}
	notes.n8nPort = port;
	notes.sandboxPort = sandbox.port;
	fs.writeFileSync(NOTES_FILE, JSON.stringify(notes, null, 2));

	const published = (await n8n.getWorkflow(notes.workflowId as string)).active;
	const next = published
		? 'The example workflow is published and its HeyGen endpoint is registered. Fire an event:'
		: 'Open the example workflow and click "Publish" (or "Execute workflow" to test the trigger once), then fire an event:';
	console.log(`
n8n with n8n-nodes-heygen-webhooks is running.

  Editor:      ${n8n.baseUrl}
  Login:       ${OWNER.email} / ${OWNER.password}
  Credential:  "HeyGen (sandbox)" → ${sandbox.url}
  OAuth2:      "HeyGen OAuth2 (sandbox)": open it and click "Connect my account" (client ${SANDBOX_OAUTH_CLIENT_ID};
               the sandbox forgets tokens when it stops: connect again after a restart)
  Example:     ${n8n.baseUrl}/workflow/${notes.workflowId}  (HeyGen Trigger on avatar video events)

${next}

  npm run sandbox -- send avatar_video.success --callback-id order-42
  npm run sandbox -- send avatar_video.fail --data '{"msg":"Avatar not found"}'
  npm run sandbox -- deliveries      # what was delivered, and n8n's answers

Ctrl-C stops n8n and the sandbox (or: kill ${process.pid}). Data stays in ${path.relative(PROJECT_ROOT, FOLDER) || FOLDER};
npm start -- --fresh starts from nothing.
`);
}

interface Stopper {
	/** Registers a clean-up step; steps run in reverse order, once. */
	add(step: () => Promise<void>): void;
	now(why: string, exitCode?: number): Promise<void>;
}

/**
 * Stops on SIGINT, SIGTERM or SIGHUP, and when a process that started this one exits: npm 11
 * does not pass a signal it receives on to its script, so a `kill -INT <npm>` would otherwise
 * leave n8n and the sandbox running.
 */
function stopOnSignalsAndParentExit(): Stopper {
	const steps: Array<() => Promise<void>> = [];
	let stopping = false;
	const stop = async (why: string, exitCode = 0) => {
		if (stopping) return;
		stopping = true;
		clearInterval(watch);
		console.log(`\n${why}: stopping n8n and the sandbox …`);
		for (const step of steps.reverse()) await step().catch((error: Error) => console.error(error.message));
		console.log('Stopped n8n and the sandbox.');
		process.exit(exitCode);
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
	const ancestors = ancestorPids();
	const watch = setInterval(() => {
		const gone = ancestors.find((pid) => !isAlive(pid));
		if (gone !== undefined) void stop(`Process ${gone}, which started this one, has exited`);
	}, 500);
	return { add: (step) => void steps.push(step), now: stop };
}

/**
 * The processes that started this one within its process group: npm and its shell when run
 * through npm (a terminal puts the whole command in one group), not the terminal's own shell.
 */
function ancestorPids(): number[] {
	const psOf = (pid: number) =>
		execFileSync('ps', ['-o', 'ppid=,pgid=', '-p', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
	const pids: number[] = [];
	try {
		const [, group] = psOf(process.pid);
		let pid = process.ppid;
		while (pid > 1 && pids.length < 16) {
			const [parent, pidGroup] = psOf(pid);
			if (pidGroup !== group) break;
			pids.push(pid);
			pid = parent;
		}
	} catch {
		// No `ps`: signals still stop everything.
	}
	return pids;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch {
		return false;
	}
	// An exited process its parent has not reaped yet still answers signal 0.
	const stat = `/proc/${pid}/stat`;
	return !fs.existsSync(stat) || !/^\d+ \(.*\) Z /.test(fs.readFileSync(stat, 'utf8'));
}

async function isFree(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

main().catch((error: Error) => {
	console.error(`npm start failed: ${error.message}`);
	void stop.now('npm start failed', 1);
});
