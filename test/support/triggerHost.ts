import { EventEmitter } from 'events';
import { HookContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IWebhookData,
	type IWebhookFunctions,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { startReceiver, type Receiver, type Received } from './receiver';
import { HeyGenTrigger } from '../../nodes/HeyGenTrigger/HeyGenTrigger.node';
import { additionalData, NODE_TYPES, PACKAGE } from './n8nCore';
import { HEYGEN_CREDENTIALS } from './runWorkflow';

const WEBHOOK_ID = 'heygen-trigger-hook';

export interface TriggerHost {
	/** Where HeyGen delivers: the trigger's production webhook URL. */
	readonly webhookUrl: string;
	/** The per-job callback URL: what a user passes as callback_url. */
	readonly callbackUrl: string;
	/** Every request that reached the URL, HeyGen's OPTIONS probe included. */
	readonly receiver: Receiver;
	/** The items of every execution webhook() started, in order. */
	readonly executions: INodeExecutionData[][];
	/** The node's static data as n8n would have saved it. */
	staticData(): IDataObject;
	/** Replaces how n8n creates executions (default: records them in `executions`). */
	setRunExecution(run: RunExecution): void;
	/** Another n8n process saved static data last, overwriting what this one saved. */
	overwriteStaticData(data: IDataObject): void;
	/** The user edits the trigger (publish it again to apply, as in n8n: deactivate, then activate). */
	setParameters(parameters: INode['parameters']): void;
	/** n8n's activation: checkExists(), then create() if that said no. */
	activate(): Promise<void>;
	/** n8n's deactivation: delete(). */
	deactivate(): Promise<void>;
	close(): Promise<void>;
}

/** What n8n's webhook server hands webhook() as Express's request: headers, parsed and raw body. */
function requestOf(received: Received): object {
	let body: unknown = {};
	try {
		body = JSON.parse(received.raw.toString('utf8'));
	} catch {
		// n8n's JSON parser would have refused it; the node reads the raw body anyway.
	}
	return {
		method: received.method,
		url: received.path,
		headers: received.headers,
		query: {},
		params: {},
		body,
		rawBody: received.raw,
		readRawBody: async () => {},
	};
}

/**
 * The part of Express's response webhook() and n8n use: the answer, its headers, and the
 * "finish"/"close" events Node's response emits once it has been sent.
 */
class ResponseRecorder extends EventEmitter {
	reply: { status: number; body?: string; headers: Record<string, string> } | undefined;
	writableFinished = false;
	statusCode = 200;
	private readonly headers: Record<string, string> = {};

	setHeader(name: string, value: string): this {
		this.headers[name] = value;
		return this;
	}

	status(code: number): this {
		this.statusCode = code;
		return this;
	}

	json(body: unknown): this {
		return this.send(JSON.stringify(body));
	}

	send(body?: string): this {
		if (this.writableFinished) return this;
		this.reply = { status: this.statusCode, body, headers: this.headers };
		this.writableFinished = true;
		this.emit('finish');
		this.emit('close');
		return this;
	}

	end(): this {
		return this.send(this.reply?.body);
	}
}

/**
 * Hosts one HeyGen Trigger the way n8n's webhook server does, on the shared receiver: static data
 * loaded for every request and saved after it if changed, webhook() called in n8n-core's
 * WebhookContext, and for `responseMode: 'onReceived'` the execution recorded before the answer.
 */
export interface HostOptions {
	/** Static data as an earlier n8n process saved it. */
	staticData?: IDataObject;
	/** The node as another n8n process has it (its own memory): see `freshProcess`. */
	trigger?: HeyGenTrigger;
	/**
	 * n8n 1.x's order: it reads the answer and saves static data before it creates the execution;
	 * a failure to create it that comes before the 2xx is sent becomes a 500.
	 */
	answersBeforeRecording?: boolean;
}

/** n8n's WorkflowRunner.run: creates the execution; a test can make it throw (a database error). */
export type RunExecution = (items: INodeExecutionData[]) => Promise<void>;

/** The HeyGen Trigger as a newly started n8n process loads it: module state and all. */
export function freshProcess(): HeyGenTrigger {
	let node: HeyGenTrigger | undefined;
	jest.isolateModules(() => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const module = require('../../nodes/HeyGenTrigger/HeyGenTrigger.node') as { HeyGenTrigger: typeof HeyGenTrigger };
		node = new module.HeyGenTrigger();
	});
	return node!;
}

const sharedProcess = new HeyGenTrigger();

export async function hostTrigger(
	parameters: INode['parameters'],
	credentials: ICredentialDataDecryptedObject,
	{ staticData = {}, trigger = sharedProcess, answersBeforeRecording = false }: HostOptions = {},
): Promise<TriggerHost> {
	const receiver = await startReceiver();
	const webhookBaseUrl = `${new URL(receiver.url).origin}/webhook`;
	const node: INode = {
		id: 'trigger',
		name: 'HeyGen Trigger',
		type: `${PACKAGE}.heyGenTrigger`,
		typeVersion: 2,
		position: [0, 0],
		webhookId: WEBHOOK_ID,
		parameters,
		credentials: { [HEYGEN_CREDENTIALS]: { id: '1', name: 'HeyGen (sandbox)' } },
	};
	let saved: IDataObject = staticData;
	const executions: INodeExecutionData[][] = [];

	const load = () =>
		new Workflow({
			id: 'workflow-tier-trigger',
			name: 'trigger host',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: NODE_TYPES,
			staticData: structuredClone(saved),
		});
	const save = (workflow: Workflow) => {
		if (!workflow.staticData.__dataChanged) return;
		// n8n keeps static data as JSON in its database.
		const { __dataChanged, ...data } = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
		void __dataChanged;
		saved = data;
	};
	const data = (extra: Partial<IWorkflowExecuteAdditionalData> = {}) => ({
		...additionalData({ credentials: { [HEYGEN_CREDENTIALS]: credentials }, webhookBaseUrl }),
		...extra,
	});
	// The modes n8n 2.41.1 calls the lifecycle in: activation "trigger", deactivation "internal".
	const lifecycle = async (mode: 'trigger' | 'internal', step: (context: HookContext) => Promise<void>) => {
		const workflow = load();
		await step(new HookContext(workflow, node, data(), mode, mode === 'trigger' ? 'activate' : 'update'));
		save(workflow);
	};

	// The event URL (`…/webhook`) and the per-job callback URL (`…/callback`): n8n routes by path.
	const descriptionFor = (path: string) =>
		trigger.description.webhooks!.find((webhook) => path.split('?')[0].endsWith(`/${WEBHOOK_ID}/${webhook.path as string}`));
	// Creating the execution is database I/O in n8n: other requests run meanwhile.
	const recordExecution: RunExecution = async (items) => {
		await new Promise((resolve) => setImmediate(resolve));
		executions.push(items);
	};
	let runExecution = recordExecution;
	receiver.setHandler(async (received) => {
		if (received.method !== 'POST') return { status: 204 };
		const description = descriptionFor(received.path);
		if (!description) return { status: 404, body: 'The requested webhook is not registered.' };
		const workflow = load();
		const response = new ResponseRecorder();
		const extra = { httpRequest: requestOf(received), httpResponse: response } as unknown as Partial<IWorkflowExecuteAdditionalData>;
		const webhookData: IWebhookData = {
			httpMethod: 'POST',
			node: node.name,
			path: `${WEBHOOK_ID}/${description.path as string}`,
			webhookDescription: description,
			workflowId: workflow.id,
			webhookId: WEBHOOK_ID,
			workflowExecuteAdditionalData: data(extra),
		};
		const context = new WebhookContext(workflow, node, data(extra), 'webhook', webhookData, [], null);
		const result = await trigger.webhook.call(context as IWebhookFunctions);
		if (result.noWebhookResponse) {
			save(workflow);
			return response.reply ?? { status: 500, body: 'webhook() answered nothing' };
		}
		if (answersBeforeRecording) {
			const body = JSON.stringify(result.webhookResponse ?? {});
			save(workflow);
			try {
				if (result.workflowData) await runExecution(result.workflowData[0]);
			} catch {
				response.status(500).json({ code: 0, message: 'There was a problem executing the workflow' });
				return response.reply!;
			}
			response.status(200).send(body);
			return response.reply!;
		}
		// onReceived (n8n 2.x): n8n creates the execution, reads webhookResponse, saves static
		// data, answers. If creating the execution throws, it answers 500 and saves nothing.
		if (result.workflowData) {
			try {
				await runExecution(result.workflowData[0]);
			} catch {
				response.status(500).json({ code: 500, message: 'There was a problem executing the workflow' });
				return response.reply!;
			}
			// Creating the execution wraps static data again, which clears its "changed" flag.
			workflow.staticData.__dataChanged = false;
		}
		const body = JSON.stringify(result.webhookResponse ?? {});
		save(workflow);
		response.status(200).send(body);
		return response.reply!;
	});

	return {
		webhookUrl: `${webhookBaseUrl}/${WEBHOOK_ID}/webhook`,
		callbackUrl: `${webhookBaseUrl}/${WEBHOOK_ID}/callback`,
		receiver,
		executions,
		staticData: () => structuredClone(saved),
		setRunExecution: (run) => {
			runExecution = run;
		},
		overwriteStaticData: (data) => {
			saved = structuredClone(data);
		},
		setParameters: (parameters) => {
			node.parameters = parameters;
		},
		activate: async () =>
			await lifecycle('trigger', async (context) => {
				const exists = await trigger.webhookMethods.default.checkExists.call(context);
				if (!exists) await trigger.webhookMethods.default.create.call(context);
			}),
		deactivate: async () =>
			await lifecycle('internal', async (context) => {
				await trigger.webhookMethods.default.delete.call(context);
			}),
		close: async () => await receiver.close(),
	};
}
