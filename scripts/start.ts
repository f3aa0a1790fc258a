/**
 * `npm start`: try the package without HeyGen credits. Builds and packs the package, starts the
 * local HeyGen sandbox and a real n8n (SQLite) with the package installed as a community package,
 * and prepares an owner login, a "HeyGen (sandbox)" credential and an example workflow.
 *
 * Everything lives in one folder (.tmp/n8n-start, or HEYGEN_START_FOLDER): n8n's database, the
 * sandbox's state file (accounts, endpoints, secrets, deliveries, as HeyGen keeps them) and this
 * script's own notes, so a second `npm start` carries on where the first stopped.
 *
 * The example is published at every start (through n8n's public API, with the API key this
 * script creates), so it receives events without a browser; `npm start -- --no-publish` leaves
 * it as it is. `npm start -- --fresh` starts from nothing. Ctrl-C, SIGINT or SIGTERM (to npm or
 * to this script) stops n8n and the sandbox.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

import { DEFAULT_SANDBOX_URL } from '../dev/heygen-sandbox/cli-args';
import { createTriggerWorkflow, waitForEndpoints, waitUntilVerifying } from '../dev/n8n/heygen';
import { freePort, N8nInstance, OWNER, TRIGGER_TYPE } from '../dev/n8n/n8n';
import { CACHE_DIR, PROJECT_ROOT } from '../dev/n8n/paths';
import { buildAndPack, provisionN8n } from '../dev/n8n/prepare';
import { HeyGenSandbox } from '../dev/heygen-sandbox/server';

const USAGE = `Usage: npm start [-- --fresh] [-- --no-publish]
  --fresh       start from nothing (deletes n8n's database and the sandbox's state)
  --no-publish  do not publish the example workflow (publish it in the editor yourself)`;
const OPTIONS = ['--fresh', '--no-publish'];

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
	const args = process.argv.slice(2);
	const unknown = args.filter((arg) => !OPTIONS.includes(arg));
	if (unknown.length > 0) {
		console.error(`Unknown option ${unknown.join(' ')}\n${USAGE}`);
		process.exit(2);
	}
	const publish = !args.includes('--no-publish');
	if (args.includes('--fresh')) fs.rmSync(FOLDER, { recursive: true, force: true });
	fs.mkdirSync(FOLDER, { recursive: true });
	const notes: StartNotes = fs.existsSync(NOTES_FILE) ? JSON.parse(fs.readFileSync(NOTES_FILE, 'utf8')) : {};

	if (Number(process.versions.node.split('.')[0]) < 24) {
		console.log(
			`Note: on Node ${process.versions.node}, the EBADENGINE warning for isolated-vm from \`npm ci\` is expected: it comes with n8n-workflow (a dev dependency, used for types), wants Node 24, and is never built here (.npmrc: ignore-scripts); n8n itself runs on the Node 24 in ${CACHE_DIR}.`,
		);
	}
	// provision-n8n.sh says so (with progress) when it has to install; the e2e suite has built and
	// provisioned already when it runs this script.
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
	const workflowId = notes.workflowId as string;
	const moved = notes.n8nPort !== undefined && notes.n8nPort !== port;
	if (moved) {
		console.log(
			publish
				? `Port ${notes.n8nPort} is taken: n8n now runs on ${port}. Publishing the example again so HeyGen gets its new URL.`
				: `Port ${notes.n8nPort} is taken: n8n now runs on ${port}. Unpublish and publish the example so HeyGen gets its new URL.`,
		);
	}
	notes.n8nPort = port;
	notes.sandboxPort = sandbox.port;
	fs.writeFileSync(NOTES_FILE, JSON.stringify(notes, null, 2));

	if (publish) {
		await publishExample(n8n, sandbox, workflowId, moved).catch((error: Error) =>
			console.error(`Publishing the example did not finish: ${error.message}\nn8n's log says more: ${n8n.logFile}`),
		);
	}
	const published = (await n8n.getWorkflow(workflowId)).active;
	const next = published
		? 'The example workflow is published and its HeyGen endpoint is registered: it receives events. Fire one:'
		: `The example workflow is not published${publish ? '' : ' (--no-publish)'}. Open it and click "Publish" (n8n 1.x: "Activate"),
or open its HeyGen Trigger and click "Execute step" (n8n 1.x: "Listen for test event") to receive one event${
				publish ? '' : ';\n`npm start` without --no-publish publishes it'
			}. Then fire an event:`;
	// The CLI looks for the sandbox on its default address unless told otherwise.
	const cli = `${sandbox.url === DEFAULT_SANDBOX_URL ? '' : `HEYGEN_SANDBOX_URL=${sandbox.url} `}npm run sandbox --`;
	console.log(`
n8n with n8n-nodes-heygen-webhooks is running.

  Editor:      ${n8n.baseUrl}  (listens on 127.0.0.1 only; from another machine, see "Remote" below)
  Login:       ${OWNER.email} / ${OWNER.password}
  Credential:  "HeyGen (sandbox)" → ${sandbox.url}
  OAuth2:      "HeyGen OAuth2 (sandbox)": open it and click "Connect my account" (client ${SANDBOX_OAUTH_CLIENT_ID};
               the sandbox forgets tokens when it stops: connect again after a restart)
  Example:     ${n8n.baseUrl}/workflow/${workflowId}  (HeyGen Trigger on avatar video events)
  n8n log:     ${n8n.logFile}
  Remote:      ssh -L ${port}:127.0.0.1:${port} -L ${sandbox.port}:127.0.0.1:${sandbox.port} <host>   then open ${n8n.baseUrl} on your machine
               (the second port is the sandbox's sign-in page, for "Connect my account")

${next}

  ${cli} send avatar_video.success --callback-id order-42
  ${cli} send avatar_video.fail --data '{"msg":"Avatar not found"}'
  ${cli} deliveries      # what was delivered, and n8n's answers

Each event starts an execution of the example: the editor lists them under "Executions".
Ctrl-C stops n8n and the sandbox (or: kill ${process.pid}). Data stays in ${FOLDER.startsWith(PROJECT_ROOT + path.sep) ? path.relative(PROJECT_ROOT, FOLDER) : FOLDER};
npm start -- --fresh starts from nothing.
`);
}

/**
 * Publishes the example through n8n's public API and waits until it receives events: n8n
 * activates asynchronously, so wait for the trigger's endpoint in the sandbox and for its URL to
 * check signatures. On a new port an already published example is published again, so HeyGen
 * gets the new URL.
 */
async function publishExample(n8n: N8nInstance, sandbox: HeyGenSandbox, workflowId: string, moved: boolean): Promise<void> {
	const workflow = await n8n.getWorkflow(workflowId);
	if (workflow.active && !moved) return;
	if (workflow.active) await n8n.deactivate(workflowId);
	await n8n.activate(workflowId);
	const trigger = workflow.nodes.find((node) => node.type === TRIGGER_TYPE);
	if (!trigger?.webhookId) return;
	const url = n8n.webhookUrl(trigger.webhookId);
	await waitForEndpoints(sandbox, SANDBOX_API_KEY, url, 1, 60_000);
	await waitUntilVerifying(url);
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
