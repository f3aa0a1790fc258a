import axios from 'axios';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import type { EndpointRecord } from '../../dev/heygen-sandbox/types';
import { freePort, N8nInstance, nodeOutput, waitFor } from '../../dev/n8n/n8n';
import { PROJECT_ROOT } from '../../dev/n8n/paths';

/**
 * `npm start`, as a newcomer runs it: first start, publish, a delivery; a second start that still
 * delivers to the published example; `--fresh`; and a stop, by SIGINT or SIGTERM to npm or to the
 * script, that leaves nothing listening.
 */

const SANDBOX_KEY = 'sandbox-api-key';
const RUNNING = /n8n with n8n-nodes-heygen-webhooks is running/;

interface Run {
	child: ChildProcess;
	output: () => string;
	/** Resolves once npm has exited and every process holding its output has closed it. */
	closed: Promise<void>;
}

describe('npm start', () => {
	let folder: string;
	let n8nPort: number;
	let sandboxPort: number;
	const runs: Run[] = [];
	let workflowId = '';
	let firstEndpoint: EndpointRecord;

	beforeAll(async () => {
		folder = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-npm-start-'));
		n8nPort = await freePort();
		sandboxPort = await freePort();
	});

	// A failed test must not leave n8n behind: the next one would find its ports taken.
	afterEach(async () => {
		for (const run of runs) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
		await Promise.all(runs.map((run) => run.closed));
	});

	afterAll(async () => {
		if (!process.env.HEYGEN_E2E_KEEP) fs.rmSync(folder, { recursive: true, force: true });
	});

	function npmStart(...args: string[]): Run {
		const child = spawn('npm', ['start', ...(args.length ? ['--', ...args] : [])], {
			cwd: PROJECT_ROOT,
			env: {
				...process.env,
				HEYGEN_START_FOLDER: folder,
				N8N_PORT: String(n8nPort),
				HEYGEN_SANDBOX_PORT: String(sandboxPort),
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

	const sandbox = axios.create({ validateStatus: () => true });
	const sandboxUrl = () => `http://127.0.0.1:${sandboxPort}`;
	const endpoints = async () =>
		(await sandbox.get(`${sandboxUrl()}/_sandbox/endpoints`, { params: { api_key: SANDBOX_KEY } })).data
			.endpoints as EndpointRecord[];
	const fire = async (callbackId: string) =>
		await sandbox.post(`${sandboxUrl()}/_sandbox/events`, { event_type: 'avatar_video.success', callback_id: callbackId });

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

	async function expectStopped(current: Run): Promise<void> {
		await current.closed;
		expect(current.output()).toContain('Stopped n8n and the sandbox.');
		expect(await refused(n8nPort)).toBe(true);
		expect(await refused(sandboxPort)).toBe(true);
	}

	it('starts n8n and the sandbox, delivers to the published example, and stops on SIGINT to npm', async () => {
		const first = npmStart();
		const banner = await started(first);
		workflowId = /\/workflow\/(\S+)/.exec(banner)?.[1] ?? '';
		expect(workflowId).not.toBe('');
		expect(banner).toMatch(/click "Publish"/);

		const n8n = await N8nInstance.attach(n8nPort, folder);
		await n8n.activate(workflowId);
		[firstEndpoint] = await waitFor('the example\'s endpoint', async () => {
			const known = await endpoints();
			return known.length === 1 ? known : undefined;
		});
		expect((await fire('first')).status).toBe(201);
		const [execution] = await n8n.waitForExecutions(workflowId, 1);
		expect(nodeOutput(execution, 'HeyGen Trigger')[0]).toMatchObject({ callback_id: 'first' });

		first.child.kill('SIGINT');
		await expectStopped(first);
	});

	it('starts again where it stopped: same workflow, same endpoint, still delivering; stops on SIGTERM to npm', async () => {
		const second = npmStart();
		const banner = await started(second);
		expect(banner).toContain(`/workflow/${workflowId}`);
		expect(banner).toMatch(/published and its HeyGen endpoint is registered/);
		expect(await endpoints()).toEqual([expect.objectContaining({ endpoint_id: firstEndpoint.endpoint_id })]);

		const n8n = await N8nInstance.attach(n8nPort, folder);
		expect((await fire('second')).status).toBe(201);
		const executions = await n8n.waitForExecutions(workflowId, 2);
		expect(executions.map((execution) => nodeOutput(execution, 'HeyGen Trigger')[0].callback_id).sort()).toEqual([
			'first',
			'second',
		]);
		const deliveries = (await sandbox.get(`${sandboxUrl()}/_sandbox/deliveries`)).data.deliveries as Array<{ ok: boolean }>;
		expect(deliveries.map((delivery) => delivery.ok)).toEqual([true, true]);

		second.child.kill('SIGTERM');
		await expectStopped(second);
	});

	it('`npm start -- --fresh` starts from nothing; SIGINT to the script itself stops it', async () => {
		const fresh = npmStart('--fresh');
		const banner = await started(fresh);
		expect(banner).not.toContain(`/workflow/${workflowId}`);
		expect(banner).toMatch(/click "Publish"/);
		expect(await endpoints()).toEqual([]);

		const scriptPid = Number(/kill (\d+)\)/.exec(banner)?.[1]);
		expect(scriptPid).toBeGreaterThan(1);
		process.kill(scriptPid, 'SIGINT');
		await expectStopped(fresh);
	});
});
