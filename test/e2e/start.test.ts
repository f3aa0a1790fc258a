import axios from 'axios';
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import type { EndpointRecord } from '../../dev/heygen-sandbox/types';
import { freePort, N8nInstance, nodeOutput, waitFor } from '../../dev/n8n/n8n';
import { PROJECT_ROOT } from '../../dev/n8n/paths';

/**
 * `npm start`, as a newcomer runs it: a first start from a fresh folder that publishes the example,
 * so the printed sandbox command delivers to it without a browser; `--no-publish`, then publishing
 * by hand; a second start that still delivers to the published example; a start on another port
 * that publishes again; `--fresh`; and a stop, by SIGINT or SIGTERM to npm or to the script, that
 * leaves nothing listening.
 */

const SANDBOX_KEY = 'sandbox-api-key';
const RUNNING = /n8n with n8n-nodes-heygen-webhooks is running/;
const PUBLISHED = /published and its HeyGen endpoint is registered: it receives events/;

interface Run {
	child: ChildProcess;
	output: () => string;
	/** Resolves once npm has exited and every process holding its output has closed it. */
	closed: Promise<void>;
}

/** Where one `npm start` keeps its data, and the ports it is asked to use. */
interface Place {
	folder: string;
	n8nPort: number;
	sandboxPort: number;
}

const runs: Run[] = [];

// A failed test must not leave n8n behind: the next one would find its ports taken.
afterEach(async () => {
	for (const run of runs) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
	await Promise.all(runs.map((run) => run.closed));
});

async function newPlace(): Promise<Place> {
	return {
		folder: fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-npm-start-')),
		n8nPort: await freePort(),
		sandboxPort: await freePort(),
	};
}

/** `env` replaces the inherited environment (the place's folder and ports are added to it). */
function npmStart(place: Place, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Run {
	const child = spawn('npm', ['start', ...(args.length ? ['--', ...args] : [])], {
		cwd: PROJECT_ROOT,
		env: {
			...env,
			HEYGEN_START_FOLDER: place.folder,
			N8N_PORT: String(place.n8nPort),
			HEYGEN_SANDBOX_PORT: String(place.sandboxPort),
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	const open = [child.stdout, child.stderr].map(
		(stream) =>
			new Promise<void>((resolve) => {
				stream?.on('data', (chunk: Buffer) => (output += chunk.toString()));
				stream?.on('close', resolve);
			}),
	);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const run = { child, output: () => output, closed: Promise.all([...open, exited]).then(() => undefined) };
	runs.push(run);
	return run;
}

async function started(current: Run): Promise<string> {
	await waitFor('npm start to print its banner', () => RUNNING.test(current.output()) || /npm start failed/.test(current.output()), 150_000, 500);
	expect(current.output()).not.toMatch(/npm start failed/);
	return current.output();
}

/** Nothing answers on the port any more: a connection is refused. */
async function refused(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
	});
}

async function expectStopped(current: Run, ...ports: number[]): Promise<void> {
	await current.closed;
	expect(current.output()).toContain('Stopped n8n and the sandbox.');
	for (const port of ports) expect(await refused(port)).toBe(true);
}

const workflowIdIn = (banner: string) => /\/workflow\/(\S+)/.exec(banner)?.[1] ?? '';

describe('npm start from a fresh folder, exactly as the README says, without a browser', () => {
	let place: Place;
	/** What a user's shell has: none of the e2e suite's shortcuts (its n8n folder and tarball). */
	const userEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('HEYGEN_')));

	beforeAll(async () => {
		place = await newPlace();
	});

	afterAll(() => {
		if (!process.env.HEYGEN_E2E_KEEP) fs.rmSync(place.folder, { recursive: true, force: true });
	});

	/** Runs the banner's first `send` command as printed, in a shell, and returns what it printed. */
	function runPrintedSend(banner: string): string {
		const command = /^ {2}(.*npm run sandbox -- send avatar_video\.success --callback-id order-42)$/m.exec(banner)?.[1];
		expect(command).toBeDefined();
		return execFileSync('bash', ['-c', command as string], { cwd: PROJECT_ROOT, env: userEnv, encoding: 'utf8' });
	}

	it('publishes the example, so the printed sandbox command starts an execution; says where the log is', async () => {
		const first = npmStart(place, [], userEnv);
		const banner = await started(first);
		const workflowId = workflowIdIn(banner);
		expect(banner).toMatch(PUBLISHED);
		expect(banner).toContain(`n8n log:     ${path.join(place.folder, 'n8n.log')}`);
		expect(fs.readFileSync(path.join(place.folder, 'n8n.log'), 'utf8')).toMatch(/Editor is now accessible/);
		expect(banner).toContain(
			`ssh -L ${place.n8nPort}:127.0.0.1:${place.n8nPort} -L ${place.sandboxPort}:127.0.0.1:${place.sandboxPort} <host>`,
		);
		// n8n is in the cache already: no word of installing it.
		expect(banner).not.toMatch(/installing n8n|~5 minutes/);
		const nodeMajor = Number(process.versions.node.split('.')[0]);
		expect(/EBADENGINE warning for isolated-vm from `npm ci` is expected/.test(banner)).toBe(nodeMajor < 24);

		expect(runPrintedSend(banner)).toMatch(/attempt 1: HTTP 200 \(\d+ ms\) -> delivered/);
		const n8n = await N8nInstance.attach(place.n8nPort, place.folder);
		expect((await n8n.getWorkflow(workflowId)).active).toBe(true);
		const [execution] = await n8n.waitForExecutions(workflowId, 1);
		expect(nodeOutput(execution, 'HeyGen Trigger')[0]).toMatchObject({ callback_id: 'order-42', event_type: 'avatar_video.success' });

		first.child.kill('SIGINT');
		await expectStopped(first, place.n8nPort, place.sandboxPort);
	});

	it('on another port (its own is taken), publishes the example again so HeyGen has the new URL', async () => {
		const squatter = net.createServer();
		await new Promise<void>((resolve) => squatter.listen(place.n8nPort, '127.0.0.1', resolve));
		try {
			const again = npmStart(place, [], userEnv);
			const banner = await started(again);
			const port = Number(/Editor: +http:\/\/127\.0\.0\.1:(\d+)/.exec(banner)?.[1]);
			expect(port).not.toBe(place.n8nPort);
			expect(banner).toContain(`Port ${place.n8nPort} is taken: n8n now runs on ${port}. Publishing the example again`);
			expect(banner).toMatch(PUBLISHED);

			expect(runPrintedSend(banner)).toContain(`-> delivered  [http://127.0.0.1:${port}/webhook/`);
			const n8n = await N8nInstance.attach(port, place.folder);
			const executions = await n8n.waitForExecutions(workflowIdIn(banner), 2);
			expect(executions).toHaveLength(2);

			again.child.kill('SIGTERM');
			await expectStopped(again, port, place.sandboxPort);
		} finally {
			await new Promise((resolve) => squatter.close(resolve));
		}
	});
});

describe('npm start', () => {
	let place: Place;
	let n8nPort: number;
	let sandboxPort: number;
	let workflowId = '';
	let firstEndpoint: EndpointRecord;

	beforeAll(async () => {
		place = await newPlace();
		({ n8nPort, sandboxPort } = place);
	});

	afterAll(async () => {
		if (!process.env.HEYGEN_E2E_KEEP) fs.rmSync(place.folder, { recursive: true, force: true });
	});

	const sandbox = axios.create({ validateStatus: () => true });
	const sandboxUrl = () => `http://127.0.0.1:${sandboxPort}`;
	const endpoints = async () =>
		(await sandbox.get(`${sandboxUrl()}/_sandbox/endpoints`, { params: { api_key: SANDBOX_KEY } })).data
			.endpoints as EndpointRecord[];
	const fire = async (callbackId: string) =>
		await sandbox.post(`${sandboxUrl()}/_sandbox/events`, { event_type: 'avatar_video.success', callback_id: callbackId });

	const expectStoppedHere = async (current: Run) => await expectStopped(current, n8nPort, sandboxPort);

	it('`--no-publish` leaves the example for the user to publish; delivers once published; stops on SIGINT to npm', async () => {
		const first = npmStart(place, ['--no-publish']);
		const banner = await started(first);
		workflowId = workflowIdIn(banner);
		expect(workflowId).not.toBe('');
		expect(banner).toMatch(/not published \(--no-publish\)\. Open it and click "Publish" \(n8n 1\.x: "Activate"\)/);
		expect(banner).toMatch(/click "Execute step" \(n8n 1\.x: "Listen for test event"\)/);
		expect(await endpoints()).toEqual([]);

		const n8n = await N8nInstance.attach(n8nPort, place.folder);
		await n8n.activate(workflowId);
		[firstEndpoint] = await waitFor('the example\'s endpoint', async () => {
			const known = await endpoints();
			return known.length === 1 ? known : undefined;
		});
		expect((await fire('first')).status).toBe(201);
		const [execution] = await n8n.waitForExecutions(workflowId, 1);
		expect(nodeOutput(execution, 'HeyGen Trigger')[0]).toMatchObject({ callback_id: 'first' });

		first.child.kill('SIGINT');
		await expectStoppedHere(first);
	});

	it('starts again where it stopped: same workflow, same endpoint, still delivering; stops on SIGTERM to npm', async () => {
		const second = npmStart(place);
		const banner = await started(second);
		expect(banner).toContain(`/workflow/${workflowId}`);
		expect(banner).toMatch(PUBLISHED);
		expect(await endpoints()).toEqual([expect.objectContaining({ endpoint_id: firstEndpoint.endpoint_id })]);

		const n8n = await N8nInstance.attach(n8nPort, place.folder);
		expect((await fire('second')).status).toBe(201);
		const executions = await n8n.waitForExecutions(workflowId, 2);
		expect(executions.map((execution) => nodeOutput(execution, 'HeyGen Trigger')[0].callback_id).sort()).toEqual([
			'first',
			'second',
		]);
		const deliveries = (await sandbox.get(`${sandboxUrl()}/_sandbox/deliveries`)).data.deliveries as Array<{ ok: boolean }>;
		expect(deliveries.map((delivery) => delivery.ok)).toEqual([true, true]);

		second.child.kill('SIGTERM');
		await expectStoppedHere(second);
	});

	it('`npm start -- --fresh` starts from nothing (a new example, published); SIGINT to the script itself stops it', async () => {
		const fresh = npmStart(place, ['--fresh']);
		const banner = await started(fresh);
		expect(banner).not.toContain(`/workflow/${workflowId}`);
		expect(banner).toMatch(PUBLISHED);
		const known = await endpoints();
		expect(known).toHaveLength(1);
		expect(known[0].endpoint_id).not.toBe(firstEndpoint.endpoint_id);

		const scriptPid = Number(/kill (\d+)\)/.exec(banner)?.[1]);
		expect(scriptPid).toBeGreaterThan(1);
		process.kill(scriptPid, 'SIGINT');
		await expectStoppedHere(fresh);
	});
});
