import axios, { type AxiosInstance } from 'axios';

import { waitFor } from './wait';

/**
 * n8n's editor REST API and public API, as the tests use them. One client per n8n whose main
 * process answers at `baseUrl`; `webhookBaseUrl` is what N8N_WEBHOOK_URL says (a load balancer
 * in queue mode, the same process otherwise).
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
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
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

export const PACKAGE_NAME = 'n8n-nodes-heygen-webhooks';
export const TRIGGER_TYPE = `${PACKAGE_NAME}.heyGenTrigger`;
export const ACTION_TYPE = `${PACKAGE_NAME}.heyGen`;
export const CREDENTIAL_TYPE = 'heyGenWebhooksApi';
export const OAUTH2_CREDENTIAL_TYPE = 'heyGenWebhooksOAuth2Api';

/** What n8n's OAuth2 callback answered: its page, as the browser's pop-up shows it. */
export interface OAuth2CallbackPage {
	status: number;
	html: string;
}

const API_KEY_SCOPES = [
	'workflow:create', 'workflow:read', 'workflow:update', 'workflow:delete', 'workflow:list',
	'workflow:activate', 'workflow:deactivate', 'execution:read', 'execution:list', 'execution:delete',
	'credential:create', 'credential:delete', 'credential:list', 'credential:update',
];

export class N8nClient {
	private cookie = '';
	private apiKey = '';

	constructor(
		readonly baseUrl: string,
		readonly webhookBaseUrl: string = baseUrl,
	) {}

	webhookUrl(webhookId: string, mode: 'production' | 'test' = 'production'): string {
		return `${this.webhookBaseUrl}/${mode === 'test' ? 'webhook-test' : 'webhook'}/${webhookId}/webhook`;
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

	/** Creates the owner (or logs in when it exists) and an API key for the public API. */
	async setUpOwner(): Promise<void> {
		const response = await waitFor('owner set-up', async () => {
			const answer = await axios.post(`${this.baseUrl}/rest/owner/setup`, OWNER, { validateStatus: () => true });
			return answer.status === 200 || answer.status === 400 ? answer : undefined;
		});
		if (response.status === 200) {
			this.cookie = (response.headers['set-cookie'] ?? []).map((c: string) => c.split(';')[0]).join('; ');
		} else {
			await this.login(); // a kept user folder: the owner exists already
		}
		// n8n versions differ in which scopes exist: ask for the ones this one offers.
		const offered = await this.rest.get('/api-keys/scopes').then(
			(answer) => answer.data.data as string[],
			() => API_KEY_SCOPES,
		);
		// n8n 1.x on SQLite can answer 500 (database locked) while it activates workflows at boot.
		const key = await waitFor('an API key', async () => {
			const answer = await this.rest.post(
				'/api-keys',
				{ label: `harness ${Date.now()}`, scopes: API_KEY_SCOPES.filter((scope) => offered.includes(scope)), expiresAt: null },
				{ validateStatus: () => true },
			);
			if (answer.status >= 500) return undefined;
			if (answer.status !== 200) throw new Error(`n8n refused an API key: ${answer.status} ${JSON.stringify(answer.data)}`);
			return answer;
		});
		this.apiKey = key.data.data.rawApiKey;
	}

	async login(): Promise<void> {
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

	/** An OAuth2 credential (not connected yet), as the editor saves it before "Connect my account". */
	async createOAuth2Credential(data: Record<string, string>, name = 'HeyGen OAuth2 (sandbox)') {
		const response = await this.rest.post('/credentials', { name, type: OAUTH2_CREDENTIAL_TYPE, data });
		return { id: String(response.data.data.id), name };
	}

	/**
	 * "Connect my account": n8n's `/rest/oauth2-credential/auth` answers with the authorization
	 * URL, and may set a cookie that binds the flow to this browser; the callback must carry it.
	 */
	async startOAuth2(credentialId: string): Promise<{ authorizeUrl: string; cookies: string }> {
		const response = await this.rest.get('/oauth2-credential/auth', { params: { id: credentialId } });
		const cookies = (response.headers['set-cookie'] ?? []).map((c: string) => c.split(';')[0]).join('; ');
		return { authorizeUrl: String(response.data.data), cookies };
	}

	/** The browser following the authorization server's redirect back to n8n's callback. */
	async oauth2Callback(callbackUrl: string, cookies: string): Promise<OAuth2CallbackPage> {
		const response = await axios.get(callbackUrl, {
			headers: { cookie: [this.cookie, cookies].filter(Boolean).join('; ') },
			responseType: 'text',
			validateStatus: () => true,
			maxRedirects: 0,
		});
		return { status: response.status, html: String(response.data) };
	}

	/** A saved credential as the editor loads it (secrets and token data redacted by n8n). */
	async getCredential(id: string): Promise<{ data?: Record<string, unknown> }> {
		return (await this.rest.get(`/credentials/${id}`, { params: { includeData: true } })).data.data;
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
			nodes: WorkflowNode[];
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

	/** Waits until n8n routes POSTs to a production webhook URL (activation is asynchronous). */
	async waitForWebhook(url: string): Promise<void> {
		await waitFor(`webhook ${url} to be registered`, async () => {
			// n8n looks the path up for a CORS preflight: 204 once registered, an error before.
			const answer = await axios.request({
				method: 'OPTIONS',
				url,
				headers: { Origin: 'http://127.0.0.1', 'Access-Control-Request-Method': 'POST' },
				validateStatus: () => true,
			});
			return answer.status === 204;
		});
	}

	async deactivate(id: string): Promise<void> {
		await this.api.post(`/workflows/${id}/deactivate`, {});
	}

	/** Every execution of a workflow, newest first (follows the public API's cursor). */
	async executions(workflowId: string, includeData = true): Promise<Execution[]> {
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

	/** Waits until at least `count` executions exist and none is still running; returns them with data. */
	async waitForExecutions(workflowId: string, count: number, timeoutMs = 30_000): Promise<Execution[]> {
		await waitFor(`${count} execution(s) of workflow ${workflowId}`, async () => {
			const executions = await this.executions(workflowId, false);
			return executions.length >= count && executions.every(isDone);
		}, timeoutMs);
		return await this.executions(workflowId);
	}

	/** "Listen for test event" on a trigger. */
	async listenForTestEvent(workflowId: string, triggerName: string): Promise<void> {
		const workflow = (await this.rest.get(`/workflows/${workflowId}`)).data.data;
		await this.rest.post(`/workflows/${workflowId}/run`, {
			workflowData: workflow,
			triggerToStartFrom: { name: triggerName },
		});
	}

	/** "Execute workflow" from a Manual Trigger, as the editor does; n8n saves the execution. */
	async runManually(workflowId: string, triggerName: string): Promise<void> {
		const workflow = (await this.rest.get(`/workflows/${workflowId}`)).data.data;
		await this.rest.post(`/workflows/${workflowId}/run`, { workflowData: workflow, triggerToStartFrom: { name: triggerName } });
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

export function isDone(execution: Execution): boolean {
	return execution.status !== 'running' && execution.status !== 'new';
}

/** The JSON items a node produced in an execution. */
export function nodeOutput(execution: Execution, nodeName: string): Array<Record<string, unknown>> {
	const runs = execution.data?.resultData.runData[nodeName] ?? [];
	return runs.flatMap((run) => (run.data?.main ?? []).flat().map((item) => item.json));
}
