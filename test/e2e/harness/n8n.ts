import axios, { type AxiosInstance } from 'axios';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { env, N8N_VERSION } from './paths';
import { installIntoUserFolder } from './prepare';

/**
 * A real n8n (the cached 2.41.1 on Node 24) on loopback, with a throw-away user folder, SQLite,
 * and this package installed from its packed tarball as a community package.
 */

export interface Execution {
	id: string;
	status: string;
	finished: boolean;
	mode: string;
	workflowId: string;
	data?: {
		resultData: {
			runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }>> } }>>;
			error?: { message: string };
		};
	};
}

export interface WorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	id?: string;
}

export interface WorkflowInput {
	name: string;
	nodes: WorkflowNode[];
	connections?: Record<string, unknown>;
	settings?: Record<string, unknown>;
}

export const OWNER = {
	email: 'owner@example.com',
	firstName: 'Heygen',
	lastName: 'Tester',
	password: 'Sandbox-Passw0rd!',
};

export const PACKAGE_NAME = 'n8n-nodes-heygen';
export const TRIGGER_TYPE = `${PACKAGE_NAME}.heyGenTrigger`;
export const ACTION_TYPE = `${PACKAGE_NAME}.heyGen`;
export const CREDENTIAL_TYPE = 'heyGenWebhooksApi';

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined/false. */
export async function waitFor<T>(
	what: string,
	check: () => Promise<T | undefined | false> | T | undefined | false,
	timeoutMs = 30_000,
	intervalMs = 200,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value !== undefined && value !== false) return value;
		} catch (error) {
			lastError = error;
		}
		await sleep(intervalMs);
	}
	throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

export class N8nInstance {
	readonly userFolder: string;
	port = 0;
	private brokerPort = 0;
	private child?: ChildProcess;
	private logFile: string;
	private extraEnv: Record<string, string>;
	private cookie = '';
	private apiKey = '';

	private constructor(extraEnv: Record<string, string>, userFolder?: string, install = true) {
		this.userFolder = userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-heygen-e2e-'));
		fs.mkdirSync(this.userFolder, { recursive: true });
		this.logFile = path.join(this.userFolder, 'n8n.log');
		this.extraEnv = extraEnv;
		if (install) installIntoUserFolder(this.userFolder, env.tarball);
	}

	/** An n8n someone else started (`npm start`): logs in as the owner; stop() leaves it running. */
	static async attach(port: number, userFolder: string): Promise<N8nInstance> {
		const instance = new N8nInstance({}, userFolder, false);
		instance.port = port;
		await instance.setUpOwner();
		return instance;
	}

	/**
	 * `userFolder` keeps n8n's database between runs (`npm start`); by default a throw-away
	 * folder is used. `port` defaults to a free one.
	 */
	static async start(
		extraEnv: Record<string, string> = {},
		options: { userFolder?: string; port?: number } = {},
	): Promise<N8nInstance> {
		const instance = new N8nInstance(extraEnv, options.userFolder);
		instance.port = options.port ?? (await freePort());
		instance.brokerPort = await freePort();
		await instance.boot();
		await instance.setUpOwner();
		return instance;
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	webhookUrl(webhookId: string, mode: 'production' | 'test' = 'production'): string {
		return `${this.baseUrl}/${mode === 'test' ? 'webhook-test' : 'webhook'}/${webhookId}/webhook`;
	}

	/** Public API (`/api/v1`), authenticated with an API key. */
	get api(): AxiosInstance {
		return axios.create({
			baseURL: `${this.baseUrl}/api/v1`,
			headers: { 'X-N8N-API-KEY': this.apiKey },
		});
	}

	/** The editor's REST API (`/rest`), authenticated with the owner's session cookie. */
	get rest(): AxiosInstance {
		return axios.create({ baseURL: `${this.baseUrl}/rest`, headers: { cookie: this.cookie } });
	}

	logs(): string {
		return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
	}

	private async boot(): Promise<void> {
		const log = fs.openSync(this.logFile, 'a');
		const n8nBin = path.join(env.n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
		this.child = spawn(env.nodeBinary, [n8nBin, 'start'], {
			cwd: this.userFolder,
			stdio: ['ignore', log, log],
			env: {
				PATH: `${path.dirname(env.nodeBinary)}:${process.env.PATH ?? ''}`,
				HOME: this.userFolder,
				N8N_USER_FOLDER: this.userFolder,
				N8N_PORT: String(this.port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				N8N_PROTOCOL: 'http',
				N8N_WEBHOOK_URL: `${this.baseUrl}/`,
				WEBHOOK_URL: `${this.baseUrl}/`,
				N8N_EDITOR_BASE_URL: `${this.baseUrl}/`,
				N8N_SECURE_COOKIE: 'false',
				N8N_DIAGNOSTICS_ENABLED: 'false',
				N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
				N8N_TEMPLATES_ENABLED: 'false',
				N8N_PERSONALIZATION_ENABLED: 'false',
				N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
				N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
				N8N_LOG_LEVEL: 'debug',
				N8N_LOG_OUTPUT: 'console',
				DB_TYPE: 'sqlite',
				// n8n 1.x installed without install scripts lacks isolated-vm's native part.
				...(N8N_VERSION.startsWith('1.') ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
				...this.extraEnv,
			},
		});
		fs.closeSync(log);
		const child = this.child;
		let exited = false;
		child.once('exit', () => (exited = true));
		await waitFor(
			'n8n to start',
			async () => {
				if (exited) throw new Error(`n8n exited during start-up; see ${this.logFile}:\n${this.logs().slice(-3000)}`);
				const response = await axios.get(`${this.baseUrl}/healthz/readiness`, { validateStatus: () => true });
				return response.status === 200;
			},
			120_000,
			500,
		).catch((error: Error) => {
			if (exited) throw error;
			throw new Error(`${error.message}\n${this.logs().slice(-3000)}`);
		});
	}

	private async setUpOwner(): Promise<void> {
		const response = await waitFor('owner set-up', async () => {
			const answer = await axios.post(`${this.baseUrl}/rest/owner/setup`, OWNER, { validateStatus: () => true });
			return answer.status === 200 || answer.status === 400 ? answer : undefined;
		});
		if (response.status === 200) {
			this.cookie = (response.headers['set-cookie'] ?? []).map((c: string) => c.split(';')[0]).join('; ');
		} else {
			await this.login(); // a kept user folder: the owner exists already
		}
		const scopes = [
			'workflow:create', 'workflow:read', 'workflow:update', 'workflow:delete', 'workflow:list',
			'workflow:activate', 'workflow:deactivate', 'execution:read', 'execution:list', 'execution:delete',
			'credential:create', 'credential:delete', 'credential:list', 'credential:update',
		];
		// n8n versions differ in which scopes exist: ask for the ones this one offers.
		const offered = await this.rest.get('/api-keys/scopes').then(
			(answer) => answer.data.data as string[],
			() => scopes,
		);
		const key = await this.rest.post('/api-keys', {
			label: `harness ${Date.now()}`,
			scopes: scopes.filter((scope) => offered.includes(scope)),
			expiresAt: null,
		});
		this.apiKey = key.data.data.rawApiKey;
	}

	private async login(): Promise<void> {
		// Right after a restart n8n 1.x may answer 404 until its routes are up: retry.
		const response = await waitFor('the owner to log in', async () => {
			const answer = await axios.post(
				`${this.baseUrl}/rest/login`,
				{ emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password },
				{ validateStatus: () => true },
			);
			return answer.status === 200 ? answer : undefined;
		});
		this.cookie = (response.headers['set-cookie'] ?? []).map((c: string) => c.split(';')[0]).join('; ');
	}

	async stop(): Promise<void> {
		const child = this.child;
		if (!child || child.exitCode !== null) return;
		await new Promise<void>((resolve) => {
			const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
			child.once('exit', () => {
				clearTimeout(timer);
				resolve();
			});
			child.kill('SIGTERM');
		});
	}

	/** A crash: SIGKILL, no shutdown of any kind. */
	async kill(): Promise<void> {
		const child = this.child;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		await new Promise<void>((resolve) => {
			child.once('exit', () => resolve());
			child.kill('SIGKILL');
		});
	}

	/** Starts n8n again after kill(), on the same user folder. */
	async bootAgain(): Promise<void> {
		await this.boot();
		await this.login();
	}

	/** Stops and starts n8n on the same user folder (database, static data and API key survive). */
	async restart(extraEnv: Record<string, string> = this.extraEnv): Promise<void> {
		await this.stop();
		this.extraEnv = extraEnv;
		await this.boot();
		await this.login();
	}

	async dispose(): Promise<void> {
		await this.stop();
		if (!process.env.HEYGEN_E2E_KEEP) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}

	/** Through the editor's REST API: n8n 1.x's public API demands extra fields of every credential. */
	async createCredential(data: { apiKey: string; baseUrl: string }, name = 'HeyGen (sandbox)') {
		const response = await this.rest.post('/credentials', { name, type: CREDENTIAL_TYPE, data });
		return { id: String(response.data.data.id), name };
	}

	/** n8n's own "Test" button for a credential (`POST /rest/credentials/test`). */
	async testCredential(data: { apiKey: string; baseUrl: string }): Promise<{ status: string; message: string }> {
		// The editor tests a saved credential: its id, plus the data as typed in the form.
		const { id, name } = await this.createCredential(data, `probe ${Date.now()}`);
		const response = await this.rest.post('/credentials/test', {
			credentials: { id, name, type: CREDENTIAL_TYPE, data },
		});
		return response.data.data;
	}

	/** Changes a saved credential's data, as the editor's credential dialog does. */
	async updateCredential(id: string, data: { apiKey: string; baseUrl: string }, name = 'HeyGen (sandbox)'): Promise<void> {
		await this.rest.patch(`/credentials/${id}`, { name, type: CREDENTIAL_TYPE, data });
	}

	/** n8n 1.x on SQLite fails concurrent workflow writes ("no such savepoint"): one at a time. */
	private writes: Promise<unknown> = Promise.resolve();

	private async oneAtATime<T>(write: () => Promise<T>): Promise<T> {
		const result = this.writes.then(write, write);
		this.writes = result.catch(() => undefined);
		return await result;
	}

	async createWorkflow(workflow: WorkflowInput): Promise<{ id: string }> {
		return await this.oneAtATime(async () => await this.postWorkflow(workflow));
	}

	private async postWorkflow(workflow: WorkflowInput): Promise<{ id: string }> {
		const response = await this.api
			.post('/workflows', {
				connections: {},
				settings: { saveManualExecutions: true, saveDataSuccessExecution: 'all', executionOrder: 'v1' },
				...workflow,
			})
			.catch((error) => {
				throw new Error(`n8n refused workflow "${workflow.name}": ${JSON.stringify(error.response?.data)}`);
			});
		return { id: String(response.data.id) };
	}

	async getWorkflow(id: string) {
		return (await this.api.get(`/workflows/${id}`)).data as {
			active: boolean;
			staticData?: Record<string, Record<string, unknown>> | null;
		};
	}

	/** Activation returns before the trigger's create() ran: callers wait on its effect. */
	async activate(id: string): Promise<void> {
		await this.oneAtATime(
			async () =>
				await this.api.post(`/workflows/${id}/activate`, {}).catch((error) => {
					// Keep axios's error (callers read its response), with n8n's reason in the message.
					error.message = `n8n refused to activate workflow ${id}: ${JSON.stringify(error.response?.data)}`;
					throw error;
				}),
		);
	}

	async deactivate(id: string): Promise<void> {
		await this.api.post(`/workflows/${id}/deactivate`, {});
	}

	async executions(workflowId: string): Promise<Execution[]> {
		const response = await this.api.get('/executions', {
			params: { workflowId, includeData: true, limit: 250 },
		});
		return response.data.data as Execution[];
	}

	/** Every execution of a workflow, following the public API's cursor. */
	async allExecutions(workflowId: string, includeData = false): Promise<Execution[]> {
		const all: Execution[] = [];
		let cursor: string | undefined;
		do {
			const response = await this.api.get('/executions', {
				params: { workflowId, includeData, limit: 250, ...(cursor ? { cursor } : {}) },
			});
			all.push(...(response.data.data as Execution[]));
			cursor = response.data.nextCursor ?? undefined;
		} while (cursor);
		return all;
	}

	/** Waits until exactly `count` executions exist and none is still running. */
	async waitForExecutions(workflowId: string, count: number, timeoutMs = 30_000): Promise<Execution[]> {
		return await waitFor(`${count} execution(s) of workflow ${workflowId}`, async () => {
			const executions = await this.executions(workflowId);
			const done = executions.every((execution) => execution.status !== 'running' && execution.status !== 'new');
			return executions.length >= count && done ? executions : undefined;
		}, timeoutMs);
	}

	/** "Listen for test event" on a trigger. */
	async listenForTestEvent(workflowId: string, triggerName: string): Promise<void> {
		const workflow = (await this.rest.get(`/workflows/${workflowId}`)).data.data;
		await this.rest.post(`/workflows/${workflowId}/run`, {
			workflowData: workflow,
			triggerToStartFrom: { name: triggerName },
		});
	}

	async stopListening(workflowId: string): Promise<void> {
		await this.rest.delete(`/test-webhook/${workflowId}`);
	}

	async nodeTypes(): Promise<Array<{ name: string; displayName: string; usableAsTool?: boolean }>> {
		return (await axios.get(`${this.baseUrl}/types/nodes.json`, { headers: { cookie: this.cookie } })).data;
	}

	async credentialTypes(): Promise<Array<{ name: string; displayName: string }>> {
		return (await axios.get(`${this.baseUrl}/types/credentials.json`, { headers: { cookie: this.cookie } })).data;
	}
}

/** The JSON items a node produced in an execution. */
export function nodeOutput(execution: Execution, nodeName: string): Array<Record<string, unknown>> {
	const runs = execution.data?.resultData.runData[nodeName] ?? [];
	return runs.flatMap((run) => (run.data?.main ?? []).flat().map((item) => item.json));
}
